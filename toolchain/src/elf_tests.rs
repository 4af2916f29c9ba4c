//! Tests of kernel parsing and image writing on a fake kernel linked by the
//! system linker with rumprun-rs's segment layout.

use super::*;
use crate::testutil::{fake_kernel, tempdir};

fn kernel_bytes() -> Vec<u8> {
    let dir = tempdir("elf");
    let k = std::fs::read(fake_kernel(&dir)).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
    k
}

#[test]
fn parses_slot_segments_and_demangled_symbols() {
    let data = kernel_bytes();
    let k = Kernel::parse(&data).unwrap();
    assert_eq!(
        k.segments
            .iter()
            .filter(|s| s.p_type == elf::PT_LOAD)
            .count(),
        4
    );
    assert!(k.desc_addr >= KERNEL_VMA);
    let names: Vec<&str> = k.symbols.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"kernel::kmain"), "{names:?}");
    assert!(names.contains(&"mb2_start32"), "{names:?}");
}

#[test]
fn image_keeps_segments_and_places_payload_above_kernel() {
    let data = kernel_bytes();
    let k = Kernel::parse(&data).unwrap();
    let payload: Vec<u8> = PAYLOAD_MAGIC
        .iter()
        .copied()
        .chain((0..10_000u32).map(|i| i as u8))
        .collect();
    let (img, layout) = k.write_image(&payload).unwrap();

    // The output's program headers are what we say they are.
    let segs = segments(&img).unwrap();
    assert_eq!(segs, layout.segments);
    assert_eq!(segs.len(), k.segments.len() + 1);
    let loads: Vec<&Segment> = segs.iter().filter(|s| s.p_type == elf::PT_LOAD).collect();
    assert_eq!(loads.len(), 5);

    // Every kernel segment keeps its addresses, sizes and bytes, and its
    // offset stays congruent to its address.
    for (old, new) in k
        .segments
        .iter()
        .zip(segs.iter().filter(|s| s.p_paddr != layout.desc.phys_addr))
    {
        assert_eq!(
            (
                old.p_type,
                old.p_vaddr,
                old.p_paddr,
                old.p_filesz,
                old.p_memsz
            ),
            (
                new.p_type,
                new.p_vaddr,
                new.p_paddr,
                new.p_filesz,
                new.p_memsz
            )
        );
        if new.p_align > 1 {
            assert_eq!(new.p_offset % new.p_align, new.p_vaddr % new.p_align);
        }
        let (a, b) = old.file_range();
        let mut want = data[a as usize..b as usize].to_vec();
        let (c, d) = new.file_range();
        let got = &img[c as usize..d as usize];
        // The slot is the only byte range that differs.
        if old.p_vaddr <= k.desc_addr && k.desc_addr < old.p_vaddr + old.p_filesz {
            let at = (k.desc_addr - old.p_vaddr) as usize;
            want[at..at + DESC_LEN].copy_from_slice(&layout.desc.to_bytes());
        }
        assert_eq!(got, &want[..]);
    }

    // The first segment follows the headers directly; multiboot2 stays early.
    assert_eq!(loads[0].p_offset, 0x1000);
    assert!(has_multiboot2(&img));

    // The payload: after the last kernel load, aligned, R only, vaddr offset.
    let p = loads[4];
    let kernel_top = k
        .segments
        .iter()
        .filter(|s| s.p_type == elf::PT_LOAD)
        .map(|s| s.p_paddr + s.p_memsz)
        .max()
        .unwrap();
    assert_eq!(p.p_paddr, align_up(kernel_top, PAYLOAD_ALIGN));
    assert_eq!(p.p_paddr % PAYLOAD_ALIGN, 0);
    assert_eq!(p.p_vaddr, p.p_paddr + KERNEL_VMA);
    assert_eq!(p.p_flags, elf::PF_R);
    assert_eq!(
        (p.p_filesz, p.p_memsz),
        (payload.len() as u64, payload.len() as u64)
    );
    assert_eq!(p.p_offset % PAYLOAD_ALIGN, 0);
    assert_eq!(find_payload(&img).unwrap(), &payload[..]);

    // The slot holds the payload's address and length.
    let at = layout.desc_offset as usize;
    let slot: [u8; DESC_LEN] = img[at..at + DESC_LEN].try_into().unwrap();
    assert_eq!(
        PayloadDesc::from_bytes(&slot),
        Some(PayloadDesc {
            phys_addr: p.p_paddr,
            len: payload.len() as u64
        })
    );

    // No section headers in the output.
    assert_eq!(&img[0x28..0x30], &[0u8; 8]);
    assert_eq!(&img[0x3c..0x40], &[0u8; 4]);
}

#[test]
fn baking_a_baked_image_is_refused() {
    let data = kernel_bytes();
    let (img, _) = Kernel::parse(&data)
        .unwrap()
        .write_image(&PAYLOAD_MAGIC)
        .unwrap();
    assert!(matches!(Kernel::parse(&img), Err(ElfError::NoDescSection)));
}

#[test]
fn non_kernels_are_clear_errors() {
    assert!(matches!(
        Kernel::parse(b"not an elf"),
        Err(ElfError::Malformed(_))
    ));
    let mut data = kernel_bytes();
    // Corrupt the slot magic in the file: find it and flip a byte.
    let pos = data.windows(8).position(|w| w == DESC_MAGIC).unwrap();
    data[pos] = b'X';
    let e = Kernel::parse(&data).unwrap_err();
    assert!(matches!(e, ElfError::BadDescSlot), "{e}");
    assert!(e.to_string().contains("rebuild"));
}

#[test]
fn find_payload_rejects_plain_elf() {
    let data = kernel_bytes();
    assert!(matches!(
        find_payload(&data),
        Err(ImageReadError::NoPayload)
    ));
    assert!(matches!(
        find_payload(b"junk"),
        Err(ImageReadError::NotElf(_))
    ));
}

#[test]
fn congruent_offsets() {
    assert_eq!(congruent(0x100, 0x0, 0x1000), 0x1000);
    assert_eq!(congruent(0x100, 0x234, 0x1000), 0x234);
    assert_eq!(congruent(0x300, 0x234, 0x1000), 0x1234);
    assert_eq!(congruent(0x300, 0x7, 1), 0x300);
}
