//! The API Gateway events of `functions/<name>/events/`: one or more per route, each with
//! the status its test expects in that folder's `expected-status.json`. The same files are
//! what `cargo lambda invoke --data-file` sends (`tests/lambda-invoke.sh`), and the world
//! they expect is made by [`seed`]: on the local backend for the handler tests, on moto
//! (`cargo run -p kyocho-tests --bin seed-events`) for the invocations.
//!
//! The events' caller is [`EVENT_SUB`] in [`EVENT_TENANT`] (the `sub` and `custom:tenant_id`
//! claims of every authenticated event): `ann`, an administrator who can sign in with
//! [`EVENT_PASSWORD`]; `bob` and `carl` are designers the user-administration events act
//! on; the stored project's real id replaces [`EVENT_PROJECT_ID`] in the events' text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use platform::auth::Role;
use platform::identity::{IdentityProvider, InitialPassword};
use platform::ids::{TenantId, UserId};
use platform::Backend;

/// The caller's `sub` claim in every authenticated event.
pub const EVENT_SUB: &str = "6f1c2b8e-3d4a-4c5b-9e7f-0a1b2c3d4e5f";
/// The caller's company.
pub const EVENT_TENANT: &str = "acme";
/// The caller's password (for the sign-in event).
pub const EVENT_PASSWORD: &str = "Kyocho-Event-1!";
/// The project id written in the events; replaced by the seeded project's id.
pub const EVENT_PROJECT_ID: &str = "0195e3b2c4d87a10b9f6e5d4c3b2a190";

/// The company library item the library events name (seeded at version 1).
pub const LIBRARY_ITEM_ID: &str = "acme.ocr.ei";

/// What [`seed`] made that the events' text must name.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub project_id: String,
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository root").to_path_buf()
}

/// Every function's events: function → (file name → expected status).
pub fn expectations() -> BTreeMap<String, BTreeMap<String, u16>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(repo_root().join("functions")).expect("functions/") {
        let dir = entry.expect("entry").path();
        let manifest = dir.join("events").join("expected-status.json");
        if !manifest.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest).expect("read the manifest");
        let map: BTreeMap<String, u16> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        out.insert(dir.file_name().unwrap().to_string_lossy().into_owned(), map);
    }
    out
}

/// An event's text with the seeded ids in place.
pub fn event_text(function: &str, file: &str, seeded: &Seeded) -> String {
    let path = repo_root().join("functions").join(function).join("events").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.replace(EVENT_PROJECT_ID, &seeded.project_id)
}

/// Make the events' world in `backend`: the company, its three users (`ann` signs in
/// through `idp` and is the events' caller), and one project from reference case A.
pub async fn seed(backend: &Backend, idp: &dyn IdentityProvider) -> anyhow::Result<Seeded> {
    let tenant = TenantId::parse(EVENT_TENANT)?;
    kyocho::setup::ensure_tenant(backend, &tenant, "Acme Engineering").await?;
    for (id, name, role) in [("ann", "Ann Administrator", Role::TenantAdmin), ("bob", "Bob Designer", Role::Designer), ("carl", "Carl Designer", Role::Designer)] {
        let uid = UserId::parse(id)?;
        let user = match backend.users.get_user(&tenant, &uid).await? {
            Some(u) => u,
            None => {
                let email = format!("{id}@acme.example");
                kyocho::users::add_user(
                    backend,
                    idp,
                    kyocho::users::NewUser {
                        tenant: &tenant,
                        id: Some(uid),
                        email: &email,
                        name,
                        role,
                        password: InitialPassword::Permanent(EVENT_PASSWORD.to_owned()),
                    },
                )
                .await?
            }
        };
        // The events carry a fixed `sub`: the caller's record answers to it.
        if id == "ann" && user.sub != EVENT_SUB {
            backend.users.put_user(&platform::ports::User { sub: EVENT_SUB.to_owned(), ..user }).await?;
        }
    }
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("tests/fixtures/case_a.json"))?)?;
    let summary = platform::projects::Summary { name: "Event plant".into(), description: String::new() };
    let project = platform::projects::create(backend, &tenant, &summary, &doc)
        .await
        .map_err(|e| anyhow::anyhow!("creating the events' project: {e:?}"))?;
    // The company library item the library events name, at version 1.
    let create = std::fs::read_to_string(repo_root().join("functions/library/events/create_company_item.json"))?;
    let create: serde_json::Value = serde_json::from_str(&create)?;
    let body = create["body"].as_str().ok_or_else(|| anyhow::anyhow!("the create event has no body"))?;
    let item = platform::company_library::parse_item(body, None, 1).map_err(|e| anyhow::anyhow!("the library item: {e:?}"))?;
    if platform::company_library::get(backend, &tenant, LIBRARY_ITEM_ID, None).await.is_err() {
        platform::company_library::create(backend, &tenant, &item).await.map_err(|e| anyhow::anyhow!("creating the library item: {e:?}"))?;
    }
    Ok(Seeded { project_id: project.id.to_string() })
}
