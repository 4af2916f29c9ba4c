//! Tests of the sparse page map behind tmpfs files.

use super::pages::{Pages, PAGE};

fn yes() -> impl FnMut() -> bool {
    || true
}

#[test]
fn holes_read_as_zeros_and_reads_stop_at_size() {
    let mut p = Pages::default();
    p.write(5000, b"xy", &mut yes());
    assert_eq!(p.size, 5002);
    assert_eq!(p.page_count(), 1);
    let mut buf = [9u8; 10];
    assert_eq!(p.read(4995, &mut buf), 7);
    assert_eq!(&buf[..7], b"\0\0\0\0\0xy");
    assert_eq!(p.read(5002, &mut buf), 0);
}

#[test]
fn writes_cross_page_boundaries() {
    let mut p = Pages::default();
    let data: std::vec::Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
    assert_eq!(p.write(100, &data, &mut yes()), 10_000);
    assert_eq!(p.page_count(), 3);
    let mut back = std::vec![0u8; 10_000];
    p.read(100, &mut back);
    assert_eq!(back, data);
}

#[test]
fn refused_allocation_stops_the_write_short() {
    let mut p = Pages::default();
    let mut budget = 1;
    let n = p.write(0, &[1u8; 3 * PAGE as usize], &mut || {
        budget -= 1;
        budget >= 0
    });
    assert_eq!(n, PAGE as usize);
    assert_eq!(p.size, PAGE);
}

#[test]
fn shrinking_zeroes_the_tail_so_growth_reads_zeros() {
    let mut p = Pages::default();
    p.write(0, &[7u8; 6000], &mut yes());
    assert_eq!(p.set_size(10), 1);
    p.set_size(6000);
    let mut buf = [1u8; 20];
    p.read(0, &mut buf);
    assert_eq!(&buf[..10], &[7u8; 10]);
    assert_eq!(&buf[10..], &[0u8; 10]);
}

#[test]
fn punch_frees_whole_pages_and_zeroes_edges() {
    let mut p = Pages::default();
    p.write(0, &[7u8; 4 * PAGE as usize], &mut yes());
    assert_eq!(p.punch(10, 3 * PAGE + 10), 2);
    let mut buf = std::vec![0u8; 4 * PAGE as usize];
    p.read(0, &mut buf);
    assert!(buf[..10].iter().all(|&b| b == 7));
    assert!(buf[10..3 * PAGE as usize + 10].iter().all(|&b| b == 0));
    assert!(buf[3 * PAGE as usize + 10..].iter().all(|&b| b == 7));
}

#[test]
fn seek_finds_data_and_holes() {
    let mut p = Pages::default();
    p.write(3 * PAGE, b"d", &mut yes());
    p.set_size(10 * PAGE);
    assert_eq!(p.seek(0, true), Some(3 * PAGE));
    assert_eq!(p.seek(0, false), Some(0));
    assert_eq!(p.seek(3 * PAGE + 5, false), Some(4 * PAGE));
    assert_eq!(p.seek(4 * PAGE, true), None);
    assert_eq!(p.seek(10 * PAGE, false), None);
}

#[test]
fn allocate_reserves_every_touched_page() {
    let mut p = Pages::default();
    assert!(p.allocate(PAGE - 1, PAGE + 1, &mut yes()));
    assert_eq!(p.page_count(), 2);
    assert_eq!(p.size, 0);
    assert!(!p.allocate(0, 10 * PAGE, &mut || false));
}
