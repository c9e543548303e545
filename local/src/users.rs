//! Users with a sign-in identity in a local data folder: the local identity provider's set-up
//! and `kyocho user add`.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use platform::auth::Role;
use platform::http::now_millis;
use platform::identity::local::LocalIdentity;
use platform::identity::{self, Clock, IdentityProvider, InitialPassword, NewIdentity, Services};
use platform::ids::{TenantId, UserId};
use platform::ports::{User, UserStatus};
use platform::{password, Backend};

/// The folder (inside the data folder) the local identity provider writes messages to.
pub fn outbox_dir(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("outbox")
}

/// Open the local identity provider of a data folder and the services handlers use.
pub fn identity(data_dir: &Path) -> anyhow::Result<(Arc<LocalIdentity>, Arc<Services>)> {
    std::fs::create_dir_all(data_dir)?;
    let minter = Arc::new(crate::jwt::Keys::load_or_create(&crate::jwt_key_path(data_dir))?);
    let idp = Arc::new(LocalIdentity::open(&data_dir.join("kyocho.db"), outbox_dir(data_dir), minter)?);
    let services = Arc::new(Services { provider: idp.clone(), lockout: idp.clone(), clock: Clock::default(), mailer: idp.clone() });
    Ok((idp, services))
}

/// A user to create with a sign-in identity.
pub struct NewUser<'a> {
    pub tenant: &'a TenantId,
    /// The user id; a fresh one when `None`.
    pub id: Option<UserId>,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password: InitialPassword,
}

/// Create a user record and its identity (password policy checked, e-mail unique in the
/// tenant). A temporary password is sent to the outbox as an invitation.
pub async fn add_user(backend: &Backend, idp: &dyn IdentityProvider, new: NewUser<'_>) -> anyhow::Result<User> {
    let pw = match &new.password {
        InitialPassword::Temporary(p) | InitialPassword::Permanent(p) => p,
    };
    let violations = password::check(pw);
    if !violations.is_empty() {
        let reasons: Vec<String> = violations.iter().map(|v| format!("{} ({})", v.message_en, v.message_ja)).collect();
        anyhow::bail!("the password does not meet the policy: {}", reasons.join("; "));
    }
    let email = new.email.trim();
    if !email.contains('@') {
        anyhow::bail!("`{email}` is not an e-mail address");
    }
    if platform::signin::find_by_email(backend, new.tenant, email).await.map_err(|e| anyhow::anyhow!("{e}"))?.is_some() {
        anyhow::bail!("a user with e-mail {email} already exists in {}", new.tenant);
    }
    let id = new.id.unwrap_or_else(UserId::generate);
    if backend.users.get_user(new.tenant, &id).await?.is_some() {
        anyhow::bail!("user {id} already exists in {}", new.tenant);
    }
    let sub = idp
        .create_user(&NewIdentity {
            username: identity::username(new.tenant, &id),
            tenant: new.tenant.clone(),
            email: email.to_owned(),
            phone_number: None,
            password: new.password,
        })
        .await
        .with_context(|| format!("creating the sign-in identity of {email}"))?;
    let user = User {
        tenant: new.tenant.clone(),
        id,
        sub,
        email: email.to_owned(),
        name: new.name.to_owned(),
        role: new.role,
        permissions: None,
        status: UserStatus::Active,
        tokens_valid_after: 0,
        created_at: now_millis(),
        version: 0,
    };
    let version = backend.users.put_user(&user).await?;
    Ok(User { version, ..user })
}

/// `kyocho user add`: create the company if missing, then the user with a permanent password.
pub async fn add_from_cli(data_dir: &Path, tenant: &str, email: &str, password: &str, role: &str) -> anyhow::Result<User> {
    let tenant = TenantId::parse(tenant).map_err(|e| anyhow::anyhow!("--tenant: {e}"))?;
    let role = Role::parse(role).ok_or_else(|| anyhow::anyhow!("--role: expected tenant_admin, designer or viewer"))?;
    let backend = platform::local::backend(data_dir)?;
    let (idp, _) = identity(data_dir)?;
    crate::setup::ensure_tenant(&backend, &tenant, tenant.as_str()).await?;
    let name = email.split('@').next().unwrap_or(email);
    add_user(
        &backend,
        idp.as_ref(),
        NewUser { tenant: &tenant, id: None, email, name, role, password: InitialPassword::Permanent(password.to_owned()) },
    )
    .await
}
