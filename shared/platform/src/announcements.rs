//! Announcements and the service's status: what the operator tells the companies (planned
//! maintenance, incidents, releases, the end of the service) and who sees it.
//!
//! The operator creates, updates and withdraws announcements (`/ops/announcements…`); a
//! signed-in user sees the current and upcoming ones meant for their company
//! (`GET /announcements`); anyone sees the service's state and the planned maintenance
//! windows meant for every company (`GET /status`, no token: the status page). An
//! announcement meant for some companies only never appears on the public status page.
//!
//! The service's terms promise three months' notice before the service ends: an
//! end-of-service announcement must start (the day the service ends) at least
//! [`END_OF_SERVICE_NOTICE_DAYS`] days after it is made.

use serde::{Deserialize, Serialize};

use crate::error::{check_text, ApiError, FieldError};
use crate::ids::TenantId;
use crate::ports::UnixMillis;

/// Days of notice an end of service needs (the terms: three months).
pub const END_OF_SERVICE_NOTICE_DAYS: i64 = 90;
/// Longest title, characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest text, characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Most companies one announcement may name.
pub const MAX_AUDIENCE_TENANTS: usize = 500;
const DAY_MS: i64 = 86_400_000;

/// What an announcement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementKind {
    /// Planned maintenance: the service (or part of it) is unavailable from `starts_at` to
    /// `ends_at`.
    Maintenance,
    /// Something is not working as it should.
    Incident,
    /// A new version and what it changes.
    Release,
    /// The service ends on `starts_at` (at least 90 days after the notice).
    EndOfService,
}

/// Who sees an announcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Audience {
    /// Every company, and the public status page.
    All,
    /// These companies only (never the public status page).
    Tenants { tenants: Vec<TenantId> },
}

impl Audience {
    pub fn includes(&self, tenant: &TenantId) -> bool {
        match self {
            Audience::All => true,
            Audience::Tenants { tenants } => tenants.contains(tenant),
        }
    }
}

/// An announcement as the operator writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AnnouncementInput {
    pub kind: AnnouncementKind,
    pub title_ja: String,
    pub title_en: String,
    pub text_ja: String,
    pub text_en: String,
    /// When it begins (RFC 3339): the maintenance window's start, the incident's, the
    /// release's, or the day the service ends.
    pub starts_at: String,
    /// When it ends (RFC 3339); required for maintenance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
    pub audience: Audience,
}

/// A stored announcement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Announcement {
    pub id: String,
    pub version: u64,
    pub kind: AnnouncementKind,
    pub title_ja: String,
    pub title_en: String,
    pub text_ja: String,
    pub text_en: String,
    /// Milliseconds since the Unix epoch.
    pub starts_at: UnixMillis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<UnixMillis>,
    pub audience: Audience,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    /// Set when the operator withdrew it: it is shown to nobody any more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<UnixMillis>,
}

impl Announcement {
    /// Still of interest at `now`: not withdrawn and not over.
    pub fn is_live(&self, now: UnixMillis) -> bool {
        self.withdrawn_at.is_none() && self.ends_at.is_none_or(|end| end > now)
    }

    /// Happening at `now` (begun, not over, not withdrawn).
    pub fn is_current(&self, now: UnixMillis) -> bool {
        self.is_live(now) && self.starts_at <= now
    }
}

fn parse_time(field: &str, value: &str) -> Result<UnixMillis, FieldError> {
    time::OffsetDateTime::parse(value.trim(), &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| FieldError::body(format!("/{field}"), "invalid_time", "an RFC 3339 date and time, e.g. 2026-12-05T22:00:00+09:00"))
}

/// Check `input` (made at `now`) and build the announcement `id` at `version`; every problem
/// is listed with its field.
pub fn validate(input: &AnnouncementInput, id: &str, version: u64, created_at: UnixMillis, now: UnixMillis) -> Result<Announcement, ApiError> {
    let mut errors = Vec::new();
    check_text(&mut errors, "title_ja", &input.title_ja, MAX_TITLE_CHARS);
    check_text(&mut errors, "title_en", &input.title_en, MAX_TITLE_CHARS);
    check_text(&mut errors, "text_ja", &input.text_ja, MAX_TEXT_CHARS);
    check_text(&mut errors, "text_en", &input.text_en, MAX_TEXT_CHARS);
    let starts_at = parse_time("starts_at", &input.starts_at).map_err(|e| errors.push(e)).ok();
    let ends_at = match &input.ends_at {
        Some(v) => parse_time("ends_at", v).map_err(|e| errors.push(e)).ok(),
        None => None,
    };
    if input.kind == AnnouncementKind::Maintenance && input.ends_at.is_none() {
        errors.push(FieldError::body("/ends_at", "required", "a maintenance window needs its end"));
    }
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            errors.push(FieldError::body("/ends_at", "before_start", "must be after starts_at"));
        }
    }
    if input.kind == AnnouncementKind::EndOfService {
        if let Some(s) = starts_at {
            if s < now + END_OF_SERVICE_NOTICE_DAYS * DAY_MS {
                errors.push(FieldError::body(
                    "/starts_at",
                    "notice_too_short",
                    format!("the end of the service must be announced at least {END_OF_SERVICE_NOTICE_DAYS} days ahead"),
                ));
            }
        }
    }
    if let Audience::Tenants { tenants } = &input.audience {
        if tenants.is_empty() {
            errors.push(FieldError::body("/audience/tenants", "required", "name at least one company, or use {\"type\": \"all\"}"));
        } else if tenants.len() > MAX_AUDIENCE_TENANTS {
            errors.push(FieldError::body("/audience/tenants", "too_many", format!("at most {MAX_AUDIENCE_TENANTS} companies")));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Unprocessable { detail: "The announcement is not valid.".into(), errors });
    }
    Ok(Announcement {
        id: id.to_owned(),
        version,
        kind: input.kind,
        title_ja: input.title_ja.trim().to_owned(),
        title_en: input.title_en.trim().to_owned(),
        text_ja: input.text_ja.trim().to_owned(),
        text_en: input.text_en.trim().to_owned(),
        starts_at: starts_at.unwrap_or_default(),
        ends_at,
        audience: input.audience.clone(),
        created_at,
        updated_at: now,
        withdrawn_at: None,
    })
}

/// The service's state for the status page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceState {
    Operational,
    /// A maintenance window for every company is under way.
    Maintenance,
    /// An incident affecting every company is open.
    Incident,
}

/// `GET /status`: public, so only what is meant for every company.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServiceStatus {
    pub state: ServiceState,
    /// Current incidents and maintenance windows under way, then the planned windows and
    /// the end-of-service notice, earliest first.
    pub announcements: Vec<Announcement>,
}

/// The status page at `now` from every stored announcement.
pub fn status(all: &[Announcement], now: UnixMillis) -> ServiceStatus {
    let mut shown: Vec<Announcement> = all
        .iter()
        .filter(|a| a.audience == Audience::All && a.is_live(now))
        .filter(|a| match a.kind {
            AnnouncementKind::Maintenance | AnnouncementKind::EndOfService => true,
            AnnouncementKind::Incident => a.is_current(now),
            AnnouncementKind::Release => false,
        })
        .cloned()
        .collect();
    shown.sort_by_key(|a| (a.starts_at, a.id.clone()));
    let current = |kind| shown.iter().any(|a| a.kind == kind && a.is_current(now));
    let state = if current(AnnouncementKind::Incident) {
        ServiceState::Incident
    } else if current(AnnouncementKind::Maintenance) {
        ServiceState::Maintenance
    } else {
        ServiceState::Operational
    };
    ServiceStatus { state, announcements: shown }
}

/// What a signed-in user of `tenant` sees at `now`: every live announcement meant for their
/// company, earliest first.
pub fn for_tenant(all: &[Announcement], tenant: &TenantId, now: UnixMillis) -> Vec<Announcement> {
    let mut shown: Vec<Announcement> = all.iter().filter(|a| a.is_live(now) && a.audience.includes(tenant)).cloned().collect();
    shown.sort_by_key(|a| (a.starts_at, a.id.clone()));
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_000_000_000;

    fn input(kind: AnnouncementKind, starts_in_days: i64, ends_in_days: Option<i64>, audience: Audience) -> AnnouncementInput {
        let at = |days: i64| {
            time::OffsetDateTime::from_unix_timestamp((NOW + days * DAY_MS) / 1000)
                .unwrap()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        };
        AnnouncementInput {
            kind,
            title_ja: "定期メンテナンス".into(),
            title_en: "Scheduled maintenance".into(),
            text_ja: "サービスを停止します。".into(),
            text_en: "The service will be unavailable.".into(),
            starts_at: at(starts_in_days),
            ends_at: ends_in_days.map(at),
            audience,
        }
    }

    fn tenant(s: &str) -> TenantId {
        TenantId::parse(s).unwrap()
    }

    #[test]
    fn an_end_of_service_notice_less_than_90_days_ahead_is_refused() {
        let short = validate(&input(AnnouncementKind::EndOfService, 89, None, Audience::All), "a", 1, NOW, NOW);
        let Err(ApiError::Unprocessable { errors, .. }) = short else { panic!("{short:?}") };
        assert_eq!(errors[0].code, "notice_too_short");
        assert!(validate(&input(AnnouncementKind::EndOfService, 90, None, Audience::All), "a", 1, NOW, NOW).is_ok());
    }

    #[test]
    fn each_problem_is_named_by_its_field() {
        let mut bad = input(AnnouncementKind::Maintenance, 1, None, Audience::Tenants { tenants: vec![] });
        bad.title_en = " ".into();
        bad.starts_at = "tomorrow".into();
        let Err(ApiError::Unprocessable { errors, .. }) = validate(&bad, "a", 1, NOW, NOW) else { panic!() };
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_deref().unwrap_or("")).collect();
        assert_eq!(pointers, ["/title_en", "/starts_at", "/ends_at", "/audience/tenants"]);
        let backwards = input(AnnouncementKind::Maintenance, 2, Some(1), Audience::All);
        let Err(ApiError::Unprocessable { errors, .. }) = validate(&backwards, "a", 1, NOW, NOW) else { panic!() };
        assert_eq!(errors[0].code, "before_start");
    }

    #[test]
    fn a_window_for_some_companies_reaches_them_only_and_never_the_status_page() {
        let acme = tenant("acme");
        let globex = tenant("globex");
        let all = validate(&input(AnnouncementKind::Maintenance, 3, Some(4), Audience::All), "all", 1, NOW, NOW).unwrap();
        let some = validate(&input(AnnouncementKind::Maintenance, 1, Some(2), Audience::Tenants { tenants: vec![acme.clone()] }), "some", 1, NOW, NOW).unwrap();
        let stored = vec![all.clone(), some.clone()];
        assert_eq!(for_tenant(&stored, &acme, NOW).iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["some", "all"]);
        assert_eq!(for_tenant(&stored, &globex, NOW).iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["all"]);
        let s = status(&stored, NOW);
        assert_eq!(s.state, ServiceState::Operational);
        assert_eq!(s.announcements, vec![all.clone()]);
        // During the window the service is in maintenance; after it, nothing is shown.
        assert_eq!(status(&stored, NOW + 3 * DAY_MS + 1).state, ServiceState::Maintenance);
        assert!(status(&stored, NOW + 4 * DAY_MS).announcements.is_empty());
        // Withdrawn: shown to nobody.
        let mut withdrawn = all;
        withdrawn.withdrawn_at = Some(NOW);
        assert!(status(&[withdrawn.clone()], NOW).announcements.is_empty());
        assert!(for_tenant(&[withdrawn], &globex, NOW).is_empty());
    }
}
