//! A mock [`Platform`] for host tests (compiled only for tests or with the
//! `testing` feature, never in release kernels): a sparse page map with
//! per-page protection, console capture, a deterministic random source and
//! settable clocks. It enforces the platform contract strictly: mapping a
//! present page, or a writable+executable page, panics the test.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use crate::platform::{Fault, OutOfMemory, Platform, Prot, SharedPage, UserAddr};

const PAGE: u64 = 4096;

/// One present page: its bytes and protection.
pub type MockPage = (MockFrame, Prot);

/// The bytes behind a present mock page: its own, or a [`MockSharedPage`]
/// that other mappings and a file's page cache see too.
pub enum MockFrame {
    /// A private frame from `map_zeroed`.
    Own(Box<[u8; 4096]>),
    /// A shared frame from `map_shared_page`.
    Shared(Arc<dyn SharedPage>),
}

impl MockFrame {
    fn get(&self, i: usize) -> u8 {
        match self {
            MockFrame::Own(b) => b[i],
            MockFrame::Shared(s) => {
                let mut b = [0u8];
                s.read(i, &mut b);
                b[0]
            }
        }
    }

    fn set(&mut self, i: usize, v: u8) {
        match self {
            MockFrame::Own(b) => b[i] = v,
            MockFrame::Shared(s) => s.write(i, &[v]),
        }
    }
}

/// The mock's [`SharedPage`]: bytes behind a lock (the trait wants `Sync`).
pub struct MockSharedPage(spin::Mutex<[u8; 4096]>);

impl SharedPage for MockSharedPage {
    fn read(&self, offset: usize, buf: &mut [u8]) {
        buf.copy_from_slice(&self.0.lock()[offset..offset + buf.len()]);
    }

    fn write(&self, offset: usize, buf: &[u8]) {
        self.0.lock()[offset..offset + buf.len()].copy_from_slice(buf);
    }

    fn as_any(&self) -> &dyn core::any::Any {
        self
    }
}

/// The mock machine.
pub struct MockPlatform {
    /// Present pages: page address -> (contents, protection).
    pub pages: RefCell<BTreeMap<u64, MockPage>>,
    /// Everything written to the console.
    pub console: RefCell<Vec<u8>>,
    /// xorshift state of the random source.
    pub rng: Cell<u64>,
    /// Monotonic clock (ns).
    pub mono: Cell<u64>,
    /// Wall clock (ns since the epoch).
    pub real: Cell<u64>,
    /// FS base.
    pub fs: Cell<u64>,
    /// Remaining frames before `map_zeroed` fails (`u64::MAX`: unlimited).
    pub frames_left: Cell<u64>,
    /// Number of `map_zeroed` calls (to observe demand paging).
    pub map_calls: Cell<u64>,
    /// The thread `current_tid` reports.
    pub tid: Cell<u32>,
    /// What `free_memory` reports (`None`: unknown, like the default).
    pub free: Cell<Option<u64>>,
    /// Threads started by `spawn_thread`: (tid, stack, tls).
    pub spawned: RefCell<Vec<(u32, u64, Option<u64>)>>,
    /// Every `block` call's deadline, in order.
    pub blocks: RefCell<Vec<Option<u64>>>,
    /// Scripted results of `block` (front first); when empty, `block`
    /// times out and, if it has a deadline, advances the clock to it.
    pub block_results: RefCell<alloc::collections::VecDeque<bool>>,
    /// Every `wake` call's thread, in order.
    pub wakes: RefCell<Vec<u32>>,
    /// The FXSAVE image `fpu_save` returns and `fpu_restore` replaces.
    pub fpu: RefCell<[u8; 512]>,
}

impl Default for MockPlatform {
    fn default() -> Self {
        MockPlatform::new(1)
    }
}

impl MockPlatform {
    /// Returns a mock whose random source starts from `seed`.
    pub fn new(seed: u64) -> MockPlatform {
        MockPlatform {
            pages: RefCell::new(BTreeMap::new()),
            console: RefCell::new(Vec::new()),
            rng: Cell::new(seed.max(1)),
            mono: Cell::new(5_000_000_123),
            real: Cell::new(1_700_000_000_123_456_789),
            fs: Cell::new(0),
            frames_left: Cell::new(u64::MAX),
            map_calls: Cell::new(0),
            tid: Cell::new(1),
            free: Cell::new(None),
            spawned: RefCell::new(Vec::new()),
            blocks: RefCell::new(Vec::new()),
            block_results: RefCell::new(alloc::collections::VecDeque::new()),
            wakes: RefCell::new(Vec::new()),
            fpu: RefCell::new(crate::signal::frame::initial_fpstate()),
        }
    }

    /// Returns the console output as text.
    pub fn console_text(&self) -> String {
        String::from_utf8_lossy(&self.console.borrow()).into_owned()
    }

    /// Returns the protection of the present page containing `addr`.
    pub fn prot_at(&self, addr: u64) -> Option<Prot> {
        self.pages
            .borrow()
            .get(&(addr & !(PAGE - 1)))
            .map(|(_, p)| *p)
    }

    /// Reads bytes regardless of protection (for test assertions).
    pub fn peek(&self, addr: u64, len: usize) -> Option<Vec<u8>> {
        let pages = self.pages.borrow();
        let mut out = Vec::with_capacity(len);
        for i in 0..len as u64 {
            let a = addr.checked_add(i)?;
            let (data, _) = pages.get(&(a & !(PAGE - 1)))?;
            out.push(data.get((a % PAGE) as usize));
        }
        Some(out)
    }

    /// Reads a u64 regardless of protection.
    pub fn peek_u64(&self, addr: u64) -> Option<u64> {
        let b = self.peek(addr, 8)?;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }

    fn walk(&self, addr: u64, len: usize, write: bool) -> Result<(), Fault> {
        let pages = self.pages.borrow();
        let end = addr.checked_add(len as u64).ok_or(Fault {
            addr: UserAddr(addr),
        })?;
        let mut a = addr & !(PAGE - 1);
        while a < end {
            let ok = match pages.get(&a) {
                Some((_, p)) if write => p.write,
                Some((_, p)) => p.read || p.write || p.exec,
                None => false,
            };
            if !ok {
                return Err(Fault {
                    addr: UserAddr(a.max(addr)),
                });
            }
            a += PAGE;
        }
        Ok(())
    }
}

impl Platform for MockPlatform {
    fn console_write(&self, bytes: &[u8]) {
        self.console.borrow_mut().extend_from_slice(bytes);
    }

    fn copy_from_user(&self, src: UserAddr, dst: &mut [u8]) -> Result<(), Fault> {
        self.walk(src.0, dst.len(), false)?;
        let pages = self.pages.borrow();
        for (i, b) in dst.iter_mut().enumerate() {
            let a = src.0 + i as u64;
            *b = pages[&(a & !(PAGE - 1))].0.get((a % PAGE) as usize);
        }
        Ok(())
    }

    fn copy_to_user(&self, dst: UserAddr, src: &[u8]) -> Result<(), Fault> {
        self.walk(dst.0, src.len(), true)?;
        let mut pages = self.pages.borrow_mut();
        for (i, b) in src.iter().enumerate() {
            let a = dst.0 + i as u64;
            if let Some(page) = pages.get_mut(&(a & !(PAGE - 1))) {
                page.0.set((a % PAGE) as usize, *b);
            }
        }
        Ok(())
    }

    fn map_zeroed(&self, addr: UserAddr, len: u64, prot: Prot) -> Result<(), OutOfMemory> {
        assert_eq!(addr.0 % PAGE, 0, "map_zeroed: unaligned address");
        assert_eq!(len % PAGE, 0, "map_zeroed: unaligned length");
        assert!(!(prot.write && prot.exec), "map_zeroed: W^X violated");
        assert!(addr.0 >= 0x1_0000, "map_zeroed: page below mmap_min_addr");
        self.map_calls.set(self.map_calls.get() + 1);
        let n = len / PAGE;
        if self.frames_left.get() < n {
            return Err(OutOfMemory);
        }
        if self.frames_left.get() != u64::MAX {
            self.frames_left.set(self.frames_left.get() - n);
        }
        let mut pages = self.pages.borrow_mut();
        for i in 0..n {
            let a = addr.0 + i * PAGE;
            assert!(
                !pages.contains_key(&a),
                "map_zeroed over present page {a:#x}"
            );
            pages.insert(a, (MockFrame::Own(Box::new([0u8; 4096])), prot));
        }
        Ok(())
    }

    fn alloc_shared_page(&self) -> Result<Arc<dyn SharedPage>, OutOfMemory> {
        match self.frames_left.get() {
            0 => return Err(OutOfMemory),
            u64::MAX => {}
            n => self.frames_left.set(n - 1),
        }
        Ok(Arc::new(MockSharedPage(spin::Mutex::new([0; 4096]))))
    }

    fn map_shared_page(
        &self,
        addr: UserAddr,
        page: &Arc<dyn SharedPage>,
        prot: Prot,
    ) -> Result<(), OutOfMemory> {
        assert_eq!(addr.0 % PAGE, 0, "map_shared_page: unaligned address");
        assert!(!(prot.write && prot.exec), "map_shared_page: W^X violated");
        if !page.as_any().is::<MockSharedPage>() {
            return Err(OutOfMemory);
        }
        let mut pages = self.pages.borrow_mut();
        assert!(
            !pages.contains_key(&addr.0),
            "map_shared_page over present page {:#x}",
            addr.0
        );
        pages.insert(addr.0, (MockFrame::Shared(Arc::clone(page)), prot));
        Ok(())
    }

    fn unmap(&self, addr: UserAddr, len: u64) {
        let mut pages = self.pages.borrow_mut();
        let doomed: Vec<u64> = pages
            .range(addr.0..addr.0.saturating_add(len))
            .map(|(a, _)| *a)
            .collect();
        for a in doomed {
            pages.remove(&a);
        }
    }

    fn protect(&self, addr: UserAddr, len: u64, prot: Prot) {
        assert!(!(prot.write && prot.exec), "protect: W^X violated");
        let mut pages = self.pages.borrow_mut();
        for (_, page) in pages.range_mut(addr.0..addr.0.saturating_add(len)) {
            page.1 = prot;
        }
    }

    fn monotonic_ns(&self) -> u64 {
        self.mono.get()
    }

    fn realtime_ns(&self) -> u64 {
        self.real.get()
    }

    fn random(&self, buf: &mut [u8]) {
        for b in buf {
            let mut x = self.rng.get();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.rng.set(x);
            *b = x.to_le_bytes()[0];
        }
    }

    fn set_fs_base(&self, base: u64) {
        self.fs.set(base);
    }

    fn fs_base(&self) -> u64 {
        self.fs.get()
    }

    fn free_memory(&self) -> Option<u64> {
        self.free.get()
    }

    fn current_tid(&self) -> u32 {
        self.tid.get()
    }

    fn spawn_thread(&self, stack: u64, tls: Option<u64>) -> Result<u32, OutOfMemory> {
        let mut sp = self.spawned.borrow_mut();
        let tid = 2 + u32::try_from(sp.len()).unwrap_or(0);
        sp.push((tid, stack, tls));
        Ok(tid)
    }

    fn block(&self, deadline_ns: Option<u64>) -> bool {
        self.blocks.borrow_mut().push(deadline_ns);
        if let Some(r) = self.block_results.borrow_mut().pop_front() {
            return r;
        }
        if let Some(d) = deadline_ns {
            self.mono.set(self.mono.get().max(d));
        }
        false
    }

    fn wake(&self, tid: u32) {
        self.wakes.borrow_mut().push(tid);
    }

    fn hwcap(&self) -> u64 {
        0x178b_fbff
    }

    fn fpu_save(&self, out: &mut [u8; 512]) {
        *out = *self.fpu.borrow();
    }

    fn fpu_restore(&self, image: &[u8; 512]) {
        *self.fpu.borrow_mut() = *image;
    }
}
