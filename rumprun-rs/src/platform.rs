//! Where concrete types meet the syscall layer: [`Kernel`] implements
//! `posix::platform::Platform` with the page tables, the frame allocator,
//! the console and the clocks. User memory is never dereferenced through
//! its user address: copies translate each page and go through the direct
//! map, so the kernel runs with SMAP closed at all times and a copy cannot
//! fault (a missing page is reported back to `posix`, which resolves it).

use alloc::sync::Arc;

use posix::platform::{Fault, OutOfMemory, Platform, Prot, SharedPage, Tid, UserAddr};

use crate::arch::cpu;
use crate::arch::paging::{self, UserFlags, USER_END};
use crate::mem::{frames, phys, PAGE};

/// The kernel, as the syscall layer's platform.
pub struct Kernel;

const IA32_FS_BASE: u32 = 0xc000_0100;

fn flags(prot: Prot) -> UserFlags {
    // W^X is posix::mm's policy; enforce it here again so no path can
    // create a writable executable page.
    UserFlags {
        access: prot.read || prot.write || prot.exec,
        write: prot.write,
        exec: prot.exec && !prot.write,
    }
}

/// Calls `f(frame_bytes_from_offset, len)` for each page piece of a user range.
fn for_each_piece(
    addr: UserAddr,
    len: usize,
    write: bool,
    mut f: impl FnMut(&mut [u8], usize),
) -> Result<(), Fault> {
    let start = addr.0;
    let end = start.checked_add(len as u64).ok_or(Fault { addr })?;
    if end > USER_END {
        return Err(Fault {
            addr: UserAddr(start.max(USER_END)),
        });
    }
    // Check every page first so a failed copy has no side effects.
    let mut va = start & !(PAGE - 1);
    while va < end {
        match paging::translate_user(va) {
            Some((_, fl)) if !write || fl.write => {}
            _ => {
                return Err(Fault {
                    addr: UserAddr(va.max(start)),
                })
            }
        }
        va += PAGE;
    }
    let mut done = 0usize;
    let mut va = start;
    while va < end {
        let (pa, _) = paging::translate_user(va).ok_or(Fault { addr: UserAddr(va) })?;
        let off = (va % PAGE) as usize;
        let n = ((PAGE as usize) - off).min((end - va) as usize);
        f(&mut phys::frame_mut(pa)[off..off + n], done);
        done += n;
        va += n as u64;
    }
    Ok(())
}

/// A page-cache frame shared with `MAP_SHARED` mappings: this handle is one
/// holder of the frame's reference count in `frames`, each page-table entry
/// mapping it another (taken in `map_shared_page`, dropped by `unmap`).
/// Its bytes are reached through the direct map like any user page in
/// `copy_to_user`: the program may store to the frame at the same moment,
/// which is ordinary shared memory and never touches kernel data.
struct KernelSharedPage {
    pa: u64,
}

impl SharedPage for KernelSharedPage {
    fn read(&self, offset: usize, buf: &mut [u8]) {
        buf.copy_from_slice(&phys::frame_mut(self.pa)[offset..offset + buf.len()]);
    }

    fn write(&self, offset: usize, buf: &[u8]) {
        phys::frame_mut(self.pa)[offset..offset + buf.len()].copy_from_slice(buf);
    }

    fn as_any(&self) -> &dyn core::any::Any {
        self
    }
}

impl Drop for KernelSharedPage {
    fn drop(&mut self) {
        frames::put(self.pa);
    }
}

impl Platform for Kernel {
    fn console_write(&self, bytes: &[u8]) {
        crate::console::write_bytes(bytes);
    }

    fn copy_from_user(&self, src: UserAddr, dst: &mut [u8]) -> Result<(), Fault> {
        let len = dst.len();
        for_each_piece(src, len, false, |page, at| {
            dst[at..at + page.len()].copy_from_slice(page)
        })
    }

    fn copy_to_user(&self, dst: UserAddr, src: &[u8]) -> Result<(), Fault> {
        for_each_piece(dst, src.len(), true, |page, at| {
            page.copy_from_slice(&src[at..at + page.len()])
        })
    }

    fn map_zeroed(&self, addr: UserAddr, len: u64, prot: Prot) -> Result<(), OutOfMemory> {
        let fl = flags(prot);
        let mut va = addr.0;
        while va < addr.0 + len {
            let ok = match frames::alloc() {
                Some(pa) => {
                    paging::map_user(va, pa, fl) || {
                        frames::free(pa);
                        false
                    }
                }
                None => false,
            };
            if !ok {
                self.unmap(addr, va - addr.0);
                return Err(OutOfMemory);
            }
            va += PAGE;
        }
        Ok(())
    }

    fn alloc_shared_page(&self) -> Result<Arc<dyn SharedPage>, OutOfMemory> {
        let pa = frames::share().ok_or(OutOfMemory)?;
        Ok(Arc::new(KernelSharedPage { pa }))
    }

    fn map_shared_page(
        &self,
        addr: UserAddr,
        page: &Arc<dyn SharedPage>,
        prot: Prot,
    ) -> Result<(), OutOfMemory> {
        // Only frames from `alloc_shared_page` carry a reference count; a
        // foreign page could name any memory, so it is refused.
        let page = page
            .as_any()
            .downcast_ref::<KernelSharedPage>()
            .ok_or(OutOfMemory)?;
        if addr.0 >= USER_END || !addr.0.is_multiple_of(PAGE) || !frames::get(page.pa) {
            return Err(OutOfMemory);
        }
        if !paging::map_user(addr.0, page.pa, flags(prot)) {
            frames::put(page.pa);
            return Err(OutOfMemory);
        }
        Ok(())
    }

    fn unmap(&self, addr: UserAddr, len: u64) {
        let mut va = addr.0 & !(PAGE - 1);
        while va < addr.0 + len {
            if let Some(pa) = paging::unmap_user(va) {
                // A shared frame stays while the page cache or another
                // mapping holds it.
                frames::put(pa);
            }
            va += PAGE;
        }
    }

    fn protect(&self, addr: UserAddr, len: u64, prot: Prot) {
        let fl = flags(prot);
        let mut va = addr.0 & !(PAGE - 1);
        while va < addr.0 + len {
            paging::protect_user(va, fl);
            va += PAGE;
        }
    }

    fn monotonic_ns(&self) -> u64 {
        crate::time::monotonic_ns()
    }

    fn realtime_ns(&self) -> u64 {
        crate::time::realtime_ns()
    }

    fn random(&self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = cpu::hw_random().unwrap_or_else(|| {
                // No RDRAND/RDSEED: mix the TSC (weak; said once at boot).
                let mut x = cpu::rdtsc().wrapping_mul(0x9e37_79b9_7f4a_7c15);
                x ^= x >> 31;
                x
            });
            chunk.copy_from_slice(&v.to_le_bytes()[..chunk.len()]);
        }
    }

    fn set_fs_base(&self, base: u64) {
        // A non-canonical FS base would #GP in the kernel on WRMSR; posix
        // rejects those, and this check keeps the kernel safe regardless.
        if base < USER_END {
            // SAFETY: FS_BASE only affects ring-3 %fs accesses; the kernel
            // does not use %fs.
            unsafe { cpu::wrmsr(IA32_FS_BASE, base) };
        }
    }

    fn fs_base(&self) -> u64 {
        cpu::rdmsr(IA32_FS_BASE)
    }

    fn hwcap(&self) -> u64 {
        // ELF_HWCAP on x86_64 is CPUID.01H:EDX (arch/x86/include/asm/elf.h).
        u64::from(cpu::cpuid(1, 0).3)
    }

    fn free_memory(&self) -> Option<u64> {
        Some(frames::free_bytes())
    }

    fn current_tid(&self) -> Tid {
        crate::sched::current_tid()
    }

    fn spawn_thread(&self, stack: u64, tls: Option<u64>) -> Result<Tid, OutOfMemory> {
        crate::sched::spawn(stack, tls).ok_or(OutOfMemory)
    }

    fn block(&self, deadline_ns: Option<u64>) -> bool {
        crate::sched::block(deadline_ns)
    }

    fn wake(&self, tid: Tid) {
        crate::sched::wake(tid)
    }

    fn fpu_save(&self, out: &mut [u8; 512]) {
        crate::arch::switch::fx_save(out);
    }

    fn fpu_restore(&self, image: &[u8; 512]) {
        crate::arch::switch::fx_restore(image);
    }

    fn set_net_timer(&self, at_ns: Option<u64>) {
        crate::sched::set_net_timer(at_ns.map(crate::time::ns_to_tsc));
    }
}
