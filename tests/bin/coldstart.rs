//! A fake AWS Lambda Runtime API that measures a function's cold start.
//!
//! For each run it starts the bootstrap as Lambda would (the `AWS_LAMBDA_*` variables, the
//! Runtime API address), and times, from just before `exec`:
//!
//! * **init**: until the first `GET /2018-06-01/runtime/invocation/next` arrives — everything
//!   the function does before it is ready (Lambda bills and waits for this);
//! * **first response**: until `POST …/invocation/{id}/response` arrives with the answer to the
//!   API Gateway (HTTP API v2) event it was given — init plus the first request;
//!
//! and reads the process's peak resident memory (`VmHWM`) before stopping it. Medians over
//! `--runs`. Standard-library sockets, so the harness adds as little as it can to what it times.
//!
//! ```text
//! coldstart --bootstrap target/lambda/health/bootstrap --event functions/health/events/get-health.json \
//!           [--env-file target/events-functions.env] [--runs 21] [--json]
//! ```
//!
//! `tests/bench.sh` runs it for every function's release bootstrap.

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[path = "http1.rs"]
mod http1;

use http1::percentile;

const NEXT: &str = "/2018-06-01/runtime/invocation/next";

struct Args {
    bootstrap: PathBuf,
    event: PathBuf,
    env_file: Option<PathBuf>,
    runs: usize,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut bootstrap, mut event, mut env_file, mut runs, mut json) = (None, None, None, 21, false);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--bootstrap" => bootstrap = Some(PathBuf::from(value("--bootstrap")?)),
            "--event" => event = Some(PathBuf::from(value("--event")?)),
            "--env-file" => env_file = Some(PathBuf::from(value("--env-file")?)),
            "--runs" => runs = value("--runs")?.parse().map_err(|_| "--runs must be a positive integer".to_owned())?,
            "--json" => json = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if runs == 0 {
        return Err("--runs must be a positive integer".into());
    }
    Ok(Args {
        bootstrap: bootstrap.ok_or("--bootstrap is required")?,
        event: event.ok_or("--event is required")?,
        env_file,
        runs,
        json,
    })
}

/// What the fake Runtime API saw during one run.
enum Seen {
    Poll(Instant),
    Response { at: Instant, body: Vec<u8> },
    Error { body: Vec<u8> },
}

struct Run {
    init: Duration,
    first_response: Duration,
    status: Option<u64>,
    peak_rss_kib: Option<u64>,
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("coldstart: {e}");
            return ExitCode::from(2);
        }
    };
    let event = match std::fs::read(&args.event) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("coldstart: cannot read {}: {e}", args.event.display());
            return ExitCode::from(2);
        }
    };
    let env = match &args.env_file {
        Some(path) => match read_env_file(path) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("coldstart: cannot read {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => Vec::new(),
    };
    let size = std::fs::metadata(&args.bootstrap).map(|m| m.len()).unwrap_or(0);
    let mut runs = Vec::new();
    for _ in 0..args.runs {
        match one_run(&args, &event, &env) {
            Ok(r) => runs.push(r),
            Err(e) => {
                eprintln!("coldstart: {}: {e}", args.bootstrap.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let sorted = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v
    };
    let init = sorted(runs.iter().map(|r| ms(r.init)).collect());
    let first = sorted(runs.iter().map(|r| ms(r.first_response)).collect());
    let rss = sorted(runs.iter().filter_map(|r| r.peak_rss_kib.map(|k| k as f64)).collect());
    let spread = |v: &[f64]| serde_json::json!({ "median": percentile(v, 50.0), "min": v[0], "max": v[v.len() - 1] });
    let figures = serde_json::json!({
        "bootstrap": args.bootstrap.display().to_string(),
        "bytes": size,
        "runs": runs.len(),
        "init_ms": spread(&init),
        "first_response_ms": spread(&first),
        "peak_rss_kib": (!rss.is_empty()).then(|| percentile(&rss, 50.0)),
        "status": runs.last().and_then(|r| r.status),
    });
    if args.json {
        println!("{figures}");
    } else {
        println!(
            "{}: {:.1} MiB, init median {:.2} ms (min {:.2}, max {:.2}), first response median {:.2} ms (min {:.2}, max {:.2}), peak RSS {}, status {} ({} runs)",
            args.bootstrap.display(),
            size as f64 / 1048576.0,
            percentile(&init, 50.0),
            init[0],
            init[init.len() - 1],
            percentile(&first, 50.0),
            first[0],
            first[first.len() - 1],
            if rss.is_empty() { "?".to_owned() } else { format!("{:.1} MiB", percentile(&rss, 50.0) / 1024.0) },
            figures["status"],
            runs.len()
        );
    }
    ExitCode::SUCCESS
}

fn one_run(args: &Args, event: &[u8], env: &[(String, String)]) -> Result<Run, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel::<Seen>();
    let event = event.to_vec();
    let served = Arc::new(AtomicBool::new(false));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (tx, event, served) = (tx.clone(), event.clone(), served.clone());
            std::thread::spawn(move || serve_connection(stream, tx, event, served));
        }
    });

    let mut cmd = Command::new(&args.bootstrap);
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "coldstart")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/coldstart")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "coldstart")
        .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
        .env("LAMBDA_TASK_ROOT", "/var/task")
        .env("TZ", ":UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start: {e}"))?;
    let result = watch(&mut child, &rx, start);
    let peak_rss_kib = peak_rss(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let (init, first_response, body) = result?;
    let status = answer_status(&body);
    Ok(Run { init, first_response, status, peak_rss_kib })
}

/// Wait for the first poll and the first answer (30 s at most).
fn watch(child: &mut Child, rx: &mpsc::Receiver<Seen>, start: Instant) -> Result<(Duration, Duration, Vec<u8>), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut init = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err("no answer within 30 s".into());
        }
        match rx.recv_timeout(left.min(Duration::from_millis(100))) {
            Ok(Seen::Poll(at)) => {
                if init.is_none() {
                    init = Some(at - start);
                }
            }
            Ok(Seen::Response { at, body }) => {
                let init = init.ok_or("answered before polling")?;
                return Ok((init, at - start, body));
            }
            Ok(Seen::Error { body, .. }) => {
                return Err(format!("the function reported an error: {}", String::from_utf8_lossy(&body)));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(format!("the bootstrap exited ({status}) before answering"));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err("the fake Runtime API stopped".into()),
        }
    }
}

/// The `statusCode` of an API Gateway answer (none for other events).
fn answer_status(body: &[u8]) -> Option<u64> {
    serde_json::from_slice::<serde_json::Value>(body).ok()?.get("statusCode")?.as_u64()
}

fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Serve one keep-alive connection: the event on the first `next`, nothing on later ones
/// (the run is over), 202 to answers.
fn serve_connection(stream: TcpStream, tx: mpsc::Sender<Seen>, event: Vec<u8>, served: Arc<AtomicBool>) {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut writer = stream;
    loop {
        let Ok(Some(head)) = http1::read_head(&mut reader) else { return };
        let at = Instant::now();
        let Ok(body) = http1::read_body(&mut reader, &head) else { return };
        let (method, path) = match head.first_line.as_slice() {
            [method, path, ..] => (method.as_str(), path.as_str()),
            _ => return,
        };
        if method == "GET" && path == NEXT {
            let _ = tx.send(Seen::Poll(at));
            // One event per run: a second poll is the function waiting for more. Keep it
            // waiting; the run stops the process.
            if served.swap(true, Ordering::SeqCst) {
                return;
            }
            let deadline = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() + 30_000;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nLambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:ap-northeast-1:123456789012:function:coldstart\r\nLambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=0\r\n\r\n",
                event.len()
            );
            if writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(&event)).is_err() {
                return;
            }
        } else {
            let seen = if path.ends_with("/response") {
                Seen::Response { at, body }
            } else {
                Seen::Error { body }
            };
            let _ = tx.send(seen);
            if writer.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}").is_err() {
                return;
            }
        }
    }
}

fn read_env_file(path: &PathBuf) -> std::io::Result<Vec<(String, String)>> {
    Ok(std::fs::read_to_string(path)?
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())))
        .collect())
}
