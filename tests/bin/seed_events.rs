//! Seed moto with the world the functions' events expect (`kyocho_tests::events`), for
//! `cargo lambda watch` + `cargo lambda invoke` (`tests/lambda-invoke.sh`):
//!
//! ```sh
//! cargo run -p kyocho-tests --bin seed-events -- --endpoint http://127.0.0.1:5055 --env-file target/events.env
//! ```
//!
//! Makes (once) the table, the exports and audit-anchor buckets, the audit-chain HMAC key,
//! a Cognito user pool and its admin-flow client; then empties the table and the pool and
//! seeds the company, its users and the project afresh, so that every event meets the same
//! world. Writes the functions' environment to `--env-file` (including `PROJECT_ID`, which
//! replaces the events' project id).

use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider as cip;
use aws_sdk_dynamodb::config::Credentials;
use kyocho_tests::events::seed;
use platform::aws::AwsConfig;

const TABLE: &str = "kyocho-events";
const BUCKET: &str = "kyocho-events-exports";
const ANCHORS: &str = "kyocho-events-anchors";
const CHAIN_KEY: &str = "alias/kyocho-events/audit-chain";
const KEY_PREFIX: &str = "alias/kyocho-events/tenant/";
const POOL: &str = "kyocho-events";
const TENANT_ROLE: &str = "arn:aws:iam::123456789012:role/kyocho-events-tenant-access";

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let endpoint = arg("--endpoint").unwrap_or_else(|| "http://127.0.0.1:5055".into());
    let env_file = arg("--env-file").unwrap_or_else(|| "target/events.env".into());
    let region = platform::aws::DEFAULT_REGION;
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region))
        .endpoint_url(&endpoint)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "seed-events"))
        .load()
        .await;
    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    let kms = aws_sdk_kms::Client::new(&sdk);
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
    let cognito = cip::Client::new(&sdk);

    // The table: made once, emptied each time.
    if dynamo.describe_table().table_name(TABLE).send().await.is_err() {
        platform::aws::create_table(&dynamo, TABLE).await?;
    }
    let mut start = None;
    loop {
        let page = dynamo.scan().table_name(TABLE).set_exclusive_start_key(start.take()).send().await?;
        for item in page.items() {
            let key = [("PK", item.get("PK")), ("SK", item.get("SK"))]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.clone())))
                .collect();
            dynamo.delete_item().table_name(TABLE).set_key(Some(key)).send().await?;
        }
        match page.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => break,
        }
    }
    // The buckets (the anchors' with Object Lock).
    let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
        .build();
    if s3.head_bucket().bucket(BUCKET).send().await.is_err() {
        s3.create_bucket().bucket(BUCKET).create_bucket_configuration(location.clone()).send().await?;
    }
    if s3.head_bucket().bucket(ANCHORS).send().await.is_err() {
        s3.create_bucket().bucket(ANCHORS).object_lock_enabled_for_bucket(true).create_bucket_configuration(location).send().await?;
    }
    // The audit-chain HMAC key.
    if kms.describe_key().key_id(CHAIN_KEY).send().await.is_err() {
        let key = kms
            .create_key()
            .key_spec(aws_sdk_kms::types::KeySpec::Hmac256)
            .key_usage(aws_sdk_kms::types::KeyUsageType::GenerateVerifyMac)
            .send()
            .await?;
        let id = key.key_metadata().map(|m| m.key_id().to_owned()).ok_or_else(|| anyhow::anyhow!("no key id"))?;
        kms.create_alias().alias_name(CHAIN_KEY).target_key_id(id).send().await?;
    }
    // The user pool: made once, emptied each time.
    let pools = cognito.list_user_pools().max_results(60).send().await?;
    let pool_id = match pools.user_pools().iter().find(|p| p.name() == Some(POOL)).and_then(|p| p.id()) {
        Some(id) => id.to_owned(),
        None => {
            let pool = cognito
                .create_user_pool()
                .pool_name(POOL)
                .mfa_configuration(cip::types::UserPoolMfaType::Optional)
                .schema(
                    cip::types::SchemaAttributeType::builder()
                        .name("tenant_id")
                        .attribute_data_type(cip::types::AttributeDataType::String)
                        .mutable(false)
                        .build(),
                )
                .send()
                .await?;
            pool.user_pool().and_then(|p| p.id()).ok_or_else(|| anyhow::anyhow!("no pool id"))?.to_owned()
        }
    };
    let clients = cognito.list_user_pool_clients().user_pool_id(&pool_id).max_results(10).send().await?;
    let client_id = match clients.user_pool_clients().first().and_then(|c| c.client_id()) {
        Some(id) => id.to_owned(),
        None => cognito
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("web")
            .explicit_auth_flows(cip::types::ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
            .explicit_auth_flows(cip::types::ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await?
            .user_pool_client()
            .and_then(|c| c.client_id())
            .ok_or_else(|| anyhow::anyhow!("no client id"))?
            .to_owned(),
    };
    let users = cognito.list_users().user_pool_id(&pool_id).send().await?;
    for u in users.users() {
        if let Some(name) = u.username() {
            cognito.admin_delete_user().user_pool_id(&pool_id).username(name).send().await?;
        }
    }

    let cfg = AwsConfig {
        table_name: TABLE.into(),
        endpoint_url: Some(endpoint.clone()),
        region: region.into(),
        key_alias_prefix: KEY_PREFIX.into(),
        bucket: Some(BUCKET.into()),
        audit_chain_key: CHAIN_KEY.into(),
        tenant_role_arn: Some(TENANT_ROLE.into()),
        anchor_bucket: Some(ANCHORS.into()),
    };
    // The service's certificate signing key (an ECC key, found again by its alias).
    let kms = aws_sdk_kms::Client::new(&sdk);
    let signing_alias = "alias/kyocho-events/certificate-signing";
    let signing_key = match kms.describe_key().key_id(signing_alias).send().await {
        Ok(d) => d.key_metadata().map(|m| m.arn().unwrap_or(m.key_id()).to_owned()).ok_or_else(|| anyhow::anyhow!("no key metadata"))?,
        Err(_) => {
            let created = kms
                .create_key()
                .key_spec(aws_sdk_kms::types::KeySpec::EccNistP256)
                .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
                .send()
                .await?;
            let meta = created.key_metadata().ok_or_else(|| anyhow::anyhow!("no key metadata"))?;
            kms.create_alias().alias_name(signing_alias).target_key_id(meta.key_id()).send().await?;
            meta.arn().unwrap_or(meta.key_id()).to_owned()
        }
    };
    std::env::set_var("KYOCHO_CERTIFICATE_KEY_ID", &signing_key);
    let backend = platform::aws::backend_from_sdk_config(&sdk, &cfg);
    let idp = platform::identity::cognito::CognitoIdentity::new(cognito, pool_id.clone(), client_id.clone());
    let seeded = seed(&backend, &idp).await?;

    let env = [
        ("RUST_LOG", "info"),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_REGION", region),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("KYOCHO_TABLE", TABLE),
        ("KYOCHO_BUCKET", BUCKET),
        ("KYOCHO_KEY_ALIAS_PREFIX", KEY_PREFIX),
        ("KYOCHO_AUDIT_CHAIN_KEY", CHAIN_KEY),
        ("KYOCHO_AUDIT_ANCHOR_BUCKET", ANCHORS),
        ("KYOCHO_TENANT_ROLE_ARN", TENANT_ROLE),
        ("KYOCHO_USER_POOL_ID", pool_id.as_str()),
        ("KYOCHO_USER_POOL_CLIENT_ID", client_id.as_str()),
        ("KYOCHO_CERTIFICATE_KEY_ID", signing_key.as_str()),
        ("PROJECT_ID", seeded.project_id.as_str()),
    ];
    let text: String = env.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    std::fs::write(&env_file, text)?;
    println!("seeded {TABLE} in {endpoint}: project {}", seeded.project_id);
    Ok(())
}
