//! Address-space tests: layout, mmap/munmap/mprotect/brk/madvise edge
//! cases, the W^X policy, page 0, the stack guard, demand paging.

use super::*;
use crate::errno::Errno;
use crate::mock::MockPlatform;

fn fresh() -> (Mm, MockPlatform) {
    let p = MockPlatform::new(7);
    let mut mm = Mm::new();
    mm.init_layout(&p);
    mm.init_stack().unwrap();
    (mm, p)
}

fn errno<T: core::fmt::Debug>(r: SysResult<T>) -> Errno {
    r.unwrap_err().errno
}

const RW: Prot = Prot::RW;

#[test]
fn layout_is_randomised_and_ordered() {
    let (a, _) = fresh();
    let p2 = MockPlatform::new(99);
    let mut b = Mm::new();
    b.init_layout(&p2);
    assert_ne!(a.stack_top(), b.stack_top());
    assert_ne!(a.mmap_base(), b.mmap_base());
    for m in [&a, &b] {
        assert_eq!(m.stack_top() % PAGE, 0);
        assert!(m.stack_top() <= USER_END);
        assert!(m.stack_top() > USER_END - (16 << 30) - PAGE);
        assert!(m.mmap_base() + MMAP_GAP <= m.stack_top() - STACK_SIZE);
        assert!(m.mmap_base() > PIE_BASE + (1 << 40));
    }
}

#[test]
fn anonymous_mappings_are_demand_paged() {
    let (mut mm, p) = fresh();
    let a = mm.mmap_anon(&p, 0, 3 * PAGE, RW, false, false).unwrap();
    assert_eq!(a % PAGE, 0);
    assert!(a + 3 * PAGE <= mm.mmap_base());
    assert!(p.pages.borrow().is_empty());
    assert!(mm.fault_in(&p, a + PAGE + 7, true, false).is_ok());
    assert_eq!(p.pages.borrow().len(), 1);
    assert!(mm.is_present(a + PAGE));
    // A second fault on the same present page is a protection fault.
    assert_eq!(
        mm.fault_in(&p, a + PAGE, true, false),
        Err("protection fault on a present page")
    );
    // Lengths round up to pages; the next mapping goes below.
    let b = mm.mmap_anon(&p, 0, 1, RW, false, false).unwrap();
    assert_eq!(b, a - PAGE);
}

#[test]
fn mmap_errors_follow_the_man_page() {
    let (mut mm, p) = fresh();
    assert_eq!(
        errno(mm.mmap_anon(&p, 0, 0, RW, false, false)),
        Errno::EINVAL
    );
    assert_eq!(
        errno(mm.mmap_anon(&p, 0, u64::MAX, RW, false, false)),
        Errno::ENOMEM
    );
    assert_eq!(
        errno(mm.mmap_anon(&p, 0, 1 << 47, RW, false, false)),
        Errno::ENOMEM
    );
    assert_eq!(
        errno(mm.mmap_anon(&p, 0x20001, PAGE, RW, true, false)),
        Errno::EINVAL
    );
    assert_eq!(
        errno(mm.mmap_anon(&p, 0, PAGE, RW, true, false)),
        Errno::EPERM
    );
    assert_eq!(
        errno(mm.mmap_anon(&p, 0x1000, PAGE, RW, true, false)),
        Errno::EPERM
    );
    assert_eq!(
        errno(mm.mmap_anon(&p, USER_END - PAGE, 2 * PAGE, RW, true, false)),
        Errno::ENOMEM
    );
    assert_eq!(
        mm.mmap_anon(&p, USER_END - PAGE, PAGE, RW, true, false),
        Ok(USER_END - PAGE)
    );
}

#[test]
fn hints_fixed_and_noreplace() {
    let (mut mm, p) = fresh();
    let hint = 0x4000_0000;
    assert_eq!(
        mm.mmap_anon(&p, hint + 123, PAGE, RW, false, false),
        Ok(hint)
    );
    // A taken hint is moved elsewhere.
    let other = mm.mmap_anon(&p, hint, PAGE, RW, false, false).unwrap();
    assert_ne!(other, hint);
    // A hint in page 0 is ignored.
    let low = mm.mmap_anon(&p, 0x1000, PAGE, RW, false, false).unwrap();
    assert!(low >= USER_START);
    assert_eq!(
        errno(mm.mmap_anon(&p, hint, PAGE, RW, false, true)),
        Errno::EEXIST
    );
    // MAP_FIXED replaces and drops the old pages.
    mm.fault_in(&p, hint, true, false).unwrap();
    p.copy_to_user(UserAddr(hint), b"old").unwrap();
    assert_eq!(
        mm.mmap_anon(&p, hint, 2 * PAGE, Prot::R, true, false),
        Ok(hint)
    );
    assert!(!mm.is_present(hint));
    assert_eq!(mm.find(hint).unwrap().1.prot, Prot::R);
    assert_eq!(mm.find(hint + PAGE).unwrap().1.end, hint + 2 * PAGE);
    mm.fault_in(&p, hint, false, false).unwrap();
    assert_eq!(p.peek(hint, 3).unwrap(), [0, 0, 0]);
    assert_eq!(
        mm.mmap_anon(&p, hint + 8 * PAGE, PAGE, RW, false, true),
        Ok(hint + 8 * PAGE)
    );
}

#[test]
fn munmap_splits_and_frees() {
    let (mut mm, p) = fresh();
    let a = mm.mmap_anon(&p, 0, 4 * PAGE, RW, false, false).unwrap();
    for i in 0..4 {
        mm.fault_in(&p, a + i * PAGE, true, false).unwrap();
    }
    mm.munmap(&p, a + PAGE, 2 * PAGE).unwrap();
    assert!(mm.find(a).is_some());
    assert!(mm.find(a + PAGE).is_none());
    assert!(mm.find(a + 2 * PAGE).is_none());
    assert_eq!(mm.find(a + 3 * PAGE).unwrap().0, a + 3 * PAGE);
    assert_eq!(p.pages.borrow().len(), 2);
    assert_eq!(
        mm.fault_in(&p, a + PAGE, false, false),
        Err("address not mapped")
    );
    assert_eq!(errno(mm.munmap(&p, a + 1, PAGE)), Errno::EINVAL);
    assert_eq!(errno(mm.munmap(&p, a, 0)), Errno::EINVAL);
    assert_eq!(errno(mm.munmap(&p, USER_END, PAGE)), Errno::EINVAL);
    assert_eq!(errno(mm.munmap(&p, a, u64::MAX)), Errno::EINVAL);
    // Unmapping nothing is fine.
    assert_eq!(mm.munmap(&p, a + PAGE, PAGE), Ok(()));
}

#[test]
fn mprotect_changes_present_pages_and_checks_holes() {
    let (mut mm, p) = fresh();
    let a = mm.mmap_anon(&p, 0, 3 * PAGE, RW, false, false).unwrap();
    mm.fault_in(&p, a + PAGE, true, false).unwrap();
    mm.mprotect(&p, a + PAGE, 1, Prot::R).unwrap();
    assert_eq!(p.prot_at(a + PAGE), Some(Prot::R));
    assert_eq!(mm.find(a).unwrap().1.end, a + PAGE);
    assert_eq!(mm.find(a + PAGE).unwrap().1.prot, Prot::R);
    assert_eq!(mm.find(a + 2 * PAGE).unwrap().1.prot, RW);
    assert_eq!(
        mm.fault_in(&p, a + PAGE, true, false),
        Err("write to a read-only mapping")
    );
    mm.munmap(&p, a + 2 * PAGE, PAGE).unwrap();
    assert_eq!(errno(mm.mprotect(&p, a, 3 * PAGE, Prot::R)), Errno::ENOMEM);
    assert_eq!(errno(mm.mprotect(&p, a + 5, PAGE, Prot::R)), Errno::EINVAL);
    assert_eq!(mm.mprotect(&p, a, 0, Prot::R), Ok(()));
    // PROT_NONE: demand faults are refused.
    mm.mprotect(&p, a, PAGE, Prot::NONE).unwrap();
    assert_eq!(
        mm.fault_in(&p, a, false, false),
        Err("access to a PROT_NONE mapping")
    );
}

#[test]
fn w_xor_x_policy() {
    let (mut mm, p) = fresh();
    let rwx = Prot {
        read: true,
        write: true,
        exec: true,
    };
    assert_eq!(
        errno(mm.mmap_anon(&p, 0, PAGE, rwx, false, false)),
        Errno::EACCES
    );
    assert_eq!(
        errno(mm.mmap_anon(&p, 0, PAGE, Prot::RX, false, false)),
        Errno::EACCES
    );
    let a = mm.mmap_anon(&p, 0, PAGE, RW, false, false).unwrap();
    assert_eq!(errno(mm.mprotect(&p, a, PAGE, Prot::RX)), Errno::EACCES);
    // Program text: may drop and regain exec, but not after being writable.
    let text = 0x5555_0000_0000;
    let vma = Vma {
        end: text + 2 * PAGE,
        prot: Prot::RX,
        kind: VmaKind::Program,
        may_exec: true,
    };
    mm.insert(text, vma).unwrap();
    assert_eq!(errno(mm.mprotect(&p, text, PAGE, rwx)), Errno::EACCES);
    mm.mprotect(&p, text, PAGE, Prot::R).unwrap();
    mm.mprotect(&p, text, PAGE, Prot::RX).unwrap();
    mm.mprotect(&p, text, PAGE, RW).unwrap();
    assert_eq!(errno(mm.mprotect(&p, text, PAGE, Prot::RX)), Errno::EACCES);
    // The untouched second page keeps its right.
    mm.mprotect(&p, text + PAGE, PAGE, Prot::RX).unwrap();
    assert_eq!(check_wx(Prot::RX, true), Ok(()));
}

#[test]
fn brk_grows_shrinks_and_refuses_collisions() {
    let (mut mm, p) = fresh();
    let end = 0x5555_0001_0000;
    mm.init_brk(&p, end - 10);
    let start = mm.brk_start();
    assert!(start >= end && start < end + (32 << 20));
    assert_eq!(start % PAGE, 0);
    assert_eq!(mm.brk(&p, 0), start);
    assert_eq!(mm.brk(&p, start - 1), start);
    assert_eq!(mm.brk(&p, start + 100), start + 100);
    assert_eq!(mm.brk(&p, start + 3 * PAGE), start + 3 * PAGE);
    assert_eq!(mm.find(start).unwrap().1.end, start + 3 * PAGE);
    assert!(mm.describe(start).starts_with("[heap] rw-"));
    for i in 0..3 {
        mm.fault_in(&p, start + i * PAGE, true, false).unwrap();
    }
    assert_eq!(mm.brk(&p, start + PAGE + 1), start + PAGE + 1);
    assert_eq!(p.pages.borrow().len(), 2);
    assert!(mm.find(start + 2 * PAGE).is_none());
    // Something mapped right after the heap stops it.
    mm.mmap_anon(&p, start + 4 * PAGE, PAGE, RW, true, false)
        .unwrap();
    assert_eq!(mm.brk(&p, start + 5 * PAGE), start + PAGE + 1);
    assert_eq!(mm.brk(&p, start + 4 * PAGE), start + 4 * PAGE);
    assert_eq!(mm.brk(&p, u64::MAX), start + 4 * PAGE);
    assert_eq!(mm.brk(&p, start), start);
    assert!(mm.find(start).is_none());
}

#[test]
fn page_zero_and_stack_guard() {
    let (mut mm, p) = fresh();
    assert_eq!(mm.fault_in(&p, 0, false, false), Err("address not mapped"));
    assert_eq!(
        mm.fault_in(&p, 0xfff, true, false),
        Err("address not mapped")
    );
    assert_eq!(mm.describe(8), "unmapped (NULL page)");
    let top = mm.stack_top();
    mm.fault_in(&p, top - 8, true, false).unwrap();
    mm.fault_in(&p, top - STACK_SIZE, true, false).unwrap();
    let guard = top - STACK_SIZE - 1;
    assert!(mm
        .fault_in(&p, guard, true, false)
        .unwrap_err()
        .starts_with("stack overflow"));
    assert!(mm.describe(guard).starts_with("stack guard"));
    assert!(mm.describe(top - 1).starts_with("[stack] rw-"));
    assert_eq!(mm.describe(top), "unmapped");
    // The stack is never executable.
    assert!(mm.fault_in(&p, top - 2 * PAGE, false, true).is_err());
    // Anonymous mappings are never placed over the guard.
    let mut last = 0;
    for _ in 0..8 {
        last = mm
            .mmap_anon(&p, top - STACK_SIZE - PAGE, PAGE, RW, false, false)
            .unwrap();
    }
    assert!(last + PAGE <= top - STACK_SIZE - STACK_GUARD || last >= top);
}

#[test]
fn dontneed_zeroes_and_keeps_the_mapping() {
    let (mut mm, p) = fresh();
    let a = mm.mmap_anon(&p, 0, 2 * PAGE, RW, false, false).unwrap();
    mm.fault_in(&p, a, true, false).unwrap();
    p.copy_to_user(UserAddr(a), b"data").unwrap();
    mm.dontneed(&p, a, 2 * PAGE).unwrap();
    assert!(!mm.is_present(a));
    assert!(mm.find(a).is_some());
    mm.fault_in(&p, a, false, false).unwrap();
    assert_eq!(p.peek(a, 4).unwrap(), [0; 4]);
    assert_eq!(errno(mm.dontneed(&p, a + 1, PAGE)), Errno::EINVAL);
    assert_eq!(errno(mm.dontneed(&p, a, 3 * PAGE)), Errno::ENOMEM);
    let text = 0x5555_0000_0000;
    let vma = Vma {
        end: text + PAGE,
        prot: Prot::RX,
        kind: VmaKind::Program,
        may_exec: true,
    };
    mm.insert(text, vma).unwrap();
    assert_eq!(errno(mm.dontneed(&p, text, PAGE)), Errno::EINVAL);
}

#[test]
fn out_of_memory_is_reported_not_fatal() {
    let (mut mm, p) = fresh();
    let a = mm.mmap_anon(&p, 0, 2 * PAGE, RW, false, false).unwrap();
    p.frames_left.set(1);
    mm.fault_in(&p, a, true, false).unwrap();
    assert_eq!(
        mm.fault_in(&p, a + PAGE, true, false),
        Err("out of memory while paging in")
    );
    assert!(!mm.is_present(a + PAGE));
    assert_eq!(
        errno(mm.populate(&p, a + PAGE, a + 2 * PAGE, RW)),
        Errno::ENOMEM
    );
}

#[test]
fn gap_search_falls_back_above_the_base_when_below_is_full() {
    let (mut mm, p) = fresh();
    // Fill everything below the mmap base.
    let base = mm.mmap_base();
    mm.mmap_anon(&p, USER_START, base - USER_START, Prot::NONE, true, false)
        .unwrap();
    let a = mm.mmap_anon(&p, 0, PAGE, RW, false, false).unwrap();
    assert!(a >= base);
    assert!(a + PAGE <= mm.stack_top() - STACK_SIZE - STACK_GUARD);
    assert_eq!(mm.find(a).unwrap().1.kind, VmaKind::Anon);
}

#[test]
fn mremap_shrinks_grows_and_moves_with_contents() {
    let (mut mm, p) = fresh();
    let a = mm.mmap_anon(&p, 0, 2 * PAGE, RW, false, false).unwrap();
    mm.fault_in(&p, a, true, false).unwrap();
    p.copy_to_user(UserAddr(a), b"keep me").unwrap();
    // Shrink in place.
    assert_eq!(mm.mremap(&p, a, 2 * PAGE, PAGE, false, None), Ok(a));
    assert!(mm.find(a + PAGE).is_none());
    // Grow in place into the free page after it.
    assert_eq!(mm.mremap(&p, a, PAGE, 3 * PAGE, false, None), Ok(a));
    assert_eq!(mm.find(a + 2 * PAGE).unwrap().1.kind, VmaKind::Anon);
    // Blocked growth: ENOMEM without MAYMOVE, a move with it.
    mm.mmap_anon(&p, a + 3 * PAGE, PAGE, RW, true, false)
        .unwrap();
    assert_eq!(
        errno(mm.mremap(&p, a, 3 * PAGE, 5 * PAGE, false, None)),
        Errno::ENOMEM
    );
    let b = mm.mremap(&p, a, 3 * PAGE, 5 * PAGE, true, None).unwrap();
    assert_ne!(b, a);
    assert_eq!(p.peek(b, 7).unwrap(), b"keep me");
    assert!(mm.find(a).is_none());
    assert!(!mm.is_present(a));
    assert_eq!(mm.find(b + 4 * PAGE).unwrap().1.end, b + 5 * PAGE);
    // MREMAP_FIXED to a chosen address replaces what is there.
    let c = 0x6000_0000;
    mm.mmap_anon(&p, c, PAGE, Prot::R, true, false).unwrap();
    assert_eq!(mm.mremap(&p, b, 5 * PAGE, PAGE, true, Some(c)), Ok(c));
    assert_eq!(p.peek(c, 7).unwrap(), b"keep me");
    assert_eq!(p.prot_at(c), Some(RW));
    assert!(mm.find(b).is_none());
}

#[test]
fn mremap_errors() {
    let (mut mm, p) = fresh();
    let a = mm.mmap_anon(&p, 0, 2 * PAGE, RW, false, false).unwrap();
    assert_eq!(
        errno(mm.mremap(&p, a + 1, PAGE, PAGE, true, None)),
        Errno::EINVAL
    );
    assert_eq!(errno(mm.mremap(&p, a, PAGE, 0, true, None)), Errno::EINVAL);
    assert_eq!(errno(mm.mremap(&p, a, 0, PAGE, true, None)), Errno::EINVAL);
    assert_eq!(
        errno(mm.mremap(&p, a, 3 * PAGE, PAGE, true, None)),
        Errno::EFAULT
    );
    assert_eq!(
        errno(mm.mremap(&p, 0x7000_0000, PAGE, PAGE, true, None)),
        Errno::EFAULT
    );
    assert_eq!(
        errno(mm.mremap(&p, a, PAGE, PAGE, true, Some(a + PAGE / 2))),
        Errno::EINVAL
    );
    assert_eq!(
        errno(mm.mremap(&p, a, 2 * PAGE, PAGE, true, Some(a + PAGE))),
        Errno::EINVAL
    );
    assert_eq!(
        errno(mm.mremap(&p, a, PAGE, u64::MAX, true, None)),
        Errno::EINVAL
    );
    assert_eq!(
        errno(mm.mremap(&p, a, PAGE, 1 << 47, true, None)),
        Errno::ENOMEM
    );
    // PROT_NONE pages move too.
    mm.fault_in(&p, a, true, false).unwrap();
    p.copy_to_user(UserAddr(a), b"x").unwrap();
    mm.mprotect(&p, a, 2 * PAGE, Prot::NONE).unwrap();
    let b = mm.mremap(&p, a, 2 * PAGE, 4 * PAGE, true, None).unwrap();
    assert_eq!(p.prot_at(b), Some(Prot::NONE));
    assert_eq!(p.peek(b, 1).unwrap(), b"x");
    // Program text cannot be remapped.
    let text = 0x5555_0000_0000;
    let vma = Vma {
        end: text + PAGE,
        prot: Prot::RX,
        kind: VmaKind::Program,
        may_exec: true,
    };
    mm.insert(text, vma).unwrap();
    assert_eq!(
        errno(mm.mremap(&p, text, PAGE, 2 * PAGE, true, None)),
        Errno::EINVAL
    );
}
