//! `netfuzz`: runs the receive-path fuzzer for a bounded time on stable
//! Rust (CI runs it from `make test`). Each iteration's frames come from
//! a PRNG seeded with (run seed, iteration), so one failing iteration can
//! be replayed alone. On a panic the hook prints the seed, the iteration,
//! the replay command and every frame of the case in hex, before the
//! process aborts (release and dev profiles both use panic = "abort").
//!
//! Usage: `netfuzz [--seconds N] [--seed S] [--iteration I] [--iterations N]`
//! (default: 60 s, a seed from the clock, printed first).
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use netfuzz::frames::{case, Rng};

/// A case: the run's seed, the iteration, its frames.
type Case = (u64, u64, Vec<Vec<u8>>);

/// The case being run, for the panic hook.
static CURRENT: Mutex<Option<Case>> = Mutex::new(None);

/// Returns the PRNG seed of iteration `i` of a run with seed `seed`.
fn iteration_seed(seed: u64, i: u64) -> u64 {
    Rng::new(seed ^ i.wrapping_mul(0xA24B_AED4_963E_E407)).next_u64()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Options: (seconds, seed, one iteration to replay, iteration cap).
struct Options {
    seconds: u64,
    seed: Option<u64>,
    only: Option<u64>,
    max: Option<u64>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        seconds: 60,
        seed: None,
        only: None,
        max: None,
    };
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        let mut num = |flag: &str| -> Result<u64, String> {
            let v = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let parsed = match v.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16),
                None => v.parse(),
            };
            parsed.map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match a.as_str() {
            "--seconds" => o.seconds = num("--seconds")?,
            "--seed" => o.seed = Some(num("--seed")?),
            "--iteration" => o.only = Some(num("--iteration")?),
            "--iterations" => o.max = Some(num("--iterations")?),
            _ => return Err(format!("unknown argument {a}\nusage: netfuzz [--seconds N] [--seed S] [--iteration I] [--iterations N]")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let o = match parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("netfuzz: {e}");
            return ExitCode::from(2);
        }
    };
    let seed = o.seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    println!("netfuzz: seed {seed:#x}");
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // try_lock: the panic may come from a thread holding nothing of ours;
        // never block in the hook.
        if let Ok(cur) = CURRENT.try_lock() {
            if let Some((s, i, frames)) = cur.as_ref() {
                eprintln!("netfuzz: PANIC at seed {s:#x} iteration {i}");
                eprintln!("netfuzz: replay with: netfuzz --seed {s:#x} --iteration {i}");
                for (n, f) in frames.iter().enumerate() {
                    eprintln!("netfuzz: frame {n} ({} bytes): {}", f.len(), hex(f));
                }
            }
        }
        default_hook(info);
    }));
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let (first, last) = match o.only {
        Some(i) => (i, i + 1),
        None => (0, o.max.unwrap_or(u64::MAX)),
    };
    // NETFUZZ_PANIC_AT=I panics at iteration I: tests the failure report.
    let inject: Option<u64> = std::env::var("NETFUZZ_PANIC_AT")
        .ok()
        .and_then(|v| v.parse().ok());
    let (mut frames_total, mut bytes_total) = (0u64, 0u64);
    let mut i = first;
    while i < last && (o.only.is_some() || Instant::now() < deadline) {
        let frames = case(&mut Rng::new(iteration_seed(seed, i)));
        frames_total += frames.len() as u64;
        bytes_total += frames.iter().map(|f| f.len() as u64).sum::<u64>();
        let refs: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
        if let Ok(mut cur) = CURRENT.lock() {
            *cur = Some((seed, i, frames.clone()));
        }
        if inject == Some(i) {
            panic!("netfuzz: injected panic (NETFUZZ_PANIC_AT)");
        }
        netfuzz::receive(&refs);
        i += 1;
    }
    println!(
        "netfuzz: {} iterations, {frames_total} frames, {bytes_total} bytes, no panic (seed {seed:#x})",
        i - first
    );
    ExitCode::SUCCESS
}
