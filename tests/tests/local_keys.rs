//! The local edition keeps its keys outside the data folder and seals its exported files,
//! so that a copy of the data folder alone (a backup, a disk image) opens nothing.
//!
//! Each test runs in its own process (nextest), so setting `XDG_CONFIG_HOME` here stands
//! for "this machine's configuration folder".

use platform::ids::TenantId;
use platform::ports::{BlobInfo, BlobKey, BlobStore};

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Given a new data folder on a machine, when the local edition opens it, then the master
/// key, the download-URL key and the token key are in the machine's configuration folder,
/// not in the data folder; reopening finds them; and the same folder opened on another
/// machine (another configuration folder) cannot open what was sealed.
#[tokio::test]
async fn the_keys_live_outside_the_data_folder_and_a_copy_of_the_folder_opens_nothing() {
    let machine = tempfile::tempdir().expect("config folder");
    let data = tempfile::tempdir().expect("data folder");
    std::env::remove_var(platform::local::KEYS_DIR_VAR);
    std::env::set_var("XDG_CONFIG_HOME", machine.path());

    let (gateway, created) = kyocho::open(data.path()).await.expect("open");
    assert!(created, "a new folder");
    let demo = TenantId::parse(kyocho::setup::DEMO_TENANT).expect("tenant");
    let sealed = gateway.backend.sealer.seal(&demo, b"aad", b"the design of plant 7").await.expect("seal");
    drop(gateway);

    assert!(!data.path().join("keys").exists(), "no keys folder inside the data folder");
    let names: Vec<String> = files_under(data.path()).iter().filter_map(|p| p.file_name()?.to_str().map(str::to_owned)).collect();
    for key_file in ["master.key", "blob-url.key", "jwt-ed25519.der"] {
        assert!(!names.iter().any(|n| n == key_file), "{key_file} is not in the data folder: {names:?}");
    }
    let keys = platform::local::keys_dir(data.path()).expect("keys folder");
    assert!(keys.starts_with(machine.path().join("kyocho").join("keys")), "{}", keys.display());
    for key_file in ["master.key", "blob-url.key", "jwt-ed25519.der"] {
        assert!(keys.join(key_file).is_file(), "{key_file} in {}", keys.display());
    }

    let (again, created) = kyocho::open(data.path()).await.expect("reopen");
    assert!(!created, "the same folder");
    assert_eq!(again.backend.sealer.open(&demo, b"aad", &sealed).await.expect("opens on this machine"), b"the design of plant 7");
    drop(again);

    let elsewhere = tempfile::tempdir().expect("another machine's config folder");
    std::env::set_var("XDG_CONFIG_HOME", elsewhere.path());
    let (copy, _) = kyocho::open(data.path()).await.expect("the copied folder opens");
    assert!(copy.backend.sealer.open(&demo, b"aad", &sealed).await.is_err(), "sealed data does not open without the keys");
}

/// Given an exported file stored by the local edition, then the file in the data folder is
/// sealed (no byte of the report in it), the blob store reads it back exactly, and the same
/// file put in another tenant's place does not open.
#[tokio::test]
async fn local_exported_files_are_sealed_and_bound_to_their_tenant_and_name() {
    let machine = tempfile::tempdir().expect("config folder");
    let data = tempfile::tempdir().expect("data folder");
    std::env::remove_var(platform::local::KEYS_DIR_VAR);
    std::env::set_var("XDG_CONFIG_HOME", machine.path());
    let (gateway, _) = kyocho::open(data.path()).await.expect("open");
    let demo = TenantId::parse(kyocho::setup::DEMO_TENANT).expect("tenant");
    let other = TenantId::parse("other").expect("tenant");
    kyocho::setup::ensure_tenant(&gateway.backend, &other, "Other Co.").await.expect("other tenant");

    let report = "機器名,定格電流\r\nVCB-1,600 A — the report's own words\r\n".repeat(20).into_bytes();
    let key = BlobKey::parse("exports/x1/settings.csv").expect("key");
    let info = BlobInfo {
        content_type: "text/csv".into(),
        file_name: "settings.csv".into(),
        metadata: Default::default(),
        expires_at: platform::http::now_millis() + 60_000,
    };
    gateway.blobs.put(&demo, &key, report.clone(), &info).await.expect("put");

    let needle = "the report's own words".as_bytes();
    for file in files_under(&data.path().join("blobs")) {
        let bytes = std::fs::read(&file).expect("read");
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} holds the report in clear", file.display());
    }
    let (_, back) = gateway.blobs.read(&demo, &key).await.expect("read back");
    assert_eq!(back, report);

    // The same sealed file, copied into the other tenant's space under the same name.
    let from = data.path().join("blobs/tenants/demo/exports/x1/settings.csv");
    let to = data.path().join("blobs/tenants/other/exports/x1/settings.csv");
    std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
    std::fs::copy(&from, &to).expect("copy");
    std::fs::copy(from.with_file_name(".settings.csv.json"), to.with_file_name(".settings.csv.json")).expect("copy head");
    assert!(gateway.blobs.read(&other, &key).await.is_err(), "another tenant's place does not open it");
}
