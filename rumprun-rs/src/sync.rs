//! `BootCell`: a global that is mutated only by the single CPU with
//! interrupts disabled (the kernel runs with IF clear in ring 0 and is not
//! preemptible), which is what makes handing out `&mut` sound. It replaces
//! `static mut` so every access goes through one audited place.

use core::cell::UnsafeCell;

/// A global mutated only with interrupts off on the one CPU.
pub struct BootCell<T>(UnsafeCell<T>);

// SAFETY: there is one CPU and the kernel never runs with interrupts enabled
// in ring 0, so no two `with` calls can overlap (they do not nest: `with`
// closures in this kernel never call back into `with` on the same cell).
unsafe impl<T> Sync for BootCell<T> {}

impl<T> BootCell<T> {
    /// Wraps a value.
    pub const fn new(v: T) -> Self {
        BootCell(UnsafeCell::new(v))
    }

    /// Runs `f` with exclusive access to the value.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: see the `Sync` impl: single CPU, no interrupts in ring 0,
        // no nesting, so this is the only live reference.
        f(unsafe { &mut *self.0.get() })
    }

    /// Returns the raw address (for descriptors the CPU reads, like the TSS).
    pub fn as_ptr(&self) -> *mut T {
        self.0.get()
    }
}
