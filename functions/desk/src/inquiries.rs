//! Support inquiries. A user files one (category, severity, subject, text, optionally the
//! project it is about) and follows its thread; a company administrator sees every
//! inquiry of the company; the operator's queue shows every company's, answers and closes.
//!
//! The desk promises a reply within [`REPLY_BUSINESS_DAYS`] business days (Japanese public
//! holidays and the 12/29–1/3 closure are not business days; see the `calendar` crate): an
//! inquiry waiting for the operator carries its due time, shown to both sides, and is
//! flagged overdue once it has passed. The author gets an acknowledgement at once and each
//! answer by e-mail (the local edition's outbox, Amazon SES in the cloud).
//!
//! What the queue filters on (status, category, severity, times) is stored in clear; the
//! subject, the messages and the author's address are sealed under the company's key.

use lambda_http::http::{header, HeaderValue, StatusCode};
use platform::auth::{AuthContext, Role};
use platform::error::{check_text, ApiError, FieldError};
use platform::http::{self, AuditTarget, AuditTenant, Call, Reply};
use platform::ids::{ProjectId, TenantId, UserId};
use platform::mail::Notice;
use platform::ports::{DeskKind, DeskRecord, UnixMillis};
use platform::Backend;
use serde::{Deserialize, Serialize};

use crate::{new_id, path_id, path_tenant, rfc3339, MAX_BODY_BYTES};

/// The desk's promise: a reply within this many business days of receipt.
pub const REPLY_BUSINESS_DAYS: u32 = 2;
/// Longest subject, characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Longest message, characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Most messages in one thread.
pub const MAX_MESSAGES: usize = 200;

/// What an inquiry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// How to use the service.
    Usage,
    /// A short-circuit, setting or coordination result.
    Calculation,
    /// Drawings, reports and exports.
    Drawings,
    /// Sign-in, users and company settings.
    Account,
    /// Contract and billing.
    Billing,
    /// Something does not work as it should.
    Defect,
    Other,
}

/// How much the inquiry holds the user up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Normal,
    High,
    /// Work has stopped.
    Critical,
}

/// Where an inquiry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for the operator's reply (due by `reply_due_at`).
    Open,
    /// The operator replied; waiting for the user (a follow-up opens it again).
    Answered,
    /// Closed by the operator (a follow-up opens it again).
    Closed,
}

/// A new inquiry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InquiryInput {
    pub category: Category,
    pub severity: Severity,
    pub subject: String,
    pub text: String,
    /// The project the inquiry is about, if any (the operator still cannot read it without a
    /// support-access grant).
    #[serde(default)]
    pub project_id: Option<ProjectId>,
}

/// A message added to a thread.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    pub text: String,
}

/// Stored in clear: what lists and filters need.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    status: Status,
    category: Category,
    severity: Severity,
    created_at: UnixMillis,
    created_by: UserId,
    updated_at: UnixMillis,
    /// While open: when the reply is due.
    reply_due_at: Option<UnixMillis>,
    project_id: Option<ProjectId>,
}

/// Sealed: the words.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Thread {
    subject: String,
    author_name: String,
    author_email: String,
    messages: Vec<Message>,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Author {
    User,
    Operator,
}

/// One message of a thread.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Message {
    /// Milliseconds since the Unix epoch.
    pub at: UnixMillis,
    pub from: Author,
    /// The user's name, or the desk's for the operator.
    pub name: String,
    pub text: String,
}

/// An inquiry as the API shows it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Inquiry {
    pub id: String,
    pub version: u64,
    /// The company (operator views only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<TenantId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    pub status: Status,
    pub category: Category,
    pub severity: Severity,
    pub subject: String,
    pub created_at: UnixMillis,
    pub created_by: UserId,
    pub created_by_name: String,
    pub updated_at: UnixMillis,
    /// While waiting for the operator: when the reply is due (RFC 3339, UTC).
    pub reply_due_at: Option<String>,
    /// The reply is late.
    pub overdue: bool,
    pub project_id: Option<ProjectId>,
    /// The thread, oldest first (empty in listings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
}

/// A list of inquiries, newest first.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InquiryList {
    pub items: Vec<Inquiry>,
}

fn aad(id: &str) -> Vec<u8> {
    format!("inquiry/{id}").into_bytes()
}

/// The reply to something received at `at` is due at (ms), by the desk's calendar.
pub fn reply_due(at: UnixMillis) -> Option<UnixMillis> {
    let received = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000).ok()?;
    let due = calendar::reply_due(received, REPLY_BUSINESS_DAYS).ok()?;
    Some((due.unix_timestamp_nanos() / 1_000_000) as i64)
}

fn overdue(meta: &Meta, now: UnixMillis) -> bool {
    // The due time is the last whole second allowed (`calendar::is_overdue`).
    meta.status == Status::Open && meta.reply_due_at.is_some_and(|due| now >= due + 1000)
}

/// One stored inquiry, opened.
struct Stored {
    tenant: TenantId,
    id: String,
    version: u64,
    meta: Meta,
    thread: Thread,
}

impl Stored {
    fn view(&self, now: UnixMillis, with_messages: bool, company: Option<String>) -> Inquiry {
        Inquiry {
            id: self.id.clone(),
            version: self.version,
            tenant: company.as_ref().map(|_| self.tenant.clone()),
            company_name: company,
            status: self.meta.status,
            category: self.meta.category,
            severity: self.meta.severity,
            subject: self.thread.subject.clone(),
            created_at: self.meta.created_at,
            created_by: self.meta.created_by.clone(),
            created_by_name: self.thread.author_name.clone(),
            updated_at: self.meta.updated_at,
            reply_due_at: self.meta.reply_due_at.filter(|_| self.meta.status == Status::Open).map(rfc3339),
            overdue: overdue(&self.meta, now),
            project_id: self.meta.project_id.clone(),
            messages: if with_messages { self.thread.messages.clone() } else { Vec::new() },
        }
    }
}

async fn open(backend: &Backend, record: DeskRecord) -> Result<Stored, ApiError> {
    let tenant = record.tenant.ok_or_else(|| ApiError::internal(anyhow::anyhow!("an inquiry without a company")))?;
    let meta: Meta = serde_json::from_str(&record.meta).map_err(ApiError::internal)?;
    let plain = backend.sealer.open(&tenant, &aad(&record.id), &record.sealed).await?;
    let thread: Thread = serde_json::from_slice(&plain).map_err(ApiError::internal)?;
    Ok(Stored { tenant, id: record.id, version: record.version, meta, thread })
}

async fn store(backend: &Backend, s: &Stored, over: u64) -> Result<u64, ApiError> {
    let meta = serde_json::to_string(&s.meta).map_err(ApiError::internal)?;
    let plain = serde_json::to_vec(&s.thread).map_err(ApiError::internal)?;
    let sealed = backend.sealer.seal(&s.tenant, &aad(&s.id), &plain).await?;
    Ok(backend
        .desk
        .put_desk(DeskKind::Inquiry, &DeskRecord { tenant: Some(s.tenant.clone()), id: s.id.clone(), version: over, meta, sealed })
        .await?)
}

async fn get(backend: &Backend, tenant: &TenantId, id: &str) -> Result<Stored, ApiError> {
    let record = backend.desk.get_desk(DeskKind::Inquiry, Some(tenant), id).await?.ok_or(ApiError::NotFound)?;
    open(backend, record).await
}

/// Whether `auth` may see `s`: its author, or an administrator of its company.
fn may_see(auth: &AuthContext, s: &Stored) -> bool {
    s.tenant == auth.tenant && (s.meta.created_by == auth.user || auth.role == Role::TenantAdmin)
}

fn check(errors: Vec<FieldError>, what: &str) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Unprocessable { detail: format!("The {what} is not valid."), errors })
    }
}

fn answer(status: StatusCode, inquiry: &Inquiry, tenant: Option<&TenantId>) -> Reply {
    let mut resp = http::json_response(status, inquiry)?;
    resp.headers_mut().insert(header::ETAG, HeaderValue::from_str(&http::etag(inquiry.version)).map_err(ApiError::internal)?);
    if status == StatusCode::CREATED {
        resp.headers_mut()
            .insert(header::LOCATION, HeaderValue::from_str(&format!("/inquiries/{}", inquiry.id)).map_err(ApiError::internal)?);
    }
    resp.extensions_mut().insert(AuditTarget(format!("inquiry:{}", inquiry.id)));
    if let Some(t) = tenant {
        resp.extensions_mut().insert(AuditTenant(t.clone()));
    }
    Ok(resp)
}

fn jst(ms: UnixMillis) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| t.to_offset(calendar::JST))
        .ok()
        .and_then(|t| t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] JST")).ok())
        .unwrap_or_default()
}

/// Send `notice`; a failure is logged, never undoes what was stored.
async fn send(call: &Call, notice: Notice) {
    match platform::identity::services(&call.req) {
        Ok(services) => {
            if let Err(e) = services.mailer.send(&notice).await {
                tracing::warn!(request_id = %call.request_id, error = ?e, "inquiry e-mail not sent");
            }
        }
        Err(e) => {
            tracing::warn!(request_id = %call.request_id, error = ?e, "no mailer for the inquiry e-mail")
        }
    }
}

/// `POST /inquiries`: file an inquiry; acknowledged at once by e-mail with the due time.
pub async fn file(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let input: InquiryInput = call.json(MAX_BODY_BYTES)?;
    let mut errors = Vec::new();
    check_text(&mut errors, "subject", &input.subject, MAX_SUBJECT_CHARS);
    check_text(&mut errors, "text", &input.text, MAX_TEXT_CHARS);
    if let Some(p) = &input.project_id {
        if backend.projects.get_project(&auth.tenant, p).await?.is_none() {
            errors.push(FieldError::body("/project_id", "unknown_project", "no such project in your company"));
        }
    }
    check(errors, "inquiry")?;
    let user = backend.users.get_user(&auth.tenant, &auth.user).await?.ok_or(ApiError::NotFound)?;
    let now = http::now_millis();
    let s = Stored {
        tenant: auth.tenant.clone(),
        id: new_id(),
        version: 1,
        meta: Meta {
            status: Status::Open,
            category: input.category,
            severity: input.severity,
            created_at: now,
            created_by: auth.user.clone(),
            updated_at: now,
            reply_due_at: reply_due(now),
            project_id: input.project_id,
        },
        thread: Thread {
            subject: input.subject.trim().to_owned(),
            author_name: user.name.clone(),
            author_email: user.email.clone(),
            messages: vec![Message { at: now, from: Author::User, name: user.name.clone(), text: input.text.trim().to_owned() }],
        },
    };
    store(backend, &s, 0).await?;
    let due = s.meta.reply_due_at.map(jst).unwrap_or_else(|| "-".into());
    send(
        call,
        Notice {
            to: user.email.clone(),
            subject: format!("Kyocho: お問い合わせを受け付けました / inquiry received [{}]", s.id),
            body: format!(
                "お問い合わせ「{subject}」を受け付けました（受付番号 {id}）。\n{days} 営業日以内（{due} まで）に回答します。\n\n\
                 We received your inquiry \"{subject}\" (reference {id}).\nWe will reply within {days} business days (by {due}).\n",
                subject = s.thread.subject,
                id = s.id,
                days = REPLY_BUSINESS_DAYS,
            ),
        },
    )
    .await;
    answer(StatusCode::CREATED, &s.view(now, true, None), None)
}

/// `GET /inquiries`: the caller's own; a company administrator's, every one of the company.
pub async fn list_mine(backend: &Backend, auth: &AuthContext) -> Reply {
    let now = http::now_millis();
    let mut items = Vec::new();
    for record in backend.desk.list_desk(DeskKind::Inquiry, Some(&auth.tenant)).await? {
        let s = open(backend, record).await?;
        if may_see(auth, &s) {
            items.push(s.view(now, false, None));
        }
    }
    items.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    http::json_response(StatusCode::OK, &InquiryList { items })
}

/// `GET /inquiries/{id}`: with the thread. Another user's (unless administrator) or another
/// company's inquiry is not found.
pub async fn read_mine(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let s = get(backend, &auth.tenant, &path_id(call)?).await?;
    if !may_see(auth, &s) {
        return Err(ApiError::NotFound);
    }
    answer(StatusCode::OK, &s.view(http::now_millis(), true, None), None)
}

/// `POST /inquiries/{id}/messages`: the user adds to the thread; the inquiry waits for the
/// operator again, with a new due time.
pub async fn follow_up(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let input: MessageInput = call.json(MAX_BODY_BYTES)?;
    let mut errors = Vec::new();
    check_text(&mut errors, "text", &input.text, MAX_TEXT_CHARS);
    check(errors, "message")?;
    let mut s = get(backend, &auth.tenant, &path_id(call)?).await?;
    if !may_see(auth, &s) {
        return Err(ApiError::NotFound);
    }
    add(&mut s, Author::User, auth.user_name.clone(), &input.text)?;
    let now = s.meta.updated_at;
    s.meta.status = Status::Open;
    s.meta.reply_due_at = reply_due(now);
    let over = s.version;
    s.version = store(backend, &s, over).await?;
    answer(StatusCode::OK, &s.view(now, true, None), None)
}

fn add(s: &mut Stored, from: Author, name: String, text: &str) -> Result<(), ApiError> {
    if s.thread.messages.len() >= MAX_MESSAGES {
        return Err(ApiError::Conflict {
            code: "thread_full",
            detail: format!("A thread holds at most {MAX_MESSAGES} messages; file a new inquiry."),
        });
    }
    let now = http::now_millis();
    s.thread.messages.push(Message { at: now, from, name, text: text.trim().to_owned() });
    s.meta.updated_at = now;
    Ok(())
}

/// `GET /ops/inquiries?status=&overdue=&tenant=`: the operator's queue, every company's,
/// overdue first, then by due time, then newest.
pub async fn queue(backend: &Backend, call: &Call) -> Reply {
    call.operator()?;
    let status = match call.query("status").as_deref() {
        None | Some("") => None,
        Some("open") => Some(Status::Open),
        Some("answered") => Some(Status::Answered),
        Some("closed") => Some(Status::Closed),
        Some(_) => return Err(ApiError::bad_field(FieldError::parameter("status", "invalid_value", "open, answered or closed"))),
    };
    let only_overdue = match call.query("overdue").as_deref() {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::bad_field(FieldError::parameter("overdue", "invalid_value", "true or false"))),
    };
    let tenant = match call.query("tenant").filter(|t| !t.is_empty()) {
        Some(t) => {
            Some(TenantId::parse(&t).map_err(|e| ApiError::bad_field(FieldError::parameter("tenant", "invalid_id", e.to_string())))?)
        }
        None => None,
    };
    let now = http::now_millis();
    let mut names: std::collections::HashMap<TenantId, String> = Default::default();
    let mut items = Vec::new();
    for record in backend.desk.list_desk(DeskKind::Inquiry, tenant.as_ref()).await? {
        let meta: Meta = serde_json::from_str(&record.meta).map_err(ApiError::internal)?;
        if status.is_some_and(|s| s != meta.status) || (only_overdue && !overdue(&meta, now)) {
            continue;
        }
        let s = open(backend, record).await?;
        let name = match names.get(&s.tenant) {
            Some(n) => n.clone(),
            None => {
                let n = backend.tenants.get_tenant(&s.tenant).await?.map(|t| t.name).unwrap_or_default();
                names.insert(s.tenant.clone(), n.clone());
                n
            }
        };
        items.push(s.view(now, false, Some(name)));
    }
    items.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| a.reply_due_at.is_none().cmp(&b.reply_due_at.is_none()))
            .then_with(|| a.reply_due_at.cmp(&b.reply_due_at))
            .then_with(|| b.created_at.cmp(&a.created_at))
    });
    http::json_response(StatusCode::OK, &InquiryList { items })
}

async fn operator_view(backend: &Backend, call: &Call) -> Result<(Stored, String), ApiError> {
    call.operator()?;
    let tenant = path_tenant(backend, call).await?;
    let s = get(backend, &tenant.id, &path_id(call)?).await?;
    Ok((s, tenant.name))
}

/// `GET /ops/tenants/{tenant}/inquiries/{id}`.
pub async fn read_for_operator(backend: &Backend, call: &Call) -> Reply {
    let (s, name) = operator_view(backend, call).await?;
    answer(StatusCode::OK, &s.view(http::now_millis(), true, Some(name)), Some(&s.tenant))
}

/// `POST /ops/tenants/{tenant}/inquiries/{id}/messages`: the operator answers; the author is
/// told by e-mail.
pub async fn answer_inquiry(backend: &Backend, call: &Call) -> Reply {
    let input: MessageInput = call.json(MAX_BODY_BYTES)?;
    let mut errors = Vec::new();
    check_text(&mut errors, "text", &input.text, MAX_TEXT_CHARS);
    check(errors, "message")?;
    let (mut s, name) = operator_view(backend, call).await?;
    add(&mut s, Author::Operator, DESK_NAME.to_owned(), &input.text)?;
    s.meta.status = Status::Answered;
    s.meta.reply_due_at = None;
    let over = s.version;
    s.version = store(backend, &s, over).await?;
    send(
        call,
        Notice {
            to: s.thread.author_email.clone(),
            subject: format!("Kyocho: お問い合わせへの回答 / reply to your inquiry [{}]", s.id),
            body: format!(
                "お問い合わせ「{subject}」に回答しました。\n\n{text}\n\n\
                 Kyocho の「お問い合わせ」で続けてご質問いただけます。 / You can follow up under \"Support\" in Kyocho.\n",
                subject = s.thread.subject,
                text = input.text.trim(),
            ),
        },
    )
    .await;
    answer(StatusCode::OK, &s.view(http::now_millis(), true, Some(name)), Some(&s.tenant))
}

/// `POST /ops/tenants/{tenant}/inquiries/{id}/close`.
pub async fn close(backend: &Backend, call: &Call) -> Reply {
    let (mut s, name) = operator_view(backend, call).await?;
    if s.meta.status != Status::Closed {
        s.meta.status = Status::Closed;
        s.meta.reply_due_at = None;
        s.meta.updated_at = http::now_millis();
        let over = s.version;
        s.version = store(backend, &s, over).await?;
    }
    answer(StatusCode::OK, &s.view(http::now_millis(), true, Some(name)), Some(&s.tenant))
}

/// The name the operator's messages carry.
pub const DESK_NAME: &str = "Kyocho サポート / support";

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(t: time::OffsetDateTime) -> i64 {
        (t.unix_timestamp_nanos() / 1_000_000) as i64
    }

    #[test]
    fn replies_are_due_two_business_days_later_in_japan() {
        use time::macros::datetime;
        // Friday evening → Tuesday (the weekend does not count).
        assert_eq!(reply_due(ms(datetime!(2026-06-05 18:00 +09:00))), Some(ms(datetime!(2026-06-09 23:59:59 +09:00))));
        // Thursday before Golden Week → 5/7.
        assert_eq!(reply_due(ms(datetime!(2026-04-30 10:00 +09:00))), Some(ms(datetime!(2026-05-07 23:59:59 +09:00))));
        // The year-end closure: 12/28 → 1/5.
        assert_eq!(reply_due(ms(datetime!(2026-12-28 15:00 +09:00))), Some(ms(datetime!(2027-01-05 23:59:59 +09:00))));
    }

    #[test]
    fn an_open_inquiry_is_overdue_from_the_second_after_its_due_time() {
        let due = 1_000_000;
        let meta = |status| Meta {
            status,
            category: Category::Usage,
            severity: Severity::Normal,
            created_at: 0,
            created_by: UserId::parse("u").unwrap(),
            updated_at: 0,
            reply_due_at: Some(due),
            project_id: None,
        };
        assert!(!overdue(&meta(Status::Open), due + 999));
        assert!(overdue(&meta(Status::Open), due + 1000));
        assert!(!overdue(&meta(Status::Answered), due + 1000));
    }
}
