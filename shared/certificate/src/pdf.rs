//! The certificate as a printable document: A4 portrait, Japanese and English side by side,
//! set as real text in the drawings crate's embedded font (so that it can be searched and
//! copied), on as many pages as it needs — one for a usual certificate.

use drawings::model::{pt, Drawing, HAlign, Paper, Rgb, Shape, Stroke, Text, VAlign};
use time::macros::offset;

use crate::model::{kinds, Algorithm, Certificate, KeyFate, UtcTimestamp};
use crate::sign::{signature_base64, SignedCertificate};

/// The document could not be written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("certificate PDF: {0}")]
pub struct PdfError(#[from] drawings::DrawError);

/// Page width and height, mm (A4 portrait).
const PAGE: (f64, f64) = (210.0, 297.0);
const LEFT: f64 = 17.0;
const RIGHT: f64 = 193.0;
const TOP: f64 = 14.0;
/// Bottom of the body; the footer sits below.
const BOTTOM: f64 = 280.0;
/// Baseline of the footer.
const FOOTER: f64 = 285.0;
/// Left edge of the value column.
const VALUE_X: f64 = 64.0;

const LABEL_JA: f64 = 2.7;
const LABEL_EN: f64 = 2.1;
const VALUE: f64 = 2.8;
const SMALL: f64 = 2.2;
const SIGNATURE: f64 = 2.5;
/// Line pitch as a multiple of the font size.
const PITCH: f64 = 1.42;

const GREY: Rgb = Rgb(90, 90, 90);
const BAND: Rgb = Rgb(232, 236, 242);
const RULE: Rgb = Rgb(190, 190, 190);

const L_BAND: &str = "BAND";
const L_RULE: &str = "RULE";
const L_TEXT: &str = "TEXT";

/// The verification command the document prints.
pub const VERIFY_COMMAND: &str = "kyocho verify-certificate FILE.json --public-key KEY.pem";

/// The signed certificate as a PDF.
pub fn to_pdf(signed: &SignedCertificate) -> Result<Vec<u8>, PdfError> {
    Ok(drawings::pdf::to_pdf_sheets(&sheets(signed))?)
}

/// The pages of the document as drawings (what [`to_pdf`] writes).
pub fn sheets(signed: &SignedCertificate) -> Vec<Drawing> {
    let c = &signed.certificate;
    let mut doc = Doc::new(format!("削除証明書 Certificate of Deletion {}", c.certificate_id));
    doc.title();
    doc.statement(c);

    doc.section("証明の対象", "Certificate");
    doc.row("会社名", "Company", &[&c.company_name]);
    doc.row("テナント ID", "Tenant ID", &[&c.tenant_id]);
    doc.row("証明書 ID", "Certificate ID", &[&c.certificate_id]);
    doc.row("削除の依頼", "Requested", &[&when(c.requested_at), &format!("依頼者 / by: {}", c.requested_by)]);
    doc.row("削除の完了", "Completed", &[&when(c.completed_at)]);

    doc.section("削除したデータ", "Data deleted");
    if c.deleted.is_empty() {
        doc.row("なし", "None", &[""]);
    }
    for (kind, n) in c.deleted.iter() {
        let (ja, en) = kind_label(kind);
        doc.row(ja, en, &[&format!("{} 件", grouped(n))]);
    }

    doc.section("暗号鍵（暗号学的消去）", "Encryption key (crypto-shredding)");
    doc.row("鍵 ID", "Key ID", &[&c.key.key_id]);
    doc.row("鍵の ARN・参照", "Key ARN / reference", &[&c.key.key_arn_or_ref]);
    match c.key.fate {
        KeyFate::DeletionScheduledFor(t) => doc.row("削除予定日時", "Deletion scheduled for", &[&when(t)]),
        KeyFate::DestroyedAt(t) => doc.row("破棄日時", "Destroyed at", &[&when(t)]),
    }

    doc.section("証跡", "Evidence");
    doc.row("削除した記録キーの SHA-256", "SHA-256 of deleted record keys", &[&c.evidence.records_sha256.to_string()]);
    let manifest = c.evidence.manifest_sha256.map_or_else(|| "なし / none".to_string(), |d| d.to_string());
    doc.row("最終アーカイブの SHA-256", "SHA-256 of the final archive", &[&manifest]);

    doc.section("発行者と署名", "Issuer and signature");
    doc.row("発行者", "Issuer", &[&format!("{} ({})", c.issuer.service, c.issuer.region)]);
    doc.row("署名方式", "Algorithm", &[algorithm_name(c.issuer.algorithm)]);
    doc.row("署名鍵 ID", "Signing key ID", &[&c.issuer.signing_key_id]);
    doc.wide_row("署名 (base64)", "Signature (base64)", &signature_base64(&signed.signature));

    doc.how_to_verify();
    doc.finish(&c.certificate_id)
}

fn algorithm_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::Ed25519 => "Ed25519 (ed25519)",
        Algorithm::EcdsaP256Sha256 => "ECDSA P-256 / SHA-256 (ecdsa-p256-sha256)",
    }
}

/// Japanese and English names of a kind of deleted thing; an unknown kind by its name alone.
fn kind_label(kind: &str) -> (&str, &str) {
    match kind {
        kinds::RECORDS => ("保存データ（項目）", "Stored records"),
        kinds::AUDIT_EVENTS => ("監査ログ", "Audit log events"),
        kinds::OBJECT_VERSIONS => ("ファイル（版）", "Stored file versions"),
        kinds::USERS => ("利用者アカウント", "User accounts"),
        kinds::INQUIRIES => ("お問い合わせ", "Support inquiries"),
        kinds::PROJECTS => ("プロジェクト", "Projects"),
        kinds::BACKUPS => ("バックアップ", "Backups"),
        other => (other, ""),
    }
}

/// `2025-04-01T09:30:00Z（日本時間 2025-04-01 18:30:00）`; UTC alone past 9999-12-31 in Japan.
fn when(t: UtcTimestamp) -> String {
    match t.get().checked_to_offset(offset!(+9)) {
        Some(jst) => format!(
            "{t}（日本時間 {:04}-{:02}-{:02} {:02}:{:02}:{:02}）",
            jst.year(),
            u8::from(jst.month()),
            jst.day(),
            jst.hour(),
            jst.minute(),
            jst.second()
        ),
        None => t.to_string(),
    }
}

/// A count with thousands separators: `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Pages being laid out top to bottom.
struct Doc {
    title: String,
    pages: Vec<Drawing>,
    /// Top of the free space on the last page, mm.
    y: f64,
}

impl Doc {
    fn new(title: String) -> Doc {
        let mut d = Doc { title, pages: Vec::new(), y: TOP };
        d.new_page();
        d
    }

    fn new_page(&mut self) {
        let mut d = Drawing::new(Paper::A4, self.title.clone());
        d.canvas_mm = Some(PAGE);
        // Layers paint in the order they are declared: bands under rules under text.
        d.layer(L_BAND, BAND);
        d.layer(L_RULE, RULE);
        d.layer(L_TEXT, Rgb::BLACK);
        let border = Stroke::new(Rgb(60, 60, 60), 0.6);
        d.rect(L_RULE, border, 7.0, 7.0, PAGE.0 - 7.0, PAGE.1 - 7.0);
        d.rect(L_RULE, Stroke::new(Rgb(60, 60, 60), 0.2), 8.5, 8.5, PAGE.0 - 8.5, PAGE.1 - 8.5);
        self.pages.push(d);
        self.y = TOP;
    }

    fn page(&mut self) -> &mut Drawing {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Make room for `h` mm, on a new page if this one is full.
    fn need(&mut self, h: f64) {
        if self.y + h > BOTTOM {
            self.new_page();
            self.text(LEFT, "削除証明書（続き） / Certificate of Deletion (continued)", SMALL, GREY, HAlign::Left);
            self.y += SMALL * PITCH + 2.0;
        }
    }

    /// One line of text whose top is at the current `y`.
    fn text(&mut self, x: f64, s: &str, size: f64, color: Rgb, h: HAlign) {
        let y = self.y;
        self.page().text(L_TEXT, Text::new(pt(x, y), s, size).align(h, VAlign::Top).color(color));
    }

    fn title(&mut self) {
        let mid = PAGE.0 / 2.0;
        self.y = TOP + 1.0;
        self.text(mid, "削除証明書", 8.0, Rgb::BLACK, HAlign::Center);
        self.y += 10.5;
        self.text(mid, "Certificate of Deletion", 4.2, Rgb::BLACK, HAlign::Center);
        self.y += 8.5;
    }

    fn statement(&mut self, c: &Certificate) {
        let (ja_key, ja_then, en_key, en_then) = match c.key.fate {
            KeyFate::DeletionScheduledFor(_) => (
                "その暗号化に用いた暗号鍵の削除を予定しました",
                "暗号鍵が削除されると",
                "scheduled the key that encrypted it for deletion",
                "Once the key is deleted",
            ),
            KeyFate::DestroyedAt(_) => (
                "その暗号化に用いた暗号鍵を破棄しました",
                "暗号鍵の破棄により",
                "destroyed the key that encrypted it",
                "With the key destroyed",
            ),
        };
        let ja = format!(
            "{} 様とのご契約の終了に伴い、Kyocho に保存されていた貴社のデータを下記のとおりすべて削除し、{ja_key}。{ja_then}、バックアップを含め、貴社データの写しはいずれも復号できなくなります。以上を証明します。",
            c.company_name
        );
        let en = format!(
            "On the end of the contract with {}, Kyocho deleted all of the company's data that it held, as listed below, and {en_key}. {en_then}, no copy of the company's data, backups included, can be decrypted. We certify the above.",
            c.company_name
        );
        self.paragraph(&ja, 2.8, Rgb::BLACK);
        self.y += 1.0;
        self.paragraph(&en, 2.4, GREY);
        self.y += 2.5;
    }

    fn paragraph(&mut self, s: &str, size: f64, color: Rgb) {
        for line in wrap(s, size, RIGHT - LEFT) {
            self.need(size * PITCH);
            self.text(LEFT, &line, size, color, HAlign::Left);
            self.y += size * PITCH;
        }
    }

    fn section(&mut self, ja: &str, en: &str) {
        let h = 5.2;
        // Keep the heading with its first row.
        self.need(h + 8.0);
        let (y0, y1) = (self.y, self.y + h);
        self.page().push(
            L_BAND,
            Stroke::new(BAND, 0.0),
            Shape::Polygon { points: vec![pt(LEFT, y0), pt(RIGHT, y0), pt(RIGHT, y1), pt(LEFT, y1)], fill: Some(BAND), opacity: 1.0 },
        );
        self.y += (h - 3.0) / 2.0;
        self.text(LEFT + 2.0, &format!("{ja}　{en}"), 3.0, Rgb::BLACK, HAlign::Left);
        self.y = y1 + 1.0;
    }

    /// A row: the label in Japanese over English on the left, the values (each wrapped to the
    /// value column) on the right, a hairline below.
    fn row(&mut self, ja: &str, en: &str, values: &[&str]) {
        let lines: Vec<String> = values.iter().flat_map(|v| wrap(v, VALUE, RIGHT - VALUE_X)).collect();
        let label_h = LABEL_JA * PITCH + LABEL_EN * PITCH;
        let value_h = lines.len() as f64 * VALUE * PITCH;
        let h = label_h.max(value_h);
        self.need(h + 1.0);
        let top = self.y;
        self.label(ja, en);
        for line in &lines {
            self.text(VALUE_X, line, VALUE, Rgb::BLACK, HAlign::Left);
            self.y += VALUE * PITCH;
        }
        self.y = top + h;
        self.rule();
    }

    /// A row whose value is too long for the value column (the signature): the label, then
    /// the value wrapped across the whole width.
    fn wide_row(&mut self, ja: &str, en: &str, value: &str) {
        let lines = wrap(value, SIGNATURE, RIGHT - LEFT - 2.0);
        let h = LABEL_JA * PITCH + LABEL_EN * PITCH + lines.len() as f64 * SIGNATURE * PITCH;
        self.need(h + 1.0);
        self.label(ja, en);
        self.y += LABEL_JA * PITCH + LABEL_EN * PITCH;
        for line in &lines {
            self.text(LEFT + 1.0, line, SIGNATURE, Rgb::BLACK, HAlign::Left);
            self.y += SIGNATURE * PITCH;
        }
        self.rule();
    }

    /// The label of a row: Japanese over English, from the current `y`, which it leaves
    /// where it started. A label wider than the label column (a long unknown kind) is set
    /// smaller, and shortened with `…` if it still does not fit.
    fn label(&mut self, ja: &str, en: &str) {
        let top = self.y;
        let max = VALUE_X - LEFT - 3.0;
        for (text, size, color) in [(ja, LABEL_JA, Rgb::BLACK), (en, LABEL_EN, GREY)] {
            let fitted = drawings::sheet::fit_size(text, size, max);
            self.text(LEFT + 1.0, &drawings::sheet::clip_text(text, fitted, max), fitted, color, HAlign::Left);
            self.y += size * PITCH;
        }
        self.y = top;
    }

    /// The hairline under a row.
    fn rule(&mut self) {
        let y = self.y + 0.4;
        self.page().line(L_RULE, Stroke::new(RULE, 0.15), pt(LEFT, y), pt(RIGHT, y));
        self.y += 1.3;
    }

    fn how_to_verify(&mut self) {
        self.y += 1.0;
        self.section("検証方法", "How to verify");
        self.paragraph(
            "この証明書の JSON ファイルと発行者の公開鍵を用いて、次のコマンドで署名を検証できます。署名は証明書の正規形（RFC 8785 の JSON 正規化）に対するものです。",
            2.4,
            Rgb::BLACK,
        );
        self.paragraph(
            "Check the signature of this certificate's JSON file with the issuer's public key as follows. The signature covers the certificate's canonical form (RFC 8785 JSON canonicalization).",
            2.1,
            GREY,
        );
        self.y += 0.8;
        self.need(2.9 * PITCH);
        self.text(LEFT + 4.0, VERIFY_COMMAND, 2.9, Rgb::BLACK, HAlign::Left);
        self.y += 2.9 * PITCH;
    }

    /// Page footers (`n/N`), then the pages.
    fn finish(mut self, certificate_id: &str) -> Vec<Drawing> {
        let n = self.pages.len();
        for (i, d) in self.pages.iter_mut().enumerate() {
            let y = FOOTER;
            let left = format!("Kyocho 削除証明書 / Certificate of Deletion  {certificate_id}");
            d.text(L_TEXT, Text::new(pt(LEFT, y), left, SMALL).align(HAlign::Left, VAlign::Baseline).color(GREY));
            d.text(L_TEXT, Text::new(pt(RIGHT, y), format!("{}/{n}", i + 1), SMALL).align(HAlign::Right, VAlign::Baseline).color(GREY));
        }
        self.pages
    }
}

/// Characters that may not start a line (行頭禁則): they stay on the line before, even past
/// the margin.
fn no_line_start(c: char) -> bool {
    matches!(c, '、' | '。' | '，' | '．' | '）' | '」' | '』' | '】' | '・' | 'ー' | '々' | ')' | ',' | '.' | ':' | ';')
}

/// Split a text into lines no wider than `max_mm` at `size_mm`: between words of Latin text,
/// after a `/` or `:` (a key ARN), between any two Japanese characters (keeping closing
/// punctuation off a line's start), and between any two characters of a word that alone is
/// too wide.
/// Never returns an empty list.
pub(crate) fn wrap(text: &str, size_mm: f64, max_mm: f64) -> Vec<String> {
    let width = |s: &str| drawings::font::text_width_mm(s, size_mm);
    // Tokens: a run of non-space ASCII up to a `/` or `:` (where a path or an ARN may
    // break), one space, or one other character.
    let mut tokens: Vec<String> = Vec::new();
    for c in text.chars() {
        let joins = c.is_ascii() && c != ' ';
        match tokens.last_mut() {
            Some(t) if joins && t.chars().last().is_some_and(|p| p.is_ascii() && !matches!(p, ' ' | '/' | ':')) => t.push(c),
            _ => tokens.push(c.to_string()),
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for tok in tokens {
        if tok == " " {
            if !cur.is_empty() {
                cur.push(' ');
            }
            continue;
        }
        let glued = tok.chars().next().is_some_and(no_line_start);
        if glued || width(&format!("{cur}{tok}")) <= max_mm {
            cur.push_str(&tok);
            continue;
        }
        if !cur.trim_end().is_empty() {
            lines.push(cur.trim_end().to_string());
        }
        cur.clear();
        if width(&tok) <= max_mm {
            cur = tok;
            continue;
        }
        // A word too wide for a line of its own breaks between characters.
        for ch in tok.chars() {
            let mut t = cur.clone();
            t.push(ch);
            if !cur.is_empty() && width(&t) > max_mm {
                lines.push(std::mem::take(&mut cur));
                cur.push(ch);
            } else {
                cur = t;
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1200), "1,200");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn times_show_utc_and_japan_time() {
        let t = UtcTimestamp::parse("2025-04-01T16:30:00Z").expect("time");
        assert_eq!(when(t), "2025-04-01T16:30:00Z（日本時間 2025-04-02 01:30:00）");
        let last = UtcTimestamp::parse("9999-12-31T23:00:00Z").expect("time");
        assert_eq!(when(last), "9999-12-31T23:00:00Z");
    }

    #[test]
    fn wrapping_keeps_words_and_every_character() {
        let en = "The signature covers the certificate's canonical form (RFC 8785 JSON canonicalization).";
        let lines = wrap(en, 2.6, 60.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(drawings::font::text_width_mm(l, 2.6) <= 60.0 + 3.0, "{l}");
        }
        assert_eq!(lines.join(" "), en);

        let ja = "暗号鍵が削除されると、バックアップを含め、貴社データの写しはいずれも復号できなくなります。";
        let lines = wrap(ja, 3.0, 40.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), ja);
        assert!(lines.iter().all(|l| !l.starts_with(['、', '。'])), "{lines:?}");

        let arn = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(wrap(arn, 2.7, 110.0), ["arn:aws:kms:ap-northeast-1:123456789012:key/", "1234abcd-12ab-34cd-56ef-1234567890ab"]);

        let sig = "A".repeat(300);
        let lines = wrap(&sig, 2.8, 100.0);
        assert!(lines.len() >= 3);
        assert_eq!(lines.concat(), sig);
    }
}
