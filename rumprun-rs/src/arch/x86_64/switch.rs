//! Kernel context switch and per-thread FPU/SSE/AVX state. Owns the
//! register save/restore invariant: a switched-out thread's callee-saved
//! registers sit on its own kernel stack below its saved RSP, and its
//! user-visible FPU state sits in its [`FpuArea`] (the kernel is built
//! soft-float, so the FPU registers always hold the running thread's state).
//! XSAVE/XRSTOR when CR4.OSXSAVE is on (SDM Vol. 1 §13), else FXSAVE.

use alloc::alloc::{alloc_zeroed, dealloc, Layout};
use core::arch::{asm, global_asm};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::cpu::{cpuid, cr4};

global_asm!(
    r#"
    .text
    .global context_switch
context_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

    .global thread_trampoline
thread_trampoline:
    jmp trap_return
"#
);

unsafe extern "C" {
    /// Saves callee-saved registers and RSP into `*from`, resumes `to`.
    pub fn context_switch(from: *mut u64, to: u64);
    /// First code a new thread runs: leaves through the trap return path
    /// with the `TrapFrame` that sits just above it on its kernel stack.
    pub fn thread_trampoline();
}

static USE_XSAVE: AtomicBool = AtomicBool::new(false);
static AREA_SIZE: AtomicUsize = AtomicUsize::new(512);

/// Sizes the save area; call after `cpu_features` set CR4/XCR0.
pub fn init() {
    if cr4() & (1 << 18) != 0 {
        let (_, ebx, _, _) = cpuid(0xd, 0);
        USE_XSAVE.store(true, Ordering::Relaxed);
        AREA_SIZE.store((ebx as usize).max(576), Ordering::Relaxed);
    }
}

/// One thread's saved FPU/SSE/AVX state, 64-byte aligned as XSAVE requires.
pub struct FpuArea {
    ptr: *mut u8,
    layout: Layout,
}

// SAFETY: the area is plain memory owned by one thread object; the kernel is
// single-CPU and never shares it.
unsafe impl Send for FpuArea {}

impl FpuArea {
    /// Allocates a zeroed area (XSTATE_BV = 0 restores the init state).
    pub fn new() -> Option<FpuArea> {
        let layout = Layout::from_size_align(AREA_SIZE.load(Ordering::Relaxed), 64).ok()?;
        // SAFETY: the layout has non-zero size.
        let ptr = unsafe { alloc_zeroed(layout) };
        (!ptr.is_null()).then_some(FpuArea { ptr, layout })
    }

    /// Saves the live FPU state here.
    pub fn save(&mut self) {
        if USE_XSAVE.load(Ordering::Relaxed) {
            // SAFETY: ptr is 64-byte aligned and AREA_SIZE (CPUID 0xD) long.
            unsafe {
                asm!("xsave64 [{}]", in(reg) self.ptr, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack))
            };
        } else {
            // SAFETY: ptr is 16-byte aligned and at least 512 bytes.
            unsafe { asm!("fxsave64 [{}]", in(reg) self.ptr, options(nostack)) };
        }
    }

    /// Loads the FPU state saved here.
    pub fn restore(&self) {
        if USE_XSAVE.load(Ordering::Relaxed) {
            // SAFETY: the area holds zeroes or an XSAVE image made by `save`
            // (or copied from one), both valid XRSTOR inputs.
            unsafe {
                asm!("xrstor64 [{}]", in(reg) self.ptr, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack))
            };
        } else {
            // SAFETY: as above, for FXRSTOR; a zeroed area is a valid image
            // except MXCSR, which `copy_from` callers initialise.
            unsafe { asm!("fxrstor64 [{}]", in(reg) self.ptr, options(nostack)) };
        }
    }

    /// Copies another area's contents (a new thread inherits its creator's state).
    pub fn copy_from(&mut self, other: &FpuArea) {
        // SAFETY: both areas are AREA_SIZE bytes and distinct allocations.
        unsafe { core::ptr::copy_nonoverlapping(other.ptr, self.ptr, self.layout.size()) };
    }
}

impl Drop for FpuArea {
    fn drop(&mut self) {
        // SAFETY: ptr was allocated with this layout in `new`.
        unsafe { dealloc(self.ptr, self.layout) };
    }
}

/// A 16-byte-aligned bounce buffer for FXSAVE/FXRSTOR (SDM Vol. 2A FXSAVE:
/// the operand must be 16-byte aligned).
#[repr(C, align(16))]
struct FxImage([u8; 512]);

/// Saves the live x87/SSE state (the running thread's: the kernel is
/// soft-float) as an FXSAVE image, for a signal frame.
pub fn fx_save(out: &mut [u8; 512]) {
    let mut img = FxImage([0; 512]);
    // SAFETY: img is 512 bytes, 16-byte aligned, and owned by this frame.
    unsafe { asm!("fxsave64 [{}]", in(reg) img.0.as_mut_ptr(), options(nostack)) };
    *out = img.0;
}

/// Loads the x87/SSE state from an FXSAVE image (rt_sigreturn). MXCSR bits
/// outside the CPU's MXCSR_MASK would raise #GP in FXRSTOR, so they are
/// cleared here whatever the caller did (SDM Vol. 1 §11.6.6).
pub fn fx_restore(image: &[u8; 512]) {
    let mut cur = FxImage([0; 512]);
    // SAFETY: as in fx_save.
    unsafe { asm!("fxsave64 [{}]", in(reg) cur.0.as_mut_ptr(), options(nostack)) };
    let mut mask = u32::from_le_bytes([cur.0[28], cur.0[29], cur.0[30], cur.0[31]]);
    if mask == 0 {
        mask = 0xffbf;
    }
    let mut img = FxImage(*image);
    let mxcsr = u32::from_le_bytes([img.0[24], img.0[25], img.0[26], img.0[27]]) & mask;
    img.0[24..28].copy_from_slice(&mxcsr.to_le_bytes());
    // SAFETY: img is 16-byte aligned, 512 bytes, and its MXCSR holds only
    // bits the CPU supports (above); every other field is accepted by
    // FXRSTOR in 64-bit mode.
    unsafe { asm!("fxrstor64 [{}]", in(reg) img.0.as_ptr(), options(nostack)) };
}
