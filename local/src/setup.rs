//! Creating tenants and users in a local data folder (first start, `kyocho token`).

use platform::auth::Role;
use platform::http::now_millis;
use platform::ids::{TenantId, UserId};
use platform::ports::{Tenant, User, UserStatus};
use platform::Backend;

/// The tenant created on first start.
pub const DEMO_TENANT: &str = "demo";
/// The administrator created on first start.
pub const DEMO_ADMIN: &str = "admin";

/// The tenant, created with its own key if it does not exist yet.
pub async fn ensure_tenant(backend: &Backend, id: &TenantId, name: &str) -> anyhow::Result<Tenant> {
    if id.is_reserved() {
        anyhow::bail!("tenant id {id}: ids starting with '_' belong to the service");
    }
    if let Some(t) = backend.tenants.get_tenant(id).await? {
        return Ok(t);
    }
    backend.sealer.create_tenant_key(id).await?;
    let tenant = Tenant::new(id.clone(), name, now_millis());
    match backend.tenants.create_tenant(&tenant).await {
        Ok(()) => {
            platform::tenancy::register(backend, &tenant, None).await.map_err(|e| anyhow::anyhow!("registering {id}: {e:?}"))?;
            Ok(tenant)
        }
        Err(platform::ports::StoreError::AlreadyExists) => {
            backend.tenants.get_tenant(id).await?.ok_or_else(|| anyhow::anyhow!("tenant {id} vanished"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The user, created with `role` if missing (an existing user keeps their role unless
/// `role` is given, in which case it is set).
pub async fn ensure_user(backend: &Backend, tenant: &TenantId, id: &UserId, role: Option<Role>) -> anyhow::Result<User> {
    if let Some(mut user) = backend.users.get_user(tenant, id).await? {
        if let Some(role) = role {
            if user.role != role {
                user.role = role;
                user.version = backend.users.put_user(&user).await?;
            }
        }
        return Ok(user);
    }
    let user = User {
        tenant: tenant.clone(),
        id: id.clone(),
        sub: uuid::Uuid::new_v4().to_string(),
        email: format!("{id}@{tenant}.example"),
        name: id.to_string(),
        role: role.unwrap_or(Role::Designer),
        permissions: None,
        status: UserStatus::Active,
        tokens_valid_after: 0,
        created_at: now_millis(),
        version: 0,
    };
    let version = backend.users.put_user(&user).await?;
    Ok(User { version, ..user })
}

/// The demo administrator's e-mail address (how they sign in, with company `demo`).
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.example";

/// Create the demo tenant and its administrator when the data folder is new. The
/// administrator gets a temporary password (in the outbox, printed by `kyocho serve`) that
/// the first sign-in must change. Returns true when it created them.
pub async fn first_start(backend: &Backend, idp: &dyn platform::identity::IdentityProvider) -> anyhow::Result<bool> {
    let tenant = TenantId::parse(DEMO_TENANT)?;
    if backend.tenants.get_tenant(&tenant).await?.is_some() {
        return Ok(false);
    }
    ensure_tenant(backend, &tenant, "Demo Company").await?;
    crate::users::add_user(
        backend,
        idp,
        crate::users::NewUser {
            tenant: &tenant,
            id: Some(UserId::parse(DEMO_ADMIN)?),
            email: DEMO_ADMIN_EMAIL,
            name: "Demo Administrator",
            role: Role::TenantAdmin,
            password: platform::identity::InitialPassword::Temporary(platform::password::generate_temporary()),
        },
    )
    .await?;
    Ok(true)
}
