//! E-mail the service sends on its own account, beside the identity provider's codes:
//! notices that a user's account changed (second factor, phone number), so that a change
//! made with a stolen session does not go unnoticed. Locally the message lands in the
//! outbox folder; in the cloud it is sent with Amazon SES (`aws::ses`).

use async_trait::async_trait;

/// One e-mail notice: plain text, Japanese first then English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Where notices are sent.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, notice: &Notice) -> anyhow::Result<()>;
}

/// What changed on a user's second factors, for the notice and the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityChange {
    /// An authenticator app was bound (or re-bound).
    Authenticator,
    /// A new phone number was confirmed with the code sent to it.
    PhoneNumber,
    /// The preferred second factor changed (to the method named, or off).
    Preference(Option<crate::identity::MfaMethod>),
}

impl SecurityChange {
    fn describe(self) -> (&'static str, &'static str) {
        use crate::identity::MfaMethod;
        match self {
            SecurityChange::Authenticator => ("認証アプリが登録されました", "an authenticator app was set up"),
            SecurityChange::PhoneNumber => ("SMS 用の電話番号が変更されました", "the phone number for SMS codes was changed"),
            SecurityChange::Preference(Some(MfaMethod::Email)) => ("二要素認証の方式がメールになりました", "the second factor is now e-mail codes"),
            SecurityChange::Preference(Some(MfaMethod::Sms)) => ("二要素認証の方式が SMS になりました", "the second factor is now SMS codes"),
            SecurityChange::Preference(Some(MfaMethod::Totp)) => ("二要素認証の方式が認証アプリになりました", "the second factor is now the authenticator app"),
            SecurityChange::Preference(None) => ("二要素認証が無効になりました", "the second factor was turned off"),
        }
    }

    /// The notice to `to` that this change was made at `at` (UTC milliseconds) from `ip`.
    pub fn notice(self, to: &str, at: i64, ip: Option<std::net::IpAddr>) -> Notice {
        let (ja, en) = self.describe();
        let when = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
            .map(|t| t.to_offset(time::macros::offset!(+9)))
            .ok()
            .and_then(|t| t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] JST")).ok())
            .unwrap_or_default();
        let from = ip.map(|ip| ip.to_string()).unwrap_or_else(|| "-".into());
        Notice {
            to: to.to_owned(),
            subject: "Kyocho: セキュリティ設定の変更 / security settings changed".into(),
            body: format!(
                "Kyocho アカウントで{ja}（{when}、接続元 {from}）。\n\
                 心当たりがない場合は、すぐにパスワードを変更し、会社の管理者に連絡してください。\n\n\
                 On your Kyocho account, {en} ({when}, from {from}).\n\
                 If this was not you, change your password at once and contact your company's administrator.\n"
            ),
        }
    }
}

/// Locally, notices land in the provider's outbox beside its codes.
#[async_trait]
impl Mailer for crate::identity::local::LocalIdentity {
    async fn send(&self, notice: &Notice) -> anyhow::Result<()> {
        self.outbox().send_notice(notice).map_err(anyhow::Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_names_the_change_the_time_in_japan_and_the_address() {
        // 2026-11-30 03:00 UTC is 12:00 in Japan.
        let at = 1_796_007_600_000;
        let n = SecurityChange::Preference(None).notice("ann@acme.example", at, Some("203.0.113.7".parse().unwrap()));
        assert_eq!(n.to, "ann@acme.example");
        assert!(n.body.contains("二要素認証が無効になりました") && n.body.contains("the second factor was turned off"), "{}", n.body);
        assert!(n.body.contains("2026-11-30 12:00 JST") && n.body.contains("203.0.113.7"), "{}", n.body);
    }
}
