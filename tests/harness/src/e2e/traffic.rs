//! The host side of the traffic: a TCP echo client that opens many
//! connections at once and checks every byte that comes back, a UDP echo
//! client that retries each datagram and counts losses, the byte pattern
//! both use, and free host ports. Used by the e2e tests, the TCP benchmark
//! and the `--client-tcp` helper that runs inside the tap test's namespace.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Returns byte `off` of connection `conn`'s stream for `seed` (cheap,
/// not periodic at powers of two, different per connection).
pub fn pattern_byte(seed: u64, conn: u64, off: u64) -> u8 {
    let x = off
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(conn.wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ seed);
    ((x >> 29) ^ (x >> 47) ^ (off / 251)) as u8
}

/// Fills `buf` with the pattern of `conn` from stream offset `off`.
pub fn fill(buf: &mut [u8], seed: u64, conn: u64, off: u64) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = pattern_byte(seed, conn, off + i as u64);
    }
}

/// Returns FNV-1a 64 of `data` continuing from `h` (start with [`FNV_START`]).
pub fn fnv1a64(mut h: u64, data: &[u8]) -> u64 {
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The FNV-1a 64 offset basis.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Returns a host port that is free for both TCP and UDP on 127.0.0.1 at
/// the moment of the call (the kernel picks it; the caller binds it soon).
///
/// # Errors
/// Returns a message when no such port turns up in 20 tries.
pub fn free_port() -> Result<u16, String> {
    for _ in 0..20 {
        let t = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("binding a TCP port: {e}"))?;
        let port = t.local_addr().map_err(|e| e.to_string())?.port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err("no port free for both TCP and UDP in 20 tries".into())
}

/// What a TCP echo run did.
#[derive(Debug, Clone)]
pub struct TcpReport {
    /// Connections opened.
    pub conns: usize,
    /// Bytes sent (and received back) over all connections.
    pub bytes: u64,
    /// Wall time of the bulk transfer: from all connections open (each
    /// with its first byte echoed) to the last byte checked.
    pub elapsed: Duration,
    /// Connects retried because the forwarded port reset them before any
    /// data (see [`establish`]).
    pub connect_retries: u32,
}

impl TcpReport {
    /// Returns the echo throughput in MiB/s (bytes sent / elapsed).
    pub fn mib_per_s(&self) -> f64 {
        self.bytes as f64 / (1024.0 * 1024.0) / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Connects to `addr`, retrying refused connects (a forwarded port may
/// accept before the guest listens) until `limit`.
fn connect(addr: SocketAddr, limit: Duration) -> Result<TcpStream, String> {
    let deadline = Instant::now() + limit;
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(10)) {
            Ok(s) => return Ok(s),
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                thread::sleep(Duration::from_millis(200));
            }
            Err(e) => return Err(format!("connect {addr}: {e}")),
        }
    }
}

/// Opens connection `conn` and checks that its first byte comes back, so
/// that the connection is known to reach the server before the bulk
/// transfer starts. A reset or EOF before that byte is retried (up to 8
/// tries): QEMU's user networking listens on forwarded host ports with a
/// backlog of 1, and under a burst of connects the host kernel drops the
/// overflow before slirp ever forwards it to the guest. Returns the stream
/// and the number of retries.
fn establish(addr: SocketAddr, conn: u64, seed: u64) -> Result<(TcpStream, u32), String> {
    let mut last = String::new();
    for attempt in 0..8u32 {
        let mut s = connect(addr, Duration::from_secs(30))?;
        let _ = s.set_nodelay(true);
        s.set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| e.to_string())?;
        let first = pattern_byte(seed, conn, 0);
        let mut b = [0u8; 1];
        match s.write_all(&[first]).and_then(|()| s.read(&mut b)) {
            Ok(1) if b[0] == first => return Ok((s, attempt)),
            Ok(1) => {
                return Err(format!(
                    "conn {conn}: byte 0 is {:#04x}, expected {first:#04x}",
                    b[0]
                ))
            }
            Ok(_) => last = format!("conn {conn}: EOF before the first byte"),
            Err(e) => last = format!("conn {conn}: first byte: {e}"),
        }
        thread::sleep(Duration::from_millis(100 << attempt.min(4)));
    }
    Err(format!("{last} (8 tries)"))
}

/// Moves `bytes` through one echo connection: a writer thread sends the
/// pattern then shuts down its side; this thread reads the echo, checks
/// every byte, and expects EOF right after the last one.
fn one_connection(
    s: TcpStream,
    start: u64,
    conn: u64,
    bytes: u64,
    seed: u64,
    io_timeout: Duration,
    moved: &AtomicU64,
) -> Result<(), String> {
    s.set_read_timeout(Some(io_timeout))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(io_timeout))
        .map_err(|e| e.to_string())?;
    let mut w = s.try_clone().map_err(|e| e.to_string())?;
    let writer = thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(move || -> Result<(), String> {
            let mut buf = vec![0u8; 32 * 1024];
            let mut off = start;
            while off < bytes {
                let n = (bytes - off).min(buf.len() as u64) as usize;
                fill(&mut buf[..n], seed, conn, off);
                w.write_all(&buf[..n])
                    .map_err(|e| format!("conn {conn}: write at {off}: {e}"))?;
                off += n as u64;
            }
            w.shutdown(Shutdown::Write)
                .map_err(|e| format!("conn {conn}: shutdown: {e}"))
        })
        .map_err(|e| format!("spawning a writer: {e}"))?;
    let mut r = s;
    let mut buf = vec![0u8; 32 * 1024];
    let mut off = start;
    let result = loop {
        match r.read(&mut buf) {
            Ok(0) if off == bytes => break Ok(()),
            Ok(0) => break Err(format!("conn {conn}: EOF after {off} of {bytes} bytes")),
            Ok(n) => {
                if off + n as u64 > bytes {
                    break Err(format!(
                        "conn {conn}: more than the {bytes} bytes sent came back"
                    ));
                }
                if let Some(i) =
                    (0..n).find(|&i| buf[i] != pattern_byte(seed, conn, off + i as u64))
                {
                    break Err(format!(
                        "conn {conn}: byte {} is {:#04x}, expected {:#04x}",
                        off + i as u64,
                        buf[i],
                        pattern_byte(seed, conn, off + i as u64)
                    ));
                }
                off += n as u64;
                moved.fetch_add(n as u64, Ordering::Relaxed);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => break Err(format!("conn {conn}: read at {off} of {bytes}: {e}")),
        }
    };
    if result.is_err() {
        // Unblock the writer if it is stuck on a full window.
        let _ = r.shutdown(Shutdown::Both);
    }
    let wres = writer
        .join()
        .unwrap_or_else(|_| Err(format!("conn {conn}: writer panicked")));
    result.and(wres)
}

/// Opens `conns` connections to the echo server at `addr` at once and
/// moves `total` bytes through them (split evenly), checking every byte.
///
/// # Errors
/// Returns the first failures (up to 5) with their connection numbers.
pub fn tcp_echo(
    addr: SocketAddr,
    conns: usize,
    total: u64,
    seed: u64,
    io_timeout: Duration,
) -> Result<TcpReport, String> {
    let moved = AtomicU64::new(0);
    let conns64 = conns as u64;
    let share = |c: u64| total / conns64 + u64::from(c < total % conns64);
    // All connections are opened (and each proven by its first byte) before
    // any bulk data moves, so that all of them are open at once.
    let mut streams = Vec::with_capacity(conns);
    let mut retries = 0u32;
    for c in 0..conns64 {
        if share(c) == 0 {
            streams.push((connect(addr, Duration::from_secs(30))?, 0));
            continue;
        }
        let (st, r) = establish(addr, c, seed)?;
        retries += r;
        moved.fetch_add(1, Ordering::Relaxed);
        streams.push((st, 1));
    }
    let start = Instant::now();
    let errors: Vec<String> = thread::scope(|sc| {
        let handles: Vec<_> = streams
            .into_iter()
            .zip(0..conns64)
            .map(|((st, from), c)| {
                let moved = &moved;
                let bytes = share(c);
                thread::Builder::new()
                    .stack_size(256 * 1024)
                    .spawn_scoped(sc, move || {
                        one_connection(st, from, c, bytes, seed, io_timeout, moved)
                    })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| match h {
                Ok(h) => h
                    .join()
                    .unwrap_or_else(|_| Err("a client thread panicked".into()))
                    .err(),
                Err(e) => Some(format!("spawning a client thread: {e}")),
            })
            .collect()
    });
    let elapsed = start.elapsed();
    if !errors.is_empty() {
        return Err(format!(
            "{} of {conns} connections failed ({} of {total} bytes checked): {}",
            errors.len(),
            moved.load(Ordering::Relaxed),
            errors
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Ok(TcpReport {
        conns,
        bytes: total,
        elapsed,
        connect_retries: retries,
    })
}

/// What a UDP echo run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpReport {
    /// Datagrams to echo.
    pub count: usize,
    /// Datagrams whose first send got no echo in time.
    pub lost_first_try: usize,
    /// Datagrams sent again (all rounds).
    pub resent: usize,
    /// Datagrams never echoed after every retry.
    pub lost: usize,
}

/// Returns datagram `i`: its sequence number (8 bytes LE) then a pattern
/// body of 16..1416 bytes that depends on `i`.
pub fn datagram(seed: u64, i: u64) -> Vec<u8> {
    let len = 16 + (i.wrapping_mul(7919) % 1400) as usize;
    let mut d = vec![0u8; 8 + len];
    d[..8].copy_from_slice(&i.to_le_bytes());
    fill(&mut d[8..], seed, i, 0);
    d
}

/// Echoes `count` datagrams through the server at `addr`, `window` in
/// flight at a time; a datagram without an echo within `wait` is sent
/// again, up to `tries` times in all.
///
/// # Errors
/// Returns a message on a socket error or a corrupted echo (losses are
/// reported in the [`UdpReport`], not as errors).
pub fn udp_echo(
    addr: SocketAddr,
    count: usize,
    seed: u64,
    window: usize,
    wait: Duration,
    tries: usize,
) -> Result<UdpReport, String> {
    let bind = if addr.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let s = UdpSocket::bind(bind).map_err(|e| format!("udp bind: {e}"))?;
    s.connect(addr)
        .map_err(|e| format!("udp connect {addr}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_millis(20)))
        .map_err(|e| e.to_string())?;
    let mut report = UdpReport {
        count,
        lost_first_try: 0,
        resent: 0,
        lost: 0,
    };
    let mut buf = vec![0u8; 65536];
    let mut next = 0u64;
    while (next as usize) < count {
        let batch: Vec<u64> = (next..(next + window as u64).min(count as u64)).collect();
        next += batch.len() as u64;
        let mut pending: Vec<u64> = batch.clone();
        for attempt in 0..tries {
            if pending.is_empty() {
                break;
            }
            if attempt > 0 {
                report.resent += pending.len();
            }
            for &i in &pending {
                s.send(&datagram(seed, i))
                    .map_err(|e| format!("udp send #{i}: {e}"))?;
            }
            let deadline = Instant::now() + wait;
            while !pending.is_empty() && Instant::now() < deadline {
                match s.recv(&mut buf) {
                    Ok(n) => {
                        if n < 8 {
                            return Err(format!("udp: a {n}-byte echo (no sequence number)"));
                        }
                        let mut seq = [0u8; 8];
                        seq.copy_from_slice(&buf[..8]);
                        let i = u64::from_le_bytes(seq);
                        if buf[..n] != datagram(seed, i)[..] {
                            return Err(format!("udp: the echo of #{i} differs ({n} bytes)"));
                        }
                        pending.retain(|&p| p != i); // a duplicate echo is harmless
                    }
                    Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                    Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                        // An ICMP port unreachable before the server is up: try again.
                        thread::sleep(Duration::from_millis(50));
                    }
                    Err(e) => return Err(format!("udp recv: {e}")),
                }
            }
            if attempt == 0 {
                report.lost_first_try += pending.len();
            }
        }
        report.lost += pending.len();
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_differs_per_connection_and_offset() {
        let a: Vec<u8> = (0..4096).map(|o| pattern_byte(1, 0, o)).collect();
        let b: Vec<u8> = (0..4096).map(|o| pattern_byte(1, 1, o)).collect();
        assert_ne!(a, b);
        assert_ne!(a[..2048], a[2048..]);
        let mut f = [0u8; 100];
        fill(&mut f, 1, 0, 1000);
        assert_eq!(f[..], a[1000..1100]);
    }

    #[test]
    fn fnv_of_known_strings() {
        assert_eq!(fnv1a64(FNV_START, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(FNV_START, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            fnv1a64(fnv1a64(FNV_START, b"fo"), b"obar"),
            fnv1a64(FNV_START, b"foobar")
        );
    }

    #[test]
    fn datagrams_carry_their_number() {
        let d = datagram(5, 77);
        assert_eq!(u64::from_le_bytes(d[..8].try_into().expect("8 bytes")), 77);
        assert!(d.len() >= 24 && d.len() <= 8 + 1416);
    }

    /// A host echo server (Rust threads) stands in for the unikernel's.
    fn host_echo() -> (SocketAddr, SocketAddr) {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        let ta = l.local_addr().expect("addr");
        thread::spawn(move || {
            for s in l.incoming().flatten() {
                thread::spawn(move || {
                    let mut r = s.try_clone().expect("clone");
                    let mut w = s;
                    let _ = std::io::copy(&mut r, &mut w);
                    let _ = w.shutdown(Shutdown::Write);
                });
            }
        });
        let u = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let ua = u.local_addr().expect("addr");
        thread::spawn(move || {
            let mut b = [0u8; 65536];
            let mut n = 0u64;
            while let Ok((len, from)) = u.recv_from(&mut b) {
                n += 1;
                if n % 10 != 3 {
                    // drop every tenth datagram once: retries must recover it
                    let _ = u.send_to(&b[..len], from);
                }
            }
        });
        (ta, ua)
    }

    #[test]
    fn tcp_and_udp_clients_against_a_host_echo() {
        let (ta, ua) = host_echo();
        let r = tcp_echo(ta, 8, 1_000_003, 9, Duration::from_secs(30)).expect("echo");
        assert_eq!((r.conns, r.bytes), (8, 1_000_003));
        let u = udp_echo(ua, 300, 4, 32, Duration::from_millis(300), 5).expect("udp");
        assert_eq!(u.lost, 0);
        assert!(u.lost_first_try > 0 && u.resent >= u.lost_first_try);
    }
}
