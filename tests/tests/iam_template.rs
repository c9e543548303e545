//! Who may do what, read from `infra/template.yaml`: isolation that holds even when a
//! handler has a bug.
//!
//! - each function's own role lists exactly the actions of its row in [`FUNCTION_ACTIONS`],
//!   and no action anywhere in the template is one the code never calls (derived from the
//!   SDK calls in `shared/platform/src`);
//! - tenant data is reachable only through sessions of the tenant-access role, whose policy
//!   names the session's `tenant_id` tag in every DynamoDB, KMS and S3 statement;
//! - the SMS role may not publish to topics.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_yaml::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn template() -> Value {
    let path = repo_root().join("infra/template.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A value that is a string, or a list of strings.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// The statements of a function's inline policies (SAM `Policies`).
fn function_statements(t: &Value, name: &str) -> Vec<Value> {
    let policies = &t["Resources"][name]["Properties"]["Policies"];
    policies
        .as_sequence()
        .map(|ps| ps.iter().flat_map(|p| p["Statement"].as_sequence().cloned().unwrap_or_default()).collect())
        .unwrap_or_default()
}

/// The statements of an IAM role's inline policies.
fn role_statements(t: &Value, name: &str) -> Vec<Value> {
    t["Resources"][name]["Properties"]["Policies"]
        .as_sequence()
        .expect("the role's policies")
        .iter()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_sequence().cloned().unwrap_or_default())
        .collect()
}

fn allowed(statements: &[Value]) -> BTreeSet<String> {
    statements.iter().filter(|s| s["Effect"].as_str() == Some("Allow")).flat_map(|s| strings(&s["Action"])).collect()
}

/// What each function's own role may do. Tenant data is not in any row: it is reached
/// through the tenant-access role.
const FUNCTION_ACTIONS: &[(&str, &[&str])] = &[
    ("HealthFunction", &[]),
    ("TokenClaimsFunction", &[]),
    ("ProjectsFunction", &["dynamodb:GetItem", "kms:GenerateMac", "sts:AssumeRole", "sts:TagSession"]),
    ("AnalysisFunction", &["dynamodb:GetItem", "kms:GenerateMac", "sts:AssumeRole", "sts:TagSession"]),
    ("LibraryFunction", &["dynamodb:GetItem", "kms:GenerateMac", "sts:AssumeRole", "sts:TagSession"]),
    ("ExportsFunction", &["dynamodb:GetItem", "kms:GenerateMac", "sts:AssumeRole", "sts:TagSession"]),
    (
        "AuthFunction",
        &[
            "cognito-idp:AdminGetUser",
            "cognito-idp:AdminInitiateAuth",
            "cognito-idp:AdminRespondToAuthChallenge",
            "cognito-idp:AdminSetUserMFAPreference",
            "cognito-idp:AdminUserGlobalSignOut",
            "dynamodb:GetItem",
            "kms:GenerateMac",
            "ses:SendEmail",
            "sts:AssumeRole",
            "sts:TagSession",
        ],
    ),
    (
        "AdminUsersFunction",
        &[
            "cognito-idp:AdminCreateUser",
            "cognito-idp:AdminDeleteUser",
            "cognito-idp:AdminDisableUser",
            "cognito-idp:AdminEnableUser",
            "cognito-idp:AdminGetUser",
            "cognito-idp:AdminSetUserMFAPreference",
            "cognito-idp:AdminUserGlobalSignOut",
            "dynamodb:GetItem",
            "kms:GenerateMac",
            "sts:AssumeRole",
            "sts:TagSession",
        ],
    ),
    ("AdminSettingsFunction", &["dynamodb:GetItem", "kms:GenerateMac", "sts:AssumeRole", "sts:TagSession"]),
    (
        "DeskFunction",
        &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "kms:GenerateMac", "ses:SendEmail", "sts:AssumeRole", "sts:TagSession"],
    ),
    (
        "TenantsFunction",
        &[
            "cognito-idp:AdminCreateUser",
            "cognito-idp:AdminDeleteUser",
            "dynamodb:BatchWriteItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "kms:CreateAlias",
            "kms:CreateKey",
            "kms:DeleteAlias",
            "kms:DescribeKey",
            "kms:EnableKeyRotation",
            "kms:GenerateMac",
            "kms:GetPublicKey",
            "kms:ScheduleKeyDeletion",
            "kms:Sign",
            "kms:TagResource",
            "ses:SendEmail",
            "sts:AssumeRole",
            "sts:TagSession",
        ],
    ),
];

/// The service's own partitions a function may reach with its own role (never a tenant's):
/// the desk's announcements and inquiry queue, the registry of companies.
const SERVICE_PARTITIONS: &[&str] = &["DESK#*", "DESK#INQUIRY", "REGISTRY#TENANT"];

#[test]
fn each_function_role_lists_exactly_its_row_of_the_table() {
    let t = template();
    let functions: BTreeSet<String> = t["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|(k, _)| k.as_str().unwrap().to_owned())
        .collect();
    let rows: BTreeSet<String> = FUNCTION_ACTIONS.iter().map(|(f, _)| (*f).to_owned()).collect();
    assert_eq!(functions, rows, "a function without a row (or a row without a function)");
    for (function, expected) in FUNCTION_ACTIONS {
        let actual = allowed(&function_statements(&t, function));
        let expected: BTreeSet<String> = expected.iter().map(|a| (*a).to_owned()).collect();
        assert_eq!(actual, expected, "{function}'s own actions");
        for s in function_statements(&t, function) {
            let actions = strings(&s["Action"]);
            assert!(!actions.iter().any(|a| a.ends_with('*')), "{function}: no wildcard actions: {actions:?}");
            if actions.iter().any(|a| a.starts_with("dynamodb:")) {
                let keys = strings(&s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]);
                if keys == ["SUB#*"] {
                    assert_eq!(actions, ["dynamodb:GetItem"], "{function} reads user lookups only");
                } else {
                    // The service's own partitions, never a tenant's, and never without a key.
                    assert!(!keys.is_empty() && keys.iter().all(|k| SERVICE_PARTITIONS.contains(&k.as_str())), "{function}: {keys:?}");
                    assert_eq!(s["Condition"]["Null"]["dynamodb:LeadingKeys"].as_str(), Some("false"), "{function} names its partitions");
                }
            }
            if actions.iter().any(|a| a.starts_with("sts:")) {
                assert!(format!("{:?}", s["Resource"]).contains("TenantAccessRole"), "{function} assumes only the tenant-access role");
            }
        }
    }
}

/// `AdminCreateUser` → `admin_create_user`, `AdminSetUserMFAPreference` →
/// `admin_set_user_mfa_preference` (the SDK's method names).
fn snake(operation: &str) -> String {
    let chars: Vec<char> = operation.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_ascii_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev_lower || (chars[i - 1].is_ascii_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn platform_sources() -> String {
    fn walk(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).expect("read source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&path).expect("read source"));
            }
        }
    }
    let mut out = String::new();
    walk(&repo_root().join("shared/platform/src"), &mut out);
    out
}

/// Where the code makes the call that needs an action, for the actions whose SDK method is
/// not simply the operation's name.
fn calls_for(action: &str) -> Vec<String> {
    let (_, operation) = action.split_once(':').expect("service:Operation");
    match action {
        // Written inside transactions too.
        "dynamodb:PutItem" => vec![".put_item()".into(), "Put::builder()".into()],
        "dynamodb:UpdateItem" => vec![".update_item()".into(), "Update::builder()".into()],
        "dynamodb:DeleteItem" => vec![".delete_item()".into(), "Delete::builder()".into()],
        // HeadObject and presigned downloads are authorised as GetObject.
        "s3:GetObject" => vec![".get_object()".into(), ".head_object()".into()],
        "s3:ListBucket" => vec![".list_objects_v2()".into()],
        "s3:ListBucketVersions" => vec![".list_object_versions()".into()],
        // CreateKey with tags needs TagResource as well.
        "kms:TagResource" => vec![".create_key()".into()],
        "s3:DeleteObjectVersion" => vec![".delete_objects()".into()],
        // The tenant session: AssumeRole with a session tag.
        "sts:AssumeRole" => vec!["AssumeRoleProvider::builder".into()],
        "sts:TagSession" => vec![".tags([(TENANT_TAG".into()],
        _ => vec![format!(".{}()", snake(operation))],
    }
}

#[test]
fn no_role_may_do_what_the_code_never_calls() {
    let t = template();
    let code = platform_sources();
    let mut granted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (function, _) in FUNCTION_ACTIONS {
        for a in allowed(&function_statements(&t, function)) {
            granted.entry(a).or_default().insert((*function).to_owned());
        }
    }
    for a in allowed(&role_statements(&t, "TenantAccessRole")) {
        granted.entry(a).or_default().insert("TenantAccessRole".to_owned());
    }
    for (action, holders) in &granted {
        let calls = calls_for(action);
        assert!(
            calls.iter().any(|c| code.contains(c.as_str())),
            "{action} (granted to {holders:?}) is never called: none of {calls:?} is in shared/platform/src"
        );
    }
    assert!(granted.len() >= 15, "the table read the template: {granted:?}");
}

#[test]
fn tenant_data_is_reachable_only_in_a_session_tagged_with_its_tenant() {
    let t = template();
    let role = &t["Resources"]["TenantAccessRole"];
    assert_eq!(role["Type"].as_str(), Some("AWS::IAM::Role"));
    // Trust: the stack's own roles, and only with the tenant tag (TagSession allowed).
    let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(strings(&trust["Action"]), ["sts:AssumeRole", "sts:TagSession"]);
    assert_eq!(trust["Condition"]["StringLike"]["aws:RequestTag/tenant_id"].as_str(), Some("?*"));
    assert_eq!(strings(&trust["Condition"]["ForAllValues:StringEquals"]["aws:TagKeys"]), ["tenant_id"]);
    assert!(
        format!("{:?}", trust["Condition"]["ArnLike"]["aws:PrincipalArn"]).contains("${AWS::StackName}-"),
        "only roles of this stack may assume it"
    );

    let tag = "${aws:PrincipalTag/tenant_id}";
    for s in role_statements(&t, "TenantAccessRole") {
        let actions = strings(&s["Action"]);
        let sid = s["Sid"].as_str().unwrap_or("?").to_owned();
        if actions.iter().any(|a| a.starts_with("dynamodb:")) {
            let keys = strings(&s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]);
            assert!(!keys.is_empty(), "{sid}: DynamoDB only with a leading-key condition");
            assert_eq!(s["Condition"]["Null"]["dynamodb:LeadingKeys"].as_str(), Some("false"), "{sid}: no key-less access (scans)");
            for k in &keys {
                assert!(
                    k == &format!("TENANT#{tag}") || k == &format!("TENANT#{tag}#AUDIT#*") || k == "SUB#*",
                    "{sid}: leading key {k} is not the session's tenant"
                );
            }
            if keys.iter().any(|k| k == "SUB#*") {
                assert!(!actions.contains(&"dynamodb:Query".to_owned()), "{sid}: user lookups are read by key, never listed");
            }
        }
        if actions.iter().any(|a| a.starts_with("kms:")) {
            assert_eq!(
                s["Condition"]["StringEquals"]["kms:EncryptionContext:tenant_id"].as_str(),
                Some(tag),
                "{sid}: KMS only under the session's tenant context"
            );
        }
        if actions.iter().any(|a| a.starts_with("s3:")) {
            let scoped = format!("{:?}{:?}", s["Resource"], s["Condition"]);
            assert!(
                scoped.contains("tenants/${!aws:PrincipalTag/tenant_id}/") || scoped.contains(&format!("tenants/{tag}/")),
                "{sid}: S3 only under the session's tenant prefix: {scoped}"
            );
        }
    }
    let text = std::fs::read_to_string(repo_root().join("infra/template.yaml")).unwrap();
    assert!(!text.contains("kms:RequestAlias:"), "S3's own KMS calls carry no alias: the condition must not depend on it");
    let env = &t["Globals"]["Function"]["Environment"]["Variables"]["KYOCHO_TENANT_ROLE_ARN"];
    assert!(format!("{env:?}").contains("TenantAccessRole"), "every function knows the role: {env:?}");
}

#[test]
fn the_sms_role_sends_to_phone_numbers_only() {
    let t = template();
    let statements = role_statements(&t, "UserPoolSmsRole");
    let deny = statements.iter().find(|s| s["Effect"].as_str() == Some("Deny")).expect("a deny on topics");
    assert_eq!(strings(&deny["Action"]), ["sns:Publish"]);
    assert!(format!("{:?}", deny["Resource"]).contains(":sns:*:*:*"), "every topic ARN is refused");
}

/// Given the policy a new company's key is created with, then: only a session of the
/// tenant-access role tagged with that company, under that company's encryption context,
/// may generate or unwrap its data keys; every cryptographic operation is denied to every
/// other principal (an operator's included); the account administers the key without any
/// cryptographic action.
#[test]
fn a_company_key_policy_lets_only_that_companys_sessions_decrypt() {
    let role = "arn:aws:iam::123456789012:role/kyocho-prod-TenantAccessRole";
    let tenant = platform::ids::TenantId::parse("acme").unwrap();
    let policy: serde_json::Value = serde_json::from_str(&platform::aws::tenant_key_policy(role, &tenant).expect("a policy")).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    let crypto = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"];
    let allow_use = statements.iter().find(|s| s["Effect"] == "Allow" && s["Principal"]["AWS"] == role).expect("the tenant sessions' statement");
    assert_eq!(allow_use["Condition"]["StringEquals"]["kms:EncryptionContext:tenant_id"], "acme");
    assert_eq!(allow_use["Condition"]["StringEquals"]["aws:PrincipalTag/tenant_id"], "acme");
    let deny = statements.iter().find(|s| s["Effect"] == "Deny").expect("an explicit deny");
    assert_eq!(deny["Principal"], "*");
    for action in crypto {
        assert!(deny["Action"].as_array().unwrap().iter().any(|a| a == action), "{action} denied to others");
    }
    assert_eq!(deny["Condition"]["StringNotEquals"]["aws:PrincipalArn"], role);
    for s in statements.iter().filter(|s| s["Effect"] == "Allow" && s["Principal"]["AWS"] != role) {
        let actions: Vec<&str> = s["Action"].as_array().unwrap().iter().filter_map(|a| a.as_str()).collect();
        assert!(!actions.iter().any(|a| crypto.contains(a) || *a == "kms:*"), "no cryptographic action for {}: {actions:?}", s["Principal"]);
    }
}

/// Given the operator role, then it may call the `/ops` routes and nothing else: no KMS
/// action at all (no operator decrypts a company's data), no DynamoDB or S3 access; and it
/// is assumed only with MFA.
#[test]
fn the_operator_role_calls_the_ops_routes_and_decrypts_nothing() {
    let t = template();
    let statements = role_statements(&t, "OperatorRole");
    assert!(!statements.is_empty(), "an OperatorRole");
    let actions = allowed(&statements);
    assert_eq!(actions, BTreeSet::from(["execute-api:Invoke".to_owned()]));
    for s in &statements {
        let resource = format!("{:?}", s["Resource"]);
        assert!(resource.contains("/ops/*"), "only the /ops routes: {resource}");
    }
    let trust = &t["Resources"]["OperatorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Condition"]["Bool"]["aws:MultiFactorAuthPresent"].as_str(), Some("true"));
    // No other statement in the template names the operator role for a key.
    let text = std::fs::read_to_string(repo_root().join("infra/template.yaml")).unwrap();
    for (i, line) in text.lines().enumerate() {
        assert!(!(line.contains("OperatorRole") && line.contains("kms")), "line {}: {line}", i + 1);
    }
}
