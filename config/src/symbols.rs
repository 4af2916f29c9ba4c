//! The kernel symbol table baked into an image, so that a kernel fault can
//! print a symbolised backtrace without carrying its own ELF symbol tables.
//! `rumprun bake` extracts function symbols from the kernel ELF (sorted by
//! address) and the kernel's trap code looks return addresses up here with
//! [`find`], which allocates nothing: the report of a panic caused by an
//! exhausted kernel heap must not need the heap (decoding the whole table
//! into a `Vec` took about 70 KB).

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One function symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symbol {
    /// Start address.
    pub addr: u64,
    /// Size in bytes (0 if unknown).
    pub size: u64,
    /// Demangled name.
    pub name: String,
}

/// Encodes symbols (sorted by address by the caller or here).
pub fn encode(mut syms: Vec<Symbol>) -> Vec<u8> {
    syms.sort_by_key(|s| s.addr);
    postcard::to_allocvec(&syms).expect("symbols always serialise")
}

/// Decodes a table; `None` if it is corrupt.
pub fn decode(bytes: &[u8]) -> Option<Vec<Symbol>> {
    let syms: Vec<Symbol> = postcard::from_bytes(bytes).ok()?;
    syms.windows(2)
        .all(|w| w[0].addr <= w[1].addr)
        .then_some(syms)
}

/// One symbol read in place from an encoded table (same postcard layout
/// as [`Symbol`], the name borrowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SymbolRef<'a> {
    /// Start address.
    pub addr: u64,
    /// Size in bytes (0 if unknown).
    pub size: u64,
    /// Demangled name.
    pub name: &'a str,
}

/// Finds the symbol containing `addr` in an encoded table without
/// allocating (a linear walk: postcard's sequence is a varint count, then
/// the elements); returns it and the offset into it. `None` if no symbol
/// contains `addr` or the table is corrupt up to that point.
pub fn find(table: &[u8], addr: u64) -> Option<(SymbolRef<'_>, u64)> {
    let (count, mut rest) = postcard::take_from_bytes::<usize>(table).ok()?;
    let mut best: Option<SymbolRef<'_>> = None;
    for _ in 0..count {
        let (sym, next) = postcard::take_from_bytes::<SymbolRef<'_>>(rest).ok()?;
        rest = next;
        // Sorted by address (`encode`): past `addr` nothing can contain it.
        if sym.addr > addr {
            break;
        }
        best = Some(sym);
    }
    let s = best?;
    let off = addr - s.addr;
    (s.size == 0 || off < s.size).then_some((s, off))
}

/// Finds the symbol containing `addr`; returns it and the offset into it.
pub fn lookup(syms: &[Symbol], addr: u64) -> Option<(&Symbol, u64)> {
    let i = syms.partition_point(|s| s.addr <= addr).checked_sub(1)?;
    let s = &syms[i];
    let off = addr - s.addr;
    (s.size == 0 || off < s.size).then_some((s, off))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn lookup_finds_containing_symbol() {
        let t = encode(vec![
            Symbol {
                addr: 0x2000,
                size: 0x10,
                name: "b".into(),
            },
            Symbol {
                addr: 0x1000,
                size: 0x100,
                name: "a".into(),
            },
        ]);
        let syms = decode(&t).unwrap();
        assert_eq!(
            lookup(&syms, 0x1004).map(|(s, o)| (s.name.as_str(), o)),
            Some(("a", 4))
        );
        assert_eq!(lookup(&syms, 0x2010), None);
        assert_eq!(lookup(&syms, 0x10), None);
        assert!(decode(&t[..t.len() - 1]).is_none());
    }

    #[test]
    fn find_in_place_agrees_with_lookup() {
        let mut syms: Vec<Symbol> = (0..300u64)
            .map(|i| Symbol {
                addr: 0x1000 + i * 0x40,
                // Some unknown sizes, some gaps after the symbol.
                size: [0, 0x40, 0x20][(i % 3) as usize],
                name: alloc::format!("f{i}"),
            })
            .collect();
        syms.reverse();
        let t = encode(syms);
        let all = decode(&t).unwrap();
        for addr in (0..0x1000 + 301 * 0x40).step_by(0x11) {
            let want = lookup(&all, addr).map(|(s, o)| (s.name.as_str(), s.addr, s.size, o));
            let got = find(&t, addr).map(|(s, o)| (s.name, s.addr, s.size, o));
            assert_eq!(got, want, "{addr:#x}");
        }
        // A cut table still answers for what comes before the cut, and
        // nothing past it.
        let cut = &t[..t.len() / 2];
        assert_eq!(find(cut, 0x1004).map(|(s, o)| (s.name, o)), Some(("f0", 4)));
        assert_eq!(find(cut, 0x1000 + 299 * 0x40), None);
        assert_eq!(find(&[], 0x1000), None);
        assert_eq!(find(&[0xff], 0x1000), None);
    }
}
