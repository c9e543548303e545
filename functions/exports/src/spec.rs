//! What an export asks for, parsed at the edge into an [`ExportSpec`] that only holds
//! combinations the drawing crate can make (a chart or diagram as SVG/PDF/DXF, a report as
//! CSV), and the one mapping from a spec to bytes, media type and file name — the same rules
//! `kyocho render` follows: drawings on A3 with a filled title block, reports with Japanese
//! headers in UTF-8 with BOM unless asked otherwise.

use drawings::{CsvEncoding, DrawError, DrawingFormat, Language, ReportKind, SheetInfo};
use platform::error::{ApiError, FieldError};
use serde::Deserialize;

/// The request body of `POST /projects/{id}/exports`, before its combination is checked.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    pub what: What,
    pub format: Format,
    /// Device or bus id the coordination chart's path runs to.
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub report: Option<Report>,
    #[serde(default)]
    pub encoding: Option<Encoding>,
    #[serde(default)]
    pub language: Option<Lang>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
/// Coordination chart, single-line diagram or a CSV report.
pub enum What {
    Tcc,
    Sld,
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
/// `svg`, `pdf` or `dxf` for drawings; `csv` for reports.
pub enum Format {
    Svg,
    Pdf,
    Dxf,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
/// (report only) which table.
pub enum Report {
    Equipment,
    ShortCircuit,
    Checks,
    TestSheet,
    Loads,
    TransformerSizing,
    PowerFactor,
    VoltageDrop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// (report only) UTF-8 with BOM (the default) or Shift_JIS.
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "cp932")]
    Cp932,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
/// (report only) the language of the column headers (Japanese by default).
pub enum Lang {
    Ja,
    En,
}

/// A valid export: every variant is something the drawing crate can make.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportSpec {
    /// The protection coordination chart along the path to `path_to` (or the default path).
    Tcc { format: DrawingFormat, path_to: Option<String> },
    /// The single-line diagram.
    Sld { format: DrawingFormat },
    /// A CSV report.
    Report { kind: ReportKind, language: Language, encoding: CsvEncoding },
}

/// Bytes ready to store, with how to serve them.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// `<what>[-<report>]-<project id>.<ext>`: ASCII, a valid blob key segment.
    pub file_name: String,
}

fn not_applicable(field: &str, what: &str) -> ApiError {
    ApiError::bad_field(FieldError::body(format!("/{field}"), "not_applicable", format!("`{field}` does not apply to {what}")))
}

fn drawing_format(format: Format, what: &str) -> Result<DrawingFormat, ApiError> {
    match format {
        Format::Svg => Ok(DrawingFormat::Svg),
        Format::Pdf => Ok(DrawingFormat::Pdf),
        Format::Dxf => Ok(DrawingFormat::Dxf),
        Format::Csv => Err(ApiError::bad_field(FieldError::body(
            "/format",
            "unsupported_format",
            format!("{what} can be exported as svg, pdf or dxf"),
        ))),
    }
}

impl ExportRequest {
    /// Check the combination; a field that does not fit is named by its JSON pointer.
    pub fn into_spec(self) -> Result<ExportSpec, ApiError> {
        let what_name = match self.what {
            What::Tcc => "a coordination chart",
            What::Sld => "a single-line diagram",
            What::Report => "a report",
        };
        if self.what != What::Report {
            for (field, given) in [("report", self.report.is_some()), ("encoding", self.encoding.is_some()), ("language", self.language.is_some())] {
                if given {
                    return Err(not_applicable(field, what_name));
                }
            }
        }
        if self.what != What::Tcc && self.path.is_some() {
            return Err(not_applicable("path", what_name));
        }
        match self.what {
            What::Tcc => {
                let path_to = match self.path {
                    Some(p) if p.is_empty() || p.len() > 64 => {
                        return Err(ApiError::bad_field(FieldError::body("/path", "invalid_value", "path must name a device or bus id")))
                    }
                    other => other,
                };
                Ok(ExportSpec::Tcc { format: drawing_format(self.format, what_name)?, path_to })
            }
            What::Sld => Ok(ExportSpec::Sld { format: drawing_format(self.format, what_name)? }),
            What::Report => {
                if self.format != Format::Csv {
                    return Err(ApiError::bad_field(FieldError::body("/format", "unsupported_format", "a report can be exported as csv")));
                }
                let kind = match self.report {
                    None => return Err(ApiError::bad_field(FieldError::body("/report", "required", "a report export names its report"))),
                    Some(Report::Equipment) => ReportKind::Equipment,
                    Some(Report::ShortCircuit) => ReportKind::ShortCircuit,
                    Some(Report::Checks) => ReportKind::Checks,
                    Some(Report::TestSheet) => ReportKind::TestSheet,
                    Some(Report::Loads) => ReportKind::Loads,
                    Some(Report::TransformerSizing) => ReportKind::TransformerSizing,
                    Some(Report::PowerFactor) => ReportKind::PowerFactor,
                    Some(Report::VoltageDrop) => ReportKind::VoltageDrop,
                };
                let language = match self.language {
                    Some(Lang::En) => Language::English,
                    Some(Lang::Ja) | None => Language::Japanese,
                };
                let encoding = match self.encoding {
                    Some(Encoding::Cp932) => CsvEncoding::Cp932,
                    Some(Encoding::Utf8) | None => CsvEncoding::Utf8Bom,
                };
                Ok(ExportSpec::Report { kind, language, encoding })
            }
        }
    }
}

fn extension(format: DrawingFormat) -> &'static str {
    match format {
        DrawingFormat::Svg => "svg",
        DrawingFormat::Pdf => "pdf",
        DrawingFormat::Dxf => "dxf",
    }
}

fn media_type(format: DrawingFormat) -> &'static str {
    match format {
        DrawingFormat::Svg => "image/svg+xml",
        DrawingFormat::Pdf => "application/pdf",
        DrawingFormat::Dxf => "image/vnd.dxf",
    }
}

impl ExportSpec {
    /// The file name for a project: ASCII, so it is a valid key segment and header value.
    pub fn file_name(&self, project_id: &str) -> String {
        match self {
            ExportSpec::Tcc { format, .. } => format!("tcc-{project_id}.{}", extension(*format)),
            ExportSpec::Sld { format } => format!("sld-{project_id}.{}", extension(*format)),
            ExportSpec::Report { kind, .. } => format!("report-{}-{project_id}.csv", kind.name()),
        }
    }

    /// `what` and `format` as the request named them, for the stored metadata.
    pub fn labels(&self) -> (&'static str, &'static str) {
        match self {
            ExportSpec::Tcc { format, .. } => ("tcc", extension(*format)),
            ExportSpec::Sld { format } => ("sld", extension(*format)),
            ExportSpec::Report { .. } => ("report", "csv"),
        }
    }

    /// Draw or tabulate the project. A path that names no device, or one the utility does
    /// not reach, is the caller's error (`/path`).
    pub fn render(
        &self,
        project: &domain::model::Project,
        analysis: &domain::analysis::Analysis,
        project_id: &str,
        sheet: SheetInfo,
    ) -> Result<Rendered, ApiError> {
        let file_name = self.file_name(project_id);
        let (bytes, content_type) = match self {
            ExportSpec::Tcc { format, path_to } => {
                let opts = drawings::tcc::TccOptions { path_to: path_to.clone(), sheet, ..Default::default() };
                (drawings::render_tcc(project, analysis, &opts, *format).map_err(draw_error)?, media_type(*format))
            }
            ExportSpec::Sld { format } => {
                let opts = drawings::sld::SldOptions { sheet, ..Default::default() };
                (drawings::render_sld(project, analysis, &opts, *format).map_err(draw_error)?, media_type(*format))
            }
            ExportSpec::Report { kind, language, encoding } => {
                let bytes = drawings::render_report(project, analysis, *kind, *language, *encoding).map_err(draw_error)?;
                let content_type = match encoding {
                    CsvEncoding::Utf8Bom => "text/csv; charset=utf-8",
                    CsvEncoding::Cp932 => "text/csv; charset=Shift_JIS",
                };
                (bytes, content_type)
            }
        };
        Ok(Rendered { bytes, content_type, file_name })
    }
}

fn draw_error(e: DrawError) -> ApiError {
    match e {
        DrawError::UnknownDevice(_) => ApiError::bad_field(FieldError::body("/path", "unknown_device", e.to_string())),
        DrawError::NotConnected(_) => ApiError::bad_field(FieldError::body("/path", "not_connected", e.to_string())),
        DrawError::Unsupported(_) => ApiError::bad_field(FieldError::body("/format", "unsupported_format", e.to_string())),
        other => ApiError::internal(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> Result<ExportSpec, String> {
        let req: ExportRequest = serde_json::from_value(json).map_err(|e| format!("serde: {e}"))?;
        req.into_spec().map_err(|e| match e {
            ApiError::BadRequest { errors, .. } => format!("{} {}", errors[0].pointer.clone().unwrap_or_default(), errors[0].code),
            other => format!("{other:?}"),
        })
    }

    #[test]
    fn drawings_take_drawing_formats_and_reports_take_csv() {
        use serde_json::json;
        assert_eq!(spec(json!({"what": "tcc", "format": "pdf", "path": "LV1"})), Ok(ExportSpec::Tcc { format: DrawingFormat::Pdf, path_to: Some("LV1".into()) }));
        assert_eq!(spec(json!({"what": "sld", "format": "dxf"})), Ok(ExportSpec::Sld { format: DrawingFormat::Dxf }));
        assert_eq!(
            spec(json!({"what": "report", "format": "csv", "report": "test_sheet", "encoding": "cp932", "language": "en"})),
            Ok(ExportSpec::Report { kind: ReportKind::TestSheet, language: Language::English, encoding: CsvEncoding::Cp932 })
        );
        assert_eq!(
            spec(json!({"what": "report", "format": "csv", "report": "checks"})),
            Ok(ExportSpec::Report { kind: ReportKind::Checks, language: Language::Japanese, encoding: CsvEncoding::Utf8Bom })
        );
    }

    #[test]
    fn a_combination_that_does_not_fit_names_the_field() {
        use serde_json::json;
        assert_eq!(spec(json!({"what": "tcc", "format": "csv"})), Err("/format unsupported_format".into()));
        assert_eq!(spec(json!({"what": "report", "format": "pdf", "report": "checks"})), Err("/format unsupported_format".into()));
        assert_eq!(spec(json!({"what": "report", "format": "csv"})), Err("/report required".into()));
        assert_eq!(spec(json!({"what": "sld", "format": "svg", "path": "X"})), Err("/path not_applicable".into()));
        assert_eq!(spec(json!({"what": "tcc", "format": "svg", "encoding": "cp932"})), Err("/encoding not_applicable".into()));
        assert!(spec(json!({"what": "tcc", "format": "svg", "paper": "a4"})).unwrap_err().contains("unknown field"));
        assert!(spec(json!({"what": "drawing", "format": "svg"})).unwrap_err().contains("unknown variant"));
    }

    #[test]
    fn file_names_are_valid_blob_key_segments() {
        let spec = ExportSpec::Report { kind: ReportKind::ShortCircuit, language: Language::Japanese, encoding: CsvEncoding::Utf8Bom };
        let name = spec.file_name("0190abcd");
        assert_eq!(name, "report-short_circuit-0190abcd.csv");
        assert!(platform::ports::BlobKey::parse(&name).is_ok());
    }
}
