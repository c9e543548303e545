//! The company's own audit log, for whoever holds `audit_read`: `GET /audit` (filtered,
//! newest first, paged), `GET /audit.csv` (the same events as a spreadsheet: UTF-8 with a
//! byte-order mark or Shift_JIS, Japanese headers, cells that could start a formula
//! neutralised) and `GET /audit/verify` (the tenant's keyed hash chain walked from its first
//! link; the first link that does not hold is named).
//!
//! The log is kept by month (`AuditLog::list_month`, oldest first); a period is read month
//! by month from its newest, filtered here. Periods are at most 366 days.

use lambda_http::{http::StatusCode, Body, Response};
use platform::auth::AuthContext;
use platform::error::{ApiError, FieldError};
use platform::http::{self, Call, Reply};
use platform::ports::{AuditResult, StoredAuditEvent};
use platform::Backend;
use serde::Serialize;

/// Longest period one request may cover.
const MAX_PERIOD_DAYS: i64 = 366;
/// Events one page holds at most (`limit`), and by default.
const MAX_LIMIT: usize = 1000;
const DEFAULT_LIMIT: usize = 100;
/// Events one CSV holds at most.
const MAX_CSV_ROWS: usize = 100_000;
const DAY_MS: i64 = 86_400_000;
/// Japan Standard Time, in which dates of the period are read and times are written.
const JST_MS: i64 = 9 * 3_600_000;

/// What the caller asks for.
struct Filter {
    from_ms: i64,
    to_ms: i64,
    user: Option<String>,
    operation: Option<String>,
    result: Option<AuditResult>,
    target: Option<String>,
}

fn bad(name: &str, message: &str) -> ApiError {
    ApiError::bad_field(FieldError::parameter(name, "invalid_value", message))
}

/// `YYYY-MM-DD` as the first millisecond of that day in Japan.
fn day_start(name: &str, s: &str) -> Result<i64, ApiError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s.trim(), &fmt).map_err(|_| bad(name, "a date as YYYY-MM-DD"))?;
    Ok(d.midnight().assume_utc().unix_timestamp() * 1000 - JST_MS)
}

fn filter(call: &Call, now: i64) -> Result<Filter, ApiError> {
    let to_ms = match call.query("to") {
        Some(s) => day_start("to", &s)? + DAY_MS,
        None => now + 1,
    };
    let from_ms = match call.query("from") {
        Some(s) => day_start("from", &s)?,
        None => to_ms - 30 * DAY_MS,
    };
    if from_ms >= to_ms {
        return Err(bad("from", "the period's first day must not come after its last"));
    }
    if to_ms - from_ms > MAX_PERIOD_DAYS * DAY_MS {
        return Err(bad("from", "a period of at most 366 days"));
    }
    let result = match call.query("result").as_deref() {
        None | Some("") => None,
        Some("success") => Some(AuditResult::Success),
        Some("failed") => Some(AuditResult::Failed),
        Some("denied") => Some(AuditResult::Denied),
        Some("started") => Some(AuditResult::Started),
        Some(_) => return Err(bad("result", "one of success, failed, denied, started")),
    };
    let text = |name: &str| call.query(name).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(Filter { from_ms, to_ms, user: text("user"), operation: text("operation"), result, target: text("target") })
}

impl Filter {
    fn admits(&self, e: &StoredAuditEvent) -> bool {
        let ev = &e.event;
        ev.at >= self.from_ms
            && ev.at < self.to_ms
            && self.user.as_ref().is_none_or(|u| ev.user_id.as_deref() == Some(u.as_str()))
            && self.operation.as_ref().is_none_or(|o| ev.operation.starts_with(o.as_str()))
            && self.result.is_none_or(|r| ev.result == r)
            && self.target.as_ref().is_none_or(|t| ev.target.as_deref() == Some(t.as_str()))
    }
}

/// `yyyy-mm` of a UTC millisecond.
fn month_of(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}", t.year(), u8::from(t.month()))
}

/// The months (UTC, as the log keeps them) that hold the period, newest first.
fn months(from_ms: i64, to_ms: i64) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut t = to_ms - 1;
    loop {
        let m = month_of(t);
        if out.last() != Some(&m) {
            out.push(m);
        }
        if t < from_ms {
            break;
        }
        t -= DAY_MS;
    }
    out.retain(|m| m.as_str() >= month_of(from_ms).as_str());
    out
}

/// Every event of one month, oldest first.
async fn month(backend: &Backend, auth: &AuthContext, month: &str) -> Result<Vec<StoredAuditEvent>, ApiError> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = backend.audit.list_month(&auth.tenant, month, after.as_deref(), 1000).await?;
        all.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => return Ok(all),
        }
    }
}

/// Events the filter admits, newest first, those with a sequence number below `before` (a
/// page's cursor), at most `limit`; and whether more follow.
async fn select(backend: &Backend, auth: &AuthContext, f: &Filter, before: Option<u64>, limit: usize)
    -> Result<(Vec<StoredAuditEvent>, bool), ApiError> {
    let mut out = Vec::new();
    for m in months(f.from_ms, f.to_ms) {
        let events = month(backend, auth, &m).await?;
        for e in events.into_iter().rev() {
            if before.is_some_and(|b| e.seq >= b) || !f.admits(&e) {
                continue;
            }
            if out.len() == limit {
                return Ok((out, true));
            }
            out.push(e);
        }
    }
    Ok((out, false))
}

/// `GET /audit`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditPage {
    /// Each event with its place and links in the tenant's chain.
    pub items: Vec<StoredAuditEvent>,
    /// The `cursor` of the next (older) page, if any.
    pub next: Option<String>,
}

pub async fn list(backend: &Backend, auth: &AuthContext, call: &Call) -> Reply {
    let f = filter(call, http::now_millis())?;
    let limit = http::parse_limit(call.query("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let before = match call.query("cursor") {
        Some(c) => Some(http::decode_cursor(&auth.tenant, &c)?.parse::<u64>().map_err(|_| bad("cursor", "a cursor from a previous page"))?),
        None => None,
    };
    let (events, more) = select(backend, auth, &f, before, limit).await?;
    let next = if more { events.last().map(|e| http::encode_cursor(&auth.tenant, &e.seq.to_string())) } else { None };
    http::json_response(StatusCode::OK, &AuditPage { items: events, next })
}

fn jst(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms + JST_MS) * 1_000_000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

fn result_ja(r: AuditResult) -> &'static str {
    match r {
        AuditResult::Started => "開始",
        AuditResult::Success => "成功",
        AuditResult::Failed => "失敗",
        AuditResult::Denied => "拒否",
    }
}

pub async fn csv(backend: &Backend, auth: &AuthContext, call: &Call) -> Reply {
    let f = filter(call, http::now_millis())?;
    let encoding = match call.query("encoding").as_deref() {
        None | Some("utf-8") => drawings::reports::CsvEncoding::Utf8Bom,
        Some("shift_jis") => drawings::reports::CsvEncoding::Cp932,
        Some(_) => return Err(bad("encoding", "utf-8 or shift_jis")),
    };
    let (events, more) = select(backend, auth, &f, None, MAX_CSV_ROWS).await?;
    if more {
        return Err(bad("from", "more than 100 000 events: choose a shorter period"));
    }
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let table = drawings::reports::Table {
        header: ["日時(JST)", "操作", "結果", "ユーザーID", "ユーザー名", "会社", "対象", "接続元IP", "リクエストID", "詳細", "連番", "ハッシュ"]
            .map(str::to_owned)
            .to_vec(),
        rows: events
            .iter()
            .map(|e| {
                let ev = &e.event;
                vec![
                    jst(ev.at),
                    ev.operation.clone(),
                    result_ja(ev.result).to_owned(),
                    o(&ev.user_id),
                    o(&ev.user_name),
                    o(&ev.company_name),
                    o(&ev.target),
                    o(&ev.source_ip),
                    o(&ev.request_id),
                    o(&ev.detail),
                    e.seq.to_string(),
                    e.hash.clone(),
                ]
            })
            .collect(),
    };
    let bytes = drawings::reports::to_csv(&table, encoding).map_err(ApiError::internal)?;
    let charset = if encoding == drawings::reports::CsvEncoding::Cp932 { "Shift_JIS" } else { "utf-8" };
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", format!("text/csv; charset={charset}"))
        .header("content-disposition", "attachment; filename=\"audit.csv\"")
        .body(Body::Binary(bytes))
        .map_err(ApiError::internal)
}

/// `GET /audit/verify`: the company's chain walked from its first event (see
/// [`platform::integrity::verify_chain`]).
pub use platform::integrity::{AnchorSeen, BrokenLink, ChainVerification};

pub async fn verify(backend: &Backend, auth: &AuthContext) -> Reply {
    http::json_response(StatusCode::OK, &platform::integrity::verify_chain(backend, &auth.tenant).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_read_in_the_months_that_hold_it_newest_first() {
        let day = |s: &str| day_start("d", s).unwrap();
        // 1 Feb 00:00 JST is 31 Jan 15:00 UTC: the January month holds its first hours.
        assert_eq!(months(day("2026-02-01"), day("2026-03-01") + DAY_MS), vec!["2026-03", "2026-02", "2026-01"]);
        assert_eq!(months(day("2026-02-10"), day("2026-02-11")), vec!["2026-02"]);
        assert_eq!(jst(1_796_007_600_000), "2026-11-30 12:00:00");
    }
}
