//! A bounded load test of `duijie serve` on loopback: `CLIENTS` concurrent clients ask for
//! recommendations of parties (each a fresh connection, as a browser's fetch without keep-alive
//! would be) for `SECONDS`, then it stops by itself and prints the count, the errors, the
//! latency percentiles, and the server's resident memory at the start and the end.
//!
//! ```text
//! serve-load ADDR TOKEN SERVER_PID [CLIENTS=50] [SECONDS=30]
//! ```
//!
//! Parties are taken from `GET /v1/parties?limit=500`, spread over the clients. Exits non-zero
//! when any request failed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// One GET; the status and the body.
fn get(addr: &str, token: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut c = TcpStream::connect(addr)?;
    c.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        c,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    c.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |x| x.1.to_owned());
    Ok((status, body))
}

/// The server's resident memory in KiB (`VmRSS` of /proc/PID/status).
fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The ids in a `/v1/parties` answer (the text between `"id":"` and the next quote).
fn ids(body: &str) -> Vec<String> {
    body.split("\"id\":\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: serve-load ADDR TOKEN SERVER_PID [CLIENTS=50] [SECONDS=30]");
        std::process::exit(2);
    }
    let (addr, token, pid) = (args[1].clone(), args[2].clone(), args[3].clone());
    let clients: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(50);
    let seconds: u64 = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(30);
    let (status, body) = get(&addr, &token, "/v1/parties?limit=500").unwrap_or_else(|e| {
        eprintln!("cannot reach {addr}: {e}");
        std::process::exit(2)
    });
    let parties = ids(&body);
    if status != 200 || parties.is_empty() {
        eprintln!("no parties from {addr} (status {status})");
        std::process::exit(2);
    }
    let rss_start = rss_kib(&pid);
    let end = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, token, parties) = (addr.clone(), token.clone(), parties.clone());
            std::thread::spawn(move || {
                let mut times = Vec::new();
                let mut errors = Vec::new();
                let mut k = c;
                while Instant::now() < end {
                    let party = &parties[k % parties.len()];
                    k += clients;
                    let t = Instant::now();
                    match get(
                        &addr,
                        &token,
                        &format!("/v1/parties/{party}/recommendations?k=10"),
                    ) {
                        Ok((200, _)) => times.push(t.elapsed()),
                        Ok((s, b)) => errors.push(format!("{party}: {s} {b}")),
                        Err(e) => errors.push(format!("{party}: {e}")),
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut errors = Vec::new();
    for w in workers {
        let (t, e) = w.join().unwrap_or_default();
        times.extend(t);
        errors.extend(e);
    }
    let rss_end = rss_kib(&pid);
    times.sort();
    let pct = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{} requests from {clients} clients in {seconds} s ({:.0}/s), {} errors; latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}; server RSS {} → {} MiB",
        times.len(),
        times.len() as f64 / seconds as f64,
        errors.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0),
        rss_start / 1024,
        rss_end / 1024
    );
    for e in errors.iter().take(5) {
        eprintln!("error: {e}");
    }
    if !errors.is_empty() {
        std::process::exit(1);
    }
}
