//! Building the web client before `kyocho serve` starts, so that the first command on a fresh
//! clone serves the app: `npm ci` when the dependencies are missing or older than the lockfile,
//! then `npm run build` when `dist/` is missing or older than any source file.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

/// Folders of the client that are outputs or tooling state, not sources of the build.
const NOT_SOURCES: [&str; 6] = ["node_modules", "dist", "test-results", "playwright-report", "coverage", "target"];

/// Why the client needs building, or that it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// `dist/index.html` does not exist.
    Missing,
    /// This source file changed after the last build.
    Stale(PathBuf),
    Fresh,
}

/// Compare `dist/index.html` (written by every build) with every source file of the client
/// folder `root` (everything but dot-files and [`NOT_SOURCES`]).
pub fn freshness(root: &Path, dist: &Path) -> Freshness {
    let Some(built) = modified(&dist.join("index.html")) else { return Freshness::Missing };
    match newest_source(root, dist) {
        Some((path, time)) if time > built => Freshness::Stale(path),
        _ => Freshness::Fresh,
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn newest_source(dir: &Path, dist: &Path) -> Option<(PathBuf, SystemTime)> {
    let mut newest: Option<(PathBuf, SystemTime)> = None;
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let path = entry.path();
            if name.starts_with('.') || NOT_SOURCES.contains(&name.as_ref()) || path == dist {
                continue;
            }
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                pending.push(path);
            } else if let Some(time) = modified(&path) {
                if newest.as_ref().is_none_or(|(_, t)| time > *t) {
                    newest = Some((path, time));
                }
            }
        }
    }
    newest
}

/// Whether `npm ci` must run first: no `node_modules`, or a lockfile newer than the one npm
/// recorded when it last installed.
pub fn needs_install(root: &Path) -> bool {
    let installed = modified(&root.join("node_modules").join(".package-lock.json"));
    let wanted = modified(&root.join("package-lock.json"));
    match (installed, wanted) {
        (None, _) => true,
        (Some(installed), Some(wanted)) => wanted > installed,
        (Some(_), None) => false,
    }
}

/// What [`ensure_built`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `root` holds no `package.json`: there is no client to build.
    NoClient,
    AlreadyBuilt,
    Built,
}

/// Build the client in `root` (writing `dist`) when it is missing or stale, with the `npm`
/// program given. Progress goes to standard error, so that standard output stays the
/// server's own. A missing npm is an error that says what to do.
pub fn ensure_built(root: &Path, dist: &Path, npm: &str) -> anyhow::Result<Outcome> {
    if !root.join("package.json").is_file() {
        return Ok(Outcome::NoClient);
    }
    let why = match freshness(root, dist) {
        Freshness::Fresh => return Ok(Outcome::AlreadyBuilt),
        Freshness::Missing => format!("{} does not exist", dist.join("index.html").display()),
        Freshness::Stale(source) => format!("{} changed since the last build", source.display()),
    };
    eprintln!("Building the web client ({why}).");
    if needs_install(root) {
        run_npm(npm, root, &["ci"])?;
    }
    run_npm(npm, root, &["run", "build"])?;
    if freshness(root, dist) == Freshness::Missing {
        anyhow::bail!("`npm run build` in {} finished but wrote no {}", root.display(), dist.join("index.html").display());
    }
    Ok(Outcome::Built)
}

fn run_npm(npm: &str, root: &Path, args: &[&str]) -> anyhow::Result<()> {
    eprintln!("  $ (cd {} && {npm} {})", root.display(), args.join(" "));
    let status = Command::new(npm)
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()))
        .stderr(Stdio::inherit())
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => anyhow::bail!("`{npm} {}` in {} failed ({s})", args.join(" "), root.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "the web client in {} must be built, but `{npm}` was not found: install Node.js 20 with npm, \
             or start with --no-web-build (KYOCHO_NO_WEB_BUILD=1) to serve the API only",
            root.display()
        ),
        Err(e) => anyhow::bail!("cannot run `{npm} {}` in {}: {e}", args.join(" "), root.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::{self, File};
    use std::time::{Duration, SystemTime};

    fn touch(path: &Path, at: SystemTime) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "x").unwrap();
        File::options().write(true).open(path).unwrap().set_modified(at).unwrap();
    }

    #[test]
    fn a_source_edited_after_the_build_makes_the_client_stale_and_outputs_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let (root, dist) = (dir.path(), dir.path().join("dist"));
        let t0 = SystemTime::now() - Duration::from_secs(3600);
        assert_eq!(freshness(root, &dist), Freshness::Missing);

        touch(&root.join("src/main.tsx"), t0);
        touch(&dist.join("index.html"), t0 + Duration::from_secs(60));
        // Tool state and outputs newer than the build are not sources.
        touch(&root.join("node_modules/react/index.js"), t0 + Duration::from_secs(120));
        touch(&root.join("dist/assets/app.js"), t0 + Duration::from_secs(120));
        touch(&root.join(".vite/cache"), t0 + Duration::from_secs(120));
        assert_eq!(freshness(root, &dist), Freshness::Fresh);

        touch(&root.join("src/api/schema.d.ts"), t0 + Duration::from_secs(120));
        assert_eq!(freshness(root, &dist), Freshness::Stale(root.join("src/api/schema.d.ts")));
    }

    #[test]
    fn dependencies_are_installed_when_missing_or_older_than_the_lockfile() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let t0 = SystemTime::now() - Duration::from_secs(3600);
        touch(&root.join("package-lock.json"), t0);
        assert!(needs_install(root), "no node_modules");
        touch(&root.join("node_modules/.package-lock.json"), t0 + Duration::from_secs(10));
        assert!(!needs_install(root));
        touch(&root.join("package-lock.json"), t0 + Duration::from_secs(20));
        assert!(needs_install(root), "the lockfile changed after the install");
    }

    #[test]
    fn a_folder_without_package_json_has_no_client_and_a_missing_npm_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(ensure_built(root, &root.join("dist"), "npm").unwrap(), Outcome::NoClient);

        fs::write(root.join("package.json"), "{}").unwrap();
        let err = ensure_built(root, &root.join("dist"), "kyocho-no-such-npm").unwrap_err().to_string();
        assert!(err.contains("`kyocho-no-such-npm` was not found"), "{err}");
        assert!(err.contains("--no-web-build"), "{err}");
    }
}
