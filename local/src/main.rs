//! `kyocho`: the local edition and command-line tool.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use platform::auth::Role;
use platform::ids::{TenantId, UserId};

#[derive(Parser)]
#[command(name = "kyocho", version, about = "Kyocho local edition: protection coordination for 6.6 kV receiving substations")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (and web client) on this machine with embedded storage.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[arg(long, default_value = "./.kyocho", env = "KYOCHO_DATA_DIR")]
        data_dir: PathBuf,
        /// The built web client served at `/`. When its parent folder holds the client's
        /// `package.json`, the client is built first if missing or older than its sources.
        #[arg(long, default_value = "web/dist", env = "KYOCHO_WEB_DIR")]
        web_dir: PathBuf,
        /// Serve whatever `--web-dir` holds without building it (or the API alone).
        #[arg(long, env = "KYOCHO_NO_WEB_BUILD")]
        no_web_build: bool,
    },
    /// Print a bearer token for a user, creating the tenant and user if missing.
    Token {
        #[arg(long, default_value = "./.kyocho", env = "KYOCHO_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        user: String,
        /// tenant_admin, designer or viewer.
        #[arg(long)]
        role: Option<String>,
    },
    /// Short-circuit table and coordination checks of a project file.
    Analyze {
        file: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Coordination chart, single-line diagram or CSV report of a project file.
    Render(kyocho::render::RenderArgs),
    /// Manage users who sign in with a password.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// The service operator's tools (the local stand-in for IAM on `/ops/…`).
    Ops {
        #[command(subcommand)]
        action: OpsCommand,
    },
    /// Load an archive (docs/archive.md) — e.g. one exported from the cloud — into a company
    /// of this data folder: every project is checked before any is stored.
    Import {
        archive: PathBuf,
        #[arg(long, default_value = "./.kyocho", env = "KYOCHO_DATA_DIR")]
        data_dir: PathBuf,
        /// The company to import into (created if missing).
        #[arg(long, default_value = "demo")]
        tenant: String,
    },
    /// Check the integrity of every company of a data folder (or one): its audit hash chain,
    /// a sample of its sealed items, its exports' checksums. Exits non-zero on any failure.
    Verify {
        #[arg(long, default_value = "./.kyocho", env = "KYOCHO_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Check a deletion certificate's signature (docs/deletion-certificate.md) and print what
    /// it attests.
    VerifyCertificate {
        /// The certificate (JSON).
        certificate: PathBuf,
        /// The service's public key (PEM or DER): `kyocho ops certificate-key`, or
        /// `aws kms get-public-key` in the cloud.
        #[arg(long)]
        public_key: PathBuf,
    },
}

#[derive(Subcommand)]
enum OpsCommand {
    /// Companies: create one (its own key and first administrator).
    Tenant {
        #[command(subcommand)]
        action: TenantCommand,
    },
    /// Print the public key that verifies this data folder's deletion certificates (PEM).
    CertificateKey {
        #[arg(long, default_value = "./.kyocho", env = "KYOCHO_DATA_DIR")]
        data_dir: PathBuf,
    },
    /// Print an operator token for the `/ops/…` routes (valid one hour). Every request made
    /// with it is logged in the operator's audit log under this name.
    Token {
        #[arg(long, default_value = "./.kyocho", env = "KYOCHO_DATA_DIR")]
        data_dir: PathBuf,
        /// Who is acting: 1–64 characters of a–z, 0–9, '-' or '_'.
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user with a permanent password (and the company, if missing).
    Add {
        #[arg(long, default_value = "./.kyocho", env = "KYOCHO_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        /// At least 8 characters with upper case, lower case and a symbol.
        #[arg(long, env = "KYOCHO_USER_PASSWORD")]
        password: String,
        /// tenant_admin, designer or viewer.
        #[arg(long, default_value = "designer")]
        role: String,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Set up a company: its key, its record, its first administrator (invited through the
    /// outbox with a temporary password).
    Create {
        #[arg(long, default_value = "./.kyocho", env = "KYOCHO_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: String,
        /// Who is acting (written to the operator's audit log).
        #[arg(long, default_value = "cli")]
        operator: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Analyze { file, json } => kyocho::analyze::run(&file, json),
        Command::Render(args) => kyocho::render::run(args),
        Command::Serve { addr, data_dir, web_dir, no_web_build } => match web_client(&web_dir, !no_web_build) {
            Ok(web) => block_on(serve(addr, data_dir, web)),
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Token { data_dir, tenant, user, role } => block_on(token(data_dir, tenant, user, role)),
        Command::Ops { action: OpsCommand::Tenant { action: TenantCommand::Create { data_dir, id, name, admin_email, admin_name, operator } } } => {
            block_on(async move {
                let new = platform::tenancy::NewTenant { id, name, admin_email, admin_name };
                let (tenant, admin) = kyocho::ops::create_tenant(&data_dir, &new, &operator).await?;
                println!("Created company `{}` ({}); invited {} as its administrator (see {}/outbox/).", tenant.id, tenant.name, admin.email, data_dir.display());
                Ok(())
            })
        }
        Command::Ops { action: OpsCommand::CertificateKey { data_dir } } => block_on(async move {
            let keys = platform::local::keys_dir(&data_dir)?;
            print!("{}", platform::certify::LocalSigner::open(&keys)?.public_key_pem());
            Ok(())
        }),
        Command::Import { archive, data_dir, tenant } => block_on(async move {
            let result = kyocho::ops::import(&data_dir, &tenant, &archive).await?;
            for p in &result.projects {
                println!("{}  {}  (was {} in the archive, document sha256 {})", p.id, p.name, p.source_id, p.sha256);
            }
            println!("Imported {} project(s) into company `{tenant}`.", result.projects.len());
            Ok(())
        }),
        Command::Verify { data_dir, tenant } => match block_on_value(kyocho::ops::verify(&data_dir, tenant.as_deref())) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::VerifyCertificate { certificate, public_key } => {
            let run = || -> anyhow::Result<String> {
                let json = std::fs::read(&certificate).map_err(|e| anyhow::anyhow!("{}: {e}", certificate.display()))?;
                let key = std::fs::read(&public_key).map_err(|e| anyhow::anyhow!("{}: {e}", public_key.display()))?;
                let summary = certificate::verify_file(&json, &key).map_err(|e| anyhow::anyhow!("the certificate does not verify: {e}"))?;
                Ok(summary.to_string())
            };
            match run() {
                Ok(text) => {
                    println!("VALID: the signature verifies.\n{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("INVALID: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Ops { action: OpsCommand::Token { data_dir, name } } => block_on(async move {
            let name = UserId::parse(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let keys = kyocho::jwt::Keys::load_or_create(&kyocho::operator_key_path(&data_dir))?;
            println!("{}", keys.mint_operator(name.as_str())?);
            Ok(())
        }),
        Command::User { action: UserCommand::Add { data_dir, tenant, email, password, role } } => block_on(async move {
            let user = kyocho::users::add_from_cli(&data_dir, &tenant, &email, &password, &role).await?;
            println!("Created {} ({}) in company `{}` as {}; sign in with POST /auth/sign-in.", user.email, user.id, user.tenant, user.role.as_str());
            Ok(())
        }),
    }
}

fn block_on_value<T>(fut: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Runtime::new()?.block_on(fut)
}

fn block_on(fut: impl std::future::Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(fut) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The web client in `dist`, built first when `build` and its sources are beside it.
fn web_client(dist: &std::path::Path, build: bool) -> anyhow::Result<Option<kyocho::web::WebClient>> {
    if build {
        let root = dist.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        kyocho::web_build::ensure_built(root, dist, "npm")?;
    }
    let web = kyocho::web::WebClient::open(dist);
    if web.is_none() {
        eprintln!("No web client in {} (no index.html): serving the API only.", dist.display());
    }
    Ok(web)
}

async fn serve(addr: SocketAddr, data_dir: PathBuf, web: Option<kyocho::web::WebClient>) -> anyhow::Result<()> {
    platform::http::init_tracing();
    let shown = data_dir.display().to_string();
    let with_client = web.is_some();
    kyocho::serve(addr, &data_dir, web, |bound, created| {
        println!("Kyocho local edition listening on http://{bound}  (data: {shown})");
        if with_client {
            println!("Open http://{bound}/ in a browser for the web client.");
        }
        if created {
            println!("Created the demo company (tenant `demo`) with administrator `admin`.");
            let outbox = platform::identity::local::Outbox::new(kyocho::users::outbox_dir(std::path::Path::new(&shown)));
            let email = kyocho::setup::DEMO_ADMIN_EMAIL;
            if let Some(temporary) = outbox.messages().into_iter().rev().find(|m| m.to == email).and_then(|m| m.code) {
                println!("Sign in as the demo administrator (you will be asked to choose a new password):");
                println!("         curl -H 'content-type: application/json' -d '{{\"tenant\":\"demo\",\"email\":\"{email}\",\"password\":\"{temporary}\"}}' http://{bound}/auth/sign-in");
            }
        }
        println!("Codes and invitations are printed below and written to {shown}/outbox/.");
        println!("Sign in: TOKEN=$(kyocho token --data-dir {shown} --tenant demo --user admin)");
        println!("         curl -H \"Authorization: Bearer $TOKEN\" http://{bound}/projects");
    })
    .await
}

async fn token(data_dir: PathBuf, tenant: String, user: String, role: Option<String>) -> anyhow::Result<()> {
    let tenant = TenantId::parse(&tenant).map_err(|e| anyhow::anyhow!("--tenant: {e}"))?;
    let user = UserId::parse(&user).map_err(|e| anyhow::anyhow!("--user: {e}"))?;
    let role = role
        .map(|r| Role::parse(&r).ok_or_else(|| anyhow::anyhow!("--role: expected tenant_admin, designer or viewer")))
        .transpose()?;
    let backend = platform::local::backend(&data_dir)?;
    kyocho::setup::ensure_tenant(&backend, &tenant, tenant.as_str()).await?;
    let record = kyocho::setup::ensure_user(&backend, &tenant, &user, role).await?;
    let keys = kyocho::jwt::Keys::load_or_create(&kyocho::jwt_key_path(&data_dir))?;
    println!("{}", keys.mint(&record.sub, tenant.as_str())?);
    Ok(())
}
