//! Host tests of the process file state through real syscalls on the
//! mock platform: stdio on the console, open/read/write/seek, errors.

use crate::errno::Errno;
use crate::tests::util::*;

fn e(errno: Errno) -> i64 {
    -i64::from(errno.number())
}

#[test]
fn stdio_is_the_console() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    poke(&proc, &p, buf, b"hello\n");
    assert_eq!(sys(&proc, &p, 1, &[1, buf, 6]), 6);
    assert_eq!(sys(&proc, &p, 1, &[2, buf, 6]), 6);
    assert_eq!(p.console_text(), "hello\nhello\n");
    assert_eq!(sys(&proc, &p, 0, &[0, buf, 10]), 0); // EOF
    assert_eq!(sys(&proc, &p, 1, &[3, buf, 6]), e(Errno::EBADF));
    assert_eq!(sys(&proc, &p, 16, &[1, 0x5401, buf]), 0); // TCGETS: a tty
}
