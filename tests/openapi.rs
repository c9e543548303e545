//! The part of `infra/openapi.yaml` that comes from the Rust types: the JSON Schemas of the
//! project document and the export request (as the API accepts them), of the analysis, the
//! device library and the export (as the API returns them), derived with `schemars` from the
//! very types the handlers parse and serialize. They live between two marker lines of `components/schemas`; the paths and the
//! other schemas around them are written by hand. `cargo run -p kyocho-tests --bin openapi`
//! rewrites the block; a test fails when the committed document differs from a fresh one.

use std::path::{Path, PathBuf};

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

/// First line of the generated block (indented as a member of `components/schemas`).
pub const BEGIN: &str = "    # BEGIN GENERATED SCHEMAS: `cargo run -p kyocho-tests --bin openapi` writes this block from the Rust types; do not edit by hand.";
/// Last line of the generated block.
pub const END: &str = "    # END GENERATED SCHEMAS";

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_owned()
}

/// The OpenAPI document's path.
pub fn document_path() -> PathBuf {
    repo_root().join("infra").join("openapi.yaml")
}

fn settings() -> SchemaSettings {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    settings
}

/// Every generated schema by name. Request bodies follow what serde accepts (a field with a
/// default may be left out); responses follow what serde writes.
pub fn schemas() -> Result<Map<String, Value>, String> {
    let mut inputs = settings().into_generator();
    inputs.subschema_for::<domain::model::Project>();
    inputs.subschema_for::<exports::ExportRequest>();
    inputs.subschema_for::<auth::api::SignInRequest>();
    inputs.subschema_for::<auth::api::ChallengeRequest>();
    inputs.subschema_for::<auth::api::RefreshRequest>();
    inputs.subschema_for::<auth::api::ForgotPasswordRequest>();
    inputs.subschema_for::<auth::api::ResetPasswordRequest>();
    inputs.subschema_for::<auth::api::ChangePasswordRequest>();
    inputs.subschema_for::<auth::api::Reauthentication>();
    inputs.subschema_for::<auth::api::CodeRequest>();
    inputs.subschema_for::<auth::api::MfaPreferenceRequest>();
    inputs.subschema_for::<auth::api::PhoneRequest>();
    inputs.subschema_for::<admin_users::InviteRequest>();
    inputs.subschema_for::<admin_users::AccessRequest>();
    inputs.subschema_for::<admin_settings::SettingsInput>();
    inputs.subschema_for::<platform::announcements::AnnouncementInput>();
    inputs.subschema_for::<desk::inquiries::InquiryInput>();
    inputs.subschema_for::<desk::inquiries::MessageInput>();
    inputs.subschema_for::<desk::grants::GrantInput>();
    inputs.subschema_for::<platform::tenancy::NewTenant>();
    inputs.subschema_for::<tenants::TerminateRequest>();
    let mut outputs = settings().for_serialize().into_generator();
    outputs.subschema_for::<domain::analysis::Analysis>();
    outputs.subschema_for::<domain::library::BuiltinLibrary>();
    outputs.subschema_for::<library::LibraryEntry<'static>>();
    outputs.subschema_for::<library::company::LibraryUpdates>();
    outputs.subschema_for::<library::csv::CsvCurves>();
    outputs.subschema_for::<exports::ExportView>();
    outputs.subschema_for::<platform::identity::MfaStatus>();
    outputs.subschema_for::<auth::api::SignInStep>();
    outputs.subschema_for::<auth::api::ForgotPasswordAnswer>();
    outputs.subschema_for::<auth::api::TotpSetup>();
    outputs.subschema_for::<auth::api::Me>();
    outputs.subschema_for::<admin_users::UserView>();
    outputs.subschema_for::<admin_users::UserList>();
    outputs.subschema_for::<admin_settings::SettingsView>();
    outputs.subschema_for::<admin_settings::audit::AuditPage>();
    outputs.subschema_for::<admin_settings::audit::ChainVerification>();
    outputs.subschema_for::<platform::announcements::ServiceStatus>();
    outputs.subschema_for::<platform::announcements::Announcement>();
    outputs.subschema_for::<desk::announcements::AnnouncementList>();
    outputs.subschema_for::<desk::inquiries::Inquiry>();
    outputs.subschema_for::<desk::inquiries::InquiryList>();
    outputs.subschema_for::<desk::grants::Grant>();
    outputs.subschema_for::<desk::grants::GrantList>();
    outputs.subschema_for::<desk::grants::ProjectMetadataPage>();
    outputs.subschema_for::<tenants::TenantView>();
    outputs.subschema_for::<tenants::TenantList>();
    outputs.subschema_for::<tenants::Provisioned>();
    outputs.subschema_for::<tenants::IntegrityReport>();
    outputs.subschema_for::<exports::ImportStarted>();
    outputs.subschema_for::<exports::archive::ImportResult>();

    let mut all = inputs.take_definitions(true);
    let mut clashes = Vec::new();
    for (name, schema) in outputs.take_definitions(true) {
        match all.get(&name) {
            Some(existing) if *existing != schema => clashes.push(name),
            Some(_) => {}
            None => {
                all.insert(name, schema);
            }
        }
    }
    if !clashes.is_empty() {
        return Err(format!(
            "these types are both read and written with different shapes; give the output one its own schema name: {clashes:?}"
        ));
    }
    Ok(all)
}

/// `document` with its generated block replaced by `schemas`.
pub fn render(document: &str, schemas: &Map<String, Value>) -> Result<String, String> {
    let begin = document.find(BEGIN).ok_or("infra/openapi.yaml has no BEGIN GENERATED SCHEMAS line under components/schemas")?;
    let end = document[begin..].find(END).map(|i| begin + i).ok_or("infra/openapi.yaml has no END GENERATED SCHEMAS line")?;
    let yaml = serde_yaml::to_string(&sorted(&Value::Object(schemas.clone()))).map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(document.len() + yaml.len());
    out.push_str(&document[..begin]);
    out.push_str(BEGIN);
    out.push('\n');
    for line in yaml.lines() {
        out.push_str("    ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&document[end..]);
    Ok(out)
}

/// `value` as YAML with every object's keys sorted, so that the text does not depend on whether
/// a build's `serde_json` keeps insertion order (a feature other crates may switch on).
fn sorted(value: &Value) -> serde_yaml::Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_yaml::Mapping::new();
            for key in keys {
                out.insert(serde_yaml::Value::String(key.clone()), sorted(&map[key]));
            }
            serde_yaml::Value::Mapping(out)
        }
        Value::Array(items) => serde_yaml::Value::Sequence(items.iter().map(sorted).collect()),
        other => serde_yaml::to_value(other).unwrap_or(serde_yaml::Value::Null),
    }
}

/// The document as it should be: the committed one with a fresh generated block.
pub fn regenerate() -> Result<(PathBuf, String, String), String> {
    let path = document_path();
    let committed = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let fresh = render(&committed, &schemas()?)?;
    Ok((path, committed, fresh))
}
