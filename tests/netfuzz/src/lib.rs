//! Fuzzing the network receive path: [`frames`] generates seeded random
//! and mutated Ethernet frames; [`receive`] hands a case to the stack under
//! test, `posix::net::inet::fuzz_receive` (a fake NIC feeding a fresh
//! stack with listening and connected sockets, owned by the inet layer).
//! Used by the bounded-time driver (`netfuzz`, in `make test`) and by the
//! cargo-fuzz target in `fuzz/` (nightly, libFuzzer).
#![forbid(unsafe_code)]

pub mod frames;

/// Feeds `frames` (whole Ethernet frames, in order) to the receive path.
/// A panic inside is the bug being looked for.
pub fn receive(frames: &[&[u8]]) {
    posix::net::inet::fuzz_receive(frames);
}
