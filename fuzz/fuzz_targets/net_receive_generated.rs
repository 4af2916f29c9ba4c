//! libFuzzer target: the first 8 bytes seed netfuzz's generator of
//! well-formed Ethernet/ARP/IPv4/IPv6/TCP/UDP/DHCP/ICMP frames; the rest of
//! the input is XORed over the frames' bytes, so mutations stay close to
//! valid traffic and reach the TCP and DHCP state machines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netfuzz::frames::{case, Rng};

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let mut seed = [0u8; 8];
    seed.copy_from_slice(&data[..8]);
    let mut frames = case(&mut Rng::new(u64::from_le_bytes(seed)));
    let mut mask = data[8..].iter().cycle();
    if !data[8..].is_empty() {
        for f in &mut frames {
            for b in f.iter_mut() {
                *b ^= mask.next().copied().unwrap_or(0);
            }
        }
    }
    let refs: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
    netfuzz::receive(&refs);
});
