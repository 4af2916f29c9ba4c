//! Named AF_UNIX sockets: tmpfs paths (bind, stat, unlink, relative
//! paths, connect errors), abstract names and autobind, datagrams to
//! names and the queue limit, the listener backlog with blocking and
//! nonblocking connects, SO_PEERCRED, seqpacket listeners.

use super::*;

#[test]
fn path_bind_makes_a_socket_file_and_connect_accept_carry_data() {
    let h = hub();
    let mut fs = files();
    let a = path("/tmp/srv");
    let l = listener(&mut fs, &h, SOCK_STREAM, &a);
    let m = fs
        .vfs
        .stat(&fs.cwd, b"/tmp/srv", AtFlags::default())
        .unwrap();
    assert_eq!(m.file_type, FileType::Socket);
    assert_eq!(m.perm, 0o755, "0777 less the umask");
    assert_eq!(errno(bind(&mut fs, &l, &path("/tmp/other"))), Errno::EINVAL);
    let dup = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    assert_eq!(errno(bind(&mut fs, &dup, &a)), Errno::EADDRINUSE);
    assert_eq!(bits(&l), 0, "a listener is neither readable nor writable");
    let c = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    l.wait_queue().unwrap().add_thread(9);
    connect(&mut fs, &c, &a).unwrap();
    assert_eq!(h.take(), [9]);
    assert_eq!(bits(&l), ev::IN | ev::RDNORM);
    // Data sent before accept waits in the new connection.
    c.write(b"early").unwrap();
    let (s, peer) = sk(&l).accept(false).unwrap();
    assert_eq!(peer, SockAddr::Unix(UnixAddr::Unnamed));
    assert!(!s.description().is_nonblocking());
    assert_eq!(errno(sk(&l).accept(true)), Errno::EAGAIN);
    assert_eq!(sk(&s).local_addr().unwrap(), a);
    assert_eq!(sk(&c).peer_addr().unwrap(), a);
    assert_eq!(
        sk(&c).local_addr().unwrap(),
        SockAddr::Unix(UnixAddr::Unnamed)
    );
    let (d, _, from) = recv(&s, 16, 0).unwrap();
    assert_eq!((d.as_slice(), from), (&b"early"[..], None));
    s.write(b"back").unwrap();
    assert_eq!(
        recv(&c, 16, 0).unwrap(),
        (b"back".to_vec(), 4, Some(a.clone()))
    );
    assert_eq!(errno(connect(&mut fs, &c, &a)), Errno::EISCONN);
    assert_eq!(errno(connect(&mut fs, &l, &a)), Errno::EINVAL);
    assert_eq!(errno(send(&mut fs, &c, b"x", Some(&a))), Errno::EISCONN);

    // unlink removes the name; the connection and the binding live on.
    fs.vfs.unlink(&fs.cwd.clone(), b"/tmp/srv").unwrap();
    let c2 = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    assert_eq!(errno(connect(&mut fs, &c2, &a)), Errno::ENOENT);
    assert_eq!(sk(&l).local_addr().unwrap(), a);
    c.write(b"still").unwrap();
    assert_eq!(recv(&s, 16, 0).unwrap().0, b"still");
    // The name can be bound again, by another socket.
    let l2 = listener(&mut fs, &h, SOCK_STREAM, &a);
    let (c3, s3) = connected(&mut fs, &h, &l2, SOCK_STREAM, &a);
    c3.write(b"new").unwrap();
    assert_eq!(recv(&s3, 16, 0).unwrap().0, b"new");
}

#[test]
fn relative_paths_resolve_against_the_cwd() {
    let h = hub();
    let mut fs = files();
    fs.cwd = fs.vfs.chdir(&fs.cwd, b"/tmp").unwrap();
    let l = listener(&mut fs, &h, SOCK_STREAM, &path("rel.sock"));
    assert_eq!(sk(&l).local_addr().unwrap(), path("rel.sock"));
    let root = fs.vfs.root();
    assert!(fs
        .vfs
        .stat(&root, b"/tmp/rel.sock", AtFlags::default())
        .is_ok());
    let c = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    connect(&mut fs, &c, &path("/tmp/rel.sock")).unwrap();
}

#[test]
fn connect_errors_follow_linux() {
    let h = hub();
    let mut fs = files();
    let c = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    assert_eq!(
        errno(connect(&mut fs, &c, &path("/tmp/none"))),
        Errno::ENOENT
    );
    // A plain file: ECONNREFUSED to connect, EADDRINUSE to bind.
    let root = fs.vfs.root();
    fs.vfs
        .open(
            &root,
            b"/tmp/plain",
            crate::vfs::flags::OpenFlags::try_from(
                crate::vfs::flags::o::CREAT | crate::vfs::flags::o::WRONLY,
            )
            .unwrap(),
            crate::vfs::flags::Mode::new(0o600),
        )
        .unwrap();
    assert_eq!(
        errno(connect(&mut fs, &c, &path("/tmp/plain"))),
        Errno::ECONNREFUSED
    );
    assert_eq!(
        errno(bind(&mut fs, &c, &path("/tmp/plain"))),
        Errno::EADDRINUSE
    );
    assert_eq!(errno(bind(&mut fs, &c, &path("/nodir/s"))), Errno::ENOENT);
    // Bound but not listening.
    let b = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    bind(&mut fs, &b, &path("/tmp/quiet")).unwrap();
    assert_eq!(
        errno(connect(&mut fs, &c, &path("/tmp/quiet"))),
        Errno::ECONNREFUSED
    );
    // A stale socket file after its socket closed.
    drop(b);
    assert_eq!(
        errno(connect(&mut fs, &c, &path("/tmp/quiet"))),
        Errno::ECONNREFUSED
    );
    // A listener of another type.
    let dl = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    bind(&mut fs, &dl, &path("/tmp/dg")).unwrap();
    assert_eq!(
        errno(connect(&mut fs, &c, &path("/tmp/dg"))),
        Errno::EPROTOTYPE
    );
    // Abstract names are per type: another type's name is not found.
    let _sl = listener(&mut fs, &h, SOCK_SEQPACKET, &abs("seq"));
    assert_eq!(
        errno(connect(&mut fs, &c, &abs("seq"))),
        Errno::ECONNREFUSED
    );
    let st = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    bind(&mut fs, &st, &abs("seq")).unwrap();
    assert_eq!(
        errno(connect(&mut fs, &c, &SockAddr::Unix(UnixAddr::Unnamed))),
        Errno::EINVAL
    );
    assert_eq!(
        errno(connect(&mut fs, &c, &SockAddr::Unspec)),
        Errno::EINVAL
    );
    let inet = SockAddr::Inet {
        addr: [127, 0, 0, 1],
        port: 1,
    };
    assert_eq!(errno(connect(&mut fs, &c, &inet)), Errno::EINVAL);
}

#[test]
fn abstract_names_are_their_own_namespace_and_vanish_on_close() {
    let h = hub();
    let mut fs = files();
    let a = abs("srv\0x");
    let l = listener(&mut fs, &h, SOCK_STREAM, &a);
    let other = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    assert_eq!(errno(bind(&mut fs, &other, &a)), Errno::EADDRINUSE);
    // The same bytes as a path are a different name.
    bind(&mut fs, &other, &path("/tmp/srv")).unwrap();
    let (c, s) = connected(&mut fs, &h, &l, SOCK_STREAM, &a);
    assert_eq!(sk(&c).peer_addr().unwrap(), a);
    assert_eq!(sk(&s).local_addr().unwrap(), a);
    c.write(b"abstract").unwrap();
    assert_eq!(recv(&s, 16, 0).unwrap().0, b"abstract");
    let c2 = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    assert_eq!(
        errno(connect(&mut fs, &c2, &abs("srv"))),
        Errno::ECONNREFUSED
    );
    drop(l);
    assert_eq!(errno(connect(&mut fs, &c2, &a)), Errno::ECONNREFUSED);
    let again = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    bind(&mut fs, &again, &a).unwrap();
    // Another process's table (another Files) does not see the name.
    let mut fs2 = files();
    assert_eq!(errno(connect(&mut fs2, &c2, &a)), Errno::ECONNREFUSED);
}

#[test]
fn autobind_on_empty_bind_and_under_so_passcred() {
    let h = hub();
    let mut fs = files();
    let d = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    bind(&mut fs, &d, &SockAddr::Unix(UnixAddr::Unnamed)).unwrap();
    let SockAddr::Unix(UnixAddr::Abstract(n)) = sk(&d).local_addr().unwrap() else {
        panic!("autobind gives an abstract name");
    };
    assert_eq!(n.len(), 5);
    assert!(n.iter().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(sk(&d).local_addr().unwrap().to_bytes().len(), 8);
    // A sender without a name is seen as unnamed...
    let s = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    let to = SockAddr::Unix(UnixAddr::Abstract(n.clone()));
    send(&mut fs, &s, b"hi", Some(&to)).unwrap();
    assert_eq!(recv(&d, 8, 0).unwrap().2, None);
    // ...unless SO_PASSCRED made it autobind.
    sk(&s)
        .set_option(1, SO_PASSCRED, &1i32.to_ne_bytes())
        .unwrap();
    assert_eq!(
        sk(&s).get_option(1, SO_PASSCRED).unwrap(),
        1i32.to_ne_bytes()
    );
    send(&mut fs, &s, b"hi", Some(&to)).unwrap();
    let from = recv(&d, 8, 0).unwrap().2.expect("autobound sender");
    assert_eq!(from, sk(&s).local_addr().unwrap());
    assert_ne!(from, to);
}

#[test]
fn dgram_sendto_paths_and_connected_peers() {
    let h = hub();
    let mut fs = files();
    let srv = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    let a = path("/tmp/dg");
    bind(&mut fs, &srv, &a).unwrap();
    let cl = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    bind(&mut fs, &cl, &abs("client")).unwrap();
    assert_eq!(send(&mut fs, &cl, b"dgram one", Some(&a)).unwrap(), 9);
    assert_eq!(send(&mut fs, &cl, b"two", Some(&a)).unwrap(), 3);
    let (d, _, from) = recv(&srv, 32, 0).unwrap();
    assert_eq!(
        (d.as_slice(), from),
        (&b"dgram one"[..], Some(abs("client")))
    );
    assert_eq!(recv(&srv, 32, 0).unwrap().0, b"two");
    // connect sets the default destination; AF_UNSPEC dissolves it.
    connect(&mut fs, &cl, &a).unwrap();
    assert_eq!(sk(&cl).peer_addr().unwrap(), a);
    cl.write(b"default").unwrap();
    assert_eq!(recv(&srv, 32, 0).unwrap().0, b"default");
    connect(&mut fs, &cl, &SockAddr::Unspec).unwrap();
    assert_eq!(errno(cl.write(b"x")), Errno::ENOTCONN);
    assert_eq!(
        errno(send(&mut fs, &cl, b"x", Some(&path("/tmp/none")))),
        Errno::ENOENT
    );
    // A socket connected to someone else refuses others (unix_may_send).
    let third = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    connect(&mut fs, &srv, &abs("client")).unwrap();
    assert_eq!(errno(send(&mut fs, &third, b"x", Some(&a))), Errno::EPERM);
    assert_eq!(errno(connect(&mut fs, &third, &a)), Errno::EPERM);
    // A datagram larger than SO_SNDBUF.
    let big = vec![0u8; 212_992];
    assert_eq!(
        errno(send(&mut fs, &third, &big, Some(&abs("client")))),
        Errno::EMSGSIZE
    );
    // A stream socket path is the wrong type.
    let _l = listener(&mut fs, &h, SOCK_STREAM, &path("/tmp/st"));
    assert_eq!(
        errno(send(&mut fs, &third, b"x", Some(&path("/tmp/st")))),
        Errno::EPROTOTYPE
    );
    // Its abstract name is another type's namespace.
    let _la = listener(&mut fs, &h, SOCK_STREAM, &abs("st"));
    assert_eq!(
        errno(send(&mut fs, &third, b"x", Some(&abs("st")))),
        Errno::ECONNREFUSED
    );
}

#[test]
fn dgram_receive_queue_limit_and_room_wakeups() {
    let h = hub();
    let mut fs = files();
    let srv = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    let a = abs("q");
    bind(&mut fs, &srv, &a).unwrap();
    let cl = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    connect(&mut fs, &cl, &a).unwrap();
    for _ in 0..=MAX_DGRAM_QLEN {
        cl.write(b"d").unwrap();
    }
    for _ in 0..100 {
        assert_eq!(errno(cl.write(b"d")), Errno::EAGAIN);
    }
    assert_eq!(bits(&cl) & ev::OUT, 0, "unix_dgram_poll: peer queue full");
    cl.wait_queue().unwrap().add_thread(5);
    recv(&srv, 4, 0).unwrap();
    assert!(h.take().contains(&5));
    assert_ne!(bits(&cl) & ev::OUT, 0);
    cl.write(b"d").unwrap();
    // A socketpair is limited only by SO_SNDBUF.
    let (x, _y) = pair(&h, SOCK_DGRAM, true, CRED).unwrap();
    let mut n = 0;
    while x.write(b"m").is_ok() {
        n += 1;
    }
    assert!(n > MAX_DGRAM_QLEN && n < 1000, "{n}");
}

#[test]
fn backlog_full_gives_eagain_and_accept_wakes_the_connector() {
    let h = hub();
    let mut fs = files();
    let a = path("/tmp/bl");
    let l = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    bind(&mut fs, &l, &a).unwrap();
    sk(&l).listen(1).unwrap();
    assert_eq!(
        sk(&l).get_option(1, SO_ACCEPTCONN).unwrap(),
        1i32.to_ne_bytes()
    );
    // unix_recvq_full: backlog 1 holds two.
    let c1 = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    let c2 = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    let c3 = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    connect(&mut fs, &c1, &a).unwrap();
    connect(&mut fs, &c2, &a).unwrap();
    assert_eq!(errno(connect(&mut fs, &c3, &a)), Errno::EAGAIN);
    c3.wait_queue().unwrap().add_thread(11);
    let (s1, _) = sk(&l).accept(true).unwrap();
    assert!(h.take().contains(&11));
    connect(&mut fs, &c3, &a).unwrap();
    drop(s1);
    // A blocking connect waits: InProgress, then finish_connect once an
    // accept makes room.
    let cb = socket(&h, SOCK_STREAM, false, CRED).unwrap();
    assert_eq!(
        sk(&cb)
            .connect(&mut SockEnv { files: &mut fs }, &a)
            .unwrap(),
        crate::net::Connecting::InProgress
    );
    assert_eq!(sk(&cb).finish_connect(), None);
    cb.wait_queue().unwrap().add_thread(12);
    let (s2, _) = sk(&l).accept(true).unwrap();
    assert!(h.take().contains(&12));
    assert_eq!(sk(&cb).finish_connect(), Some(Ok(())));
    assert_eq!(sk(&cb).finish_connect(), Some(Ok(())));
    assert_eq!(sk(&cb).peer_addr().unwrap(), a);
    drop(s2);
    // Pending now: c3 and cb; a third blocking connector waits, and is
    // refused when the listener closes.
    let cw = socket(&h, SOCK_STREAM, false, CRED).unwrap();
    assert_eq!(
        sk(&cw)
            .connect(&mut SockEnv { files: &mut fs }, &a)
            .unwrap(),
        crate::net::Connecting::InProgress
    );
    // A listener closed with connections pending resets them.
    drop(l);
    assert_eq!(
        sk(&cw).finish_connect().map(|r| r.unwrap_err().errno),
        Some(Errno::ECONNREFUSED)
    );
    let mut buf = [0u8; 4];
    assert_eq!(errno(c3.read(&mut buf)), Errno::ECONNRESET);
    assert_eq!(c3.read(&mut buf).unwrap(), 0);
    assert_eq!(errno(cb.write(b"x")), Errno::EPIPE);
    assert_eq!(c1.read(&mut buf).unwrap(), 0, "accepted, then closed");
    assert_eq!(c2.read(&mut buf).unwrap(), 0, "accepted, then closed");
}

#[test]
fn peer_credentials() {
    let h = hub();
    let mut fs = files();
    let (a, _b) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    assert_eq!(sk(&a).get_option(1, SO_PEERCRED).unwrap(), CRED.to_bytes());
    let lone = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    assert_eq!(
        sk(&lone).get_option(1, SO_PEERCRED).unwrap(),
        Ucred::NONE.to_bytes()
    );
    let other = Ucred {
        pid: 1,
        uid: 5,
        gid: 6,
    };
    let l = socket(&h, SOCK_STREAM, true, other).unwrap();
    bind(&mut fs, &l, &abs("cred")).unwrap();
    sk(&l).listen(4).unwrap();
    assert_eq!(sk(&l).get_option(1, SO_PEERCRED).unwrap(), other.to_bytes());
    let c = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    connect(&mut fs, &c, &abs("cred")).unwrap();
    let (s, _) = sk(&l).accept(true).unwrap();
    assert_eq!(sk(&c).get_option(1, SO_PEERCRED).unwrap(), other.to_bytes());
    assert_eq!(sk(&s).get_option(1, SO_PEERCRED).unwrap(), CRED.to_bytes());
    assert_eq!(errno(sk(&s).get_option(6, 1)), Errno::ENOPROTOOPT);
    assert_eq!(errno(sk(&s).get_option(1, 99)), Errno::ENOPROTOOPT);
    sk(&s).set_option(1, 7, &4096i32.to_ne_bytes()).unwrap();
    assert_eq!(
        errno(sk(&s).set_option(6, 1, &[1, 0, 0, 0])),
        Errno::ENOPROTOOPT
    );
    assert_eq!(
        sk(&s).get_option(1, SO_ACCEPTCONN).unwrap(),
        0i32.to_ne_bytes()
    );
}

#[test]
fn seqpacket_listen_accept_over_a_path() {
    let h = hub();
    let mut fs = files();
    let a = path("/tmp/seq");
    let l = listener(&mut fs, &h, SOCK_SEQPACKET, &a);
    let (c, s) = connected(&mut fs, &h, &l, SOCK_SEQPACKET, &a);
    // An address on a seqpacket send is ignored.
    assert_eq!(
        send(&mut fs, &c, b"rec1", Some(&path("/tmp/x"))).unwrap(),
        4
    );
    c.write(b"rec2").unwrap();
    assert_eq!(recv(&s, 16, 0).unwrap().0, b"rec1");
    assert_eq!(recv(&s, 16, 0).unwrap().0, b"rec2");
    sk(&c).shutdown(crate::net::Shutdown::Write).unwrap();
    assert_ne!(bits(&s) & ev::RDHUP, 0);
    assert_eq!(recv(&s, 16, 0).unwrap().0, b"");
}
