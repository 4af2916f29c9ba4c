//! Conformance harness (stub, being written).
#![forbid(unsafe_code)]
fn main() {}
