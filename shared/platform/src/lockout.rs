//! Account lockout, in one place: failed passwords and MFA codes are counted per user; after
//! the tenant's threshold within the window the account is locked for the tenant's duration
//! (or until an administrator unlocks it). A locked account is refused before the identity
//! provider is asked.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::ids::{TenantId, UserId};
use crate::ports::{StoreError, TenantSettings, UnixMillis};

/// Failures that lock an account unless the tenant says otherwise.
pub const DEFAULT_THRESHOLD: u32 = 5;
/// The window in which failures are counted, in minutes.
pub const WINDOW_MINUTES: u32 = 15;
/// How long a lock lasts unless the tenant says otherwise, in minutes.
pub const DEFAULT_DURATION_MINUTES: u32 = 30;
/// Accepted range of a tenant's threshold.
pub const THRESHOLD_RANGE: std::ops::RangeInclusive<u32> = 3..=20;
/// Accepted range of a tenant's lock duration, in minutes.
pub const DURATION_RANGE_MINUTES: std::ops::RangeInclusive<u32> = 1..=1440;

/// A tenant's lockout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures within the window that lock the account.
    pub threshold: u32,
    pub window_ms: i64,
    /// How long a lock lasts; `None` means until an administrator unlocks.
    pub duration_ms: Option<i64>,
}

impl Policy {
    /// The policy a tenant's settings describe (defaults where unset).
    pub fn of(settings: &TenantSettings) -> Policy {
        let minutes = |m: u32| i64::from(m) * 60_000;
        Policy {
            threshold: settings.lockout_threshold.unwrap_or(DEFAULT_THRESHOLD),
            window_ms: minutes(WINDOW_MINUTES),
            duration_ms: if settings.lockout_until_unlocked {
                None
            } else {
                Some(minutes(settings.lockout_duration_minutes.unwrap_or(DEFAULT_DURATION_MINUTES)))
            },
        }
    }
}

/// One user's failures and lock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// When recent failures happened (only those inside the window are kept).
    #[serde(default)]
    pub failures: Vec<UnixMillis>,
    /// When the account was locked, if it is.
    #[serde(default)]
    pub locked_at: Option<UnixMillis>,
    /// When the lock ends; `None` with `locked_at` set means until an administrator unlocks.
    #[serde(default)]
    pub locked_until: Option<UnixMillis>,
}

/// What recording a failure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Counted; `remaining` more failures lock the account.
    Counted { remaining: u32 },
    /// This failure locked the account.
    Locked,
}

impl State {
    /// Whether the account is locked at `now`.
    pub fn is_locked(&self, now: UnixMillis) -> bool {
        match (self.locked_at, self.locked_until) {
            (Some(_), None) => true,
            (Some(_), Some(until)) => now < until,
            (None, _) => false,
        }
    }

    /// Forget a lock that has run out (and the failures that led to it).
    pub fn expire(&mut self, now: UnixMillis) {
        if self.locked_at.is_some() && !self.is_locked(now) {
            *self = State::default();
        }
    }

    /// Count one failed password or code at `now`.
    pub fn record_failure(&mut self, now: UnixMillis, policy: &Policy) -> Outcome {
        self.expire(now);
        if self.is_locked(now) {
            return Outcome::Locked;
        }
        self.failures.retain(|&t| now - t < policy.window_ms);
        self.failures.push(now);
        let count = self.failures.len() as u32;
        if count >= policy.threshold {
            self.locked_at = Some(now);
            self.locked_until = policy.duration_ms.map(|d| now + d);
            Outcome::Locked
        } else {
            Outcome::Counted { remaining: policy.threshold - count }
        }
    }

    /// A successful sign-in or an administrator's unlock clears everything.
    pub fn clear(&mut self) {
        *self = State::default();
    }
}

/// Where lockout state is kept (SQLite locally, DynamoDB in the cloud).
#[async_trait]
pub trait LockoutStore: Send + Sync {
    async fn get(&self, tenant: &TenantId, user: &UserId) -> Result<State, StoreError>;
    async fn put(&self, tenant: &TenantId, user: &UserId, state: &State) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn policy() -> Policy {
        Policy::of(&TenantSettings::default())
    }

    #[test]
    fn five_failures_in_fifteen_minutes_lock_for_thirty() {
        let p = policy();
        let mut s = State::default();
        for i in 0..4 {
            assert_eq!(s.record_failure(i * MIN, &p), Outcome::Counted { remaining: 4 - i as u32 });
        }
        assert_eq!(s.record_failure(4 * MIN, &p), Outcome::Locked);
        assert!(s.is_locked(4 * MIN + 29 * MIN));
        assert!(!s.is_locked(4 * MIN + 30 * MIN));
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let p = policy();
        let mut s = State::default();
        for i in 0..4 {
            s.record_failure(i * MIN, &p);
        }
        assert_eq!(s.record_failure(20 * MIN, &p), Outcome::Counted { remaining: 4 });
    }

    #[test]
    fn a_lock_until_unlocked_never_runs_out() {
        let settings = TenantSettings { lockout_until_unlocked: true, lockout_threshold: Some(3), ..Default::default() };
        let p = Policy::of(&settings);
        let mut s = State::default();
        for i in 0..3 {
            s.record_failure(i, &p);
        }
        assert!(s.is_locked(365 * 24 * 60 * MIN));
        s.clear();
        assert!(!s.is_locked(0));
    }
}
