//! Kyocho's drawings and reports, built from a validated project and its analysis
//! ([`domain::analysis::analyze`]):
//!
//! - the protection coordination chart (保護協調図, [`tcc`]) and the single-line diagram
//!   (単線結線図, [`sld`]) as a small drawing model ([`model`]) in millimetres, written as
//!   SVG ([`svg`]), PDF with an embedded Japanese font subset ([`pdf`]) or DXF R2010
//!   ([`dxf_out`]);
//! - CSV reports ([`reports`]).
//!
//! Pure: nothing here reads or writes files; every function returns bytes or text.

pub mod dxf_out;
pub mod font;
pub mod model;
pub mod pdf;
pub mod reports;
pub mod sheet;
pub mod sld;
mod study_reports;
pub mod svg;
pub mod symbols;
pub mod tcc;

pub use model::{Drawing, Paper};
pub use reports::{CsvEncoding, Language, ReportKind};
pub use sheet::SheetInfo;

/// Why a drawing or report could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DrawError {
    /// `--path` names no device or bus of the project.
    #[error("no device or bus with id `{0}`")]
    UnknownDevice(String),
    /// The device is not reached from the utility.
    #[error("`{0}` is not connected to the utility")]
    NotConnected(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("DXF: {0}")]
    Dxf(String),
    #[error("CSV: {0}")]
    Csv(String),
    /// The format does not apply to what was asked (e.g. a drawing as CSV).
    #[error("{0}")]
    Unsupported(String),
}

/// Output format of a drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawingFormat {
    Svg,
    Pdf,
    Dxf,
}

/// Write a drawing in a format.
pub fn encode(d: &Drawing, format: DrawingFormat) -> Result<Vec<u8>, DrawError> {
    match format {
        DrawingFormat::Svg => Ok(svg::to_svg(d).into_bytes()),
        DrawingFormat::Pdf => pdf::to_pdf(d),
        DrawingFormat::Dxf => dxf_out::to_dxf(d),
    }
}

/// The coordination chart of a project as bytes.
pub fn render_tcc(project: &domain::model::Project, analysis: &domain::analysis::Analysis, opts: &tcc::TccOptions, format: DrawingFormat) -> Result<Vec<u8>, DrawError> {
    let chart = tcc::build(project, analysis, opts)?;
    encode(&chart.drawing, format)
}

/// The single-line diagram of a project as bytes: SVG of the whole diagram, PDF and DXF of
/// its sheets (see [`sld`]).
pub fn render_sld(project: &domain::model::Project, analysis: &domain::analysis::Analysis, opts: &sld::SldOptions, format: DrawingFormat) -> Result<Vec<u8>, DrawError> {
    sld::build(project, analysis, opts)?.encode(format)
}

/// A CSV report of a project as bytes.
pub fn render_report(project: &domain::model::Project, analysis: &domain::analysis::Analysis, kind: ReportKind, lang: Language, encoding: CsvEncoding) -> Result<Vec<u8>, DrawError> {
    reports::to_csv(&reports::table(project, analysis, kind, lang), encoding)
}
