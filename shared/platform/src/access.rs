//! Rules about who may change whose access, and the tenant IP allow-list test (the
//! `allowlist` crate's, re-exported). Pure functions, used by the administration handlers and
//! the sign-in flow.
//!
//! - An administrator cannot grant what they do not have, nor manage a user who holds a
//!   permission they lack.
//! - The last full administrator (active, `tenant_admin`, every permission) cannot be
//!   removed, disabled, demoted or narrowed.

use std::collections::BTreeSet;

pub use allowlist::{ip_allowed, parse_network};

use crate::auth::{Permission, Role};
use crate::error::ApiError;
use crate::ports::{User, UserStatus};

/// Whether `user` is a full administrator: active, `tenant_admin`, every permission.
pub fn is_full_admin(user: &User) -> bool {
    user.status == UserStatus::Active
        && user.role == Role::TenantAdmin
        && user.effective_permissions().len() == Permission::ALL.len()
}

/// Why an access change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessRuleError {
    /// The change would give permissions the acting administrator does not hold.
    #[error("cannot grant permissions you do not hold: {}", names(.missing))]
    ExceedsOwn { missing: Vec<Permission> },
    /// The target holds permissions the acting administrator does not.
    #[error("cannot manage a user who holds permissions you do not: {}", names(.missing))]
    TargetExceedsOwn { missing: Vec<Permission> },
    /// The change would leave the tenant without a full administrator.
    #[error("the last full administrator cannot be removed, disabled, demoted or narrowed")]
    LastFullAdmin,
}

fn names(p: &[Permission]) -> String {
    p.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
}

impl From<AccessRuleError> for ApiError {
    fn from(e: AccessRuleError) -> Self {
        let code = match e {
            AccessRuleError::ExceedsOwn { .. } => "grant_exceeds_own",
            AccessRuleError::TargetExceedsOwn { .. } => "target_exceeds_own",
            AccessRuleError::LastFullAdmin => "last_full_admin",
        };
        match e {
            AccessRuleError::LastFullAdmin => ApiError::Conflict { code, detail: e.to_string() },
            _ => ApiError::Forbidden { code, detail: e.to_string() },
        }
    }
}

/// The permissions a role with an optional narrowing grants (never more than the role).
pub fn effective(role: Role, narrowed: Option<&BTreeSet<Permission>>) -> BTreeSet<Permission> {
    let base = role.default_permissions();
    match narrowed {
        Some(n) => n.intersection(&base).copied().collect(),
        None => base,
    }
}

/// An actor holding `own` may grant `role` narrowed to `narrowed`.
pub fn check_grant(own: &BTreeSet<Permission>, role: Role, narrowed: Option<&BTreeSet<Permission>>) -> Result<(), AccessRuleError> {
    let missing: Vec<Permission> = effective(role, narrowed).difference(own).copied().collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AccessRuleError::ExceedsOwn { missing })
    }
}

/// An actor holding `own` may manage (change, disable, unlock, delete) `target`.
pub fn check_may_manage(own: &BTreeSet<Permission>, target: &User) -> Result<(), AccessRuleError> {
    let missing: Vec<Permission> = target.effective_permissions().difference(own).copied().collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AccessRuleError::TargetExceedsOwn { missing })
    }
}

/// Replacing `before` by `after` (`None`: deleted) among `users` keeps a full administrator.
pub fn check_keeps_full_admin(users: &[User], before: &User, after: Option<&User>) -> Result<(), AccessRuleError> {
    if !is_full_admin(before) || after.is_some_and(is_full_admin) {
        return Ok(());
    }
    let others = users.iter().filter(|u| u.id != before.id && is_full_admin(u)).count();
    if others == 0 {
        Err(AccessRuleError::LastFullAdmin)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{TenantId, UserId};
    use Permission::*;

    fn user(id: &str, role: Role, narrowed: Option<&[Permission]>) -> User {
        User {
            tenant: TenantId::parse("t").unwrap(),
            id: UserId::parse(id).unwrap(),
            sub: id.into(),
            email: format!("{id}@x"),
            name: id.into(),
            role,
            permissions: narrowed.map(|n| n.iter().copied().collect()),
            status: UserStatus::Active,
            tokens_valid_after: 0,
            created_at: 0,
            version: 0,
        }
    }

    #[test]
    fn a_narrowed_administrator_cannot_grant_what_they_lack() {
        let own: BTreeSet<_> = [UserManage, ProjectRead].into();
        assert!(check_grant(&own, Role::Viewer, Some(&[ProjectRead].into())).is_ok());
        let err = check_grant(&own, Role::Viewer, None).unwrap_err();
        assert_eq!(err, AccessRuleError::ExceedsOwn { missing: vec![ProjectExport] });
        assert!(check_grant(&own, Role::TenantAdmin, None).is_err());
    }

    #[test]
    fn a_narrowed_administrator_cannot_manage_a_full_one() {
        let own: BTreeSet<_> = [UserManage].into();
        assert!(check_may_manage(&own, &user("boss", Role::TenantAdmin, None)).is_err());
        assert!(check_may_manage(&own, &user("v", Role::Viewer, Some(&[]))).is_ok());
    }

    #[test]
    fn the_last_full_administrator_stays() {
        let a = user("a", Role::TenantAdmin, None);
        let d = user("d", Role::Designer, None);
        let users = vec![a.clone(), d.clone()];
        let demoted = User { role: Role::Designer, ..a.clone() };
        assert_eq!(check_keeps_full_admin(&users, &a, Some(&demoted)), Err(AccessRuleError::LastFullAdmin));
        assert_eq!(check_keeps_full_admin(&users, &a, None), Err(AccessRuleError::LastFullAdmin));
        let narrowed = user("a", Role::TenantAdmin, Some(&[UserManage]));
        assert!(check_keeps_full_admin(&users, &a, Some(&narrowed)).is_err());
        let b = user("b", Role::TenantAdmin, None);
        assert!(check_keeps_full_admin(&[a.clone(), b], &a, None).is_ok());
        assert!(check_keeps_full_admin(&users, &d, None).is_ok());
    }
}
