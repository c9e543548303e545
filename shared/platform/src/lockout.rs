//! Account lockout and per-address throttling, in one place.
//!
//! Failed passwords and codes are counted per user: after the tenant's threshold within the
//! window the account is locked for the tenant's duration (or until an administrator unlocks
//! it). They are also counted per source address within the company: an address with
//! [`ADDRESS_THRESHOLD`] failures in the window is refused every sign-in step, before any
//! secret is checked, until [`ADDRESS_BLOCK_MINUTES`] have passed. A locked account or a
//! throttled address is refused before the identity provider is asked.
//!
//! Every failure is one atomic conditional update in the store (SQLite: one `UPDATE …
//! RETURNING`; DynamoDB: `UpdateItem` with `ADD` under a condition), never a read followed
//! by a write, so parallel wrong answers all count. The counter is a fixed window: the first
//! failure after the window (or after a lock ran out) starts a new one at 1.
//!
//! Why the address throttle: the account lock alone lets anyone who knows an address lock its
//! owner out, and lets one source try `threshold` passwords on every account of a company.
//! The throttle stops one source after [`ADDRESS_THRESHOLD`] failures across the company,
//! whoever it aims at; and a throttled source's further attempts are refused without being
//! counted against the account, so it cannot keep re-locking an account once throttled.

use std::net::IpAddr;

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
/// Failures from one source address (across the company's accounts) within the window
/// after which that address is refused every sign-in step.
pub const ADDRESS_THRESHOLD: u32 = 20;
/// How long a throttled address is refused, in minutes.
pub const ADDRESS_BLOCK_MINUTES: u32 = 15;

/// A lockout rule: how many failures in which window lock for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures within the window that lock.
    pub threshold: u32,
    pub window_ms: i64,
    /// How long a lock lasts; `None` means until an administrator unlocks.
    pub duration_ms: Option<i64>,
}

fn minutes(m: u32) -> i64 {
    i64::from(m) * 60_000
}

impl Policy {
    /// The account policy a tenant's settings describe (defaults where unset).
    pub fn of(settings: &TenantSettings) -> Policy {
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

    /// The per-address throttle (the same for every company).
    pub fn address() -> Policy {
        Policy { threshold: ADDRESS_THRESHOLD, window_ms: minutes(WINDOW_MINUTES), duration_ms: Some(minutes(ADDRESS_BLOCK_MINUTES)) }
    }
}

/// What failures are counted against: one account, or one source address of a company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counter {
    User(UserId),
    Address(IpAddr),
}

impl Counter {
    /// The counter's key inside its tenant (`user#<id>` or `addr#<ip>`); an IPv4-mapped IPv6
    /// address counts as its IPv4 address.
    pub fn key(&self) -> String {
        match self {
            Counter::User(u) => format!("user#{u}"),
            Counter::Address(ip) => format!("addr#{}", ip.to_canonical()),
        }
    }
}

/// One counter's failures and lock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Failures counted in the current window (or since the lock began).
    pub failures: u32,
    /// When the current window began.
    pub window_start: Option<UnixMillis>,
    /// When the counter locked, if it is.
    pub locked_at: Option<UnixMillis>,
    /// When the lock ends; `None` with `locked_at` set means until an administrator unlocks.
    pub locked_until: Option<UnixMillis>,
}

/// What recording a failure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Counted; `remaining` more failures lock.
    Counted { remaining: u32 },
    /// The counter is locked; `by_this` says whether this very failure locked it (exactly one
    /// of many racing failures gets `true`).
    Locked { by_this: bool },
}

impl State {
    /// Whether the counter is locked at `now`.
    pub fn is_locked(&self, now: UnixMillis) -> bool {
        match (self.locked_at, self.locked_until) {
            (Some(_), None) => true,
            (Some(_), Some(until)) => now < until,
            (None, _) => false,
        }
    }

    /// Whether a failure at `now` adds to this state (the counter is locked, or unlocked
    /// within its window) rather than starting a new window at 1. The stores evaluate this
    /// same rule inside their atomic update.
    pub fn continues(&self, now: UnixMillis, policy: &Policy) -> bool {
        match self.locked_at {
            Some(_) => self.is_locked(now),
            None => self.window_start.is_some_and(|ws| ws > now - policy.window_ms),
        }
    }

    /// The outcome a failure that left this state (after the store's update) had.
    pub fn outcome(&self, policy: &Policy, locked_now: bool) -> Outcome {
        if self.locked_at.is_some() || locked_now {
            Outcome::Locked { by_this: locked_now }
        } else {
            Outcome::Counted { remaining: policy.threshold.saturating_sub(self.failures) }
        }
    }

    /// The state after one failure at `now`: the reference for what the stores do atomically.
    pub fn after_failure(&self, now: UnixMillis, policy: &Policy) -> (State, bool) {
        let mut next = if self.continues(now, policy) {
            State { failures: self.failures + 1, ..self.clone() }
        } else {
            State { failures: 1, window_start: Some(now), locked_at: None, locked_until: None }
        };
        let locks = next.locked_at.is_none() && next.failures >= policy.threshold;
        if locks {
            next.locked_at = Some(now);
            next.locked_until = policy.duration_ms.map(|d| now + d);
        }
        (next, locks)
    }
}

/// Where lockout counters are kept (SQLite locally, DynamoDB in the cloud).
#[async_trait]
pub trait LockoutStore: Send + Sync {
    /// The counter's state (default when it was never counted or was cleared).
    async fn get(&self, tenant: &TenantId, counter: &Counter) -> Result<State, StoreError>;
    /// Count one failure at `now` in one atomic conditional update, lock the counter when
    /// this failure reaches the threshold, and return the state after it and whether this
    /// very failure locked it.
    async fn record_failure(&self, tenant: &TenantId, counter: &Counter, now: UnixMillis, policy: &Policy)
        -> Result<(State, bool), StoreError>;
    /// Forget the counter (a successful sign-in, an administrator's unlock).
    async fn clear(&self, tenant: &TenantId, counter: &Counter) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn policy() -> Policy {
        Policy::of(&TenantSettings::default())
    }

    fn fail(s: &mut State, now: i64, p: &Policy) -> Outcome {
        let (next, locked_now) = s.after_failure(now, p);
        *s = next;
        s.outcome(p, locked_now)
    }

    #[test]
    fn five_failures_in_fifteen_minutes_lock_for_thirty() {
        let p = policy();
        let mut s = State::default();
        for i in 0..4 {
            assert_eq!(fail(&mut s, i * MIN, &p), Outcome::Counted { remaining: 4 - i as u32 });
        }
        assert_eq!(fail(&mut s, 4 * MIN, &p), Outcome::Locked { by_this: true });
        assert_eq!(fail(&mut s, 5 * MIN, &p), Outcome::Locked { by_this: false }, "a failure while locked still counts as locked");
        assert!(s.is_locked(4 * MIN + 29 * MIN));
        assert!(!s.is_locked(4 * MIN + 30 * MIN));
        assert_eq!(fail(&mut s, 4 * MIN + 30 * MIN, &p), Outcome::Counted { remaining: 4 }, "a run-out lock starts afresh");
    }

    #[test]
    fn failures_after_the_window_start_a_new_one() {
        let p = policy();
        let mut s = State::default();
        for i in 0..4 {
            fail(&mut s, i * MIN, &p);
        }
        assert_eq!(fail(&mut s, 15 * MIN, &p), Outcome::Counted { remaining: 4 });
    }

    #[test]
    fn a_lock_until_unlocked_never_runs_out() {
        let settings = TenantSettings { lockout_until_unlocked: true, lockout_threshold: Some(3), ..Default::default() };
        let p = Policy::of(&settings);
        let mut s = State::default();
        for i in 0..3 {
            fail(&mut s, i, &p);
        }
        assert!(s.is_locked(365 * 24 * 60 * MIN));
    }

    #[test]
    fn a_mapped_ipv6_address_counts_as_its_ipv4_address() {
        let v4 = Counter::Address("192.0.2.7".parse().unwrap());
        let mapped = Counter::Address("::ffff:192.0.2.7".parse().unwrap());
        assert_eq!(v4.key(), mapped.key());
        assert_eq!(v4.key(), "addr#192.0.2.7");
    }
}
