//! rumprun host tools (stub, being written).
#![forbid(unsafe_code)]
