//! A minimal HTTP/1.0 file server on the host for the wget test: serves
//! one generated file at one path from a thread, `Content-Length` set,
//! 404 for anything else, and counts the requests it answered. The guest
//! reaches it at 10.0.2.2 under QEMU user networking (slirp maps that
//! address to the host's loopback).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::traffic::{fill, fnv1a64, FNV_START};

/// A running file server.
pub struct FileServer {
    /// Where it listens (127.0.0.1, a kernel-picked port).
    pub addr: SocketAddr,
    /// The path it serves, e.g. `/file-4194304.bin`.
    pub path: String,
    /// Size of the file.
    pub len: usize,
    /// FNV-1a 64 of the file, as `wget` prints it.
    pub fnv: u64,
    served: Arc<AtomicUsize>,
}

impl FileServer {
    /// Starts serving `len` pattern bytes (seed `seed`) at `/file-LEN.bin`.
    ///
    /// # Errors
    /// Returns a message when it cannot bind.
    pub fn start(len: usize, seed: u64) -> Result<FileServer, String> {
        let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("http bind: {e}"))?;
        let addr = l.local_addr().map_err(|e| e.to_string())?;
        let mut body = vec![0u8; len];
        fill(&mut body, seed, 0, 0);
        let fnv = fnv1a64(FNV_START, &body);
        let path = format!("/file-{len}.bin");
        let served = Arc::new(AtomicUsize::new(0));
        let (p, s) = (path.clone(), Arc::clone(&served));
        let body = Arc::new(body);
        thread::spawn(move || {
            for conn in l.incoming().flatten() {
                let (p, s, body) = (p.clone(), Arc::clone(&s), Arc::clone(&body));
                thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
                    let mut w = match conn.try_clone() {
                        Ok(w) => w,
                        Err(_) => return,
                    };
                    let mut r = BufReader::new(conn);
                    let mut first = String::new();
                    if r.read_line(&mut first).is_err() {
                        return;
                    }
                    // Skip the rest of the header.
                    let mut line = String::new();
                    while r.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                        line.clear();
                    }
                    let want = first.split_whitespace().nth(1).unwrap_or("");
                    let res = if first.starts_with("GET ") && want == p {
                        let head = format!(
                            "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        w.write_all(head.as_bytes())
                            .and_then(|()| w.write_all(&body))
                    } else {
                        w.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    };
                    if res.is_ok() {
                        s.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        Ok(FileServer {
            addr,
            path,
            len,
            fnv,
            served,
        })
    }

    /// Returns the line `wget` prints for a complete, correct fetch.
    pub fn expected_line(&self) -> String {
        format!(
            "wget: status 200 bytes {} fnv1a64 {:016x}",
            self.len, self.fnv
        )
    }

    /// Returns how many responses were written in full.
    pub fn served(&self) -> usize {
        self.served.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpStream;

    #[test]
    fn serves_the_file_and_404s_the_rest() {
        let srv = FileServer::start(100_000, 3).expect("start");
        let get = |path: &str| {
            let mut s = TcpStream::connect(srv.addr).expect("connect");
            write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").expect("write");
            let mut v = Vec::new();
            s.read_to_end(&mut v).expect("read");
            v
        };
        let ok = get(&srv.path);
        let split = ok
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end")
            + 4;
        assert!(ok.starts_with(b"HTTP/1.0 200 OK\r\n"));
        assert_eq!(ok.len() - split, 100_000);
        assert_eq!(fnv1a64(FNV_START, &ok[split..]), srv.fnv);
        assert!(get("/other").starts_with(b"HTTP/1.0 404"));
        assert_eq!(srv.served(), 2);
    }
}
