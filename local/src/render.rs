//! `kyocho render FILE.json`: the protection coordination chart, the single-line diagram or a
//! CSV report of a project file, written to `-o OUT`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use domain::analysis::analyze;
use domain::checks::CheckSettings;
use drawings::reports::{CsvEncoding, Language, ReportKind};
use drawings::sld::SldOptions;
use drawings::tcc::TccOptions;
use drawings::{DrawingFormat, Paper, SheetInfo};

/// What to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum What {
    /// Protection coordination chart (保護協調図).
    Tcc,
    /// Single-line diagram (単線結線図).
    Sld,
    /// A CSV report (see `--report`).
    Report,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Svg,
    Pdf,
    Dxf,
    Csv,
}

/// CSV text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    /// UTF-8 with a byte-order mark.
    #[value(name = "utf-8")]
    Utf8,
    /// Shift_JIS (Windows code page 932).
    Cp932,
}

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Report {
    Equipment,
    #[value(name = "short_circuit")]
    ShortCircuit,
    Checks,
    #[value(name = "test_sheet")]
    TestSheet,
    Loads,
    #[value(name = "transformer_sizing")]
    TransformerSizing,
    #[value(name = "power_factor")]
    PowerFactor,
    #[value(name = "voltage_drop")]
    VoltageDrop,
}

/// Header language of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Ja,
    En,
}

/// Paper size (landscape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    A3,
    A4,
}

/// Arguments of `kyocho render`.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    /// Project file (JSON).
    pub file: PathBuf,
    /// What to render.
    #[arg(long, value_enum)]
    pub what: What,
    /// Output format: svg, pdf or dxf for drawings; csv for reports.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Chart path: the device or bus the path from the utility runs to (default: the path
    /// with the most protective devices).
    #[arg(long)]
    pub path: Option<String>,
    /// CSV encoding.
    #[arg(long, value_enum, default_value = "utf-8")]
    pub encoding: Encoding,
    /// Which report, with `--what report`.
    #[arg(long, value_enum, default_value = "equipment")]
    pub report: Report,
    /// Report header language.
    #[arg(long, value_enum, default_value = "ja")]
    pub lang: Lang,
    /// Paper size of drawings.
    #[arg(long, value_enum, default_value = "a3")]
    pub paper: PaperArg,
    /// Voltage the chart's currents are referred to, V.
    #[arg(long, default_value_t = 6600.0)]
    pub voltage: f64,
    /// Title block: site (場所).
    #[arg(long, default_value = "")]
    pub site: String,
    /// Title block: author (作成者).
    #[arg(long, default_value = "")]
    pub author: String,
    /// Title block: date (日付); today's date (UTC) when absent.
    #[arg(long)]
    pub date: Option<String>,
    /// Title block: page (頁).
    #[arg(long, default_value = "1/1")]
    pub page: String,
    /// Output file.
    #[arg(short = 'o', long = "out")]
    pub out: PathBuf,
}

/// Render a project file. Exit code 0 on success, 1 when the output cannot be written,
/// 2 when the input is unreadable or invalid (the validation errors are printed with their
/// JSON pointers) or the options do not fit together.
pub fn run(args: RenderArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("render: cannot read {}: {e}", args.file.display());
            return ExitCode::from(2);
        }
    };
    let project = match domain::validate::parse_project_with(&text, domain::library::builtin()) {
        Ok(p) => p,
        Err(errors) => {
            eprintln!("{}: {} error(s)", args.file.display(), errors.len());
            for e in &errors {
                let pointer = if e.pointer.is_empty() { "/" } else { e.pointer.as_str() };
                eprintln!("  {pointer} [{}] {} / {}", e.code, e.message_en, e.message_ja);
            }
            return ExitCode::from(2);
        }
    };
    let analysis = analyze(&project, &CheckSettings::from_project(&project));
    let date = args.date.clone().unwrap_or_else(|| time::OffsetDateTime::now_utc().date().to_string());
    let sheet = SheetInfo { project: project.name.clone(), site: args.site.clone(), date, author: args.author.clone(), page: args.page.clone() };
    let paper = match args.paper {
        PaperArg::A3 => Paper::A3,
        PaperArg::A4 => Paper::A4,
    };
    let drawing_format = match args.format {
        Format::Svg => Some(DrawingFormat::Svg),
        Format::Pdf => Some(DrawingFormat::Pdf),
        Format::Dxf => Some(DrawingFormat::Dxf),
        Format::Csv => None,
    };
    let result = match (args.what, drawing_format) {
        (What::Tcc, Some(f)) => {
            let opts = TccOptions { voltage_v: args.voltage, path_to: args.path.clone(), paper, sheet };
            drawings::render_tcc(&project, &analysis, &opts, f)
        }
        (What::Sld, Some(f)) => drawings::render_sld(&project, &analysis, &SldOptions { paper, sheet }, f),
        (What::Report, None) => {
            let kind = match args.report {
                Report::Equipment => ReportKind::Equipment,
                Report::ShortCircuit => ReportKind::ShortCircuit,
                Report::Checks => ReportKind::Checks,
                Report::TestSheet => ReportKind::TestSheet,
                Report::Loads => ReportKind::Loads,
                Report::TransformerSizing => ReportKind::TransformerSizing,
                Report::PowerFactor => ReportKind::PowerFactor,
                Report::VoltageDrop => ReportKind::VoltageDrop,
            };
            let lang = match args.lang {
                Lang::Ja => Language::Japanese,
                Lang::En => Language::English,
            };
            let enc = match args.encoding {
                Encoding::Utf8 => CsvEncoding::Utf8Bom,
                Encoding::Cp932 => CsvEncoding::Cp932,
            };
            drawings::render_report(&project, &analysis, kind, lang, enc)
        }
        (What::Report, Some(_)) => {
            eprintln!("render: reports are written as --format csv");
            return ExitCode::from(2);
        }
        (_, None) => {
            eprintln!("render: drawings are written as --format svg, pdf or dxf");
            return ExitCode::from(2);
        }
    };
    let bytes = match result {
        Ok(b) => b,
        Err(e) => {
            eprintln!("render: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(&args.out, &bytes) {
        eprintln!("render: cannot write {}: {e}", args.out.display());
        return ExitCode::from(1);
    }
    println!("{} ({} bytes)", args.out.display(), bytes.len());
    ExitCode::SUCCESS
}
