//! The repository stands on its own: no source, test, document or sample cites a document
//! outside it. Engineering facts are cited from `docs/engineering.md`, rules from
//! `docs/rules.md`.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

const SKIP_DIRS: [&str; 7] = [".git", "target", "node_modules", ".venv", "dist", ".kyocho", ".aws-sam"];
const TEXT: [&str; 14] = ["rs", "md", "toml", "yaml", "yml", "json", "py", "sh", "ts", "tsx", "mjs", "js", "html", "css"];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !SKIP_DIRS.contains(&name.as_str()) && !name.starts_with("target-") {
                walk(&path, out);
            }
        } else if path.extension().and_then(|x| x.to_str()).is_some_and(|x| TEXT.contains(&x)) {
            out.push(path);
        }
    }
}

#[test]
fn no_file_cites_a_document_outside_the_repository() {
    let root = repo_root();
    let mut files = Vec::new();
    walk(&root, &mut files);
    assert!(files.len() > 100, "walked only {} files", files.len());
    // Spelled in pieces so that this file does not match itself.
    let outside = [format!("{}{}", "PROTECTION", ".md"), format!("{}{}", "../", "shared/"), format!("{}{}", "/work/", "shared")];
    let mut hits = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        for (n, line) in text.lines().enumerate() {
            if outside.iter().any(|o| line.contains(o.as_str())) {
                hits.push(format!("{}:{}: {}", f.strip_prefix(&root).unwrap().display(), n + 1, line.trim()));
            }
        }
    }
    assert!(hits.is_empty(), "cite docs/engineering.md or docs/rules.md instead:\n{}", hits.join("\n"));
}

#[test]
fn the_engineering_reference_has_every_section_the_code_cites() {
    let root = repo_root();
    let reference = std::fs::read_to_string(root.join("docs/engineering.md")).unwrap();
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut missing = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        for (i, _) in text.match_indices("docs/engineering.md §") {
            let section: String = text[i + "docs/engineering.md §".len()..].chars().take_while(char::is_ascii_digit).collect();
            if !section.is_empty() && !reference.contains(&format!("## §{section} ")) {
                missing.push(format!("{}: §{section}", f.strip_prefix(&root).unwrap().display()));
            }
        }
    }
    assert!(missing.is_empty(), "sections cited but not in docs/engineering.md: {missing:?}");
}
