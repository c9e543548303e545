//! The web client served by the local edition, over real HTTP: the built files at `/` with a
//! strict Content-Security-Policy, the app's `index.html` for its own deep links, API routes
//! untouched, nothing outside the client's folder reachable — and `kyocho serve` building the
//! client first when it is missing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_kyocho");
const INDEX: &str = "<!doctype html><html><head><script type=\"module\" src=\"/assets/app-3f2a.js\"></script></head><body><div id=\"root\"></div></body></html>";
const SCRIPT: &str = "document.getElementById('root').textContent = '協調';";
const SECRET: &str = "data-folder secret: must never be served";

/// A built client in `<tmp>/web/dist`, with a file beside it that must stay unreachable.
fn dist_fixture(tmp: &Path) -> std::path::PathBuf {
    let dist = tmp.join("web").join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(dist.join("index.html"), INDEX).unwrap();
    std::fs::write(dist.join("assets").join("app-3f2a.js"), SCRIPT).unwrap();
    std::fs::write(dist.join("assets").join("app-3f2a.css"), "body{margin:0}").unwrap();
    std::fs::write(tmp.join("web").join("secret.txt"), SECRET).unwrap();
    std::fs::write(tmp.join("secret.txt"), SECRET).unwrap();
    dist
}

struct App {
    addr: SocketAddr,
    gateway: std::sync::Arc<kyocho::gateway::Gateway>,
    _data: tempfile::TempDir,
}

async fn spawn(dist: &Path) -> App {
    let data = tempfile::tempdir().unwrap();
    let (gateway, _) = kyocho::open(data.path()).await.unwrap();
    let web = kyocho::web::WebClient::open(dist).expect("the fixture holds index.html");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(kyocho::serve_with(listener, gateway.clone(), Some(web)));
    App { addr, gateway, _data: data }
}

impl App {
    async fn token(&self) -> String {
        let backend = &self.gateway.backend;
        let tenant = platform::ids::TenantId::parse("acme").unwrap();
        kyocho::setup::ensure_tenant(backend, &tenant, "Acme").await.unwrap();
        let user = platform::ids::UserId::parse("alice").unwrap();
        let record = kyocho::setup::ensure_user(backend, &tenant, &user, Some(platform::auth::Role::Viewer)).await.unwrap();
        self.gateway.keys.mint(&record.sub, "acme").unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    async fn get(&self, path: &str, accept: &str) -> reqwest::Response {
        reqwest::Client::new().get(self.url(path)).header("accept", accept).send().await.unwrap()
    }

    /// A request sent byte for byte, so that `..` and encoded slashes reach the server as written.
    fn raw_get(&self, target: &str, accept: &str) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: localhost\r\nAccept: {accept}\r\nConnection: close\r\n\r\n").unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, text)
    }
}

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn the_index_is_served_at_the_root_with_a_strict_content_security_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let app = spawn(&dist_fixture(tmp.path())).await;

    let resp = app.get("/", BROWSER).await;
    assert_eq!(resp.status(), 200);
    assert!(header(&resp, "content-type").starts_with("text/html"), "{}", header(&resp, "content-type"));
    let csp = header(&resp, "content-security-policy").to_owned();
    for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.split(';').any(|d| d.trim() == directive), "CSP lacks `{directive}`: {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "no inline script or style: {csp}");
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert_eq!(header(&resp, "referrer-policy"), "no-referrer");
    assert_eq!(header(&resp, "cache-control"), "no-cache", "the index is revalidated so a new build is seen at once");
    assert_eq!(resp.text().await.unwrap(), INDEX);
}

#[tokio::test]
async fn an_asset_is_served_with_its_content_type_and_cached_for_good() {
    let tmp = tempfile::tempdir().unwrap();
    let app = spawn(&dist_fixture(tmp.path())).await;

    let js = app.get("/assets/app-3f2a.js", "*/*").await;
    assert_eq!(js.status(), 200);
    assert_eq!(header(&js, "content-type"), "text/javascript");
    assert_eq!(header(&js, "cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(header(&js, "x-content-type-options"), "nosniff");
    assert_eq!(js.text().await.unwrap(), SCRIPT);

    let css = app.get("/assets/app-3f2a.css", "text/css,*/*;q=0.1").await;
    assert_eq!(css.status(), 200);
    assert_eq!(header(&css, "content-type"), "text/css");

    // A missing asset is a 404, not the app's page in place of a script.
    let missing = app.get("/assets/gone-0000.js", "*/*").await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn a_deep_link_of_the_app_gets_the_index_and_api_answers_stay_the_apis() {
    let tmp = tempfile::tempdir().unwrap();
    let app = spawn(&dist_fixture(tmp.path())).await;

    let page = app.get("/workspace/p/0193/diagram", BROWSER).await;
    assert_eq!(page.status(), 200, "a reload on the app's own route");
    assert!(!header(&page, "content-security-policy").is_empty());
    assert_eq!(page.text().await.unwrap(), INDEX);

    // The same unknown path asked for by a script is a plain 404, not HTML.
    let script = app.get("/workspace/p/0193/diagram", "application/json").await;
    assert_eq!(script.status(), 404);
    assert!(header(&script, "content-type").starts_with("application/json"));

    // An API route keeps priority even when a browser asks for HTML.
    let health = app.get("/health", BROWSER).await;
    assert_eq!(health.status(), 200);
    assert!(header(&health, "content-type").starts_with("application/json"));
    let unauthorised = app.get("/projects", BROWSER).await;
    assert_eq!(unauthorised.status(), 401);

    // A handler's 404 stays problem+json.
    let token = app.token().await;
    let missing = reqwest::Client::new()
        .get(app.url("/projects/01936f7e-0000-7000-8000-000000000000"))
        .header("accept", BROWSER)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(header(&missing, "content-type"), "application/problem+json");
    assert!(header(&missing, "content-security-policy").is_empty(), "API answers are not pages");
}

#[tokio::test]
async fn nothing_outside_the_client_folder_can_be_reached() {
    let tmp = tempfile::tempdir().unwrap();
    let app = spawn(&dist_fixture(tmp.path())).await;
    let app = std::sync::Arc::new(app);

    for target in ["/../secret.txt", "/../../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e%2f%2e%2e%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/..%5csecret.txt"] {
        for accept in ["*/*", BROWSER] {
            let (status, text) = tokio::task::spawn_blocking({
                let app = app.clone();
                move || app.raw_get(target, accept)
            })
            .await
            .unwrap();
            assert!(!text.contains(SECRET), "{target} ({accept}) leaked the file beside the client:\n{text}");
            if accept == "*/*" {
                assert!(status == 404 || status == 400, "{target}: {status}");
            } else {
                assert!(status == 200 && text.ends_with(INDEX) || status == 400 || status == 404, "{target}: {status}\n{text}");
            }
        }
    }
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `kyocho serve` with `args`; returns the server and its base URL once it listens.
fn start(args: &[&str], dir: &Path, path_env: Option<&str>) -> (Server, String, std::process::ChildStderr) {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .args(args)
        .env_remove("KYOCHO_NO_WEB_BUILD")
        .env_remove("KYOCHO_WEB_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = path_env {
        cmd.env("PATH", path);
    }
    let mut child = cmd.spawn().expect("start kyocho serve");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    let mut lines = BufReader::new(stdout);
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    // Keep reading, so that the server's banner and logs never meet a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let base = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("an address in {first:?}")).to_owned();
    (server, base, stderr)
}

#[tokio::test]
async fn serve_builds_a_missing_client_with_npm_then_serves_it() {
    // Given a client folder with sources but no dist, and an `npm` on the PATH that records
    // its arguments and "builds" dist/index.html.
    let tmp = tempfile::tempdir().unwrap();
    let web = tmp.path().join("web");
    std::fs::create_dir_all(web.join("src")).unwrap();
    std::fs::write(web.join("package.json"), "{}").unwrap();
    std::fs::write(web.join("package-lock.json"), "{}").unwrap();
    std::fs::write(web.join("src").join("main.tsx"), "export {}").unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let npm = bin.join("npm");
    std::fs::write(
        &npm,
        format!(
            "#!/bin/sh\necho \"$@\" >> {log}\nif [ \"$1\" = ci ]; then mkdir -p node_modules && echo {{}} > node_modules/.package-lock.json; fi\n\
             if [ \"$1\" = run ]; then mkdir -p dist && printf '%s' '{INDEX}' > dist/index.html; fi\n",
            log = tmp.path().join("npm.log").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&npm, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());

    // When `kyocho serve` starts with that folder's dist,
    let dist = web.join("dist");
    let (_server, base, _stderr) = start(&["--web-dir", dist.to_str().unwrap()], tmp.path(), Some(&path));

    // then it installed and built once, and serves the result.
    let log = std::fs::read_to_string(tmp.path().join("npm.log")).unwrap();
    assert_eq!(log.lines().collect::<Vec<_>>(), vec!["ci", "run build"]);
    let page = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.text().await.unwrap(), INDEX);
    drop(_server);

    // A second start finds the build fresh and runs nothing.
    let (_again, _, _) = start(&["--web-dir", dist.to_str().unwrap()], tmp.path(), Some(&path));
    let log = std::fs::read_to_string(tmp.path().join("npm.log")).unwrap();
    assert_eq!(log.lines().count(), 2, "no second build: {log}");
}

#[tokio::test]
async fn serve_without_npm_says_what_to_do_and_the_skip_flag_serves_the_api_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let web = tmp.path().join("web");
    std::fs::create_dir_all(&web).unwrap();
    std::fs::write(web.join("package.json"), "{}").unwrap();
    let dist = web.join("dist");

    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(tmp.path().join("data"))
        .args(["--web-dir", dist.to_str().unwrap()])
        .env("PATH", tmp.path().join("empty-bin"))
        .env_remove("KYOCHO_NO_WEB_BUILD")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`npm` was not found") && err.contains("--no-web-build"), "{err}");

    let (_server, base, mut stderr) = start(&["--web-dir", dist.to_str().unwrap(), "--no-web-build"], tmp.path(), Some(""));
    let mut note = String::new();
    BufReader::new(&mut stderr).read_line(&mut note).unwrap();
    assert!(note.contains("serving the API only"), "{note}");
    assert_eq!(reqwest::get(format!("{base}/health")).await.unwrap().status(), 200);
    assert_eq!(reqwest::get(format!("{base}/")).await.unwrap().status(), 404);
}
