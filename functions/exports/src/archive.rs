//! Project archives (docs/archive.md): a project, or every project of a company, as one
//! zip with its document, drawings and reports, each entry listed in the manifest with its
//! SHA-256 — and the way back in: an archive is read and checked whole (size, entries,
//! compression ratio, paths, names, checksums, every project document against the schema)
//! before a single project is stored, so a refused archive stores nothing.

use archive::{ArchiveError, ArchiveWriter, EntryPath, Kind, Limits, MediaType};
use drawings::{CsvEncoding, DrawingFormat, Language, ReportKind, SheetInfo};
use platform::error::{ApiError, FieldError};
use platform::ids::{ProjectId, TenantId};
use platform::projects::{self, Summary};
use platform::Backend;
use serde::Serialize;

use crate::spec::ExportSpec;

/// What writes the archives (the manifest's `generator`).
pub const GENERATOR: &str = concat!("kyocho ", env!("CARGO_PKG_VERSION"));

/// The drawings and reports archived with each project.
fn attachments() -> Vec<(ExportSpec, &'static str, MediaType)> {
    vec![
        (ExportSpec::Sld { format: DrawingFormat::Pdf }, "drawings", MediaType::PDF),
        (ExportSpec::Sld { format: DrawingFormat::Dxf }, "drawings", MediaType::DXF),
        (ExportSpec::Tcc { format: DrawingFormat::Pdf, path_to: None }, "drawings", MediaType::PDF),
        (ExportSpec::Report { kind: ReportKind::ShortCircuit, language: Language::Japanese, encoding: CsvEncoding::Utf8Bom }, "reports", MediaType::CSV),
        (ExportSpec::Report { kind: ReportKind::Checks, language: Language::Japanese, encoding: CsvEncoding::Utf8Bom }, "reports", MediaType::CSV),
    ]
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(anyhow::anyhow!("writing the archive: {e}"))
}

/// Add one stored project (document byte for byte, then its drawings and reports) to `w`.
async fn add_project(backend: &Backend, tenant: &TenantId, id: &ProjectId, w: &mut ArchiveWriter, author: &str) -> Result<(), ApiError> {
    let (project, model) = projects::open_model(backend, tenant, id).await?;
    let document = serde_json::to_vec(&project.content).map_err(ApiError::internal)?;
    let aid = archive::ProjectId::parse(id.as_str()).map_err(internal)?;
    w.add_project(aid, project.summary.name.clone(), project.version, document).map_err(internal)?;
    let analysis = domain::analysis::analyze(&model, &domain::checks::CheckSettings::from_project(&model));
    let sheet = SheetInfo { project: model.name.clone(), date: crate::tokyo_date(), author: author.to_owned(), page: "1/1".into(), ..Default::default() };
    let pid = id.to_string();
    let rendered = tokio::task::spawn_blocking(move || {
        attachments()
            .into_iter()
            .map(|(spec, folder, media)| {
                // A drawing the project cannot have yet (no path to draw) is left out, not an error.
                spec.render(&model, &analysis, &pid, sheet.clone()).ok().map(|r| (folder, media, r))
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(ApiError::internal)?;
    for (folder, media, r) in rendered.into_iter().flatten() {
        let path = EntryPath::parse(&format!("projects/{id}/{folder}/{}", r.file_name)).map_err(internal)?;
        w.add_file(path, media, r.bytes).map_err(internal)?;
    }
    Ok(())
}

/// The archive of one project (`Some`) or of every project of the company.
pub async fn build(backend: &Backend, tenant: &TenantId, only: Option<&ProjectId>, author: &str) -> Result<Vec<u8>, ApiError> {
    let now = time::OffsetDateTime::now_utc();
    let mut w = ArchiveWriter::new(if only.is_some() { Kind::Project } else { Kind::Company }, now, GENERATOR);
    match only {
        Some(id) => add_project(backend, tenant, id, &mut w, author).await?,
        None => {
            let mut after: Option<ProjectId> = None;
            loop {
                let page = backend.projects.list_projects(tenant, after.as_ref(), 100).await?;
                for p in &page.items {
                    add_project(backend, tenant, &p.id, &mut w, author).await?;
                }
                match (page.next, page.items.last()) {
                    (Some(_), Some(last)) => after = Some(last.id.clone()),
                    _ => break,
                }
            }
        }
    }
    w.finish().map_err(internal)
}

/// HTTP status of a refused archive (docs/archive.md "Refusals").
pub fn status_of(e: &ArchiveError) -> u16 {
    match e.code() {
        "archive_too_large" | "too_many_entries" | "entry_too_large" | "uncompressed_too_large" | "compression_ratio" => 413,
        "not_a_zip" | "inconsistent_headers" | "unsafe_path" | "duplicate_entry" | "encrypted_entry" | "unsupported_compression" | "corrupt_entry" => 400,
        _ => 422,
    }
}

/// A refused archive as problem+json: the stable code, the entry it concerns.
pub fn refusal(e: &ArchiveError) -> ApiError {
    let code = e.code();
    let pointer = match (e.entry(), e.pointer()) {
        (Some(entry), Some(p)) => format!("/archive/{entry}{p}"),
        (Some(entry), None) => format!("/archive/{entry}"),
        (None, Some(p)) => format!("/archive{p}"),
        (None, None) => "/archive".to_owned(),
    };
    let errors = vec![FieldError::body(pointer, code, e.to_string())];
    ApiError::Refused { status: status_of(e), code, detail: e.to_string(), errors }
}

/// One project brought in by an import.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Imported {
    /// The project's id in the archive.
    pub source_id: String,
    /// Its new id here.
    pub id: ProjectId,
    pub name: String,
    /// SHA-256 of the document, as the manifest lists it.
    pub sha256: String,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportResult {
    pub projects: Vec<Imported>,
}

/// Read `bytes` as an archive, check every entry and every project document, then store each
/// project as a new project of `tenant` (new ids: an archive from another company or edition
/// never overwrites anything). On any refusal nothing is stored; should storing fail midway,
/// the projects stored so far are deleted again.
pub async fn import(backend: &Backend, tenant: &TenantId, bytes: &[u8], limits: &Limits) -> Result<ImportResult, ApiError> {
    let archive = archive::read_archive(bytes, limits).map_err(|e| refusal(&e))?;
    let mut ready = Vec::new();
    for record in &archive.manifest().projects {
        let doc = archive.project_document(record.id.as_str()).ok_or_else(|| ApiError::internal(anyhow::anyhow!("a listed document is missing")))?;
        let text = std::str::from_utf8(doc).map_err(|_| {
            ApiError::bad_field(FieldError::body(format!("/archive/{}", record.document), "document_invalid", "the project document is not UTF-8"))
        })?;
        // The same checks as `POST /projects`, each problem named inside the archive.
        let model = projects::parse_document(text).map_err(|e| within(e, &record.document.to_string()))?;
        let content: serde_json::Value = serde_json::from_str(text).map_err(ApiError::internal)?;
        let summary = Summary { name: model.name.trim().to_owned(), description: model.description.clone().unwrap_or_default() };
        let sha = archive.manifest().entry(&record.document.to_string()).map(|e| e.sha256.to_string()).unwrap_or_default();
        ready.push((record.id.to_string(), summary, content, sha));
    }
    let mut done: Vec<Imported> = Vec::new();
    for (source_id, summary, content, sha256) in ready {
        match projects::create(backend, tenant, &summary, &content).await {
            Ok(p) => done.push(Imported { source_id, id: p.id, name: summary.name, sha256 }),
            Err(e) => {
                for d in &done {
                    if let Err(undo) = projects::delete(backend, tenant, &d.id, None).await {
                        tracing::error!(project = %d.id, error = ?undo, "could not undo a partial import");
                    }
                }
                return Err(e);
            }
        }
    }
    Ok(ImportResult { projects: done })
}

/// A document problem, with its pointers moved inside the archive entry.
fn within(e: ApiError, entry: &str) -> ApiError {
    let moved = |errors: Vec<FieldError>| -> Vec<FieldError> {
        errors
            .into_iter()
            .map(|mut f| {
                f.pointer = Some(format!("/archive/{entry}{}", f.pointer.unwrap_or_default()));
                f
            })
            .collect()
    };
    match e {
        ApiError::Unprocessable { detail, errors } => ApiError::Unprocessable { detail: format!("{entry}: {detail}"), errors: moved(errors) },
        ApiError::BadRequest { code, detail, errors } => ApiError::BadRequest { code, detail: format!("{entry}: {detail}"), errors: moved(errors) },
        other => other,
    }
}
