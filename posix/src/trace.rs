//! The syscall trace (`rumprun run --trace`): one strace-style console line
//! per call, `name(arg, ...) = result` or `= -1 EBADF (context)`, written
//! from the one place every call passes through (`table::dispatch`).
//! Arguments print raw (decimal when small, hex otherwise): decoding
//! structs is for later.

use alloc::format;
use alloc::string::String;
use core::fmt::Write;

use crate::args::Args;
use crate::errno::SysResult;
use crate::platform::Platform;
use crate::table::{Status, Syscall};

/// Formats a register value the way strace users read it.
fn value(v: u64) -> String {
    let signed = i64::from_le_bytes(v.to_le_bytes());
    if v < 0x1_0000 {
        format!("{v}")
    } else if (-4096..0).contains(&signed) {
        format!("{signed}")
    } else {
        format!("{v:#x}")
    }
}

/// Formats one trace line (without the newline).
pub(crate) fn format_line(
    nr: u64,
    entry: Option<&Syscall>,
    args: &Args,
    result: &SysResult<u64>,
    exit: Option<u8>,
) -> String {
    let mut s = String::from("[trace] ");
    let name = entry.map(|e| e.name).filter(|n| !n.is_empty());
    match name {
        Some(n) => s.push_str(n),
        None => {
            let _ = write!(s, "syscall_{nr}");
        }
    }
    s.push('(');
    match entry.map(|e| e.status) {
        Some(Status::Implemented(h)) => {
            for i in 0..usize::from(h.nargs) {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&value(args.raw(i)));
            }
        }
        _ => s.push_str("..."),
    }
    s.push(')');
    if exit.is_some() {
        s.push_str(" = ?");
        return s;
    }
    match result {
        Ok(v) => {
            let _ = write!(s, " = {}", value(*v));
        }
        Err(e) => {
            let _ = write!(s, " = -1 {}", e.errno.name());
            if !e.context.is_empty() {
                let _ = write!(s, " ({})", e.context);
            }
        }
    }
    s
}

/// Writes one trace line to the console.
pub(crate) fn line(
    p: &dyn Platform,
    nr: u64,
    entry: Option<&Syscall>,
    args: &Args,
    result: &SysResult<u64>,
    exit: Option<u8>,
) {
    let mut l = format_line(nr, entry, args, result, exit);
    l.push('\n');
    p.console_write(l.as_bytes());
}
