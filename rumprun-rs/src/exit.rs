//! Stopping the VM with a status (protocol in `rumprun_config::exit`):
//! the status line goes to QEMU's isa-debugcon, then isa-debug-exit stops
//! QEMU. If neither device exists (another VMM, bare metal), halt forever
//! with interrupts off.

use rumprun_config::exit::{status_line, DEBUGCON_PORT, DEBUG_EXIT_PORT};

use crate::arch::cpu;

/// Stops the VM with `status`; never returns.
pub fn exit_vm(status: u8) -> ! {
    let mut buf = [0u8; 16];
    for &b in status_line(status, &mut buf) {
        cpu::outb(DEBUGCON_PORT, b);
    }
    cpu::outl(DEBUG_EXIT_PORT, u32::from(status));
    loop {
        cpu::hlt();
    }
}
