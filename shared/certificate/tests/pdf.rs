//! The printed certificate: an A4 document whose Japanese and English text is real text (a
//! reader extracts it), that says everything the JSON says, and that `qpdf` finds sound.
//!
//! `pdftotext` and `qpdf` come from tests/setup-debian.sh. Where they are missing the tests
//! check the laid-out text only, and say so; under CI (`CI` set) a missing tool fails.

mod common;

use std::path::PathBuf;
use std::process::Command;

use certificate::pdf::sheets;
use certificate::{kinds, sign, to_pdf, KeyFate, SignedCertificate, VERIFY_COMMAND};
use common::{fixed_ed25519, sample, ts, KmsLikeP256};

/// An external program, or `None` (and a note) when it is not installed outside CI.
fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(p) = std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()) {
        return Some(p);
    }
    assert!(std::env::var_os("CI").is_none(), "`{name}` is not installed (tests/setup-debian.sh installs it)");
    eprintln!("`{name}` is not installed: its check is skipped (tests/setup-debian.sh installs it)");
    None
}

fn write(name: &str, pdf: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("certificate-pdf");
    std::fs::create_dir_all(&dir).expect("output folder");
    let file = dir.join(name);
    std::fs::write(&file, pdf).expect("write PDF");
    file
}

/// The document's text: as `pdftotext` reads it from the PDF when installed, else as laid out.
fn document_text(name: &str, signed: &SignedCertificate) -> String {
    let pdf = to_pdf(signed).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let file = write(name, &pdf);
    if let Some(qpdf) = tool("qpdf") {
        let out = Command::new(qpdf).arg("--check").arg(&file).output().expect("qpdf runs");
        let so = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && so.contains("No syntax or stream encoding errors"),
            "qpdf --check {}: {so}{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    match tool("pdftotext") {
        Some(pdftotext) => {
            let out = Command::new(pdftotext).args(["-layout", "-enc", "UTF-8"]).arg(&file).arg("-").output().expect("pdftotext runs");
            assert!(out.status.success(), "pdftotext failed on {}", file.display());
            assert!(out.stderr.is_empty(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).expect("UTF-8 text")
        }
        None => sheets(signed).iter().flat_map(|d| d.texts()).map(|t| t.text + "\n").collect(),
    }
}

fn assert_says(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "`{e}` is not in the document:\n{text}");
    }
}

#[test]
fn the_pdf_says_what_was_deleted_in_japanese_and_english() {
    let signer = fixed_ed25519();
    let signed = sign(sample(&signer), &signer).expect("signed");
    let text = document_text("ed25519.pdf", &signed);
    let signature = certificate::sign::signature_base64(&signed.signature);
    assert_says(
        &text,
        &[
            "削除証明書",
            "Certificate of Deletion",
            "株式会社サンプル電設",
            "t-7f3a9c",
            "0196a3c2-7f1e-7b3a-9c1d-2e4f5a6b7c8d",
            "arn:aws:sts::123456789012:assumed-role/KyochoOperator/yamada",
            // What was deleted, with counts.
            "削除したデータ",
            "Data deleted",
            "保存データ",
            "Stored records",
            "1,200 件",
            "監査ログ",
            "Audit log events",
            "3,456 件",
            "Stored file versions",
            "87 件",
            "利用者アカウント",
            "User accounts",
            "12 件",
            "Support inquiries",
            // When, in UTC and Japan time.
            "2025-03-31T00:15:00Z",
            "2025-04-01T09:30:00Z（日本時間 2025-04-01 18:30:00）",
            // The key and its deletion date.
            "暗号鍵",
            "Encryption key",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:ap-northeast-1:123456789012:key/",
            "削除予定日時",
            "Deletion scheduled for",
            "2025-05-01T09:30:00Z",
            "バックアップを含め",
            "backups included",
            // The hashes.
            "73370db39cd2ada0df77113669a6483770b4b791f4df3bed5c01ab989550e2b5",
            "cc310eab5bab3c46676a9539766253bbdbce8910aba17ec0589242b8b7a3bc6f",
            // The signature and how to check it.
            "Ed25519 (ed25519)",
            "kyocho-local-certificates-1",
            &signature,
            "検証方法",
            "How to verify",
            VERIFY_COMMAND,
            "1/1",
        ],
    );
    assert_eq!(sheets(&signed).len(), 1, "a usual certificate fits on one page");
    let size = sheets(&signed)[0].size_mm();
    assert_eq!(size, (210.0, 297.0), "A4 portrait");
}

#[test]
fn a_kms_certificate_with_a_destroyed_key_says_so() {
    let kms = KmsLikeP256::new(5);
    let mut c = sample(&kms);
    c.key.fate = KeyFate::DestroyedAt(ts("2025-05-01T09:31:12Z"));
    c.evidence.manifest_sha256 = None;
    let signed = sign(c, &kms).expect("signed");
    let text = document_text("p256-destroyed.pdf", &signed);
    let signature = certificate::sign::signature_base64(&signed.signature);
    assert_says(
        &text,
        &[
            "破棄日時",
            "Destroyed at",
            "2025-05-01T09:31:12Z",
            "暗号鍵を破棄しました",
            "destroyed the key",
            "なし / none",
            "ECDSA P-256 / SHA-256 (ecdsa-p256-sha256)",
            "arn:aws:kms:ap-northeast-1:123456789012:key/0f0e0d0c-certificates",
            &signature,
        ],
    );
    assert!(!text.contains("削除予定日時"), "a destroyed key has no scheduled date");
}

#[test]
fn a_long_certificate_continues_on_numbered_pages() {
    let signer = fixed_ed25519();
    let mut c = sample(&signer);
    for i in 0..40 {
        c.deleted.set(&format!("kind_{i:02}"), i).expect("count");
    }
    c.deleted.set(kinds::BACKUPS, 2).expect("count");
    let signed = sign(c, &signer).expect("signed");
    let pages = sheets(&signed);
    assert!(pages.len() >= 2, "{} page(s)", pages.len());
    let text = document_text("long.pdf", &signed);
    let n = pages.len();
    assert_says(
        &text,
        &["Certificate of Deletion (continued)", "kind_39", "バックアップ", &format!("1/{n}"), &format!("{n}/{n}"), VERIFY_COMMAND],
    );
}
