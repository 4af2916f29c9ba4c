//! The one table of Linux x86_64 syscalls (numbers and names from
//! arch/x86/entry/syscalls/syscall_64.tbl, 0..=462) with each call's status
//! here: implemented (with its handler), stubbed (a fixed errno, quietly) or
//! ENOSYS (reported once on the console). `dispatch` routes every call
//! through it, and docs/syscalls.md is generated from it
//! ([`render_markdown`]), so the table is the single source of truth.
//! Neighbours: handlers in `sys/`, `trace` (the strace-style line).

use alloc::format;
use alloc::string::String;

use crate::args::Args;
use crate::errno::{Errno, SysError, SysResult};
use crate::process::{Cx, SyscallOutcome};
use crate::{err, sys, trace};

/// A syscall handler: decodes its registers once, then delegates.
pub(crate) type HandlerFn = fn(&mut Cx<'_>, &Args) -> SysResult<u64>;

/// An implemented call's handler and argument count (for the trace).
#[derive(Clone, Copy)]
pub struct Handler {
    pub(crate) f: HandlerFn,
    /// How many argument registers the call uses.
    pub nargs: u8,
}

impl core::fmt::Debug for Handler {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Handler({} args)", self.nargs)
    }
}

/// What rumprun-rs does with a syscall number.
#[derive(Debug, Clone, Copy)]
pub enum Status {
    /// Implemented by a handler in `sys/`.
    Implemented(Handler),
    /// Always fails with this errno, quietly; the string says why.
    Stubbed(Errno, &'static str),
    /// Fails with ENOSYS; the first call prints one console line.
    Enosys,
    /// No syscall has this number on x86_64 (335 < nr < 424).
    Unassigned,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Syscall {
    /// The x86_64 syscall number.
    pub nr: u16,
    /// The Linux name (empty for unassigned numbers).
    pub name: &'static str,
    /// What happens when the program calls it.
    pub status: Status,
}

const fn imp(nr: u16, name: &'static str, nargs: u8, f: HandlerFn) -> Syscall {
    Syscall {
        nr,
        name,
        status: Status::Implemented(Handler { f, nargs }),
    }
}

const fn stub(nr: u16, name: &'static str, errno: Errno, why: &'static str) -> Syscall {
    Syscall {
        nr,
        name,
        status: Status::Stubbed(errno, why),
    }
}

const fn nosys(nr: u16, name: &'static str) -> Syscall {
    Syscall {
        nr,
        name,
        status: Status::Enosys,
    }
}

const fn gap(nr: u16) -> Syscall {
    Syscall {
        nr,
        name: "",
        status: Status::Unassigned,
    }
}

/// Highest syscall number in the table.
pub const MAX_NR: u16 = 462;

/// Every x86_64 syscall number 0..=462, indexed by number.
pub static SYSCALLS: [Syscall; MAX_NR as usize + 1] = [
    imp(0, "read", 3, sys::read::sys_read),
    imp(1, "write", 3, sys::write::sys_write),
    imp(2, "open", 3, sys::open::sys_open),
    imp(3, "close", 1, sys::open::sys_close),
    imp(4, "stat", 2, sys::stat::sys_stat),
    imp(5, "fstat", 2, sys::stat::sys_fstat),
    imp(6, "lstat", 2, sys::stat::sys_lstat),
    imp(7, "poll", 3, sys::poll::sys_poll),
    imp(8, "lseek", 3, sys::lseek::sys_lseek),
    imp(9, "mmap", 6, sys::mmap::sys_mmap),
    imp(10, "mprotect", 3, sys::mmap::sys_mprotect),
    imp(11, "munmap", 2, sys::mmap::sys_munmap),
    imp(12, "brk", 1, sys::mmap::sys_brk),
    imp(13, "rt_sigaction", 4, sys::rt_sigaction::sys_rt_sigaction),
    imp(
        14,
        "rt_sigprocmask",
        4,
        sys::rt_sigaction::sys_rt_sigprocmask,
    ),
    imp(15, "rt_sigreturn", 0, sys::rt_sigsuspend::sys_rt_sigreturn),
    imp(16, "ioctl", 3, sys::ioctl::sys_ioctl),
    imp(17, "pread64", 4, sys::read::sys_pread64),
    imp(18, "pwrite64", 4, sys::write::sys_pwrite64),
    imp(19, "readv", 3, sys::read::sys_readv),
    imp(20, "writev", 3, sys::write::sys_writev),
    imp(21, "access", 2, sys::access::sys_access),
    imp(22, "pipe", 1, sys::pipe::sys_pipe),
    imp(23, "select", 5, sys::poll::sys_select),
    imp(24, "sched_yield", 0, sys::nanosleep::sys_sched_yield),
    imp(25, "mremap", 5, sys::mmap::sys_mremap),
    imp(26, "msync", 3, sys::mmap::sys_msync),
    nosys(27, "mincore"),
    imp(28, "madvise", 3, sys::mmap::sys_madvise),
    nosys(29, "shmget"),
    nosys(30, "shmat"),
    nosys(31, "shmctl"),
    imp(32, "dup", 1, sys::dup::sys_dup),
    imp(33, "dup2", 2, sys::dup::sys_dup2),
    imp(34, "pause", 0, sys::rt_sigsuspend::sys_pause),
    imp(35, "nanosleep", 2, sys::nanosleep::sys_nanosleep),
    nosys(36, "getitimer"),
    nosys(37, "alarm"),
    nosys(38, "setitimer"),
    imp(39, "getpid", 0, sys::getpid::sys_getpid),
    imp(40, "sendfile", 4, sys::sendfile::sys_sendfile),
    imp(41, "socket", 3, sys::socket::sys_socket),
    imp(42, "connect", 3, sys::socket::sys_connect),
    imp(43, "accept", 3, sys::socket::sys_accept),
    imp(44, "sendto", 6, sys::sockmsg::sys_sendto),
    imp(45, "recvfrom", 6, sys::sockmsg::sys_recvfrom),
    imp(46, "sendmsg", 3, sys::sockmsg::sys_sendmsg),
    imp(47, "recvmsg", 3, sys::sockmsg::sys_recvmsg),
    imp(48, "shutdown", 2, sys::socket::sys_shutdown),
    imp(49, "bind", 3, sys::socket::sys_bind),
    imp(50, "listen", 2, sys::socket::sys_listen),
    imp(51, "getsockname", 3, sys::socket::sys_getsockname),
    imp(52, "getpeername", 3, sys::socket::sys_getpeername),
    imp(53, "socketpair", 4, sys::socket::sys_socketpair),
    imp(54, "setsockopt", 5, sys::sockopt::sys_setsockopt),
    imp(55, "getsockopt", 5, sys::sockopt::sys_getsockopt),
    imp(56, "clone", 5, sys::clone::sys_clone),
    nosys(57, "fork"),
    nosys(58, "vfork"),
    nosys(59, "execve"),
    imp(60, "exit", 1, sys::exit::sys_exit),
    imp(61, "wait4", 4, sys::wait::sys_wait4),
    imp(62, "kill", 2, sys::kill::sys_kill),
    imp(63, "uname", 1, sys::uname::sys_uname),
    nosys(64, "semget"),
    nosys(65, "semop"),
    nosys(66, "semctl"),
    nosys(67, "shmdt"),
    nosys(68, "msgget"),
    nosys(69, "msgsnd"),
    nosys(70, "msgrcv"),
    nosys(71, "msgctl"),
    imp(72, "fcntl", 3, sys::fcntl::sys_fcntl),
    imp(73, "flock", 2, sys::fcntl::sys_flock),
    imp(74, "fsync", 1, sys::fsync::sys_fsync),
    imp(75, "fdatasync", 1, sys::fsync::sys_fdatasync),
    imp(76, "truncate", 2, sys::truncate::sys_truncate),
    imp(77, "ftruncate", 2, sys::truncate::sys_ftruncate),
    nosys(78, "getdents"),
    imp(79, "getcwd", 2, sys::getcwd::sys_getcwd),
    imp(80, "chdir", 1, sys::getcwd::sys_chdir),
    imp(81, "fchdir", 1, sys::getcwd::sys_fchdir),
    imp(82, "rename", 2, sys::rename::sys_rename),
    imp(83, "mkdir", 2, sys::mkdir::sys_mkdir),
    imp(84, "rmdir", 1, sys::mkdir::sys_rmdir),
    imp(85, "creat", 2, sys::open::sys_creat),
    imp(86, "link", 2, sys::link::sys_link),
    imp(87, "unlink", 1, sys::unlink::sys_unlink),
    imp(88, "symlink", 2, sys::link::sys_symlink),
    imp(89, "readlink", 3, sys::readlink::sys_readlink),
    imp(90, "chmod", 2, sys::chmod::sys_chmod),
    imp(91, "fchmod", 2, sys::chmod::sys_fchmod),
    imp(92, "chown", 3, sys::chmod::sys_chown),
    imp(93, "fchown", 3, sys::chmod::sys_fchown),
    imp(94, "lchown", 3, sys::chmod::sys_lchown),
    imp(95, "umask", 1, sys::chmod::sys_umask),
    imp(96, "gettimeofday", 2, sys::clock_gettime::sys_gettimeofday),
    imp(97, "getrlimit", 2, sys::prlimit::sys_getrlimit),
    imp(98, "getrusage", 2, sys::getrusage::sys_getrusage),
    imp(99, "sysinfo", 1, sys::sysinfo::sys_sysinfo),
    imp(100, "times", 1, sys::getrusage::sys_times),
    nosys(101, "ptrace"),
    imp(102, "getuid", 0, sys::getuid::sys_getuid),
    nosys(103, "syslog"),
    imp(104, "getgid", 0, sys::getuid::sys_getgid),
    imp(105, "setuid", 1, sys::getuid::sys_setuid),
    imp(106, "setgid", 1, sys::getuid::sys_setgid),
    imp(107, "geteuid", 0, sys::getuid::sys_geteuid),
    imp(108, "getegid", 0, sys::getuid::sys_getegid),
    imp(109, "setpgid", 2, sys::getpid::sys_setpgid),
    imp(110, "getppid", 0, sys::getpid::sys_getppid),
    imp(111, "getpgrp", 0, sys::getpid::sys_getpgrp),
    imp(112, "setsid", 0, sys::getpid::sys_setsid),
    imp(113, "setreuid", 2, sys::getuid::sys_setreuid),
    imp(114, "setregid", 2, sys::getuid::sys_setregid),
    imp(115, "getgroups", 2, sys::getuid::sys_getgroups),
    imp(116, "setgroups", 2, sys::getuid::sys_setgroups),
    imp(117, "setresuid", 3, sys::getuid::sys_setresuid),
    imp(118, "getresuid", 3, sys::getuid::sys_getresuid),
    imp(119, "setresgid", 3, sys::getuid::sys_setresgid),
    imp(120, "getresgid", 3, sys::getuid::sys_getresgid),
    imp(121, "getpgid", 1, sys::getpid::sys_getpgid),
    imp(122, "setfsuid", 1, sys::getuid::sys_setfsuid),
    imp(123, "setfsgid", 1, sys::getuid::sys_setfsgid),
    imp(124, "getsid", 1, sys::getpid::sys_getsid),
    nosys(125, "capget"),
    nosys(126, "capset"),
    imp(
        127,
        "rt_sigpending",
        2,
        sys::rt_sigaction::sys_rt_sigpending,
    ),
    imp(
        128,
        "rt_sigtimedwait",
        4,
        sys::rt_sigsuspend::sys_rt_sigtimedwait,
    ),
    nosys(129, "rt_sigqueueinfo"),
    imp(
        130,
        "rt_sigsuspend",
        2,
        sys::rt_sigsuspend::sys_rt_sigsuspend,
    ),
    imp(131, "sigaltstack", 2, sys::rt_sigaction::sys_sigaltstack),
    imp(132, "utime", 2, sys::utimensat::sys_utime),
    nosys(133, "mknod"),
    nosys(134, "uselib"),
    imp(135, "personality", 1, sys::personality::sys_personality),
    nosys(136, "ustat"),
    imp(137, "statfs", 2, sys::stat::sys_statfs),
    imp(138, "fstatfs", 2, sys::stat::sys_fstatfs),
    nosys(139, "sysfs"),
    imp(140, "getpriority", 2, sys::getpriority::sys_getpriority),
    imp(141, "setpriority", 3, sys::getpriority::sys_setpriority),
    nosys(142, "sched_setparam"),
    imp(143, "sched_getparam", 2, sys::sched::sys_sched_getparam),
    nosys(144, "sched_setscheduler"),
    imp(
        145,
        "sched_getscheduler",
        1,
        sys::sched::sys_sched_getscheduler,
    ),
    imp(
        146,
        "sched_get_priority_max",
        1,
        sys::sched::sys_sched_get_priority_max,
    ),
    imp(
        147,
        "sched_get_priority_min",
        1,
        sys::sched::sys_sched_get_priority_min,
    ),
    nosys(148, "sched_rr_get_interval"),
    imp(149, "mlock", 2, sys::mmap::sys_mlock),
    imp(150, "munlock", 2, sys::mmap::sys_mlock),
    imp(151, "mlockall", 1, sys::mmap::sys_mlockall),
    imp(152, "munlockall", 0, sys::mmap::sys_munlockall),
    nosys(153, "vhangup"),
    nosys(154, "modify_ldt"),
    nosys(155, "pivot_root"),
    nosys(156, "_sysctl"),
    imp(157, "prctl", 5, sys::prctl::sys_prctl),
    imp(158, "arch_prctl", 2, sys::arch_prctl::sys_arch_prctl),
    nosys(159, "adjtimex"),
    imp(160, "setrlimit", 2, sys::prlimit::sys_setrlimit),
    nosys(161, "chroot"),
    imp(162, "sync", 0, sys::fsync::sys_sync),
    nosys(163, "acct"),
    nosys(164, "settimeofday"),
    nosys(165, "mount"),
    nosys(166, "umount2"),
    nosys(167, "swapon"),
    nosys(168, "swapoff"),
    nosys(169, "reboot"),
    imp(170, "sethostname", 2, sys::uname::sys_sethostname),
    imp(171, "setdomainname", 2, sys::uname::sys_setdomainname),
    nosys(172, "iopl"),
    nosys(173, "ioperm"),
    nosys(174, "create_module"),
    nosys(175, "init_module"),
    nosys(176, "delete_module"),
    nosys(177, "get_kernel_syms"),
    nosys(178, "query_module"),
    nosys(179, "quotactl"),
    nosys(180, "nfsservctl"),
    nosys(181, "getpmsg"),
    nosys(182, "putpmsg"),
    nosys(183, "afs_syscall"),
    nosys(184, "tuxcall"),
    nosys(185, "security"),
    imp(186, "gettid", 0, sys::getpid::sys_gettid),
    nosys(187, "readahead"),
    nosys(188, "setxattr"),
    nosys(189, "lsetxattr"),
    nosys(190, "fsetxattr"),
    nosys(191, "getxattr"),
    nosys(192, "lgetxattr"),
    nosys(193, "fgetxattr"),
    nosys(194, "listxattr"),
    nosys(195, "llistxattr"),
    nosys(196, "flistxattr"),
    nosys(197, "removexattr"),
    nosys(198, "lremovexattr"),
    nosys(199, "fremovexattr"),
    imp(200, "tkill", 2, sys::kill::sys_tkill),
    imp(201, "time", 1, sys::clock_gettime::sys_time),
    imp(202, "futex", 6, sys::futex::sys_futex),
    imp(
        203,
        "sched_setaffinity",
        3,
        sys::sched::sys_sched_setaffinity,
    ),
    imp(
        204,
        "sched_getaffinity",
        3,
        sys::sched::sys_sched_getaffinity,
    ),
    nosys(205, "set_thread_area"),
    nosys(206, "io_setup"),
    nosys(207, "io_destroy"),
    nosys(208, "io_getevents"),
    nosys(209, "io_submit"),
    nosys(210, "io_cancel"),
    nosys(211, "get_thread_area"),
    nosys(212, "lookup_dcookie"),
    imp(213, "epoll_create", 1, sys::epoll::sys_epoll_create),
    nosys(214, "epoll_ctl_old"),
    nosys(215, "epoll_wait_old"),
    nosys(216, "remap_file_pages"),
    imp(217, "getdents64", 3, sys::getdents::sys_getdents64),
    imp(218, "set_tid_address", 1, sys::getpid::sys_set_tid_address),
    nosys(219, "restart_syscall"),
    nosys(220, "semtimedop"),
    nosys(221, "fadvise64"),
    nosys(222, "timer_create"),
    nosys(223, "timer_settime"),
    nosys(224, "timer_gettime"),
    nosys(225, "timer_getoverrun"),
    nosys(226, "timer_delete"),
    nosys(227, "clock_settime"),
    imp(
        228,
        "clock_gettime",
        2,
        sys::clock_gettime::sys_clock_gettime,
    ),
    imp(229, "clock_getres", 2, sys::clock_gettime::sys_clock_getres),
    imp(
        230,
        "clock_nanosleep",
        4,
        sys::nanosleep::sys_clock_nanosleep,
    ),
    imp(231, "exit_group", 1, sys::exit::sys_exit_group),
    imp(232, "epoll_wait", 4, sys::epoll::sys_epoll_wait),
    imp(233, "epoll_ctl", 4, sys::epoll::sys_epoll_ctl),
    imp(234, "tgkill", 3, sys::kill::sys_tgkill),
    imp(235, "utimes", 2, sys::utimensat::sys_utimes),
    nosys(236, "vserver"),
    nosys(237, "mbind"),
    nosys(238, "set_mempolicy"),
    nosys(239, "get_mempolicy"),
    nosys(240, "mq_open"),
    nosys(241, "mq_unlink"),
    nosys(242, "mq_timedsend"),
    nosys(243, "mq_timedreceive"),
    nosys(244, "mq_notify"),
    nosys(245, "mq_getsetattr"),
    nosys(246, "kexec_load"),
    imp(247, "waitid", 5, sys::wait::sys_waitid),
    nosys(248, "add_key"),
    nosys(249, "request_key"),
    nosys(250, "keyctl"),
    nosys(251, "ioprio_set"),
    nosys(252, "ioprio_get"),
    nosys(253, "inotify_init"),
    nosys(254, "inotify_add_watch"),
    nosys(255, "inotify_rm_watch"),
    nosys(256, "migrate_pages"),
    imp(257, "openat", 4, sys::open::sys_openat),
    imp(258, "mkdirat", 3, sys::mkdir::sys_mkdirat),
    nosys(259, "mknodat"),
    imp(260, "fchownat", 5, sys::chmod::sys_fchownat),
    imp(261, "futimesat", 3, sys::utimensat::sys_futimesat),
    imp(262, "newfstatat", 4, sys::stat::sys_newfstatat),
    imp(263, "unlinkat", 3, sys::unlink::sys_unlinkat),
    imp(264, "renameat", 4, sys::rename::sys_renameat),
    imp(265, "linkat", 5, sys::link::sys_linkat),
    imp(266, "symlinkat", 3, sys::link::sys_symlinkat),
    imp(267, "readlinkat", 4, sys::readlink::sys_readlinkat),
    imp(268, "fchmodat", 3, sys::chmod::sys_fchmodat),
    imp(269, "faccessat", 3, sys::access::sys_faccessat),
    imp(270, "pselect6", 6, sys::poll::sys_pselect6),
    imp(271, "ppoll", 5, sys::poll::sys_ppoll),
    nosys(272, "unshare"),
    imp(273, "set_robust_list", 2, sys::getpid::sys_set_robust_list),
    nosys(274, "get_robust_list"),
    nosys(275, "splice"),
    nosys(276, "tee"),
    nosys(277, "sync_file_range"),
    nosys(278, "vmsplice"),
    nosys(279, "move_pages"),
    imp(280, "utimensat", 4, sys::utimensat::sys_utimensat),
    imp(281, "epoll_pwait", 6, sys::epoll::sys_epoll_pwait),
    nosys(282, "signalfd"),
    imp(283, "timerfd_create", 2, sys::timerfd::sys_timerfd_create),
    imp(284, "eventfd", 1, sys::eventfd::sys_eventfd),
    imp(285, "fallocate", 4, sys::truncate::sys_fallocate),
    imp(286, "timerfd_settime", 4, sys::timerfd::sys_timerfd_settime),
    imp(287, "timerfd_gettime", 2, sys::timerfd::sys_timerfd_gettime),
    imp(288, "accept4", 4, sys::socket::sys_accept4),
    nosys(289, "signalfd4"),
    imp(290, "eventfd2", 2, sys::eventfd::sys_eventfd2),
    imp(291, "epoll_create1", 1, sys::epoll::sys_epoll_create1),
    imp(292, "dup3", 3, sys::dup::sys_dup3),
    imp(293, "pipe2", 2, sys::pipe::sys_pipe2),
    nosys(294, "inotify_init1"),
    imp(295, "preadv", 5, sys::read::sys_preadv),
    imp(296, "pwritev", 5, sys::write::sys_pwritev),
    nosys(297, "rt_tgsigqueueinfo"),
    nosys(298, "perf_event_open"),
    imp(299, "recvmmsg", 5, sys::sockmsg::sys_recvmmsg),
    nosys(300, "fanotify_init"),
    nosys(301, "fanotify_mark"),
    imp(302, "prlimit64", 4, sys::prlimit::sys_prlimit64),
    nosys(303, "name_to_handle_at"),
    nosys(304, "open_by_handle_at"),
    nosys(305, "clock_adjtime"),
    imp(306, "syncfs", 1, sys::fsync::sys_syncfs),
    imp(307, "sendmmsg", 4, sys::sockmsg::sys_sendmmsg),
    nosys(308, "setns"),
    imp(309, "getcpu", 3, sys::sched::sys_getcpu),
    nosys(310, "process_vm_readv"),
    nosys(311, "process_vm_writev"),
    nosys(312, "kcmp"),
    nosys(313, "finit_module"),
    nosys(314, "sched_setattr"),
    nosys(315, "sched_getattr"),
    imp(316, "renameat2", 5, sys::rename::sys_renameat2),
    nosys(317, "seccomp"),
    imp(318, "getrandom", 3, sys::getrandom::sys_getrandom),
    imp(319, "memfd_create", 2, sys::memfd_create::sys_memfd_create),
    nosys(320, "kexec_file_load"),
    nosys(321, "bpf"),
    nosys(322, "execveat"),
    nosys(323, "userfaultfd"),
    nosys(324, "membarrier"),
    imp(325, "mlock2", 3, sys::mmap::sys_mlock2),
    imp(
        326,
        "copy_file_range",
        6,
        sys::sendfile::sys_copy_file_range,
    ),
    imp(327, "preadv2", 6, sys::read::sys_preadv2),
    imp(328, "pwritev2", 6, sys::write::sys_pwritev2),
    nosys(329, "pkey_mprotect"),
    nosys(330, "pkey_alloc"),
    nosys(331, "pkey_free"),
    imp(332, "statx", 5, sys::stat::sys_statx),
    nosys(333, "io_pgetevents"),
    stub(
        334,
        "rseq",
        Errno::ENOSYS,
        "restartable sequences are optional; libc falls back",
    ),
    nosys(335, "uretprobe"),
    gap(336),
    gap(337),
    gap(338),
    gap(339),
    gap(340),
    gap(341),
    gap(342),
    gap(343),
    gap(344),
    gap(345),
    gap(346),
    gap(347),
    gap(348),
    gap(349),
    gap(350),
    gap(351),
    gap(352),
    gap(353),
    gap(354),
    gap(355),
    gap(356),
    gap(357),
    gap(358),
    gap(359),
    gap(360),
    gap(361),
    gap(362),
    gap(363),
    gap(364),
    gap(365),
    gap(366),
    gap(367),
    gap(368),
    gap(369),
    gap(370),
    gap(371),
    gap(372),
    gap(373),
    gap(374),
    gap(375),
    gap(376),
    gap(377),
    gap(378),
    gap(379),
    gap(380),
    gap(381),
    gap(382),
    gap(383),
    gap(384),
    gap(385),
    gap(386),
    gap(387),
    gap(388),
    gap(389),
    gap(390),
    gap(391),
    gap(392),
    gap(393),
    gap(394),
    gap(395),
    gap(396),
    gap(397),
    gap(398),
    gap(399),
    gap(400),
    gap(401),
    gap(402),
    gap(403),
    gap(404),
    gap(405),
    gap(406),
    gap(407),
    gap(408),
    gap(409),
    gap(410),
    gap(411),
    gap(412),
    gap(413),
    gap(414),
    gap(415),
    gap(416),
    gap(417),
    gap(418),
    gap(419),
    gap(420),
    gap(421),
    gap(422),
    gap(423),
    nosys(424, "pidfd_send_signal"),
    nosys(425, "io_uring_setup"),
    nosys(426, "io_uring_enter"),
    nosys(427, "io_uring_register"),
    nosys(428, "open_tree"),
    nosys(429, "move_mount"),
    nosys(430, "fsopen"),
    nosys(431, "fsconfig"),
    nosys(432, "fsmount"),
    nosys(433, "fspick"),
    nosys(434, "pidfd_open"),
    imp(435, "clone3", 2, sys::clone::sys_clone3),
    imp(436, "close_range", 3, sys::open::sys_close_range),
    nosys(437, "openat2"),
    nosys(438, "pidfd_getfd"),
    imp(439, "faccessat2", 4, sys::access::sys_faccessat2),
    nosys(440, "process_madvise"),
    imp(441, "epoll_pwait2", 6, sys::epoll::sys_epoll_pwait2),
    nosys(442, "mount_setattr"),
    nosys(443, "quotactl_path"),
    nosys(444, "landlock_create_ruleset"),
    nosys(445, "landlock_add_rule"),
    nosys(446, "landlock_restrict_self"),
    nosys(447, "memfd_secret"),
    nosys(448, "process_mrelease"),
    nosys(449, "futex_waitv"),
    nosys(450, "set_mempolicy_home_node"),
    nosys(451, "cachestat"),
    nosys(452, "fchmodat2"),
    nosys(453, "map_shadow_stack"),
    nosys(454, "futex_wake"),
    nosys(455, "futex_wait"),
    nosys(456, "futex_requeue"),
    nosys(457, "statmount"),
    nosys(458, "listmount"),
    nosys(459, "lsm_get_self_attr"),
    nosys(460, "lsm_set_self_attr"),
    nosys(461, "lsm_list_modules"),
    nosys(462, "mseal"),
];

/// Returns the table row for `nr`, if `nr` is in 0..=462.
pub fn lookup(nr: u64) -> Option<&'static Syscall> {
    usize::try_from(nr).ok().and_then(|i| SYSCALLS.get(i))
}

/// Runs one syscall: looks it up, calls the handler or applies the
/// stub/ENOSYS policy, traces it (one place), and encodes the result.
pub(crate) fn dispatch(cx: &mut Cx<'_>, nr: u64, raw: [u64; 6]) -> SyscallOutcome {
    let args = Args(raw);
    let entry = lookup(nr);
    if crate::procinfo::may_read_proc(nr) {
        // /proc renders from a snapshot; procfs cannot take the lock we hold.
        crate::procinfo::refresh(cx);
    }
    let result: SysResult<u64> = match entry.map(|e| e.status) {
        Some(Status::Implemented(h)) => (h.f)(cx, &args),
        Some(Status::Stubbed(errno, why)) => Err(SysError::new(errno, why)),
        _ => {
            report_once(cx, nr, entry);
            Err(err!(ENOSYS, "not implemented"))
        }
    };
    if cx.block.is_some() {
        // Not finished: the dispatcher blocks and runs the handler again;
        // the trace shows the call once, when it completes.
        return SyscallOutcome::Return(0);
    }
    if cx.st.trace {
        trace::line(cx.p, nr, entry, &args, &result, cx.exit);
    }
    if let Some(code) = cx.exit {
        return SyscallOutcome::Exit(code);
    }
    if cx.exit_thread {
        return SyscallOutcome::ExitThread;
    }
    SyscallOutcome::Return(match result {
        Ok(v) => v,
        Err(e) => e.errno.to_return(),
    })
}

/// Prints "rumprun: syscall 'fork' (57) not implemented: ENOSYS" the first
/// time a number is seen (DESIGN.md decision 2: one line naming the call).
fn report_once(cx: &mut Cx<'_>, nr: u64, entry: Option<&Syscall>) {
    if !cx.st.reported.insert(nr) {
        return;
    }
    let line = match entry.filter(|e| !e.name.is_empty()) {
        Some(e) => format!(
            "rumprun: syscall '{}' ({nr}) not implemented: ENOSYS\n",
            e.name
        ),
        None => format!("rumprun: syscall {nr} not implemented: ENOSYS\n"),
    };
    cx.p.console_write(line.as_bytes());
}

/// Renders docs/syscalls.md from the table.
pub fn render_markdown() -> String {
    let count = |f: fn(&Status) -> bool| SYSCALLS.iter().filter(|s| f(&s.status)).count();
    let implemented = count(|s| matches!(s, Status::Implemented(_)));
    let stubbed = count(|s| matches!(s, Status::Stubbed(..)));
    let enosys = count(|s| matches!(s, Status::Enosys));
    let mut out = String::new();
    out.push_str("# Linux x86_64 system calls in rumprun-rs\n\n");
    out.push_str(
        "Generated from `posix/src/table.rs` (the dispatch table) by the test\n\
         `table::tests::syscalls_md_is_current`; do not edit by hand. Regenerate with\n\
         `UPDATE_SYSCALLS_MD=1 cargo test -p posix syscalls_md`.\n\n",
    );
    out.push_str(&format!(
        "{implemented} implemented, {stubbed} stubbed (fixed errno, no console note), \
         {enosys} ENOSYS (the first call prints `rumprun: syscall 'name' (nr) not \
         implemented: ENOSYS`). Numbers 336..=423 are unassigned on x86_64.\n\n"
    ));
    out.push_str("| Nr | Name | Status | Notes |\n|---:|---|---|---|\n");
    for s in SYSCALLS.iter() {
        let (status, note) = match s.status {
            Status::Implemented(_) => (String::from("implemented"), ""),
            Status::Stubbed(e, why) => (format!("stubbed: {}", e.name()), why),
            Status::Enosys => (String::from("ENOSYS"), ""),
            Status::Unassigned => continue,
        };
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            s.nr, s.name, status, note
        ));
    }
    out
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
