//! The adapters filesystems hold instead of the platform (which is only
//! passed per call): console output is queued and written by the
//! dispatcher after each call, the wall clock is the time sampled at the
//! start of the current call, and /dev/urandom is a ChaCha20 stream (RFC
//! 8439 §2.3 block function) keyed from the hardware random source and
//! re-keyed after every fill (fast key erasure).

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use spin::Mutex;

use crate::platform::Platform;
use crate::vfs::devfs::{ConsoleSink, RandomSource};
use crate::vfs::types::{Clock, Timespec};

/// ChaCha20 generator state: a 256-bit key and a block counter.
struct ChaCha {
    key: [u32; 8],
    seeded: bool,
}

fn quarter(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(16);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(12);
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(8);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(7);
}

/// Returns ChaCha20 block `counter` for `key` with a zero nonce.
fn block(key: &[u32; 8], counter: u32) -> [u8; 64] {
    let mut init = [0u32; 16];
    init[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
    init[4..12].copy_from_slice(key);
    init[12] = counter;
    let mut s = init;
    for _ in 0..10 {
        quarter(&mut s, 0, 4, 8, 12);
        quarter(&mut s, 1, 5, 9, 13);
        quarter(&mut s, 2, 6, 10, 14);
        quarter(&mut s, 3, 7, 11, 15);
        quarter(&mut s, 0, 5, 10, 15);
        quarter(&mut s, 1, 6, 11, 12);
        quarter(&mut s, 2, 7, 8, 13);
        quarter(&mut s, 3, 4, 9, 14);
    }
    let mut out = [0u8; 64];
    for (i, w) in s.iter().enumerate() {
        let v = w.wrapping_add(init[i]);
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }
    out
}

/// Console queue, call-time clock and random stream shared by the
/// filesystems of one process.
pub struct Bridge {
    console: Mutex<Vec<u8>>,
    now_ns: AtomicU64,
    rng: Mutex<ChaCha>,
}

impl Default for Bridge {
    fn default() -> Self {
        Self::new()
    }
}

impl Bridge {
    /// Creates a bridge with an empty queue, the clock at the epoch and no
    /// random key yet.
    pub fn new() -> Self {
        Bridge {
            console: Mutex::new(Vec::new()),
            now_ns: AtomicU64::new(0),
            rng: Mutex::new(ChaCha {
                key: [0; 8],
                seeded: false,
            }),
        }
    }

    /// Samples the platform at the start of a call: the wall clock, and
    /// the hardware random source once for the stream key.
    pub fn enter(&self, p: &dyn Platform) {
        self.now_ns.store(p.realtime_ns(), Ordering::Relaxed);
        let mut rng = self.rng.lock();
        if !rng.seeded {
            let mut seed = [0u8; 32];
            p.random(&mut seed);
            for (k, c) in rng.key.iter_mut().zip(seed.chunks_exact(4)) {
                *k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            }
            rng.seeded = true;
        }
    }

    /// Writes queued console output to the platform.
    pub fn drain(&self, p: &dyn Platform) {
        let mut q = self.console.lock();
        if !q.is_empty() {
            p.console_write(&q);
            q.clear();
        }
    }
}

impl ConsoleSink for Bridge {
    fn write(&self, bytes: &[u8]) {
        self.console.lock().extend_from_slice(bytes);
    }
}

impl Clock for Bridge {
    fn now(&self) -> Timespec {
        Timespec::from_nanos(self.now_ns.load(Ordering::Relaxed))
    }
}

impl RandomSource for Bridge {
    fn fill(&self, buf: &mut [u8]) {
        let mut rng = self.rng.lock();
        // Block 0 becomes the next key; blocks 1.. are output.
        let next = block(&rng.key, 0);
        let mut counter = 1u32;
        for chunk in buf.chunks_mut(64) {
            let b = block(&rng.key, counter);
            chunk.copy_from_slice(&b[..chunk.len()]);
            counter = counter.wrapping_add(1);
            if counter == 0 {
                // 256 GiB in one fill: re-key and go on.
                let k = block(&rng.key, 0);
                for (w, c) in rng.key.iter_mut().zip(k.chunks_exact(4)) {
                    *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                }
                counter = 1;
            }
        }
        for (w, c) in rng.key.iter_mut().zip(next.chunks_exact(4)) {
            *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chacha20_block_matches_rfc8439_2_3_2() {
        // RFC 8439 §2.3.2 uses a nonce; with a zero nonce we check the
        // all-zero-key test vector of RFC 7539 A.1 #1 instead.
        let b = block(&[0; 8], 0);
        assert_eq!(&b[..8], &[0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90]);
    }

    #[test]
    fn fills_differ_and_console_queues() {
        let br = Bridge::new();
        let p = crate::mock::MockPlatform::new(3);
        br.enter(&p);
        let (mut a, mut b) = ([0u8; 100], [0u8; 100]);
        br.fill(&mut a);
        br.fill(&mut b);
        assert_ne!(a, b);
        ConsoleSink::write(&br, b"hi");
        assert!(p.console.borrow().is_empty());
        br.drain(&p);
        assert_eq!(&*p.console.borrow(), b"hi");
        assert_eq!(br.now().sec, 1_700_000_000);
    }
}
