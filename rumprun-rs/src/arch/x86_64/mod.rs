//! Everything specific to x86_64, in one place (STYLE.md "Arch code in one
//! place"): boot entry, CPU instructions, GDT/TSS, IDT and the trap and
//! syscall entries, page tables, the local and I/O APICs.

pub mod apic;
pub mod boot;
pub mod cpu;
pub mod gdt;
pub mod idt;
pub mod ioapic;
pub mod paging;
pub mod switch;
