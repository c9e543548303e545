//! Backups as promised, read from `infra/template.yaml` and `infra/backup-osaka.yaml`: the
//! table is backed up every day, each backup kept `BackupRetentionDays` (3 by default, never
//! fewer) and copied, with the same retention, to a vault in Osaka; every backup ARN names a
//! region in Japan only; point-in-time recovery stays on.

use std::path::PathBuf;

use serde_yaml::Value;

/// The regions the data may be in: Tokyo (the service) and Osaka (the backup copies).
const JAPAN: [&str; 2] = ["ap-northeast-1", "ap-northeast-3"];

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn load(relative: &str) -> Value {
    let path = repo_root().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `!Ref X` → `X`.
fn ref_name(v: &Value) -> Option<&str> {
    match v {
        Value::Tagged(t) if t.tag == "!Ref" => t.value.as_str(),
        _ => None,
    }
}

/// `!Sub "text"` → `text`.
fn sub_text(v: &Value) -> Option<&str> {
    match v {
        Value::Tagged(t) if t.tag == "!Sub" => t.value.as_str(),
        _ => None,
    }
}

fn resources(t: &Value) -> &serde_yaml::Mapping {
    t["Resources"].as_mapping().expect("Resources")
}

/// The rules of the template's one backup plan.
fn plan_rules(t: &Value) -> Vec<Value> {
    let plans: Vec<&Value> =
        resources(t).values().filter(|r| r["Type"].as_str() == Some("AWS::Backup::BackupPlan")).collect();
    assert_eq!(plans.len(), 1, "one backup plan");
    let rules = plans[0]["Properties"]["BackupPlan"]["BackupPlanRule"].as_sequence().expect("BackupPlanRule").clone();
    assert!(!rules.is_empty(), "the plan has rules");
    rules
}

/// Every string in `v`, tags' contents included.
fn all_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(items) => items.iter().for_each(|i| all_strings(i, out)),
        Value::Mapping(m) => m.iter().for_each(|(k, v)| {
            all_strings(k, out);
            all_strings(v, out);
        }),
        Value::Tagged(t) => all_strings(&t.value, out),
        _ => {}
    }
}

/// The words of `s` shaped like an AWS region (`ap-northeast-3`, `us-gov-west-1`).
fn regions_in(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        .filter(|w| {
            let parts: Vec<&str> = w.split('-').collect();
            parts.len() >= 3
                && parts[0].len() == 2
                && parts[0].bytes().all(|b| b.is_ascii_lowercase())
                && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
                && parts.last().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_owned)
        .collect()
}

/// Whether an AWS Backup schedule runs exactly once a day: `cron(M H * * ? *)` with a single
/// minute and hour (day of month and day of week `*`/`?`, every month and year), or
/// `rate(1 day)` / `rate(24 hours)`.
fn runs_once_a_day(expression: &str) -> bool {
    if let Some(rate) = expression.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        return matches!(rate.trim(), "1 day" | "24 hours" | "1440 minutes");
    }
    let Some(fields) = expression.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) else {
        return false;
    };
    let f: Vec<&str> = fields.split_whitespace().collect();
    let single = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|n| n <= max);
    f.len() == 6
        && single(f[0], 59)
        && single(f[1], 23)
        && matches!(f[2], "*" | "?")
        && f[3] == "*"
        && matches!(f[4], "*" | "?")
        && f[2] != f[4]
        && f[5] == "*"
}

#[test]
fn the_schedule_reader_tells_daily_from_other_schedules() {
    for daily in ["cron(0 18 * * ? *)", "cron(30 2 ? * * *)", "rate(1 day)", "rate(24 hours)"] {
        assert!(runs_once_a_day(daily), "{daily}");
    }
    for not_daily in [
        "cron(0 18 ? * MON *)", // weekly
        "cron(0 18 1 * ? *)",   // monthly
        "cron(0 0/12 * * ? *)", // twice a day
        "cron(0 18 * 1 ? *)",   // January only
        "cron(0 18 * * ? 2030)",
        "rate(2 days)",
        "rate(12 hours)",
        "cron(0 18 * * *)",
    ] {
        assert!(!runs_once_a_day(not_daily), "{not_daily}");
    }
}

#[test]
fn the_retention_parameter_defaults_to_the_promised_three_days_and_refuses_fewer() {
    let t = load("infra/template.yaml");
    let p = &t["Parameters"]["BackupRetentionDays"];
    assert_eq!(p["Type"].as_str(), Some("Number"));
    assert_eq!(p["Default"].as_i64(), Some(3), "the promise: kept 3 days");
    assert_eq!(p["MinValue"].as_i64(), Some(3), "a deploy may keep backups longer, never shorter");
}

#[test]
fn every_backup_and_every_copy_is_kept_for_the_retention_parameter() {
    let t = load("infra/template.yaml");
    for rule in plan_rules(&t) {
        let name = rule["RuleName"].as_str().unwrap_or("?").to_owned();
        assert_eq!(
            ref_name(&rule["Lifecycle"]["DeleteAfterDays"]),
            Some("BackupRetentionDays"),
            "rule {name}: its backups' lifecycle is not the retention parameter"
        );
        assert!(rule["Lifecycle"]["MoveToColdStorageAfterDays"].is_null(), "rule {name}: no cold storage (90 days minimum)");
        let copies = rule["CopyActions"].as_sequence().unwrap_or_else(|| panic!("rule {name}: no copy actions"));
        assert!(!copies.is_empty(), "rule {name}: no copy actions");
        for copy in copies {
            assert_eq!(
                ref_name(&copy["Lifecycle"]["DeleteAfterDays"]),
                Some("BackupRetentionDays"),
                "rule {name}: a copy's lifecycle is not the retention parameter"
            );
        }
    }
}

#[test]
fn the_table_is_backed_up_once_a_day() {
    let t = load("infra/template.yaml");
    for rule in plan_rules(&t) {
        let schedule = rule["ScheduleExpression"].as_str().expect("a literal schedule");
        assert!(runs_once_a_day(schedule), "rule {:?}: {schedule} is not once a day", rule["RuleName"]);
    }
    // The selection puts the table in the plan.
    let selection = &resources(&t)["BackupSelection"];
    assert_eq!(selection["Type"].as_str(), Some("AWS::Backup::BackupSelection"));
    assert_eq!(ref_name(&selection["Properties"]["BackupPlanId"]), Some("BackupPlan"));
    let covered: Vec<String> = selection["Properties"]["BackupSelection"]["Resources"]
        .as_sequence()
        .expect("selected resources")
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    assert!(covered.iter().any(|r| r.contains("!GetAtt") && r.contains("Table.Arn")), "the table is not selected: {covered:?}");
}

#[test]
fn every_backup_is_copied_to_the_osaka_vault_and_no_backup_arn_names_a_region_outside_japan() {
    let t = load("infra/template.yaml");
    for rule in plan_rules(&t) {
        for copy in rule["CopyActions"].as_sequence().expect("copy actions") {
            let arn = sub_text(&copy["DestinationBackupVaultArn"]).expect("the destination is an !Sub ARN");
            assert!(
                arn.starts_with("arn:${AWS::Partition}:backup:ap-northeast-3:${AWS::AccountId}:backup-vault:"),
                "the copy does not go to a vault of this account in ap-northeast-3: {arn}"
            );
            assert!(arn.ends_with(":backup-vault:${OsakaBackupVaultName}"), "the vault is not the OsakaBackupVaultName parameter: {arn}");
        }
    }
    // Every backup resource, and the role AWS Backup acts with.
    let mut strings = Vec::new();
    let mut backup_resources = 0;
    for (id, r) in resources(&t) {
        let backup = r["Type"].as_str().is_some_and(|ty| ty.starts_with("AWS::Backup::"));
        if backup || id.as_str() == Some("BackupRole") {
            backup_resources += usize::from(backup);
            all_strings(r, &mut strings);
        }
    }
    assert!(backup_resources >= 3, "vault, plan and selection: {backup_resources}");
    let mut found = Vec::new();
    for s in &strings {
        for region in regions_in(s) {
            assert!(JAPAN.contains(&region.as_str()), "{region} (outside Japan) in a backup resource: {s}");
            found.push(region);
        }
    }
    assert!(found.iter().any(|r| r == "ap-northeast-3"), "the region reader saw no region at all: {strings:?}");
    // The stack itself deploys to Tokyo only, so ${AWS::Region} in its ARNs is Tokyo.
    let tokyo = format!("{:?}", t["Rules"]["TokyoOnly"]["Assertions"][0]["Assert"]);
    assert!(tokyo.contains("!Equals") && tokyo.contains("ap-northeast-1"), "{tokyo}");
}

#[test]
fn the_region_reader_sees_regions_outside_japan() {
    assert_eq!(regions_in("arn:aws:backup:us-east-1:1:backup-vault:x"), ["us-east-1"]);
    assert_eq!(regions_in("arn:aws-us-gov:backup:us-gov-west-1:1:x"), ["us-gov-west-1"]);
    assert_eq!(regions_in("arn:${AWS::Partition}:backup:ap-northeast-3:${AWS::AccountId}:backup-vault:v"), ["ap-northeast-3"]);
    assert!(regions_in("kyocho-osaka ${AWS::StackName}-vault backup-vault").is_empty());
}

#[test]
fn the_osaka_vault_template_deploys_to_osaka_only_with_its_own_key_and_the_same_vault_name() {
    let main = load("infra/template.yaml");
    let osaka = load("infra/backup-osaka.yaml");
    let assertion = &osaka["Rules"]["OsakaOnly"]["Assertions"][0]["Assert"];
    let Value::Tagged(eq) = assertion else { panic!("OsakaOnly is not an !Equals") };
    assert_eq!(eq.tag, "!Equals");
    let args = eq.value.as_sequence().unwrap();
    assert_eq!(ref_name(&args[0]), Some("AWS::Region"));
    assert_eq!(args[1].as_str(), Some("ap-northeast-3"));

    let vault = &resources(&osaka)["Vault"];
    assert_eq!(vault["Type"].as_str(), Some("AWS::Backup::BackupVault"));
    assert_eq!(ref_name(&vault["Properties"]["BackupVaultName"]), Some("VaultName"));
    assert_eq!(vault["DeletionPolicy"].as_str(), Some("Retain"));
    let key = format!("{:?}", vault["Properties"]["EncryptionKeyArn"]);
    assert!(key.contains("!GetAtt") && key.contains("VaultKey.Arn"), "the vault is not encrypted with its own key: {key}");
    assert_eq!(resources(&osaka)["VaultKey"]["Type"].as_str(), Some("AWS::KMS::Key"));

    // One vault name: what the Osaka stack creates is what the main stack copies to.
    let created = osaka["Parameters"]["VaultName"]["Default"].as_str();
    let copied_to = main["Parameters"]["OsakaBackupVaultName"]["Default"].as_str();
    assert!(created.is_some());
    assert_eq!(created, copied_to, "infra/backup-osaka.yaml VaultName and infra/template.yaml OsakaBackupVaultName differ");

    let mut strings = Vec::new();
    all_strings(&osaka, &mut strings);
    for s in &strings {
        for region in regions_in(s) {
            assert!(JAPAN.contains(&region.as_str()), "{region} (outside Japan) in infra/backup-osaka.yaml: {s}");
        }
    }
}

#[test]
fn the_table_keeps_point_in_time_recovery() {
    let t = load("infra/template.yaml");
    let table = &resources(&t)["Table"];
    assert_eq!(table["Type"].as_str(), Some("AWS::DynamoDB::Table"));
    let pitr = &table["Properties"]["PointInTimeRecoverySpecification"];
    assert_eq!(pitr["PointInTimeRecoveryEnabled"].as_bool(), Some(true), "point-in-time recovery is off: {pitr:?}");
    assert_eq!(table["DeletionPolicy"].as_str(), Some("Retain"));
    assert_eq!(table["Properties"]["DeletionProtectionEnabled"].as_bool(), Some(true));
}
