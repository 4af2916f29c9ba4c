//! The kernel symbol table baked into an image, so that a kernel fault can
//! print a symbolised backtrace without carrying its own ELF symbol tables.
//! `rumprun bake` extracts function symbols from the kernel ELF (sorted by
//! address) and the kernel's trap code looks return addresses up here.

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
}
