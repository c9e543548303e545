//! A bounded load run against a running API (the local edition on loopback): a fixed number
//! of requests per route from `--concurrency` keep-alive connections, then throughput and
//! latency percentiles per route. A benchmark, not a test: `tests/bench.sh` runs it against a
//! release `kyocho serve`.
//!
//! Routes, each on 200-device projects made for the run (`domain::synthetic::site_json`):
//! `GET /projects/{id}` (read), `GET /projects` (list), `PUT /projects/{id}` with `If-Match`
//! (write: each connection edits its own project and sends the version the last answer gave,
//! so every write must succeed), `POST /projects/{id}/analysis` and `POST /projects/{id}/exports`
//! (a short-circuit CSV report). Any status other than the expected one is an error.
//!
//! ```text
//! load --url http://127.0.0.1:8080 --token TOKEN [--requests 2000] [--concurrency 4] [--devices 200] [--json]
//! ```
//!
//! The client is the standard library's sockets with the harnesses' small HTTP/1.1 reader
//! (`http1.rs`), so the figures are the server's and the loopback's, not a client library's.

use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "http1.rs"]
mod http1;

use http1::percentile;

struct Args {
    host: String,
    token: String,
    requests: usize,
    concurrency: usize,
    devices: usize,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut url, mut token, mut requests, mut concurrency, mut devices, mut json) = (None, None, 2000, 4, 200, false);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let number = |v: String, name: &str| v.parse::<usize>().ok().filter(|n| *n > 0).ok_or(format!("{name} must be a positive integer"));
        match a.as_str() {
            "--url" => url = Some(value("--url")?),
            "--token" => token = Some(value("--token")?),
            "--requests" => requests = number(value("--requests")?, "--requests")?,
            "--concurrency" => concurrency = number(value("--concurrency")?, "--concurrency")?,
            "--devices" => devices = number(value("--devices")?, "--devices")?,
            "--json" => json = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let url = url.ok_or("--url is required")?;
    let host = url.strip_prefix("http://").ok_or("--url must be http://HOST:PORT (loopback)")?.trim_end_matches('/').to_owned();
    Ok(Args { host, token: token.ok_or("--token is required")?, requests, concurrency, devices, json })
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    host: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

struct Answer {
    status: u16,
    etag: Option<String>,
    body: Vec<u8>,
}

impl Conn {
    fn open(host: &str) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(host)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Conn { host: host.to_owned(), reader: BufReader::new(stream.try_clone()?), writer: stream })
    }

    fn send(&mut self, method: &str, path: &str, token: &str, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<Answer> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        self.writer.write_all(head.as_bytes())?;
        self.writer.write_all(body)?;
        self.read_answer()
    }

    fn read_answer(&mut self) -> std::io::Result<Answer> {
        let head = http1::read_head(&mut self.reader)?.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed"))?;
        let status = head
            .first_line
            .get(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no status line"))?;
        let body = http1::read_body(&mut self.reader, &head)?;
        Ok(Answer { status, etag: head.headers.get("etag").cloned(), body })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Read,
    List,
    Write,
    Analysis,
    Export,
}

impl Kind {
    const ALL: [Kind; 5] = [Kind::Read, Kind::List, Kind::Write, Kind::Analysis, Kind::Export];

    fn route(self) -> &'static str {
        match self {
            Kind::Read => "GET /projects/{id}",
            Kind::List => "GET /projects",
            Kind::Write => "PUT /projects/{id} (If-Match)",
            Kind::Analysis => "POST /projects/{id}/analysis",
            Kind::Export => "POST /projects/{id}/exports (CSV)",
        }
    }
}

/// One connection's project: its id, its current version and the document it writes back.
struct Own {
    id: String,
    etag: String,
    document: Vec<u8>,
}

fn create_project(conn: &mut Conn, token: &str, devices: usize, n: usize) -> Result<Own, String> {
    let mut doc: serde_json::Value = serde_json::from_str(&domain::synthetic::site_json(devices)).map_err(|e| e.to_string())?;
    doc["name"] = serde_json::Value::String(format!("load {n} ({devices} devices)"));
    let document = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
    let a = conn.send("POST", "/projects", token, &[], &document).map_err(|e| e.to_string())?;
    if a.status != 201 {
        return Err(format!("POST /projects answered {}: {}", a.status, String::from_utf8_lossy(&a.body)));
    }
    let created: serde_json::Value = serde_json::from_slice(&a.body).map_err(|e| e.to_string())?;
    let id = created["id"].as_str().ok_or("the created project has no id")?.to_owned();
    let etag = a.etag.ok_or("the created project has no ETag")?;
    Ok(Own { id, etag, document })
}

fn one(conn: &mut Conn, token: &str, kind: Kind, own: &mut Own) -> std::io::Result<(u16, u16)> {
    let path = format!("/projects/{}", own.id);
    Ok(match kind {
        Kind::Read => (conn.send("GET", &path, token, &[], b"")?.status, 200),
        Kind::List => (conn.send("GET", "/projects?limit=50", token, &[], b"")?.status, 200),
        Kind::Write => {
            let etag = own.etag.clone();
            let a = conn.send("PUT", &path, token, &[("If-Match", &etag)], &own.document)?;
            if let Some(e) = a.etag {
                own.etag = e;
            }
            (a.status, 200)
        }
        Kind::Analysis => (conn.send("POST", &format!("{path}/analysis"), token, &[], b"")?.status, 200),
        Kind::Export => {
            let body = br#"{"what":"report","format":"csv","report":"short_circuit"}"#;
            let a = conn.send("POST", &format!("{path}/exports"), token, &[], body)?;
            (a.status, if a.status == 202 { 202 } else { 201 })
        }
    })
}

struct Figures {
    kind: Kind,
    requests: usize,
    errors: usize,
    seconds: f64,
    latencies_ms: Vec<f64>,
}

fn run_kind(args: &Args, kind: Kind, owns: &mut [(Conn, Own)]) -> Figures {
    let per = args.requests.div_ceil(owns.len());
    let start = Instant::now();
    let results: Vec<(Vec<f64>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = owns
            .iter_mut()
            .map(|(conn, own)| {
                let token = args.token.as_str();
                s.spawn(move || {
                    let (mut lat, mut errors) = (Vec::with_capacity(per), 0);
                    for _ in 0..per {
                        let t = Instant::now();
                        match one(conn, token, kind, own) {
                            Ok((got, want)) => {
                                lat.push(t.elapsed().as_secs_f64() * 1e3);
                                if got != want {
                                    errors += 1;
                                }
                            }
                            Err(_) => {
                                errors += 1;
                                match Conn::open(&conn.host) {
                                    Ok(c) => *conn = c,
                                    Err(_) => return (lat, errors + per),
                                }
                            }
                        }
                    }
                    (lat, errors)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or((Vec::new(), per))).collect()
    });
    let seconds = start.elapsed().as_secs_f64();
    let mut latencies_ms: Vec<f64> = results.iter().flat_map(|(l, _)| l.iter().copied()).collect();
    latencies_ms.sort_by(f64::total_cmp);
    Figures { kind, requests: per * owns.len(), errors: results.iter().map(|(_, e)| e).sum(), seconds, latencies_ms }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("load: {e}");
            return ExitCode::from(2);
        }
    };
    let mut owns = Vec::new();
    for n in 0..args.concurrency {
        let made = Conn::open(&args.host).map_err(|e| format!("cannot connect to {}: {e}", args.host)).and_then(|mut c| {
            let own = create_project(&mut c, &args.token, args.devices, n)?;
            Ok((c, own))
        });
        match made {
            Ok(pair) => owns.push(pair),
            Err(e) => {
                eprintln!("load: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    // Warm-up: a few requests of every kind on every connection, not counted.
    for kind in Kind::ALL {
        for (conn, own) in owns.iter_mut() {
            for _ in 0..3 {
                let _ = one(conn, &args.token, kind, own);
            }
        }
    }
    let figures: Vec<Figures> = Kind::ALL.iter().map(|k| run_kind(&args, *k, &mut owns)).collect();
    let mut failed = false;
    if args.json {
        let rows: Vec<serde_json::Value> = figures
            .iter()
            .map(|f| {
                serde_json::json!({
                    "route": f.kind.route(), "requests": f.requests, "errors": f.errors,
                    "per_second": f.requests as f64 / f.seconds,
                    "p50_ms": percentile(&f.latencies_ms, 50.0), "p99_ms": percentile(&f.latencies_ms, 99.0),
                    "max_ms": f.latencies_ms.last().copied().unwrap_or(f64::NAN),
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "devices": args.devices, "concurrency": args.concurrency, "routes": rows }));
    } else {
        println!("{} devices per project, {} connections, {} requests per route", args.devices, args.concurrency, figures[0].requests);
        println!("{:<36} {:>9} {:>9} {:>9} {:>9} {:>7}", "route", "req/s", "p50 ms", "p99 ms", "max ms", "errors");
        for f in &figures {
            println!(
                "{:<36} {:>9.0} {:>9.2} {:>9.2} {:>9.2} {:>7}",
                f.kind.route(),
                f.requests as f64 / f.seconds,
                percentile(&f.latencies_ms, 50.0),
                percentile(&f.latencies_ms, 99.0),
                f.latencies_ms.last().copied().unwrap_or(f64::NAN),
                f.errors
            );
        }
    }
    for f in &figures {
        failed |= f.errors > 0;
    }
    if failed {
        eprintln!("load: some requests failed");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
