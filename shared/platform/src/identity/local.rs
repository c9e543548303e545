//! The local identity provider: argon2id password hashes, RFC 6238 authenticator codes,
//! e-mail and SMS messages (codes, invitations) written one file per message to an outbox
//! folder, tokens signed by the local key. Its tables live in the local SQLite file beside
//! the records (`idp_*`, `lockout_counters`); it also keeps the lockout state.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::*;
use crate::ids::TenantId;
use crate::lockout::{self, LockoutStore};
use crate::password;
use crate::ports::StoreError;

/// Signs access tokens for the local provider (the local edition's key).
pub trait TokenMinter: Send + Sync {
    /// A signed access token for `sub` in `tenant`, issued now.
    fn mint(&self, sub: &str, tenant: &str) -> anyhow::Result<String>;
    /// Lifetime of the tokens it mints, in seconds.
    fn ttl_secs(&self) -> i64;
}

/// One message the local provider "sent".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `email` or `sms`.
    pub channel: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The code or temporary password the message carries, for scripts and tests.
    #[serde(default)]
    pub code: Option<String>,
    pub sent_at: i64,
}

/// The outbox folder: one JSON file per message, named so that they sort by time.
pub struct Outbox {
    dir: PathBuf,
    echo: AtomicBool,
}

impl Outbox {
    pub fn new(dir: PathBuf) -> Outbox {
        Outbox { dir, echo: AtomicBool::new(false) }
    }

    /// Also print every message on standard error (`kyocho serve` does).
    pub fn set_echo(&self, on: bool) {
        self.echo.store(on, Ordering::Relaxed);
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn send(&self, message: &Message) -> Result<(), IdentityError> {
        std::fs::create_dir_all(&self.dir).map_err(IdentityError::unavailable)?;
        let name = format!("{:013}-{}-{}.json", message.sent_at, message.channel, uuid::Uuid::now_v7().simple());
        let json = serde_json::to_string_pretty(message).map_err(IdentityError::unavailable)?;
        std::fs::write(self.dir.join(&name), json).map_err(IdentityError::unavailable)?;
        if self.echo.load(Ordering::Relaxed) {
            eprintln!("[outbox] {} to {}: {}\n{}", message.channel, message.to, message.subject, message.body);
        }
        Ok(())
    }

    /// Put an e-mail notice (no code) in the outbox.
    pub fn send_notice(&self, notice: &crate::mail::Notice) -> Result<(), IdentityError> {
        self.send(&Message {
            channel: "email".into(),
            to: notice.to.clone(),
            subject: notice.subject.clone(),
            body: notice.body.clone(),
            code: None,
            sent_at: crate::http::now_millis(),
        })
    }

    /// Every message in the outbox, oldest first.
    pub fn messages(&self) -> Vec<Message> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        names.iter().filter_map(|p| std::fs::read(p).ok()).filter_map(|b| serde_json::from_slice(&b).ok()).collect()
    }
}

/// Codes and sessions expire after this many milliseconds (Cognito: 3 minutes for a session).
const SESSION_TTL_MS: i64 = 3 * 60_000;
const RESET_CODE_TTL_MS: i64 = 60 * 60_000;
const REFRESH_TTL_MS: i64 = 30 * 24 * 3_600_000;
/// Wrong codes a challenge session takes before it is dropped.
const SESSION_ATTEMPTS: u32 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS idp_users (
    username TEXT PRIMARY KEY,
    sub TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idp_sessions (
    session TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idp_refresh (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS lockout_counters (
    tenant TEXT NOT NULL,
    counter TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start INTEGER,
    locked_at INTEGER,
    locked_until INTEGER,
    PRIMARY KEY (tenant, counter)
);
";

/// A code sent to the user, kept as a salted hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingCode {
    /// `sha256(salt ‖ code)`, hex.
    hash: String,
    /// A random salt of this code alone, hex (empty in codes stored before salts).
    #[serde(default)]
    salt: String,
    expires_at: i64,
    /// Wrong answers so far; the code is void after [`CODE_ATTEMPTS`].
    #[serde(default)]
    attempts: u32,
}

/// Wrong answers a reset code takes before it is void.
const CODE_ATTEMPTS: u32 = 3;

impl PendingCode {
    fn new(code: &str, expires_at: i64) -> PendingCode {
        use rand::RngCore;
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let salt = crate::seal::hex(&salt);
        PendingCode { hash: sha256_hex(&format!("{salt}{code}")), salt, expires_at, attempts: 0 }
    }

    /// Whether `answer` is this code (compared in constant time).
    fn matches(&self, answer: &str) -> bool {
        let got = sha256_hex(&format!("{}{}", self.salt, answer.trim()));
        got.len() == self.hash.len() && got.bytes().zip(self.hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

/// A phone number the user asked for, and the code sent to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PhoneChange {
    number: String,
    code: PendingCode,
}

/// A phone confirmation code stays valid this long.
const PHONE_CODE_TTL_MS: i64 = 10 * 60_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct LocalUser {
    sub: String,
    tenant: String,
    email: String,
    /// The number SMS codes go to.
    #[serde(default)]
    phone: Option<String>,
    /// Whether `phone` was confirmed with a code sent to it (a number an administrator
    /// typed in is not, until its owner confirms it).
    #[serde(default)]
    phone_verified: bool,
    /// A new number waiting for the code sent to it.
    #[serde(default)]
    phone_change: Option<PhoneChange>,
    password_hash: String,
    /// Earlier password hashes, newest first.
    #[serde(default)]
    history: Vec<String>,
    must_change: bool,
    enabled: bool,
    #[serde(default)]
    preferred: Option<MfaMethod>,
    #[serde(default)]
    totp_secret: Option<String>,
    #[serde(default)]
    totp_pending: Option<String>,
    /// The time step of the last authenticator code accepted: a code is used once.
    #[serde(default)]
    totp_last_step: Option<u64>,
    #[serde(default)]
    reset: Option<PendingCode>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    kind: ChallengeKind,
    #[serde(default)]
    code: Option<PendingCode>,
    expires_at: i64,
    attempts: u32,
}

/// The local identity provider and lockout store.
pub struct LocalIdentity {
    conn: Mutex<Connection>,
    minter: Arc<dyn TokenMinter>,
    outbox: Outbox,
}

fn unavailable(e: impl Into<anyhow::Error>) -> IdentityError {
    IdentityError::unavailable(e)
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    crate::seal::hex(&sha2::Sha256::digest(s.as_bytes()))
}

fn random_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn hash_password(password: &str) -> Result<String, IdentityError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| unavailable(anyhow::anyhow!("{e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

fn mask_phone(phone: &str) -> String {
    let tail: String = phone.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("+*******{tail}")
}

impl LocalIdentity {
    /// Open the provider's tables in the SQLite file at `db` (creating them if needed);
    /// messages go to `outbox_dir`.
    pub fn open(db: &Path, outbox_dir: PathBuf, minter: Arc<dyn TokenMinter>) -> anyhow::Result<LocalIdentity> {
        let conn = Connection::open(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(LocalIdentity { conn: Mutex::new(conn), minter, outbox: Outbox::new(outbox_dir) })
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T, IdentityError>) -> Result<T, IdentityError> {
        let conn = self.conn.lock().map_err(|_| unavailable(anyhow::anyhow!("identity store lock poisoned")))?;
        f(&conn)
    }

    fn load(&self, username: &str) -> Result<Option<LocalUser>, IdentityError> {
        self.with(|c| {
            let doc: Option<String> = c
                .query_row("SELECT doc FROM idp_users WHERE username = ?1", params![username], |r| r.get(0))
                .optional()
                .map_err(unavailable)?;
            doc.map(|d| serde_json::from_str(&d).map_err(unavailable)).transpose()
        })
    }

    fn user(&self, username: &str) -> Result<LocalUser, IdentityError> {
        self.load(username)?.ok_or(IdentityError::UserNotFound)
    }

    fn save(&self, username: &str, user: &LocalUser) -> Result<(), IdentityError> {
        let doc = serde_json::to_string(user).map_err(unavailable)?;
        self.with(|c| {
            c.execute(
                "INSERT INTO idp_users (username, sub, doc) VALUES (?1, ?2, ?3)
                 ON CONFLICT(username) DO UPDATE SET doc = excluded.doc",
                params![username, user.sub, doc],
            )
            .map_err(unavailable)?;
            Ok(())
        })
    }

    fn send(&self, channel: &str, to: &str, subject: &str, body: String, code: &str) -> Result<(), IdentityError> {
        self.outbox.send(&Message {
            channel: channel.into(),
            to: to.into(),
            subject: subject.into(),
            body,
            code: Some(code.into()),
            sent_at: crate::http::now_millis(),
        })
    }

    fn new_session(&self, username: &str, kind: ChallengeKind, code: Option<&str>) -> Result<String, IdentityError> {
        let now = crate::http::now_millis();
        let session = Session {
            kind,
            code: code.map(|c| PendingCode::new(c, now + SESSION_TTL_MS)),
            expires_at: now + SESSION_TTL_MS,
            attempts: 0,
        };
        let id = random_token();
        let doc = serde_json::to_string(&session).map_err(unavailable)?;
        self.with(|c| {
            c.execute("DELETE FROM idp_sessions WHERE username = ?1", params![username]).map_err(unavailable)?;
            c.execute("INSERT INTO idp_sessions (session, username, doc) VALUES (?1, ?2, ?3)", params![id, username, doc])
                .map_err(unavailable)?;
            Ok(())
        })?;
        Ok(id)
    }

    fn take_session(&self, id: &str, username: &str) -> Result<Session, IdentityError> {
        self.with(|c| {
            let doc: Option<String> = c
                .query_row("SELECT doc FROM idp_sessions WHERE session = ?1 AND username = ?2", params![id, username], |r| r.get(0))
                .optional()
                .map_err(unavailable)?;
            let session: Session = match doc {
                Some(d) => serde_json::from_str(&d).map_err(unavailable)?,
                None => return Err(IdentityError::Expired),
            };
            if session.expires_at <= crate::http::now_millis() {
                c.execute("DELETE FROM idp_sessions WHERE session = ?1", params![id]).map_err(unavailable)?;
                return Err(IdentityError::Expired);
            }
            Ok(session)
        })
    }

    fn update_session(&self, id: &str, session: Option<&Session>) -> Result<(), IdentityError> {
        self.with(|c| {
            match session {
                Some(s) => {
                    let doc = serde_json::to_string(s).map_err(unavailable)?;
                    c.execute("UPDATE idp_sessions SET doc = ?2 WHERE session = ?1", params![id, doc]).map_err(unavailable)?;
                }
                None => {
                    c.execute("DELETE FROM idp_sessions WHERE session = ?1", params![id]).map_err(unavailable)?;
                }
            }
            Ok(())
        })
    }

    /// The second factor after a correct password (or a new one), or tokens.
    fn after_password(&self, username: &str, user: &LocalUser) -> Result<AuthStep, IdentityError> {
        if user.must_change {
            let session = self.new_session(username, ChallengeKind::NewPasswordRequired, None)?;
            return Ok(AuthStep::Challenge(Challenge { kind: ChallengeKind::NewPasswordRequired, session, destination: None }));
        }
        let Some(method) = user.preferred else { return self.issue(username, user).map(AuthStep::Tokens) };
        let (code, destination) = match method {
            MfaMethod::Email => {
                let code = random_code();
                self.send("email", &user.email, "Kyocho sign-in code / サインイン確認コード", format!("Your code: {code}\n確認コード: {code}"), &code)?;
                (Some(code), Some(mask_email(&user.email)))
            }
            MfaMethod::Sms => {
                let phone = user
                    .phone
                    .clone()
                    .filter(|_| user.phone_verified)
                    .ok_or_else(|| IdentityError::InvalidRequest("no confirmed phone number for SMS codes".into()))?;
                let code = random_code();
                self.send("sms", &phone, "Kyocho code", format!("Kyocho 確認コード / code: {code}"), &code)?;
                (Some(code), Some(mask_phone(&phone)))
            }
            MfaMethod::Totp => (None, None),
        };
        let kind = method.challenge();
        let session = self.new_session(username, kind, code.as_deref())?;
        Ok(AuthStep::Challenge(Challenge { kind, session, destination }))
    }

    fn issue(&self, username: &str, user: &LocalUser) -> Result<Tokens, IdentityError> {
        let access = self.minter.mint(&user.sub, &user.tenant).map_err(unavailable)?;
        let refresh = random_token();
        let expires = crate::http::now_millis() + REFRESH_TTL_MS;
        self.with(|c| {
            c.execute(
                "INSERT INTO idp_refresh (token_hash, username, expires_at) VALUES (?1, ?2, ?3)",
                params![sha256_hex(&refresh), username, expires],
            )
            .map_err(unavailable)?;
            Ok(())
        })?;
        Ok(Tokens {
            access_token: access,
            id_token: None,
            refresh_token: Some(refresh),
            expires_in: self.minter.ttl_secs(),
            sub: user.sub.clone(),
        })
    }

    /// Check a new password against the policy and the history, then store it.
    fn set_password(user: &mut LocalUser, new: &str) -> Result<(), IdentityError> {
        let violations = password::check(new);
        if let Some(v) = violations.first() {
            return Err(IdentityError::InvalidPassword(v.message_en.into()));
        }
        let recent = std::iter::once(&user.password_hash).chain(user.history.iter()).take(password::HISTORY_SIZE);
        if recent.into_iter().any(|h| password_matches(new, h)) {
            return Err(IdentityError::InvalidPassword(password::REUSED.message_en.into()));
        }
        let old = std::mem::replace(&mut user.password_hash, hash_password(new)?);
        user.history.insert(0, old);
        user.history.truncate(password::HISTORY_SIZE - 1);
        user.must_change = false;
        Ok(())
    }
}

#[async_trait]
impl IdentityProvider for LocalIdentity {
    async fn create_user(&self, new: &NewIdentity) -> Result<String, IdentityError> {
        if self.load(&new.username)?.is_some() {
            return Err(IdentityError::UserExists);
        }
        let (pw, must_change) = match &new.password {
            InitialPassword::Temporary(p) => (p.clone(), true),
            InitialPassword::Permanent(p) => (p.clone(), false),
        };
        if let Some(v) = password::check(&pw).first() {
            return Err(IdentityError::InvalidPassword(v.message_en.into()));
        }
        let user = LocalUser {
            sub: uuid::Uuid::new_v4().to_string(),
            tenant: new.tenant.to_string(),
            email: new.email.clone(),
            phone: new.phone_number.clone(),
            phone_verified: false,
            phone_change: None,
            password_hash: hash_password(&pw)?,
            history: Vec::new(),
            must_change,
            enabled: true,
            preferred: None,
            totp_secret: None,
            totp_pending: None,
            totp_last_step: None,
            reset: None,
        };
        self.save(&new.username, &user)?;
        if must_change {
            self.send(
                "email",
                &new.email,
                "Kyocho invitation / 招待",
                format!(
                    "You have been invited to Kyocho (company `{}`).\nSign in with your e-mail address and this temporary password, then choose your own: {pw}\n\
                     Kyocho に招待されました（会社ID `{}`）。メールアドレスと次の仮パスワードでサインインし、新しいパスワードを設定してください: {pw}",
                    new.tenant, new.tenant
                ),
                &pw,
            )?;
        }
        Ok(user.sub)
    }

    async fn password_auth(&self, username: &str, password: &str) -> Result<AuthStep, IdentityError> {
        let Some(user) = self.load(username)? else {
            let _ = hash_password(password);
            return Err(IdentityError::NotAuthorized);
        };
        if !password_matches(password, &user.password_hash) {
            return Err(IdentityError::NotAuthorized);
        }
        if !user.enabled {
            return Err(IdentityError::UserDisabled);
        }
        self.after_password(username, &user)
    }

    async fn respond_to_challenge(&self, username: &str, kind: ChallengeKind, session_id: &str, answer: &str)
        -> Result<AuthStep, IdentityError> {
        let mut session = self.take_session(session_id, username)?;
        if session.kind != kind {
            return Err(IdentityError::InvalidRequest(format!("the pending challenge is {}", session.kind.as_str())));
        }
        let mut user = self.user(username)?;
        if !user.enabled {
            return Err(IdentityError::UserDisabled);
        }
        let correct = match kind {
            ChallengeKind::NewPasswordRequired => {
                Self::set_password(&mut user, answer)?;
                self.save(username, &user)?;
                self.update_session(session_id, None)?;
                return self.after_password(username, &user);
            }
            ChallengeKind::EmailOtp | ChallengeKind::SmsMfa => session
                .code
                .as_ref()
                .is_some_and(|c| c.expires_at > crate::http::now_millis() && c.matches(answer)),
            ChallengeKind::SoftwareTokenMfa => {
                let secret = user.totp_secret.as_deref().and_then(totp::base32_decode).unwrap_or_default();
                let step = (!secret.is_empty())
                    .then(|| totp::matched_step(&secret, answer, (crate::http::now_millis() / 1000) as u64))
                    .flatten()
                    .filter(|s| user.totp_last_step.is_none_or(|last| *s > last));
                if let Some(step) = step {
                    user.totp_last_step = Some(step);
                    self.save(username, &user)?;
                }
                step.is_some()
            }
            ChallengeKind::MfaSetup => return Err(IdentityError::InvalidRequest("MFA set-up is done with the authenticator routes".into())),
        };
        if !correct {
            session.attempts += 1;
            let keep = session.attempts < SESSION_ATTEMPTS;
            self.update_session(session_id, keep.then_some(&session))?;
            return Err(if keep { IdentityError::CodeMismatch } else { IdentityError::Expired });
        }
        self.update_session(session_id, None)?;
        self.issue(username, &user).map(AuthStep::Tokens)
    }

    async fn refresh(&self, refresh_token: &str) -> Result<Tokens, IdentityError> {
        let hash = sha256_hex(refresh_token);
        let found: Option<(String, i64)> = self.with(|c| {
            c.query_row("SELECT username, expires_at FROM idp_refresh WHERE token_hash = ?1", params![hash], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(unavailable)
        })?;
        let Some((username, expires_at)) = found else { return Err(IdentityError::NotAuthorized) };
        if expires_at <= crate::http::now_millis() {
            return Err(IdentityError::NotAuthorized);
        }
        let user = self.load(&username)?.ok_or(IdentityError::NotAuthorized)?;
        if !user.enabled {
            return Err(IdentityError::NotAuthorized);
        }
        let access = self.minter.mint(&user.sub, &user.tenant).map_err(unavailable)?;
        Ok(Tokens { access_token: access, id_token: None, refresh_token: None, expires_in: self.minter.ttl_secs(), sub: user.sub })
    }

    async fn global_sign_out(&self, username: &str) -> Result<(), IdentityError> {
        self.with(|c| {
            c.execute("DELETE FROM idp_refresh WHERE username = ?1", params![username]).map_err(unavailable)?;
            c.execute("DELETE FROM idp_sessions WHERE username = ?1", params![username]).map_err(unavailable)?;
            Ok(())
        })
    }

    async fn forgot_password(&self, username: &str) -> Result<(), IdentityError> {
        let mut user = self.user(username)?;
        if !user.enabled {
            return Err(IdentityError::UserDisabled);
        }
        let code = random_code();
        user.reset = Some(PendingCode::new(&code, crate::http::now_millis() + RESET_CODE_TTL_MS));
        self.save(username, &user)?;
        self.send(
            "email",
            &user.email,
            "Kyocho password reset / パスワード再設定",
            format!("Your password reset code: {code}\nパスワード再設定コード: {code}"),
            &code,
        )
    }

    async fn confirm_forgot_password(&self, username: &str, code: &str, new_password: &str) -> Result<(), IdentityError> {
        let mut user = self.user(username)?;
        let Some(pending) = user.reset.clone() else { return Err(IdentityError::CodeMismatch) };
        if pending.expires_at <= crate::http::now_millis() {
            return Err(IdentityError::Expired);
        }
        if !pending.matches(code) {
            let attempts = pending.attempts + 1;
            user.reset = (attempts < CODE_ATTEMPTS).then_some(PendingCode { attempts, ..pending });
            self.save(username, &user)?;
            return Err(IdentityError::CodeMismatch);
        }
        Self::set_password(&mut user, new_password)?;
        user.reset = None;
        self.save(username, &user)
    }

    async fn change_password(&self, caller: &Caller<'_>, old: &str, new: &str) -> Result<(), IdentityError> {
        let mut user = self.user(caller.username)?;
        if !password_matches(old, &user.password_hash) {
            return Err(IdentityError::NotAuthorized);
        }
        Self::set_password(&mut user, new)?;
        self.save(caller.username, &user)
    }

    async fn associate_software_token(&self, caller: &Caller<'_>) -> Result<String, IdentityError> {
        let mut user = self.user(caller.username)?;
        let secret = totp::base32_encode(&totp::generate_secret());
        user.totp_pending = Some(secret.clone());
        self.save(caller.username, &user)?;
        Ok(secret)
    }

    async fn verify_software_token(&self, caller: &Caller<'_>, code: &str) -> Result<(), IdentityError> {
        let mut user = self.user(caller.username)?;
        let Some(pending) = user.totp_pending.clone() else {
            return Err(IdentityError::InvalidRequest("start authenticator set-up first".into()));
        };
        let secret = totp::base32_decode(&pending).unwrap_or_default();
        let Some(step) = totp::matched_step(&secret, code, (crate::http::now_millis() / 1000) as u64) else {
            return Err(IdentityError::CodeMismatch);
        };
        user.totp_secret = Some(pending);
        user.totp_pending = None;
        user.totp_last_step = Some(step);
        self.save(caller.username, &user)
    }

    async fn verify_password(&self, username: &str, password: &str) -> Result<(), IdentityError> {
        let Some(user) = self.load(username)? else {
            let _ = hash_password(password);
            return Err(IdentityError::NotAuthorized);
        };
        if password_matches(password, &user.password_hash) && user.enabled {
            Ok(())
        } else {
            Err(IdentityError::NotAuthorized)
        }
    }

    async fn start_phone_change(&self, caller: &Caller<'_>, phone: &str) -> Result<(), IdentityError> {
        let mut user = self.user(caller.username)?;
        let code = random_code();
        let now = crate::http::now_millis();
        user.phone_change = Some(PhoneChange { number: phone.to_owned(), code: PendingCode::new(&code, now + PHONE_CODE_TTL_MS) });
        self.save(caller.username, &user)?;
        self.send("sms", phone, "Kyocho code", format!("Kyocho 電話番号の確認コード / phone confirmation code: {code}"), &code)
    }

    async fn confirm_phone_change(&self, caller: &Caller<'_>, code: &str) -> Result<(), IdentityError> {
        let mut user = self.user(caller.username)?;
        let Some(mut change) = user.phone_change.clone() else {
            return Err(IdentityError::InvalidRequest("ask for a code to a new phone number first".into()));
        };
        if change.code.expires_at <= crate::http::now_millis() || change.code.attempts >= CODE_ATTEMPTS {
            user.phone_change = None;
            self.save(caller.username, &user)?;
            return Err(IdentityError::Expired);
        }
        if !change.code.matches(code) {
            change.code.attempts += 1;
            user.phone_change = Some(change);
            self.save(caller.username, &user)?;
            return Err(IdentityError::CodeMismatch);
        }
        user.phone = Some(change.number);
        user.phone_verified = true;
        user.phone_change = None;
        self.save(caller.username, &user)
    }

    async fn set_mfa_preference(&self, username: &str, preference: MfaPreference) -> Result<(), IdentityError> {
        let mut user = self.user(username)?;
        match preference.preferred {
            Some(MfaMethod::Totp) if user.totp_secret.is_none() => {
                return Err(IdentityError::InvalidRequest("set up an authenticator app first".into()))
            }
            Some(MfaMethod::Sms) if user.phone.is_none() || !user.phone_verified => {
                return Err(IdentityError::InvalidRequest("add and confirm a phone number for SMS codes first".into()))
            }
            _ => {}
        }
        user.preferred = preference.preferred;
        self.save(username, &user)
    }

    async fn mfa_status(&self, username: &str) -> Result<MfaStatus, IdentityError> {
        let user = self.user(username)?;
        Ok(MfaStatus {
            preferred: user.preferred,
            enabled: user.preferred.into_iter().collect(),
            totp_configured: user.totp_secret.is_some(),
            phone_verified: user.phone.is_some() && user.phone_verified,
            phone_number: user.phone,
            pending_phone_number: user.phone_change.map(|c| c.number),
        })
    }

    async fn disable_user(&self, username: &str) -> Result<(), IdentityError> {
        let mut user = self.user(username)?;
        user.enabled = false;
        self.save(username, &user)?;
        self.global_sign_out(username).await
    }

    async fn enable_user(&self, username: &str) -> Result<(), IdentityError> {
        let mut user = self.user(username)?;
        user.enabled = true;
        self.save(username, &user)
    }

    async fn delete_user(&self, username: &str) -> Result<(), IdentityError> {
        self.global_sign_out(username).await?;
        self.with(|c| {
            c.execute("DELETE FROM idp_users WHERE username = ?1", params![username]).map_err(unavailable)?;
            Ok(())
        })
    }

    async fn reset_mfa(&self, username: &str) -> Result<(), IdentityError> {
        let mut user = self.user(username)?;
        user.preferred = None;
        user.totp_secret = None;
        user.totp_pending = None;
        // A lost phone: its number must be confirmed again before SMS codes go to it.
        user.phone_verified = false;
        user.phone_change = None;
        self.save(username, &user)
    }
}

/// Whether a failure continues the stored counter (see [`lockout::State::continues`]), as
/// SQL over the row being updated: `?3` is now, `?4` the start of the window.
const CONTINUES: &str = "(locked_at IS NOT NULL AND (locked_until IS NULL OR locked_until > ?3)) \
                         OR (locked_at IS NULL AND window_start > ?4)";

fn counter_state(r: &rusqlite::Row<'_>) -> rusqlite::Result<lockout::State> {
    Ok(lockout::State {
        failures: r.get::<_, i64>(0)? as u32,
        window_start: r.get(1)?,
        locked_at: r.get(2)?,
        locked_until: r.get(3)?,
    })
}

#[async_trait]
impl LockoutStore for LocalIdentity {
    async fn get(&self, tenant: &TenantId, counter: &lockout::Counter) -> Result<lockout::State, StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::unavailable(anyhow::anyhow!("lock poisoned")))?;
        conn.query_row(
            "SELECT failures, window_start, locked_at, locked_until FROM lockout_counters WHERE tenant = ?1 AND counter = ?2",
            params![tenant.as_str(), counter.key()],
            counter_state,
        )
        .optional()
        .map_err(StoreError::unavailable)
        .map(Option::unwrap_or_default)
    }

    /// One upsert that adds the failure (or starts a new window) and returns the row, then
    /// one conditional update that locks the counter if this failure reached the threshold:
    /// each statement is atomic, neither depends on a value read before it.
    async fn record_failure(&self, tenant: &TenantId, counter: &lockout::Counter, now: i64, policy: &lockout::Policy)
        -> Result<(lockout::State, bool), StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::unavailable(anyhow::anyhow!("lock poisoned")))?;
        let (t, key, floor) = (tenant.as_str(), counter.key(), now - policy.window_ms);
        let count = format!(
            "INSERT INTO lockout_counters (tenant, counter, failures, window_start, locked_at, locked_until)
             VALUES (?1, ?2, 1, ?3, NULL, NULL)
             ON CONFLICT(tenant, counter) DO UPDATE SET
               failures = CASE WHEN {CONTINUES} THEN failures + 1 ELSE 1 END,
               window_start = CASE WHEN {CONTINUES} THEN window_start ELSE ?3 END,
               locked_at = CASE WHEN {CONTINUES} THEN locked_at ELSE NULL END,
               locked_until = CASE WHEN {CONTINUES} THEN locked_until ELSE NULL END
             RETURNING failures, window_start, locked_at, locked_until"
        );
        let state = conn.query_row(&count, params![t, key, now, floor], counter_state).map_err(StoreError::unavailable)?;
        if state.locked_at.is_some() || state.failures < policy.threshold {
            return Ok((state, false));
        }
        let until = policy.duration_ms.map(|d| now + d);
        let locked = conn
            .query_row(
                "UPDATE lockout_counters SET locked_at = ?3, locked_until = ?4
                 WHERE tenant = ?1 AND counter = ?2 AND locked_at IS NULL AND failures >= ?5
                 RETURNING failures, window_start, locked_at, locked_until",
                params![t, key, now, until, policy.threshold],
                counter_state,
            )
            .optional()
            .map_err(StoreError::unavailable)?;
        Ok(match locked {
            Some(state) => (state, true),
            None => (lockout::State { locked_at: Some(now), locked_until: until, ..state }, false),
        })
    }

    async fn clear(&self, tenant: &TenantId, counter: &lockout::Counter) -> Result<(), StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::unavailable(anyhow::anyhow!("lock poisoned")))?;
        conn.execute("DELETE FROM lockout_counters WHERE tenant = ?1 AND counter = ?2", params![tenant.as_str(), counter.key()])
            .map_err(StoreError::unavailable)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FakeMinter;
    impl TokenMinter for FakeMinter {
        fn mint(&self, sub: &str, tenant: &str) -> anyhow::Result<String> {
            Ok(format!("token-{tenant}-{sub}"))
        }
        fn ttl_secs(&self) -> i64 {
            3600
        }
    }

    fn provider(dir: &Path) -> LocalIdentity {
        LocalIdentity::open(&dir.join("db"), dir.join("outbox"), Arc::new(FakeMinter)).unwrap()
    }

    fn new_user(password: InitialPassword) -> NewIdentity {
        NewIdentity {
            username: "acme.alice".into(),
            tenant: TenantId::parse("acme").unwrap(),
            email: "alice@acme.example".into(),
            phone_number: Some("+819012345678".into()),
            password,
        }
    }

    #[tokio::test]
    async fn an_invited_user_changes_the_temporary_password_then_gets_tokens() {
        let dir = tempfile_dir();
        let idp = provider(dir.path());
        idp.create_user(&new_user(InitialPassword::Temporary("Temp-pass1".into()))).await.unwrap();
        let invite = idp.outbox().messages().pop().unwrap();
        assert_eq!(invite.code.as_deref(), Some("Temp-pass1"));
        let AuthStep::Challenge(c) = idp.password_auth("acme.alice", "Temp-pass1").await.unwrap() else { panic!("challenge") };
        assert_eq!(c.kind, ChallengeKind::NewPasswordRequired);
        assert!(matches!(
            idp.respond_to_challenge("acme.alice", c.kind, &c.session, "weak").await,
            Err(IdentityError::InvalidPassword(_))
        ));
        let step = idp.respond_to_challenge("acme.alice", c.kind, &c.session, "Better-pass2").await.unwrap();
        assert!(matches!(step, AuthStep::Tokens(_)));
        assert!(matches!(idp.password_auth("acme.alice", "Temp-pass1").await, Err(IdentityError::NotAuthorized)));
    }

    #[tokio::test]
    async fn a_phone_number_is_used_for_sms_only_once_its_code_confirms_it() {
        let dir = tempfile_dir();
        let idp = provider(dir.path());
        // An administrator typed a number in: it is not confirmed, so SMS cannot be chosen.
        idp.create_user(&new_user(InitialPassword::Permanent("Pass-0000".into()))).await.unwrap();
        let sms = MfaPreference { preferred: Some(MfaMethod::Sms) };
        assert!(matches!(idp.set_mfa_preference("acme.alice", sms).await, Err(IdentityError::InvalidRequest(_))));
        assert!(!idp.mfa_status("acme.alice").await.unwrap().phone_verified);

        let caller = Caller { username: "acme.alice", access_token: "" };
        idp.start_phone_change(&caller, "+819087654321").await.unwrap();
        let sent = idp.outbox().messages().pop().unwrap();
        assert_eq!((sent.channel.as_str(), sent.to.as_str()), ("sms", "+819087654321"));
        let status = idp.mfa_status("acme.alice").await.unwrap();
        assert_eq!(status.pending_phone_number.as_deref(), Some("+819087654321"));
        assert_eq!(status.phone_number.as_deref(), Some("+819012345678"), "the old number stays until the new one is confirmed");

        let code = sent.code.unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert!(matches!(idp.confirm_phone_change(&caller, wrong).await, Err(IdentityError::CodeMismatch)));
        idp.confirm_phone_change(&caller, &code).await.unwrap();
        let status = idp.mfa_status("acme.alice").await.unwrap();
        assert_eq!((status.phone_number.as_deref(), status.phone_verified), (Some("+819087654321"), true));
        assert_eq!(status.pending_phone_number, None);
        idp.set_mfa_preference("acme.alice", sms).await.unwrap();

        // Three wrong codes void a pending change.
        idp.start_phone_change(&caller, "+819011112222").await.unwrap();
        let code = idp.outbox().messages().pop().unwrap().code.unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..3 {
            assert!(matches!(idp.confirm_phone_change(&caller, wrong).await, Err(IdentityError::CodeMismatch)));
        }
        assert!(matches!(idp.confirm_phone_change(&caller, &code).await, Err(IdentityError::Expired)));
        assert_eq!(idp.mfa_status("acme.alice").await.unwrap().phone_number.as_deref(), Some("+819087654321"));
    }

    #[tokio::test]
    async fn the_last_five_passwords_cannot_be_reused() {
        let dir = tempfile_dir();
        let idp = provider(dir.path());
        idp.create_user(&new_user(InitialPassword::Permanent("Pass-0000".into()))).await.unwrap();
        let caller = Caller { username: "acme.alice", access_token: "" };
        for i in 1..5 {
            idp.change_password(&caller, &format!("Pass-{:04}", i - 1), &format!("Pass-{i:04}")).await.unwrap();
        }
        assert!(matches!(idp.change_password(&caller, "Pass-0004", "Pass-0000").await, Err(IdentityError::InvalidPassword(_))));
        idp.change_password(&caller, "Pass-0004", "Pass-0005").await.unwrap();
        idp.change_password(&caller, "Pass-0005", "Pass-0000").await.unwrap();
    }

    #[tokio::test]
    async fn email_codes_are_checked_and_a_session_takes_three_wrong_codes() {
        let dir = tempfile_dir();
        let idp = provider(dir.path());
        idp.create_user(&new_user(InitialPassword::Permanent("Pass-0000".into()))).await.unwrap();
        idp.set_mfa_preference("acme.alice", MfaPreference { preferred: Some(MfaMethod::Email) }).await.unwrap();
        let AuthStep::Challenge(c) = idp.password_auth("acme.alice", "Pass-0000").await.unwrap() else { panic!() };
        assert_eq!(c.kind, ChallengeKind::EmailOtp);
        let code = idp.outbox().messages().pop().unwrap().code.unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert!(matches!(idp.respond_to_challenge("acme.alice", c.kind, &c.session, wrong).await, Err(IdentityError::CodeMismatch)));
        let AuthStep::Tokens(t) = idp.respond_to_challenge("acme.alice", c.kind, &c.session, &code).await.unwrap() else { panic!() };
        assert!(idp.refresh(t.refresh_token.as_deref().unwrap()).await.is_ok());
        idp.global_sign_out("acme.alice").await.unwrap();
        assert!(idp.refresh(t.refresh_token.as_deref().unwrap()).await.is_err());
    }

    /// Given an authenticator just set up with a code, when the same code (same 30 s
    /// step) answers the sign-in challenge, then it is refused; RFC 6238 §5.2.
    #[tokio::test]
    async fn an_authenticator_code_is_accepted_once() {
        let dir = tempfile_dir();
        let idp = provider(dir.path());
        idp.create_user(&new_user(InitialPassword::Permanent("Pass-0000".into()))).await.unwrap();
        let caller = Caller { username: "acme.alice", access_token: "" };
        let secret = idp.associate_software_token(&caller).await.unwrap();
        let key = totp::base32_decode(&secret).unwrap();
        let now = (crate::http::now_millis() / 1000) as u64;
        let code = totp::code_at(&key, now, 6);
        idp.verify_software_token(&caller, &code).await.unwrap();
        idp.set_mfa_preference("acme.alice", MfaPreference { preferred: Some(MfaMethod::Totp) }).await.unwrap();
        let AuthStep::Challenge(c) = idp.password_auth("acme.alice", "Pass-0000").await.unwrap() else { panic!() };
        let replay = idp.respond_to_challenge("acme.alice", c.kind, &c.session, &code).await;
        assert!(matches!(replay, Err(IdentityError::CodeMismatch)), "{replay:?}");
    }

    /// Given a reset code, then what is stored is a salted hash (not the code, not its plain
    /// SHA-256), and three wrong answers void the code.
    #[tokio::test]
    async fn reset_codes_are_salted_and_void_after_three_wrong_answers() {
        let dir = tempfile_dir();
        let idp = provider(dir.path());
        idp.create_user(&new_user(InitialPassword::Permanent("Pass-0000".into()))).await.unwrap();
        idp.forgot_password("acme.alice").await.unwrap();
        let code = idp.outbox().messages().pop().unwrap().code.unwrap();
        let stored = idp.user("acme.alice").unwrap().reset.unwrap();
        assert_eq!(stored.salt.len(), 32, "16 random bytes, hex");
        assert_ne!(stored.hash, sha256_hex(&code));
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..3 {
            assert!(matches!(idp.confirm_forgot_password("acme.alice", wrong, "Pass-0001").await, Err(IdentityError::CodeMismatch)));
        }
        assert!(idp.confirm_forgot_password("acme.alice", &code, "Pass-0001").await.is_err(), "void after three wrong answers");
    }

    fn tempfile_dir() -> TempDir {
        TempDir::new()
    }

    /// A throw-away folder removed on drop.
    struct TempDir(PathBuf);
    impl TempDir {
        fn new() -> TempDir {
            let p = std::env::temp_dir().join(format!("kyocho-idp-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
        fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
