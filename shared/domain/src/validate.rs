//! Parsing and validation of untrusted project JSON (the checklist's "input format
//! restriction"): every error at once, each with the JSON pointer of the failing field, a
//! stable snake_case code and a message in Japanese and English.
//!
//! Limits, refused with an error before any work proportional to them:
//! input larger than [`MAX_INPUT_BYTES`], more than [`MAX_DEVICES`] devices, JSON nested
//! deeper than serde_json's recursion limit (128), numbers outside f64.
//!
//! Order of work in [`parse_project_with`]: JSON syntax → structure (unknown fields, wrong
//! types, missing fields; each device on its own, so every malformed device is reported) →
//! values, references and topology ([`validate`]). Values are checked only once the structure
//! is sound. The equipment beside the protective devices (DS, LA, VCT, VT, meters, earthing,
//! CT/ZCT/ZPD ratings) is checked in `validate/equipment.rs`.

mod company;
mod equipment;

pub use company::parse_company_item;

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::topology::{Topology, TopologyIssue};
use crate::model::{
    Device, GroundRelaySettings, Library, LibraryFacts, LibraryKind, LibraryRef, OcrSettings, PercentImpedance, Phases,
    Project, SourceImpedance, TimeCurrentPoint, TripUnit, SCHEMA_VERSION,
};

/// Accepted operating time of an instantaneous element, s (JIS C 4602 practice).
pub const INSTANTANEOUS_TIME_RANGE_S: (f64, f64) = (0.01, 0.1);

/// Largest accepted input, bytes (4 MiB; a 2 000-device project is well under 1 MiB).
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;
/// Most devices (buses included) a project may hold. A receiving substation has tens to a
/// few hundred; the limit keeps analysis time bounded.
pub const MAX_DEVICES: usize = 2_000;
/// Longest id, characters.
pub const MAX_ID_CHARS: usize = 64;
/// Longest name, characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest description, characters.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
/// Most notes per project.
pub const MAX_NOTES: usize = 500;
/// Longest note, characters.
pub const MAX_NOTE_CHARS: usize = 4_000;
/// Most withstand points per transformer.
pub const MAX_WITHSTAND_POINTS: usize = 50;

/// Standard CT rated primary currents, A (JIS C 1731-1 series).
pub const CT_PRIMARY_RATINGS_A: [f64; 28] = [
    5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 75.0, 100.0, 120.0, 150.0, 200.0, 250.0,
    300.0, 400.0, 500.0, 600.0, 750.0, 800.0, 1000.0, 1200.0, 1500.0, 2000.0, 2500.0, 3000.0,
    4000.0,
];
/// Time-element taps of customer OCRs for a 5 A secondary, A (docs/engineering.md §1). For a 1 A
/// secondary the steps are one fifth of these.
pub const OCR_TAPS_5A: [f64; 6] = [3.0, 3.5, 4.0, 4.5, 5.0, 6.0];
/// Power fuse rated currents accepted without a `library_ref`, A: the ratings the built-in
/// library has generic curves for.
pub const PF_RATINGS_A: [f64; 14] = crate::library::PF_LIBRARY_RATINGS_A;
/// Supply voltages Kyocho handles, V.
pub const UTILITY_VOLTAGES_V: [f64; 2] = [6600.0, 3300.0];
/// Smallest source impedance, % on the 10 MVA base (S_k ≤ 10 GVA; I_k and S_k forms are
/// bounded by their own ranges: I_k ≤ 100 kA, S_k ≤ 2 000 MVA).
pub const MIN_SOURCE_PERCENT_Z: f64 = 0.1;
/// Largest difference between a bus voltage and a transformer winding's rated voltage.
pub const TRANSFORMER_VOLTAGE_TOLERANCE: f64 = 0.10;

/// Largest deviation of a shunt device's (load, motor, capacitor, generator) rated voltage
/// from its bus voltage, as a fraction (±10 %: a 200 V motor on a 210 V bus matches, a
/// 6600 V capacitor on a 210 V bus does not).
pub const SHUNT_VOLTAGE_TOLERANCE: f64 = 0.10;

/// One problem with the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// RFC 6901 JSON pointer of the failing value (`""` for the whole document), e.g.
    /// `/devices/3/ocr/ct_primary_a`.
    pub pointer: String,
    /// Stable snake_case code, e.g. `out_of_range`, `duplicate_id`, `unknown_field`.
    pub code: String,
    /// Message in Japanese.
    pub message_ja: String,
    /// Message in English.
    pub message_en: String,
}

impl ValidationError {
    pub(crate) fn new(pointer: impl Into<String>, code: &str, ja: String, en: String) -> Self {
        ValidationError {
            pointer: pointer.into(),
            code: code.to_string(),
            message_ja: ja,
            message_en: en,
        }
    }
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} [{}]: {}",
            if self.pointer.is_empty() {
                "/"
            } else {
                &self.pointer
            },
            self.code,
            self.message_en
        )
    }
}

/// Parses and validates a project, checking library references against the built-in
/// library ([`crate::library::builtin`]).
pub fn parse_project(json: &str) -> Result<Project, Vec<ValidationError>> {
    parse_project_with(json, default_library())
}

/// The library [`parse_project`] checks references against: the built-in library.
pub fn default_library() -> &'static dyn Library {
    crate::library::builtin()
}

/// Parses and validates a project, checking library references against `library`.
pub fn parse_project_with(
    json: &str,
    library: &dyn Library,
) -> Result<Project, Vec<ValidationError>> {
    if json.len() > MAX_INPUT_BYTES {
        return Err(vec![ValidationError::new(
            "",
            "input_too_large",
            format!(
                "入力が大きすぎます（{} バイト、上限 {} バイト）",
                json.len(),
                MAX_INPUT_BYTES
            ),
            format!(
                "input is too large ({} bytes, limit {})",
                json.len(),
                MAX_INPUT_BYTES
            ),
        )]);
    }
    let root: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return Err(vec![syntax_error(&e)]),
    };
    let project = deserialize_structure(root)?;
    let errors = validate(&project, library);
    if errors.is_empty() {
        Ok(project)
    } else {
        Err(errors)
    }
}

fn syntax_error(e: &serde_json::Error) -> ValidationError {
    let text = e.to_string();
    if text.contains("recursion limit") {
        ValidationError::new(
            "",
            "json_too_deep",
            format!(
                "JSON の入れ子が深すぎます（行 {}、列 {}）",
                e.line(),
                e.column()
            ),
            format!(
                "JSON is nested too deeply (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    } else if text.contains("number out of range") {
        ValidationError::new(
            "",
            "number_out_of_range",
            format!("数値が範囲外です（行 {}、列 {}）", e.line(), e.column()),
            format!(
                "number out of range (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    } else {
        ValidationError::new(
            "",
            "json_syntax",
            format!(
                "JSON の構文が正しくありません（行 {}、列 {}）: {}",
                e.line(),
                e.column(),
                text
            ),
            format!("invalid JSON syntax: {text}"),
        )
    }
}

/// Escapes one JSON pointer reference token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn path_to_pointer(prefix: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = prefix.to_string();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape_pointer_token(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Turns a structural serde error at `pointer` into a [`ValidationError`].
fn structure_error(pointer: String, inner: &serde_json::Error) -> ValidationError {
    let msg = inner.to_string();
    let quoted = msg.split('`').nth(1).unwrap_or("").to_string();
    let with_field = |pointer: &str| {
        let token = format!("/{}", escape_pointer_token(&quoted));
        if pointer.ends_with(&token) {
            pointer.to_string()
        } else {
            format!("{pointer}{token}")
        }
    };
    if msg.starts_with("unknown field") {
        let p = with_field(&pointer);
        ValidationError::new(
            p,
            "unknown_field",
            format!("不明な項目 `{quoted}` があります"),
            format!("unknown field `{quoted}`"),
        )
    } else if msg.starts_with("missing field") {
        let p = with_field(&pointer);
        ValidationError::new(
            p,
            "missing_field",
            format!("必須項目 `{quoted}` がありません"),
            format!("missing field `{quoted}`"),
        )
    } else if msg.starts_with("unknown variant") {
        ValidationError::new(
            pointer,
            "unknown_variant",
            format!("使用できない値 `{quoted}` です: {msg}"),
            msg.clone(),
        )
    } else if msg.starts_with("invalid type") {
        ValidationError::new(
            pointer,
            "invalid_type",
            format!("型が正しくありません: {msg}"),
            msg.clone(),
        )
    } else {
        ValidationError::new(
            pointer,
            "invalid_value",
            format!("値が正しくありません: {msg}"),
            msg.clone(),
        )
    }
}

fn deserialize_at<T: serde::de::DeserializeOwned>(
    pointer: &str,
    value: &Value,
) -> Result<T, ValidationError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let p = path_to_pointer(pointer, e.path());
        structure_error(p, e.inner())
    })
}

/// Deserializes one device; on failure, re-reads it as its variant's struct to point at the
/// failing field (the internally tagged enum hides the inner path).
fn deserialize_device(pointer: &str, value: &Value) -> Result<Device, ValidationError> {
    let first = match deserialize_at::<Device>(pointer, value) {
        Ok(d) => return Ok(d),
        Err(e) => e,
    };
    let Some(obj) = value.as_object() else {
        return Err(first);
    };
    let Some(tag) = obj.get("type").and_then(Value::as_str) else {
        return Err(first);
    };
    let mut rest = obj.clone();
    rest.remove("type");
    let rest = Value::Object(rest);
    macro_rules! refine {
        ($($name:literal => $ty:ty),* $(,)?) => {
            match tag {
                $($name => deserialize_at::<$ty>(pointer, &rest).err(),)*
                _ => None,
            }
        };
    }
    use crate::model::*;
    let refined = refine!(
        "bus" => Bus, "cable" => Cable, "transformer" => Transformer, "vcb" => Vcb,
        "lbs_pf" => LbsPf, "ground_switch" => GroundSwitch, "lv_breaker" => LvBreaker,
        "capacitor" => Capacitor, "load" => Load, "motor" => Motor, "generator" => Generator,
        "ds" => Ds, "vct" => Vct, "la" => La, "vt" => Vt, "meter" => Meter, "earthing" => Earthing,
    );
    Err(refined.unwrap_or(first))
}

fn deserialize_structure(mut root: Value) -> Result<Project, Vec<ValidationError>> {
    let Some(obj) = root.as_object_mut() else {
        return Err(vec![ValidationError::new(
            "",
            "invalid_type",
            "プロジェクトは JSON オブジェクトでなければなりません".into(),
            "a project must be a JSON object".into(),
        )]);
    };
    let mut errors = Vec::new();
    let mut devices = Vec::new();
    if let Some(Value::Array(items)) = obj.get_mut("devices") {
        if items.len() > MAX_DEVICES {
            return Err(vec![ValidationError::new(
                "/devices",
                "too_many_devices",
                format!(
                    "機器が多すぎます（{} 個、上限 {} 個）",
                    items.len(),
                    MAX_DEVICES
                ),
                format!("too many devices ({}, limit {})", items.len(), MAX_DEVICES),
            )]);
        }
        let items = std::mem::take(items);
        for (i, item) in items.iter().enumerate() {
            match deserialize_device(&format!("/devices/{i}"), item) {
                Ok(d) => devices.push(d),
                Err(e) => errors.push(e),
            }
        }
    }
    let mut copies = Vec::new();
    if let Some(Value::Array(items)) = obj.get_mut("company_library") {
        let limit = crate::library::company_validate::MAX_PROJECT_COPIES;
        if items.len() > limit {
            return Err(vec![ValidationError::new(
                "/company_library",
                "too_many_items",
                format!("会社ライブラリの写しが多すぎます（{} 件、上限 {limit} 件）", items.len()),
                format!("too many company library copies ({}, limit {limit})", items.len()),
            )]);
        }
        let items = std::mem::take(items);
        for (i, item) in items.iter().enumerate() {
            match company::deserialize_company_item(&format!("/company_library/{i}"), item) {
                Ok(c) => copies.push(c),
                Err(e) => errors.push(e),
            }
        }
    }
    let mut project = match deserialize_at::<Project>("", &root) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match project.as_mut() {
        Some(p) if errors.is_empty() => {
            p.devices = devices;
            p.company_library = copies;
            Ok(project.take().expect("checked Some"))
        }
        _ => Err(errors),
    }
}

/// Checks a structurally sound project: values, ids, references, voltages and topology.
/// Returns every error found (empty when the project is valid).
///
/// Library references resolve against the project's own copies of company items first
/// ([`crate::library::resolve::ProjectLibrary`]), built-in ids against `library`; the copies
/// themselves are checked as company items ([`crate::library::company_validate`]).
pub fn validate(project: &Project, library: &dyn Library) -> Vec<ValidationError> {
    let lib = crate::library::resolve::ProjectLibrary::new(&project.company_library, library);
    let mut v = Validator {
        errors: crate::library::company_validate::validate_copies(&project.company_library),
        library: &lib,
        copies: &project.company_library,
    };
    v.project(project);
    v.errors
}

struct Validator<'a> {
    errors: Vec<ValidationError>,
    library: &'a dyn Library,
    /// The project's copies of company items.
    copies: &'a [crate::library::company::CompanyItem],
}

/// Free text (names, descriptions): within `max` characters, not empty when `required`,
/// and free of control characters, which could reorder or hide text in a drawing, a
/// report or a log line: C0/C1 controls other than line feed and tab, and the invisible
/// format characters — bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069, the "Trojan Source" characters), line and paragraph separators (U+2028,
/// U+2029) and a byte-order mark inside text (U+FEFF).
pub(crate) fn text_error(p: &str, s: &str, max: usize, required: bool) -> Option<ValidationError> {
    let invisible = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}');
    let n = s.chars().count();
    if required && s.trim().is_empty() {
        Some(ValidationError::new(p, "empty", "空にできません".into(), "must not be empty".into()))
    } else if n > max {
        Some(ValidationError::new(
            p,
            "too_long",
            format!("{n} 文字は長すぎます（上限 {max} 文字）"),
            format!("{n} characters is too long (limit {max})"),
        ))
    } else if s.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || invisible(c)) {
        Some(ValidationError::new(
            p,
            "control_character",
            "制御文字は使用できません".into(),
            "control characters are not allowed".into(),
        ))
    } else {
        None
    }
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "non-finite".into()
    }
}

impl Validator<'_> {
    fn push(&mut self, pointer: impl Into<String>, code: &str, ja: String, en: String) {
        self.errors
            .push(ValidationError::new(pointer, code, ja, en));
    }

    /// `lo <= x <= hi` (or `lo < x` when `lo_open`).
    fn range(&mut self, p: &str, x: f64, lo: f64, hi: f64, lo_open: bool, unit: &str) -> bool {
        let ok = x.is_finite() && (if lo_open { x > lo } else { x >= lo }) && x <= hi;
        if !ok {
            let bracket = if lo_open { "(" } else { "[" };
            self.push(
                p,
                "out_of_range",
                format!("値 {} {unit} は範囲 {bracket}{lo}, {hi}] の外です", num(x)),
                format!("value {} {unit} is outside {bracket}{lo}, {hi}]", num(x)),
            );
        }
        ok
    }

    fn opt_range(&mut self, p: &str, x: Option<f64>, lo: f64, hi: f64, lo_open: bool, unit: &str) {
        if let Some(x) = x {
            self.range(p, x, lo, hi, lo_open, unit);
        }
    }

    fn one_of(&mut self, p: &str, x: f64, allowed: &[f64], unit: &str) -> bool {
        let ok = x.is_finite()
            && allowed
                .iter()
                .any(|a| (a - x).abs() <= 1e-9 * a.abs().max(1.0));
        if !ok {
            let list = allowed
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            self.push(
                p,
                "not_allowed",
                format!(
                    "値 {} {unit} は使用できません（使用できる値: {list}）",
                    num(x)
                ),
                format!("value {} {unit} is not allowed (allowed: {list})", num(x)),
            );
        }
        ok
    }

    fn notes(&mut self, project: &Project) {
        if project.notes.len() > MAX_NOTES {
            self.push(
                "/notes",
                "too_many_notes",
                format!("注記が多すぎます（{} 件、上限 {MAX_NOTES} 件）", project.notes.len()),
                format!("too many notes ({}, limit {MAX_NOTES})", project.notes.len()),
            );
            return;
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, note) in project.notes.iter().enumerate() {
            let at = format!("/notes/{i}");
            self.text(&format!("{at}/id"), &note.id, MAX_ID_CHARS, true);
            if let Some(first) = seen.insert(note.id.as_str(), i) {
                self.push(
                    &format!("{at}/id"),
                    "duplicate_id",
                    format!("注記 ID「{}」は /notes/{first} と重複しています", short(&note.id)),
                    format!("note id \"{}\" duplicates /notes/{first}", short(&note.id)),
                );
            }
            self.text(&format!("{at}/text"), &note.text, MAX_NOTE_CHARS, true);
            if let Some(device) = &note.device {
                if !project.devices.iter().any(|d| d.id() == device) {
                    self.push(
                        &format!("{at}/device"),
                        "unknown_device",
                        format!("機器「{}」がありません", short(device)),
                        format!("no device \"{}\"", short(device)),
                    );
                }
            }
        }
    }

    /// Free text (names, descriptions): see [`text_error`].
    fn text(&mut self, p: &str, s: &str, max: usize, required: bool) {
        if let Some(e) = text_error(p, s, max, required) {
            self.errors.push(e);
        }
    }

    fn library_ref(&mut self, p: &str, kind: LibraryKind, r: &Option<LibraryRef>) {
        let Some(r) = r else { return };
        if let Some(e) = self.company_ref_error(p, kind, r) {
            self.errors.push(e);
            return;
        }
        if r.id().chars().count() > 200 || !self.library.contains(kind, r) {
            let shown: String = r.to_string().chars().take(60).collect();
            self.push(
                p,
                "unknown_library_item",
                format!("ライブラリに `{shown}` がありません"),
                format!("library has no {kind:?} item `{shown}`").to_lowercase(),
            );
        }
    }

    /// A company reference needs the project's copy of that id at that version, of `kind`.
    fn company_ref_error(&self, p: &str, kind: LibraryKind, r: &LibraryRef) -> Option<ValidationError> {
        let c = r.company()?;
        let shown: String = c.id.chars().take(60).collect();
        let kind_name = format!("{kind:?}").to_lowercase();
        let copies: Vec<&crate::library::company::CompanyItem> = self.copies.iter().filter(|i| i.id == c.id).collect();
        let Some(copy) = copies.first() else {
            return Some(ValidationError::new(
                p,
                "unknown_library_item",
                format!("会社ライブラリ `{shown}` の写しがプロジェクト（company_library）にありません"),
                format!("the project holds no copy of company item `{shown}` (company_library)"),
            ));
        };
        if copy.version != c.version {
            return Some(ValidationError::new(
                format!("{p}/version"),
                "library_version_mismatch",
                format!("`{shown}` は第 {} 版を参照していますが、プロジェクトの写しは第 {} 版です", c.version, copy.version),
                format!("`{shown}` version {} is referred to, but the project's copy is version {}", c.version, copy.version),
            ));
        }
        if copy.device.kind() != kind {
            let is = format!("{:?}", copy.device.kind()).to_lowercase();
            return Some(ValidationError::new(
                p,
                "library_kind_mismatch",
                format!("`{shown}` は {is} の品目で、{kind_name} には使えません"),
                format!("`{shown}` is a {is} item, not a {kind_name}"),
            ));
        }
        None
    }

    /// A device that names a library item must declare the same type and rating as the item:
    /// `mismatches` lists (field pointer, the item's value, the declared value) for every
    /// field that disagrees.
    fn library_agrees(
        &mut self,
        kind: LibraryKind,
        r: &Option<LibraryRef>,
        mismatches: impl FnOnce(&LibraryFacts) -> Vec<(String, String, String)>,
    ) {
        let Some(r) = r else { return };
        let Some(facts) = self.library.facts(kind, r) else { return };
        let shown: String = r.to_string().chars().take(60).collect();
        for (pointer, item, declared) in mismatches(&facts) {
            self.push(
                pointer,
                "library_mismatch",
                format!("ライブラリ `{shown}` は {item} ですが、{declared} と入力されています"),
                format!("library item `{shown}` is {item}, but {declared} is declared"),
            );
        }
    }

    fn project(&mut self, project: &Project) {
        if project.schema_version != SCHEMA_VERSION {
            self.push(
                "/schema_version",
                "unsupported_schema_version",
                format!(
                    "スキーマバージョン {} には対応していません（対応: {SCHEMA_VERSION}）",
                    project.schema_version
                ),
                format!(
                    "schema version {} is not supported (supported: {SCHEMA_VERSION})",
                    project.schema_version
                ),
            );
        }
        self.text("/name", &project.name, MAX_NAME_CHARS, true);
        if let Some(d) = &project.description {
            self.text("/description", d, MAX_DESCRIPTION_CHARS, false);
        }
        self.opt_range(
            "/contract_demand_kw",
            project.contract_demand_kw,
            0.0,
            100_000.0,
            true,
            "kW",
        );
        self.settings(project);
        self.utility(project);
        self.notes(project);

        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, d) in project.devices.iter().enumerate() {
            let p = format!("/devices/{i}");
            let id = d.id();
            self.id(&format!("{p}/id"), id);
            if let Some(&first) = seen.get(id) {
                self.push(
                    format!("{p}/id"),
                    "duplicate_id",
                    format!("id `{}` は /devices/{first} と重複しています", short(id)),
                    format!("id `{}` duplicates /devices/{first}", short(id)),
                );
            } else {
                seen.insert(id, i);
            }
            self.device(project, &p, d);
        }
        self.terminals(project);
        self.attachments(project);
        self.topology(project);
    }

    fn id(&mut self, p: &str, id: &str) {
        let n = id.chars().count();
        let ok = n > 0
            && n <= MAX_ID_CHARS
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
        if !ok {
            self.push(
                p,
                "invalid_id",
                format!("id は 1〜{MAX_ID_CHARS} 文字の英数字と _ - . : でなければなりません"),
                format!("an id must be 1 to {MAX_ID_CHARS} characters of A–Z, a–z, 0–9, _ - . :"),
            );
        }
    }

    fn settings(&mut self, project: &Project) {
        let s = &project.settings;
        if let Some(t) = s.lv_tolerance_percent {
            self.one_of("/settings/lv_tolerance_percent", t, &[6.0, 10.0], "%");
        }
        self.opt_range(
            "/settings/fault_duration_s",
            s.fault_duration_s,
            0.0,
            10.0,
            true,
            "s",
        );
        self.opt_range(
            "/settings/cable_end_temperature_c",
            s.cable_end_temperature_c,
            -20.0,
            300.0,
            false,
            "°C",
        );
        // A zero margin would let two relays in series operate together: refused. Margins
        // outside practice (0.2–0.3 s) are reported by the `study_settings` check.
        self.opt_range("/settings/margin_s", s.margin_s, 0.0, 2.0, true, "s");
        self.opt_range("/settings/motor_percent_z", s.motor_percent_z, 5.0, 100.0, false, "%");
        if let Some(reason) = &s.ground_protection_exemption {
            self.text("/settings/ground_protection_exemption", reason, MAX_NOTE_CHARS, true);
        }
        self.opt_range(
            "/settings/inrush_multiple",
            s.inrush_multiple,
            0.0,
            50.0,
            true,
            "×",
        );
        self.opt_range(
            "/settings/inrush_duration_s",
            s.inrush_duration_s,
            0.0,
            10.0,
            true,
            "s",
        );
        self.opt_range(
            "/settings/transformer_withstand_multiple",
            s.transformer_withstand_multiple,
            0.0,
            100.0,
            true,
            "×",
        );
        self.opt_range(
            "/settings/transformer_withstand_duration_s",
            s.transformer_withstand_duration_s,
            0.0,
            10.0,
            true,
            "s",
        );
    }

    fn source(&mut self, p: &str, s: &SourceImpedance) -> bool {
        match *s {
            SourceImpedance::Current { ik_ka, x_over_r } => {
                let a = self.range(&format!("{p}/ik_ka"), ik_ka, 0.0, 100.0, true, "kA");
                let b = self.range(&format!("{p}/x_over_r"), x_over_r, 0.0, 100.0, true, "");
                a && b
            }
            SourceImpedance::Power { sk_mva, x_over_r } => {
                let a = self.range(&format!("{p}/sk_mva"), sk_mva, 0.0, 2000.0, true, "MVA");
                let b = self.range(&format!("{p}/x_over_r"), x_over_r, 0.0, 100.0, true, "");
                a && b
            }
            SourceImpedance::Percent {
                r_percent,
                x_percent,
            } => {
                let a = self.range(
                    &format!("{p}/r_percent"),
                    r_percent,
                    0.0,
                    10_000.0,
                    false,
                    "%",
                );
                let b = self.range(
                    &format!("{p}/x_percent"),
                    x_percent,
                    0.0,
                    10_000.0,
                    true,
                    "%",
                );
                if a && b && r_percent.hypot(x_percent) < MIN_SOURCE_PERCENT_Z {
                    self.push(
                        format!("{p}/x_percent"),
                        "out_of_range",
                        format!(
                            "電源 %Z が小さすぎます（{MIN_SOURCE_PERCENT_Z} % 以上、10 MVA 基準）"
                        ),
                        format!(
                            "source %Z is too small (at least {MIN_SOURCE_PERCENT_Z} % on 10 MVA)"
                        ),
                    );
                    return false;
                }
                a && b
            }
        }
    }

    fn utility(&mut self, project: &Project) {
        let u = &project.utility;
        let v_ok = self.one_of("/utility/voltage_v", u.voltage_v, &UTILITY_VOLTAGES_V, "V");
        let max_ok = self.source("/utility/short_circuit", &u.short_circuit);
        let min_ok = u
            .short_circuit_min
            .as_ref()
            .map(|m| self.source("/utility/short_circuit_min", m));
        if let (true, true, Some(true), Some(min)) = (v_ok, max_ok, min_ok, &u.short_circuit_min) {
            let z = |s: &SourceImpedance| {
                let (r, x) = s.percent_on_base(u.voltage_v);
                r.hypot(x)
            };
            if z(min) < z(&u.short_circuit) * (1.0 - 1e-9) {
                self.push(
                    "/utility/short_circuit_min",
                    "min_level_above_max",
                    "最小短絡容量が最大短絡容量を上回っています".into(),
                    "the minimum short-circuit level exceeds the maximum".into(),
                );
            }
        }
        if let Some(ocr) = &u.ocr {
            self.ocr("/utility/ocr", ocr, true);
        }
        if let Some(g) = &u.ground_relay {
            self.ground_relay("/utility/ground_relay", g);
        }
        match project.bus(&u.bus) {
            None => self.push(
                "/utility/bus",
                "unknown_bus",
                format!("母線 `{}` がありません", short(&u.bus)),
                format!("no bus `{}`", short(&u.bus)),
            ),
            Some(b) => {
                if v_ok
                    && b.voltage_v.is_finite()
                    && (b.voltage_v - u.voltage_v).abs() > 1e-6 * u.voltage_v
                {
                    self.push(
                        "/utility/bus",
                        "voltage_mismatch",
                        format!(
                            "受電母線の電圧 {} V が供給電圧 {} V と一致しません",
                            num(b.voltage_v),
                            u.voltage_v
                        ),
                        format!(
                            "service bus voltage {} V differs from supply voltage {} V",
                            num(b.voltage_v),
                            u.voltage_v
                        ),
                    );
                }
                if b.single_phase {
                    self.push(
                        "/utility/bus",
                        "phase_mismatch",
                        "受電母線は三相でなければなりません".into(),
                        "the service bus must be three-phase".into(),
                    );
                }
            }
        }
    }

    fn ocr(&mut self, p: &str, o: &OcrSettings, utility: bool) {
        self.one_of(
            &format!("{p}/ct_primary_a"),
            o.ct_primary_a,
            &CT_PRIMARY_RATINGS_A,
            "A",
        );
        let sec_ok = self.one_of(
            &format!("{p}/ct_secondary_a"),
            o.ct_secondary_a,
            &[1.0, 5.0],
            "A",
        );
        let scale = if sec_ok { o.ct_secondary_a / 5.0 } else { 1.0 };
        if let Some(tap) = o.tap_a {
            if utility {
                self.range(
                    &format!("{p}/tap_a"),
                    tap,
                    0.5 * scale,
                    12.0 * scale,
                    false,
                    "A",
                );
            } else {
                let steps: Vec<f64> = OCR_TAPS_5A.iter().map(|t| t * scale).collect();
                self.one_of(&format!("{p}/tap_a"), tap, &steps, "A");
            }
            if o.lever.is_none() && o.tms.is_none() {
                self.push(
                    format!("{p}/lever"),
                    "missing_field",
                    "限時要素にはレバー（または TMS）が必要です".into(),
                    "the time element needs a lever (or TMS)".into(),
                );
            }
        }
        self.opt_range(&format!("{p}/lever"), o.lever, 0.25, 20.0, false, "");
        if let Some(tms) = o.tms {
            if o.curve.is_jis() {
                self.push(
                    format!("{p}/tms"),
                    "tms_with_jis_curve",
                    "JIS 曲線はレバーで整定します（tms は IEC/IEEE 曲線用）".into(),
                    "JIS curves are set by lever; tms is for IEC/IEEE curves".into(),
                );
            } else {
                self.range(&format!("{p}/tms"), tms, 0.01, 2.0, false, "");
                if o.lever.is_some() {
                    self.push(
                        format!("{p}/tms"),
                        "conflicting_fields",
                        "lever と tms の両方は指定できません".into(),
                        "give either lever or tms, not both".into(),
                    );
                }
            }
        }
        if let Some(i) = o.instantaneous_tap_a {
            let (lo, hi) = if utility { (2.0, 200.0) } else { (10.0, 60.0) };
            self.range(
                &format!("{p}/instantaneous_tap_a"),
                i,
                lo * scale,
                hi * scale,
                false,
                "A",
            );
        }
        if o.tap_a.is_none() && o.instantaneous_tap_a.is_none() {
            self.push(
                p,
                "relay_fully_locked",
                "限時要素と瞬時要素の両方がロックされています".into(),
                "both the time element and the instantaneous element are locked".into(),
            );
        }
        // JIS C 4602: an instantaneous element operates within 50 ms at 200 % of its setting;
        // older induction relays and auxiliary relays take up to about 0.1 s. A longer time is
        // a definite-time element, not an instantaneous one.
        self.opt_range(
            &format!("{p}/instantaneous_time_s"),
            o.instantaneous_time_s,
            INSTANTANEOUS_TIME_RANGE_S.0,
            INSTANTANEOUS_TIME_RANGE_S.1,
            false,
            "s",
        );
        self.opt_range(
            &format!("{p}/breaker_time_s"),
            o.breaker_time_s,
            0.0,
            0.5,
            false,
            "s",
        );
        self.library_ref(
            &format!("{p}/library_ref"),
            LibraryKind::Relay,
            &o.library_ref,
        );
        self.library_agrees(LibraryKind::Relay, &o.library_ref, |facts| match facts {
            LibraryFacts::Relay { curve } if *curve != o.curve => vec![(
                format!("{p}/curve"),
                format!("{curve:?}").to_lowercase(),
                format!("{:?}", o.curve).to_lowercase(),
            )],
            _ => Vec::new(),
        });
    }

    /// Short-time and making ratings of a switch or breaker (`p` is the device's pointer).
    fn duty_ratings(&mut self, p: &str, short_time_ka: Option<f64>, short_time_s: Option<f64>, making_peak_ka: Option<f64>) {
        self.opt_range(&format!("{p}/short_time_ka"), short_time_ka, 0.0, 100.0, true, "kA");
        self.opt_range(&format!("{p}/short_time_s"), short_time_s, 0.0, 10.0, true, "s");
        self.opt_range(&format!("{p}/making_peak_ka"), making_peak_ka, 0.0, 250.0, true, "kA");
        // A peak below √2 × the rms rating is not a current the switch could have been tested at.
        if let (Some(st), Some(mk)) = (short_time_ka, making_peak_ka) {
            if st.is_finite() && mk.is_finite() && mk < std::f64::consts::SQRT_2 * st {
                self.push(
                    format!("{p}/making_peak_ka"),
                    "inconsistent_ratings",
                    format!("投入電流（波高値）{} kA が短時間耐電流 {} kA の √2 倍未満です", num(mk), num(st)),
                    format!("making current {} kA peak is below √2 × the short-time current {} kA", num(mk), num(st)),
                );
            }
        }
    }

    fn ground_relay(&mut self, p: &str, g: &GroundRelaySettings) {
        self.range(
            &format!("{p}/current_a"),
            g.current_a,
            0.05,
            2.0,
            false,
            "A",
        );
        self.range(&format!("{p}/time_s"), g.time_s, 0.0, 5.0, true, "s");
        self.opt_range(
            &format!("{p}/voltage_percent"),
            g.voltage_percent,
            1.0,
            100.0,
            false,
            "%",
        );
        self.zero_phase(p, g);
    }

    fn points(&mut self, p: &str, pts: &[TimeCurrentPoint]) {
        if pts.len() > MAX_WITHSTAND_POINTS {
            self.push(
                p,
                "too_many_points",
                format!("点が多すぎます（上限 {MAX_WITHSTAND_POINTS}）"),
                format!("too many points (limit {MAX_WITHSTAND_POINTS})"),
            );
            return;
        }
        for (i, pt) in pts.iter().enumerate() {
            self.range(
                &format!("{p}/{i}/current_a"),
                pt.current_a,
                0.0,
                1e6,
                true,
                "A",
            );
            self.range(&format!("{p}/{i}/time_s"), pt.time_s, 0.0, 1e4, true, "s");
        }
    }

    fn device(&mut self, project: &Project, p: &str, d: &Device) {
        if let Some(n) = d.name() {
            self.text(&format!("{p}/name"), n, MAX_NAME_CHARS, false);
        }
        let f = |field: &str| format!("{p}/{field}");
        match d {
            Device::Bus(b) => {
                self.range(&f("voltage_v"), b.voltage_v, 50.0, 36_000.0, false, "V");
            }
            Device::Cable(c) => {
                self.library_agrees(LibraryKind::Cable, &c.library_ref, |facts| {
                    let mut out = Vec::new();
                    if let LibraryFacts::Cable { cable_type, size_mm2 } = facts {
                        if !cable_type.eq_ignore_ascii_case(c.cable_type.trim()) {
                            out.push((f("cable_type"), cable_type.clone(), short(&c.cable_type)));
                        }
                        if !same(*size_mm2, c.size_mm2) {
                            out.push((f("size_mm2"), format!("{} mm²", num(*size_mm2)), format!("{} mm²", num(c.size_mm2))));
                        }
                    }
                    out
                });
                self.text(&f("cable_type"), &c.cable_type, 40, true);
                self.range(&f("size_mm2"), c.size_mm2, 0.0, 2000.0, true, "mm²");
                self.range(&f("length_m"), c.length_m, 0.0, 100_000.0, true, "m");
                if c.parallel == 0 || c.parallel > 12 {
                    self.push(
                        f("parallel"),
                        "out_of_range",
                        format!("並列条数 {} は範囲 [1, 12] の外です", c.parallel),
                        format!("{} parallel circuits is outside [1, 12]", c.parallel),
                    );
                }
                self.opt_range(
                    &f("r_ohm_per_km"),
                    c.r_ohm_per_km,
                    0.0,
                    100.0,
                    false,
                    "Ω/km",
                );
                self.opt_range(
                    &f("x_ohm_per_km"),
                    c.x_ohm_per_km,
                    0.0,
                    100.0,
                    false,
                    "Ω/km",
                );
                self.opt_range(
                    &f("withstand_k"),
                    c.withstand_k,
                    0.0,
                    500.0,
                    true,
                    "A·√s/mm²",
                );
                match (c.r_ohm_per_km, c.x_ohm_per_km) {
                    (Some(r), Some(x)) => {
                        if r + x <= 0.0 {
                            self.push(
                                f("r_ohm_per_km"),
                                "zero_impedance",
                                "ケーブルのインピーダンスが 0 です".into(),
                                "the cable has zero impedance".into(),
                            );
                        }
                        self.library_ref(&f("library_ref"), LibraryKind::Cable, &c.library_ref);
                    }
                    (None, None) => match &c.library_ref {
                        None => self.push(
                            f("r_ohm_per_km"),
                            "missing_impedance",
                            "r_ohm_per_km と x_ohm_per_km、または library_ref が必要です".into(),
                            "give r_ohm_per_km and x_ohm_per_km, or library_ref".into(),
                        ),
                        Some(r) => {
                            if self.library.cable_impedance(r).is_none() {
                                self.library_ref(
                                    &f("library_ref"),
                                    LibraryKind::Cable,
                                    &c.library_ref,
                                );
                                if self.library.contains(LibraryKind::Cable, r) {
                                    self.push(
                                        f("library_ref"),
                                        "missing_impedance",
                                        "ライブラリのケーブルにインピーダンスがありません".into(),
                                        "the library cable has no impedance data".into(),
                                    );
                                }
                            }
                        }
                    },
                    (Some(_), None) => self.push(
                        f("x_ohm_per_km"),
                        "missing_field",
                        "r_ohm_per_km と一緒に x_ohm_per_km が必要です".into(),
                        "x_ohm_per_km is needed with r_ohm_per_km".into(),
                    ),
                    (None, Some(_)) => self.push(
                        f("r_ohm_per_km"),
                        "missing_field",
                        "x_ohm_per_km と一緒に r_ohm_per_km が必要です".into(),
                        "r_ohm_per_km is needed with x_ohm_per_km".into(),
                    ),
                }
            }
            Device::Transformer(t) => {
                self.library_agrees(LibraryKind::Transformer, &t.library_ref, |facts| {
                    let mut out = Vec::new();
                    if let LibraryFacts::Transformer { phases, rated_kva, primary_v, secondary_v } = facts {
                        if *phases != t.phases {
                            out.push((f("phases"), format!("{phases:?}").to_lowercase(), format!("{:?}", t.phases).to_lowercase()));
                        }
                        for (field, item, declared, unit) in [
                            ("rated_kva", *rated_kva, t.rated_kva, "kVA"),
                            ("primary_v", *primary_v, t.primary_v, "V"),
                            ("secondary_v", *secondary_v, t.secondary_v, "V"),
                        ] {
                            if !same(item, declared) {
                                out.push((f(field), format!("{} {unit}", num(item)), format!("{} {unit}", num(declared))));
                            }
                        }
                    }
                    out
                });
                self.range(&f("rated_kva"), t.rated_kva, 0.0, 100_000.0, true, "kVA");
                let a = self.range(&f("primary_v"), t.primary_v, 50.0, 36_000.0, false, "V");
                let b = self.range(&f("secondary_v"), t.secondary_v, 50.0, 36_000.0, false, "V");
                if a && b && (t.primary_v - t.secondary_v).abs() < 1e-9 * t.primary_v {
                    self.push(
                        f("secondary_v"),
                        "equal_voltages",
                        "一次電圧と二次電圧が同じです".into(),
                        "primary and secondary voltages are equal".into(),
                    );
                }
                let ip = format!("{p}/impedance");
                match t.impedance {
                    PercentImpedance::Rx {
                        r_percent,
                        x_percent,
                    } => {
                        self.range(&format!("{ip}/r_percent"), r_percent, 0.0, 50.0, false, "%");
                        self.range(&format!("{ip}/x_percent"), x_percent, 0.0, 50.0, true, "%");
                    }
                    PercentImpedance::Z {
                        z_percent,
                        x_over_r,
                    } => {
                        self.range(&format!("{ip}/z_percent"), z_percent, 0.0, 50.0, true, "%");
                        self.range(&format!("{ip}/x_over_r"), x_over_r, 0.0, 100.0, true, "");
                    }
                }
                if let Some(i) = &t.inrush {
                    self.range(&f("inrush/multiple"), i.multiple, 0.0, 50.0, true, "×");
                    self.range(&f("inrush/duration_s"), i.duration_s, 0.0, 10.0, true, "s");
                }
                self.points(&f("withstand_points"), &t.withstand_points);
                self.library_ref(&f("library_ref"), LibraryKind::Transformer, &t.library_ref);
            }
            Device::Vcb(v) => {
                self.range(
                    &f("rated_current_a"),
                    v.rated_current_a,
                    0.0,
                    10_000.0,
                    true,
                    "A",
                );
                self.range(
                    &f("breaking_capacity_ka"),
                    v.breaking_capacity_ka,
                    0.0,
                    200.0,
                    true,
                    "kA",
                );
                self.ocr(&f("ocr"), &v.ocr, false);
                if let Some(ct) = &v.ct {
                    self.current_transformer(&f("ct"), ct);
                }
                if let Some(g) = &v.ground_relay {
                    self.ground_relay(&f("ground_relay"), g);
                }
                self.duty_ratings(p, v.short_time_ka, v.short_time_s, v.making_peak_ka);
            }
            Device::LbsPf(l) => {
                self.opt_range(
                    &f("rated_current_a"),
                    l.rated_current_a,
                    0.0,
                    2_000.0,
                    true,
                    "A",
                );
                let fp = f("fuse");
                if l.fuse.library_ref.is_some() {
                    self.range(
                        &format!("{fp}/rating_a"),
                        l.fuse.rating_a,
                        0.0,
                        1_000.0,
                        true,
                        "A",
                    );
                } else {
                    self.one_of(
                        &format!("{fp}/rating_a"),
                        l.fuse.rating_a,
                        &PF_RATINGS_A,
                        "A",
                    );
                }
                self.opt_range(
                    &format!("{fp}/breaking_capacity_ka"),
                    l.fuse.breaking_capacity_ka,
                    0.0,
                    200.0,
                    true,
                    "kA",
                );
                self.library_ref(
                    &format!("{fp}/library_ref"),
                    LibraryKind::Fuse,
                    &l.fuse.library_ref,
                );
                self.library_agrees(LibraryKind::Fuse, &l.fuse.library_ref, |facts| {
                    let mut out = Vec::new();
                    if let LibraryFacts::Fuse { fuse_type, ratings_a } = facts {
                        if *fuse_type != l.fuse.fuse_type {
                            out.push((format!("{fp}/fuse_type"), format!("{fuse_type:?}"), format!("{:?}", l.fuse.fuse_type)));
                        }
                        if !ratings_a.iter().any(|&r| same(r, l.fuse.rating_a)) {
                            let list: Vec<String> = ratings_a.iter().map(|r| format!("{} A", num(*r))).collect();
                            out.push((format!("{fp}/rating_a"), list.join("/"), format!("{} A", num(l.fuse.rating_a))));
                        }
                    }
                    out
                });
                self.duty_ratings(p, l.short_time_ka, l.short_time_s, l.making_peak_ka);
            }
            Device::GroundSwitch(g) => {
                self.range(
                    &f("rated_current_a"),
                    g.rated_current_a,
                    0.0,
                    2_000.0,
                    true,
                    "A",
                );
                if let Some(r) = &g.ground_relay {
                    self.ground_relay(&f("ground_relay"), r);
                }
                if let Some(c) = g.so_lock_current_a {
                    if !g.so_lock {
                        self.push(
                            f("so_lock_current_a"),
                            "conflicting_fields",
                            "SO ロックなしに so_lock_current_a は指定できません".into(),
                            "so_lock_current_a needs so_lock: true".into(),
                        );
                    }
                    self.range(&f("so_lock_current_a"), c, 0.0, 20_000.0, true, "A");
                }
                self.opt_range(&f("interrupting_current_a"), g.interrupting_current_a, 0.0, 20_000.0, true, "A");
                if let Some(i) = g.interrupting_current_a {
                    if i.is_finite() && g.rated_current_a.is_finite() && i < g.rated_current_a {
                        self.push(
                            f("interrupting_current_a"),
                            "inconsistent_ratings",
                            format!("開閉できる電流 {} A が定格電流 {} A 未満です", num(i), num(g.rated_current_a)),
                            format!("interrupting current {} A is below the rated current {} A", num(i), num(g.rated_current_a)),
                        );
                    }
                }
                self.duty_ratings(p, g.short_time_ka, g.short_time_s, g.making_peak_ka);
            }
            Device::LvBreaker(b) => {
                let a = self.range(
                    &f("rated_current_a"),
                    b.rated_current_a,
                    0.0,
                    10_000.0,
                    true,
                    "A",
                );
                let fr = self.range(&f("frame_a"), b.frame_a, 0.0, 10_000.0, true, "A");
                if a && fr && b.frame_a < b.rated_current_a {
                    self.push(
                        f("frame_a"),
                        "frame_below_rating",
                        "フレームが定格電流より小さいです".into(),
                        "the frame is smaller than the rated current".into(),
                    );
                }
                self.range(
                    &f("breaking_capacity_ka"),
                    b.breaking_capacity_ka,
                    0.0,
                    300.0,
                    true,
                    "kA",
                );
                let tp = f("trip");
                match b.trip {
                    TripUnit::ThermalMagnetic {
                        instantaneous_multiple,
                    } => {
                        self.opt_range(
                            &format!("{tp}/instantaneous_multiple"),
                            instantaneous_multiple,
                            2.0,
                            30.0,
                            false,
                            "×In",
                        );
                    }
                    TripUnit::Electronic {
                        lt_multiple,
                        lt_time_s,
                        st_multiple,
                        st_time_s,
                        i_multiple,
                    } => {
                        self.range(
                            &format!("{tp}/lt_multiple"),
                            lt_multiple,
                            0.4,
                            1.0,
                            false,
                            "×In",
                        );
                        self.range(
                            &format!("{tp}/lt_time_s"),
                            lt_time_s,
                            0.5,
                            100.0,
                            false,
                            "s",
                        );
                        self.opt_range(
                            &format!("{tp}/st_multiple"),
                            st_multiple,
                            1.5,
                            12.0,
                            false,
                            "×Ir",
                        );
                        self.opt_range(
                            &format!("{tp}/st_time_s"),
                            st_time_s,
                            0.02,
                            0.5,
                            false,
                            "s",
                        );
                        self.opt_range(
                            &format!("{tp}/i_multiple"),
                            i_multiple,
                            1.5,
                            20.0,
                            false,
                            "×In",
                        );
                        if st_multiple.is_some() != st_time_s.is_some() {
                            self.push(
                                format!("{tp}/st_time_s"),
                                "incomplete_setting",
                                "短限時要素には st_multiple と st_time_s の両方が必要です".into(),
                                "the short-time element needs both st_multiple and st_time_s"
                                    .into(),
                            );
                        }
                    }
                }
                self.library_ref(&f("library_ref"), LibraryKind::Breaker, &b.library_ref);
                self.library_agrees(LibraryKind::Breaker, &b.library_ref, |facts| {
                    let mut out = Vec::new();
                    if let LibraryFacts::Breaker { kind, frame_a, ratings_a, electronic } = facts {
                        let declared = matches!(b.trip, TripUnit::Electronic { .. });
                        if let Some(e) = electronic.filter(|&e| e != declared) {
                            let name = |e: bool| if e { "electronic" } else { "thermal_magnetic" }.to_string();
                            out.push((f("trip/kind"), name(e), name(declared)));
                        }
                        if *kind != b.kind {
                            out.push((f("kind"), format!("{kind:?}").to_lowercase(), format!("{:?}", b.kind).to_lowercase()));
                        }
                        if !same(*frame_a, b.frame_a) {
                            out.push((f("frame_a"), format!("{} AF", num(*frame_a)), format!("{} AF", num(b.frame_a))));
                        }
                        if !ratings_a.is_empty() && !ratings_a.iter().any(|&r| same(r, b.rated_current_a)) {
                            let list: Vec<String> = ratings_a.iter().map(|r| num(*r)).collect();
                            out.push((f("rated_current_a"), format!("{} AT", list.join("/")), format!("{} A", num(b.rated_current_a))));
                        }
                    }
                    out
                });
            }
            Device::Capacitor(c) => {
                self.range(&f("rated_kvar"), c.rated_kvar, 0.0, 10_000.0, true, "kvar");
                self.range(
                    &f("reactor_percent"),
                    c.reactor_percent,
                    0.0,
                    20.0,
                    false,
                    "%",
                );
                // The circuit's voltage, or the capacitor's own voltage raised by its series reactor
                // (JIS C 4902-1: 6 600 / (1 − L/100), e.g. 7 020 V with 6 %, 7 590 V with 13 %).
                let own = (c.reactor_percent.is_finite() && (0.0..20.0).contains(&c.reactor_percent))
                    .then(|| 1.0 / (1.0 - c.reactor_percent / 100.0));
                self.shunt_rated_voltage(project, &f("rated_voltage_v"), &c.bus, c.rated_voltage_v, own);
            }
            Device::Load(l) => {
                self.range(&f("rated_kva"), l.rated_kva, 0.0, 100_000.0, true, "kVA");
                self.opt_range(&f("power_factor"), l.power_factor, 0.0, 1.0, true, "");
                self.opt_range(&f("demand_factor"), l.demand_factor, 0.0, 1.0, true, "");
                self.shunt_rated_voltage(project, &f("rated_voltage_v"), &l.bus, l.rated_voltage_v, None);
            }
            Device::Motor(m) => {
                self.range(&f("rated_kw"), m.rated_kw, 0.0, 10_000.0, true, "kW");
                self.shunt_rated_voltage(project, &f("rated_voltage_v"), &m.bus, m.rated_voltage_v, None);
                self.opt_range(&f("efficiency"), m.efficiency, 0.3, 1.0, false, "");
                self.opt_range(&f("power_factor"), m.power_factor, 0.1, 1.0, false, "");
                self.opt_range(&f("demand_factor"), m.demand_factor, 0.0, 1.0, true, "");
                self.opt_range(
                    &f("starting_current_multiple"),
                    m.starting_current_multiple,
                    1.0,
                    15.0,
                    false,
                    "×",
                );
                self.opt_range(
                    &f("starting_time_s"),
                    m.starting_time_s,
                    0.0,
                    120.0,
                    true,
                    "s",
                );
                self.opt_range(&f("pole_pairs"), m.pole_pairs.map(f64::from), 1.0, 12.0, false, "");
            }
            Device::Generator(g) => {
                self.range(&f("rated_kva"), g.rated_kva, 0.0, 100_000.0, true, "kVA");
                self.shunt_rated_voltage(project, &f("rated_voltage_v"), &g.bus, g.rated_voltage_v, None);
                self.opt_range(
                    &f("xd_subtransient_percent"),
                    g.xd_subtransient_percent,
                    0.0,
                    100.0,
                    true,
                    "%",
                );
                self.opt_range(&f("power_factor"), g.power_factor, 0.1, 1.0, false, "");
                if g.in_parallel() && g.xd_subtransient_percent.is_none() {
                    self.push(
                        f("xd_subtransient_percent"),
                        "missing_field",
                        "系統連系する発電機には初期過渡リアクタンス xd'' が必要です（短絡電流の寄与の計算に使います）".into(),
                        "a generator in parallel operation needs its subtransient reactance xd'' (for its fault contribution)".into(),
                    );
                }
            }
            Device::Ds(_) | Device::Vct(_) | Device::La(_) | Device::Vt(_) | Device::Meter(_) | Device::Earthing(_) => {
                self.equipment(project, p, d);
            }
        }
    }

    /// A shunt device's rated voltage against its bus: within ±[`SHUNT_VOLTAGE_TOLERANCE`]
    /// of the bus voltage, or on a single-phase three-wire bus of its half (the 105 V class
    /// of a 210 V bus), or of the bus voltage × `raised` (a capacitor behind a series
    /// reactor). An unknown bus is reported by `terminals`.
    fn shunt_rated_voltage(&mut self, project: &Project, p: &str, bus_id: &str, rated_v: f64, raised: Option<f64>) {
        if !self.range(p, rated_v, 0.0, 36_000.0, true, "V") {
            return;
        }
        let Some(bus) = project.bus(bus_id) else { return };
        let bus_v = bus.voltage_v;
        if !(bus_v.is_finite() && bus_v > 0.0) {
            return;
        }
        let matches = |nominal: f64| (rated_v - nominal).abs() <= SHUNT_VOLTAGE_TOLERANCE * nominal;
        if matches(bus_v) || (bus.single_phase && matches(bus_v / 2.0)) || raised.is_some_and(|k| matches(bus_v * k)) {
            return;
        }
        let classes = if bus.single_phase { format!("{} V / {} V", num(bus_v), num(bus_v / 2.0)) } else { format!("{} V", num(bus_v)) };
        self.push(
            p,
            "voltage_mismatch",
            format!(
                "定格電圧 {} V が母線 `{}` の電圧 {classes} と合いません（許容 ±{} %）",
                num(rated_v),
                short(bus_id),
                SHUNT_VOLTAGE_TOLERANCE * 100.0
            ),
            format!(
                "rated voltage {} V does not match bus `{}` at {classes} (±{} % allowed)",
                num(rated_v),
                short(bus_id),
                SHUNT_VOLTAGE_TOLERANCE * 100.0
            ),
        );
    }

    /// Terminal references, voltage classes and phase compatibility.
    fn terminals(&mut self, project: &Project) {
        let mut buses: HashMap<&str, &crate::model::Bus> = HashMap::new();
        let mut devices: HashMap<&str, &Device> = HashMap::new();
        for d in &project.devices {
            devices.entry(d.id()).or_insert(d);
            if let Device::Bus(b) = d {
                buses.entry(b.id.as_str()).or_insert(b);
            }
        }
        for (i, d) in project.devices.iter().enumerate() {
            let p = format!("/devices/{i}");
            let mut resolved = Vec::new();
            for (field, bus_id) in d.terminals() {
                match buses.get(bus_id) {
                    Some(b) => resolved.push(Some(*b)),
                    None => {
                        resolved.push(None);
                        if devices.contains_key(bus_id) {
                            self.push(
                                format!("{p}/{field}"),
                                "not_a_bus",
                                format!(
                                    "`{}` は母線ではありません（端子は母線に接続します）",
                                    short(bus_id)
                                ),
                                format!(
                                    "`{}` is not a bus (terminals connect to buses)",
                                    short(bus_id)
                                ),
                            );
                        } else {
                            self.push(
                                format!("{p}/{field}"),
                                "unknown_bus",
                                format!("母線 `{}` がありません", short(bus_id)),
                                format!("no bus `{}`", short(bus_id)),
                            );
                        }
                    }
                }
            }
            let voltage_ok = |v: f64| v.is_finite() && v > 0.0;
            match (d, resolved.as_slice()) {
                (Device::Transformer(t), [Some(a), Some(b)]) => {
                    for (field, bus, rated) in [("from", a, t.primary_v), ("to", b, t.secondary_v)]
                    {
                        if voltage_ok(bus.voltage_v) && voltage_ok(rated) {
                            let dev = (bus.voltage_v - rated).abs() / rated;
                            if dev > TRANSFORMER_VOLTAGE_TOLERANCE {
                                self.push(
                                    format!("{p}/{field}"),
                                    "voltage_mismatch",
                                    format!(
                                        "母線電圧 {} V が変圧器の定格電圧 {} V と合いません",
                                        bus.voltage_v, rated
                                    ),
                                    format!(
                                        "bus voltage {} V does not match the winding rating {} V",
                                        bus.voltage_v, rated
                                    ),
                                );
                            }
                        }
                    }
                    let (pri_1, sec_1) = (a.single_phase, b.single_phase);
                    let expected_sec = t.phases == Phases::Single;
                    if pri_1 {
                        self.push(
                            format!("{p}/from"),
                            "phase_mismatch",
                            "変圧器の一次側は三相母線に接続します".into(),
                            "a transformer's primary connects to a three-phase bus".into(),
                        );
                    }
                    if sec_1 != expected_sec {
                        self.push(
                            format!("{p}/to"),
                            "phase_mismatch",
                            if expected_sec {
                                "単相変圧器の二次母線は single_phase: true でなければなりません".into()
                            } else {
                                "三相変圧器の二次母線は三相でなければなりません".into()
                            },
                            if expected_sec {
                                "a single-phase transformer's secondary bus must have single_phase: true".into()
                            } else {
                                "a three-phase transformer's secondary bus must be three-phase".into()
                            },
                        );
                    }
                }
                (_, [Some(a), Some(b)]) => {
                    if voltage_ok(a.voltage_v)
                        && voltage_ok(b.voltage_v)
                        && (a.voltage_v - b.voltage_v).abs() > 1e-6 * a.voltage_v
                    {
                        self.push(
                            format!("{p}/to"),
                            "voltage_mismatch",
                            format!(
                                "両端の母線電圧が異なります（{} V と {} V）",
                                a.voltage_v, b.voltage_v
                            ),
                            format!(
                                "the terminals' buses have different voltages ({} V and {} V)",
                                a.voltage_v, b.voltage_v
                            ),
                        );
                    }
                    if a.single_phase != b.single_phase {
                        self.push(
                            format!("{p}/to"),
                            "phase_mismatch",
                            "三相母線と単相母線を直接接続できません".into(),
                            "a device cannot join a three-phase bus to a single-phase bus".into(),
                        );
                    }
                    self.voltage_class(&p, d, a.voltage_v);
                }
                (_, [Some(a)]) => {
                    self.voltage_class(&p, d, a.voltage_v);
                }
                _ => {}
            }
        }
    }

    /// High-voltage switchgear on buses above 1 kV, LV breakers at or below 1 kV.
    fn voltage_class(&mut self, p: &str, d: &Device, bus_v: f64) {
        if !bus_v.is_finite() {
            return;
        }
        let hv = bus_v > 1000.0;
        let (needs_hv, what) = match d {
            Device::Vcb(_) => (true, "VCB"),
            Device::LbsPf(_) => (true, "LBS+PF"),
            Device::GroundSwitch(_) => (true, "PAS/UGS"),
            Device::LvBreaker(_) => (false, "MCCB/ACB"),
            Device::Ds(_) => (true, "DS"),
            Device::Vct(_) => (true, "VCT"),
            Device::La(_) => (true, "LA"),
            _ => return,
        };
        if needs_hv != hv {
            let (ja, en) = if needs_hv {
                (
                    format!("{what} は高圧母線（1 kV 超）に接続します"),
                    format!("a {what} connects to a high-voltage bus (above 1 kV)"),
                )
            } else {
                (
                    format!("{what} は低圧母線（1 kV 以下）に接続します"),
                    format!("a {what} connects to a low-voltage bus (1 kV or less)"),
                )
            };
            let field = if d.shunt_bus().is_some() { "bus" } else { "from" };
            self.push(format!("{p}/{field}"), "wrong_voltage_class", ja, en);
        }
    }

    fn topology(&mut self, project: &Project) {
        let (topo, issues) = Topology::build(project);
        for (i, d) in project.devices.iter().enumerate() {
            if let (Device::Transformer(t), Some((up, _))) = (d, topo.oriented[i]) {
                if topo.bus_index.get(t.from.as_str()) != Some(&up) {
                    self.push(
                        format!("/devices/{i}/from"),
                        "reversed_transformer",
                        "変圧器の一次側（from）は受電点側の母線に接続します".into(),
                        "a transformer's primary (from) must be on the utility side".into(),
                    );
                }
            }
        }
        for issue in issues {
            match issue {
                TopologyIssue::UtilityBusMissing => {} // reported by `utility`
                TopologyIssue::SelfLoop(i) => self.push(
                    format!("/devices/{i}/to"),
                    "self_loop",
                    "両端子が同じ母線に接続されています".into(),
                    "both terminals connect to the same bus".into(),
                ),
                TopologyIssue::Cycle(i) => self.push(
                    format!("/devices/{i}"),
                    "cycle",
                    "この機器でループ（または並列回路）ができます。放射状の系統にしてください"
                        .into(),
                    "this device closes a loop (or a parallel path); the network must be radial"
                        .into(),
                ),
                TopologyIssue::Disconnected(i) => self.push(
                    format!("/devices/{i}"),
                    "disconnected",
                    "この機器は受電点につながっていません".into(),
                    "this device is not connected to the service point".into(),
                ),
            }
        }
    }
}

/// Whether a declared number equals a library value (to 1 ppm).
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}
