//! Linux error numbers and the error type every syscall handler returns.
//!
//! [`Errno`] keeps the Linux spellings and numbers of
//! `include/uapi/asm-generic/errno-base.h` (1..=34) and
//! `include/uapi/asm-generic/errno.h` (35..=133); x86_64 uses the generic
//! table. [`SysError`] pairs an errno with a static context string that the
//! syscall trace prints; [`bail!`](crate::bail) builds one and returns it.

use core::fmt;

macro_rules! errnos {
    ($($name:ident = $num:literal, $desc:literal;)*) => {
        /// A Linux errno value (x86_64 / asm-generic numbering).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(i32)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Errno {
            $(
                #[doc = $desc]
                $name = $num,
            )*
        }

        impl Errno {
            /// Every errno, in numeric order.
            pub const ALL: &'static [Errno] = &[$(Errno::$name),*];

            /// Returns the Linux spelling, e.g. `"EBADF"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Errno::$name => stringify!($name),)*
                }
            }

            /// Returns the errno with number `n`, if Linux defines one.
            pub const fn from_number(n: i32) -> Option<Errno> {
                match n {
                    $($num => Some(Errno::$name),)*
                    _ => None,
                }
            }

            /// Returns the short description (as `strerror` would say).
            pub const fn description(self) -> &'static str {
                match self {
                    $(Errno::$name => $desc,)*
                }
            }
        }
    };
}

errnos! {
    EPERM = 1, "Operation not permitted";
    ENOENT = 2, "No such file or directory";
    ESRCH = 3, "No such process";
    EINTR = 4, "Interrupted system call";
    EIO = 5, "I/O error";
    ENXIO = 6, "No such device or address";
    E2BIG = 7, "Argument list too long";
    ENOEXEC = 8, "Exec format error";
    EBADF = 9, "Bad file number";
    ECHILD = 10, "No child processes";
    EAGAIN = 11, "Try again";
    ENOMEM = 12, "Out of memory";
    EACCES = 13, "Permission denied";
    EFAULT = 14, "Bad address";
    ENOTBLK = 15, "Block device required";
    EBUSY = 16, "Device or resource busy";
    EEXIST = 17, "File exists";
    EXDEV = 18, "Cross-device link";
    ENODEV = 19, "No such device";
    ENOTDIR = 20, "Not a directory";
    EISDIR = 21, "Is a directory";
    EINVAL = 22, "Invalid argument";
    ENFILE = 23, "File table overflow";
    EMFILE = 24, "Too many open files";
    ENOTTY = 25, "Not a typewriter";
    ETXTBSY = 26, "Text file busy";
    EFBIG = 27, "File too large";
    ENOSPC = 28, "No space left on device";
    ESPIPE = 29, "Illegal seek";
    EROFS = 30, "Read-only file system";
    EMLINK = 31, "Too many links";
    EPIPE = 32, "Broken pipe";
    EDOM = 33, "Math argument out of domain of func";
    ERANGE = 34, "Math result not representable";
    EDEADLK = 35, "Resource deadlock would occur";
    ENAMETOOLONG = 36, "File name too long";
    ENOLCK = 37, "No record locks available";
    ENOSYS = 38, "Invalid system call number";
    ENOTEMPTY = 39, "Directory not empty";
    ELOOP = 40, "Too many symbolic links encountered";
    ENOMSG = 42, "No message of desired type";
    EIDRM = 43, "Identifier removed";
    ECHRNG = 44, "Channel number out of range";
    EL2NSYNC = 45, "Level 2 not synchronized";
    EL3HLT = 46, "Level 3 halted";
    EL3RST = 47, "Level 3 reset";
    ELNRNG = 48, "Link number out of range";
    EUNATCH = 49, "Protocol driver not attached";
    ENOCSI = 50, "No CSI structure available";
    EL2HLT = 51, "Level 2 halted";
    EBADE = 52, "Invalid exchange";
    EBADR = 53, "Invalid request descriptor";
    EXFULL = 54, "Exchange full";
    ENOANO = 55, "No anode";
    EBADRQC = 56, "Invalid request code";
    EBADSLT = 57, "Invalid slot";
    EBFONT = 59, "Bad font file format";
    ENOSTR = 60, "Device not a stream";
    ENODATA = 61, "No data available";
    ETIME = 62, "Timer expired";
    ENOSR = 63, "Out of streams resources";
    ENONET = 64, "Machine is not on the network";
    ENOPKG = 65, "Package not installed";
    EREMOTE = 66, "Object is remote";
    ENOLINK = 67, "Link has been severed";
    EADV = 68, "Advertise error";
    ESRMNT = 69, "Srmount error";
    ECOMM = 70, "Communication error on send";
    EPROTO = 71, "Protocol error";
    EMULTIHOP = 72, "Multihop attempted";
    EDOTDOT = 73, "RFS specific error";
    EBADMSG = 74, "Not a data message";
    EOVERFLOW = 75, "Value too large for defined data type";
    ENOTUNIQ = 76, "Name not unique on network";
    EBADFD = 77, "File descriptor in bad state";
    EREMCHG = 78, "Remote address changed";
    ELIBACC = 79, "Can not access a needed shared library";
    ELIBBAD = 80, "Accessing a corrupted shared library";
    ELIBSCN = 81, ".lib section in a.out corrupted";
    ELIBMAX = 82, "Attempting to link in too many shared libraries";
    ELIBEXEC = 83, "Cannot exec a shared library directly";
    EILSEQ = 84, "Illegal byte sequence";
    ERESTART = 85, "Interrupted system call should be restarted";
    ESTRPIPE = 86, "Streams pipe error";
    EUSERS = 87, "Too many users";
    ENOTSOCK = 88, "Socket operation on non-socket";
    EDESTADDRREQ = 89, "Destination address required";
    EMSGSIZE = 90, "Message too long";
    EPROTOTYPE = 91, "Protocol wrong type for socket";
    ENOPROTOOPT = 92, "Protocol not available";
    EPROTONOSUPPORT = 93, "Protocol not supported";
    ESOCKTNOSUPPORT = 94, "Socket type not supported";
    EOPNOTSUPP = 95, "Operation not supported on transport endpoint";
    EPFNOSUPPORT = 96, "Protocol family not supported";
    EAFNOSUPPORT = 97, "Address family not supported by protocol";
    EADDRINUSE = 98, "Address already in use";
    EADDRNOTAVAIL = 99, "Cannot assign requested address";
    ENETDOWN = 100, "Network is down";
    ENETUNREACH = 101, "Network is unreachable";
    ENETRESET = 102, "Network dropped connection because of reset";
    ECONNABORTED = 103, "Software caused connection abort";
    ECONNRESET = 104, "Connection reset by peer";
    ENOBUFS = 105, "No buffer space available";
    EISCONN = 106, "Transport endpoint is already connected";
    ENOTCONN = 107, "Transport endpoint is not connected";
    ESHUTDOWN = 108, "Cannot send after transport endpoint shutdown";
    ETOOMANYREFS = 109, "Too many references: cannot splice";
    ETIMEDOUT = 110, "Connection timed out";
    ECONNREFUSED = 111, "Connection refused";
    EHOSTDOWN = 112, "Host is down";
    EHOSTUNREACH = 113, "No route to host";
    EALREADY = 114, "Operation already in progress";
    EINPROGRESS = 115, "Operation now in progress";
    ESTALE = 116, "Stale file handle";
    EUCLEAN = 117, "Structure needs cleaning";
    ENOTNAM = 118, "Not a XENIX named type file";
    ENAVAIL = 119, "No XENIX semaphores available";
    EISNAM = 120, "Is a named type file";
    EREMOTEIO = 121, "Remote I/O error";
    EDQUOT = 122, "Quota exceeded";
    ENOMEDIUM = 123, "No medium found";
    EMEDIUMTYPE = 124, "Wrong medium type";
    ECANCELED = 125, "Operation Canceled";
    ENOKEY = 126, "Required key not available";
    EKEYEXPIRED = 127, "Key has expired";
    EKEYREVOKED = 128, "Key has been revoked";
    EKEYREJECTED = 129, "Key was rejected by service";
    EOWNERDEAD = 130, "Owner died";
    ENOTRECOVERABLE = 131, "State not recoverable";
    ERFKILL = 132, "Operation not possible due to RF-kill";
    EHWPOISON = 133, "Memory page has hardware error";
}

#[allow(non_upper_case_globals)]
impl Errno {
    /// `EWOULDBLOCK` is `EAGAIN` on Linux.
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;
    /// `EDEADLOCK` is `EDEADLK` on x86_64.
    pub const EDEADLOCK: Errno = Errno::EDEADLK;
    /// `ENOTSUP` is `EOPNOTSUPP` on Linux.
    pub const ENOTSUP: Errno = Errno::EOPNOTSUPP;

    /// Returns the errno number (positive).
    pub const fn number(self) -> i32 {
        self as i32
    }

    /// Returns the raw `rax` value a failing syscall leaves: `-errno` as u64.
    pub const fn to_return(self) -> u64 {
        // Two's complement of a small positive number: -errno.
        0u64.wrapping_sub(self as u64)
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed syscall: the errno the program sees and a context string for
/// the trace (`bail!(EINVAL, "flags other than O_CLOEXEC")`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SysError {
    /// What the program sees.
    pub errno: Errno,
    /// Why, for the trace; empty when the errno says it all.
    pub context: &'static str,
}

impl SysError {
    /// Builds an error with a context string.
    pub const fn new(errno: Errno, context: &'static str) -> SysError {
        SysError { errno, context }
    }
}

impl From<Errno> for SysError {
    fn from(errno: Errno) -> SysError {
        SysError { errno, context: "" }
    }
}

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.context.is_empty() {
            write!(f, "{}", self.errno)
        } else {
            write!(f, "{} ({})", self.errno, self.context)
        }
    }
}

/// The result of a syscall handler.
pub type SysResult<T> = Result<T, SysError>;

/// Returns early with `Err(SysError)`: `bail!(EINVAL, "why")` or `bail!(EBADF)`.
#[macro_export]
macro_rules! bail {
    ($errno:ident) => {
        return Err($crate::errno::SysError::new(
            $crate::errno::Errno::$errno,
            "",
        ))
    };
    ($errno:ident, $ctx:expr) => {
        return Err($crate::errno::SysError::new(
            $crate::errno::Errno::$errno,
            $ctx,
        ))
    };
}

/// Builds a `SysError` value without returning: `err!(EFAULT, "iovec")`.
#[macro_export]
macro_rules! err {
    ($errno:ident) => {
        $crate::errno::SysError::new($crate::errno::Errno::$errno, "")
    };
    ($errno:ident, $ctx:expr) => {
        $crate::errno::SysError::new($crate::errno::Errno::$errno, $ctx)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_linux_and_round_trip() {
        assert_eq!(Errno::EPERM.number(), 1);
        assert_eq!(Errno::ERANGE.number(), 34);
        assert_eq!(Errno::ENOSYS.number(), 38);
        assert_eq!(Errno::ENOTSOCK.number(), 88);
        assert_eq!(Errno::EHWPOISON.number(), 133);
        assert_eq!(Errno::ALL.len(), 131); // 1..=133 without 41 and 58
        for e in Errno::ALL {
            assert_eq!(Errno::from_number(e.number()), Some(*e));
        }
        assert_eq!(Errno::from_number(41), None);
        assert_eq!(Errno::from_number(58), None);
        assert_eq!(Errno::EBADF.to_return(), (-9i64) as u64);
    }

    #[test]
    fn bail_returns_context() {
        fn f() -> SysResult<()> {
            bail!(EINVAL, "why");
        }
        let e = f().unwrap_err();
        assert_eq!(e.errno, Errno::EINVAL);
        assert_eq!(std::format!("{e}"), "EINVAL (why)");
    }
}
