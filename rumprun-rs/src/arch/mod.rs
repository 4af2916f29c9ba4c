//! Architecture code, chosen once here (STYLE.md "Arch code in one place").

mod x86_64;

pub use x86_64::{apic, boot, cpu, gdt, idt, ioapic, paging, switch};
