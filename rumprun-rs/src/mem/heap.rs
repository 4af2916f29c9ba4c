//! The kernel heap: runs of frames from [`frames::alloc_contiguous`],
//! reached through the direct map and managed by `talc`. It starts modest
//! ([`init`]) and grows on demand: when an allocation does not fit, talc
//! calls our [`OomHandler`] ([`Grow`]), which takes another run of frames
//! and adds it, then talc retries. Growth stops at a floor of free RAM kept
//! for the program; past it allocations fail as before (ENOBUFS, ENOSPC,
//! ENOMEM on the fallible paths, the allocation-failure panic elsewhere).
//!
//! Why talc: it is a maintained no_std allocator (the Hermit unikernel's
//! heap too) whose heaps may be any number of disjoint spans, with an OOM
//! hook made for growing them, and whose frees need no region lookup
//! (boundary tags); `extend` grows a span downward or upward in place.
//! linked_list_allocator, the previous allocator, manages one span that
//! only grows upward, so it would need an array of heaps and our own
//! lookup on free; buddy_system_allocator takes several regions too but
//! has no OOM hook and rounds every request to a power of two (a 64 KiB +
//! header socket buffer would cost 128 KiB). Memory given to the heap is
//! never handed back to the frame allocator.

use core::alloc::Layout;

use talc::{OomHandler, Span, Talc, Talck};

use super::{frames, phys, PAGE};

/// Size of one growth step when the frame allocator has it: big enough
/// that growth is rare (a few socket buffers' worth), small enough to
/// leave the program most of a small VM.
const GROW_BYTES: u64 = 4 << 20;

/// Bytes talc may need beside the payload of one allocation: the base
/// tag of a new heap, the chunk tag, and the rest of a minimum chunk.
const TALC_OVERHEAD: u64 = 64;

#[global_allocator]
static HEAP: Talck<spin::Mutex<()>, Grow> = Talc::new(Grow::new()).lock();

/// The heap's growth policy and bookkeeping: talc's OOM handler.
///
/// The heap is used from the NIC interrupt too (`net_poll` allocates).
/// That is safe with a plain spin lock because the kernel runs with
/// interrupts off and interrupts are taken only in ring 3 or in
/// `idt::idle_until_interrupt`, where this lock is never held. The
/// handler runs under the heap lock and takes the frame allocator's lock;
/// the frame allocator never allocates from the heap, so the order heap
/// then frames cannot invert.
pub struct Grow {
    /// The span most recently claimed or extended: a new run of frames
    /// touching it extends it in place (`alloc_contiguous` carves the
    /// largest range from its end down, so successive runs usually touch).
    last: Span,
    /// Free bytes the frame allocator must keep after a growth.
    floor: u64,
    /// Bytes of RAM given to the heap so far, at boot and by growth.
    bytes: u64,
    /// Bytes given at boot.
    initial: u64,
    /// Number of growths since boot.
    growths: u64,
}

impl Grow {
    const fn new() -> Self {
        Grow {
            last: Span::empty(),
            floor: 0,
            bytes: 0,
            initial: 0,
            growths: 0,
        }
    }
}

impl OomHandler for Grow {
    /// Adds a run of frames big enough for `layout`: [`GROW_BYTES`] if the
    /// frame allocator can give it while keeping the floor, else halving
    /// down to what `layout` needs; `Err` when even that is not there.
    fn handle_oom(talc: &mut Talc<Self>, layout: Layout) -> Result<(), ()> {
        let need = pages_for(layout).ok_or(())?;
        let mut count = need.max(GROW_BYTES / PAGE);
        let floor = talc.oom_handler.floor;
        let pa = loop {
            if let Some(pa) = frames::alloc_contiguous_keeping(count, floor) {
                break pa;
            }
            if count == need {
                return Err(());
            }
            count = (count / 2).max(need);
        };
        add(talc, pa, count)?;
        talc.oom_handler.growths += 1;
        Ok(())
    }
}

/// Returns the pages a new heap span needs so that `layout` fits in it
/// whatever its alignment, or `None` if that overflows.
fn pages_for(layout: Layout) -> Option<u64> {
    let size = u64::try_from(layout.size()).ok()?;
    let align = u64::try_from(layout.align()).ok()?;
    Some(
        size.checked_add(align)?
            .checked_add(TALC_OVERHEAD)?
            .div_ceil(PAGE),
    )
}

/// Gives the `count` frames at `pa` (just taken from the frame allocator)
/// to talc: extends the last span if they touch it, else claims a new one.
fn add(talc: &mut Talc<Grow>, pa: u64, count: u64) -> Result<(), ()> {
    let len = count * PAGE;
    let base = phys::range_ptr(pa, len);
    let run = Span::from_base_size(base, usize::try_from(len).map_err(|_| ())?);
    let last = talc.oom_handler.last;
    let touches = match (last.get_base_acme(), run.get_base_acme()) {
        (Some((lb, la)), Some((rb, ra))) => ra == lb || rb == la,
        _ => false,
    };
    let span = if touches {
        let (lb, la) = last.get_base_acme().expect("checked above");
        let (rb, ra) = run.get_base_acme().expect("checked above");
        // SAFETY: 1. `last` is the value talc returned for this heap (from
        // `claim` or `extend`), and the union contains it and not the
        // null address (direct-map addresses are in the upper half).
        // 2. `run` was just removed from the frame allocator and is owned
        // by nothing else; it is mapped read-write by the direct map
        // (`range_ptr` checked) and, like every heap frame, is never given
        // back, so it stays valid for as long as the heap is in use.
        // 3. `run` touches `last` and overlaps no other span: the frame
        // allocator hands out each frame once.
        unsafe { talc.extend(last, Span::new(lb.min(rb), la.max(ra))) }
    } else {
        // SAFETY: as 2. and 3. above: `run` is fresh, exclusively owned,
        // mapped read-write for the kernel's lifetime, and overlaps no
        // span talc already has.
        unsafe { talc.claim(run) }?
    };
    talc.oom_handler.last = span;
    talc.oom_handler.bytes += len;
    Ok(())
}

/// Gives the heap `bytes` of RAM at boot and sets the growth floor: the
/// heap grows later only while `floor` bytes of RAM stay free. Returns
/// false if no contiguous run of `bytes` exists.
pub fn init(bytes: u64, floor: u64) -> bool {
    let count = bytes.div_ceil(PAGE);
    let Some(pa) = frames::alloc_contiguous(count) else {
        return false;
    };
    let mut talc = HEAP.lock();
    talc.oom_handler.floor = floor;
    if add(&mut talc, pa, count).is_err() {
        return false;
    }
    talc.oom_handler.initial = count * PAGE;
    true
}

/// Figures for `--debug`: RAM given to the heap at boot and in all, the
/// number of growths, and the floor of free RAM growth keeps.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    /// Bytes given at boot.
    pub initial: u64,
    /// Bytes given so far, boot included.
    pub bytes: u64,
    /// Growths since boot.
    pub growths: u64,
    /// Free bytes of RAM growth leaves to the program.
    pub floor: u64,
}

/// Returns the heap's [`Stats`].
pub fn stats() -> Stats {
    let talc = HEAP.lock();
    let g = &talc.oom_handler;
    Stats {
        initial: g.initial,
        bytes: g.bytes,
        growths: g.growths,
        floor: g.floor,
    }
}
