//! libFuzzer target: raw bytes split into Ethernet frames (2-byte length
//! prefixes) and fed to the receive path (`posix::net::inet::fuzz_receive`
//! through `netfuzz::receive`). Any panic is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let frames = netfuzz::frames::split_frames(data);
    netfuzz::receive(&frames);
});
