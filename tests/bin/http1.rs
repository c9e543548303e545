//! The HTTP/1.1 reading the benchmark harnesses share (`coldstart`, `load`): a message's first
//! line and headers, then its body by `Content-Length` or chunked. Standard library only, so
//! the harnesses add as little as they can to what they time.

use std::collections::BTreeMap;
use std::io::BufRead;

fn bad(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

/// A message's first line (request or status line) split on whitespace, and its headers with
/// lower-case names. `None` at the end of the stream.
pub struct Head {
    pub first_line: Vec<String>,
    pub headers: BTreeMap<String, String>,
}

pub fn read_head(reader: &mut impl BufRead) -> std::io::Result<Option<Head>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let first_line = line.split_whitespace().map(str::to_owned).collect();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            return Err(bad("the stream ended inside the headers"));
        }
        let h = h.trim_end();
        if h.is_empty() {
            return Ok(Some(Head { first_line, headers }));
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
}

/// The body that follows `head`: chunked, or `Content-Length` bytes (none without it).
pub fn read_body(reader: &mut impl BufRead, head: &Head) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if head.headers.get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16).map_err(|_| bad("chunk size"))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                return Ok(body);
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    let length = match head.headers.get("content-length") {
        Some(v) => v.parse().map_err(|_| bad("content-length"))?,
        None => 0,
    };
    body.resize(length, 0);
    reader.read_exact(&mut body)?;
    Ok(body)
}

/// The `p`-th percentile (nearest rank) of ascending `sorted`; NaN when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
