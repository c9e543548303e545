//! The local identity provider's signing key and tokens: Ed25519 (EdDSA) JWTs, checked by the
//! local gateway the way API Gateway's JWT authorizer checks Cognito's (signature, issuer,
//! audience, expiry). The key is generated on first use and its public half served as JWKS.

use std::path::Path;

use anyhow::Context;
use base64::Engine;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value};

/// Issuer of local tokens.
pub const ISSUER: &str = "kyocho-local";
/// Audience (app client id) of local tokens.
pub const AUDIENCE: &str = "kyocho-web";
/// Audience of the operator's tokens (`kyocho ops token`): never accepted on a tenant route.
pub const OPERATOR_AUDIENCE: &str = "kyocho-ops";
/// Lifetime of an access token, in seconds.
pub const TOKEN_TTL_SECS: i64 = 3600;

/// The signing key pair with its key id.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    public_x: String,
    kid: String,
}

impl Keys {
    /// Load the key from `path` (PKCS#8 DER), creating it on first use.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Keys> {
        let signing = match std::fs::read(path) {
            Ok(der) => SigningKey::from_pkcs8_der(&der).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = SigningKey::generate(&mut rand::rngs::OsRng);
                let der = key.to_pkcs8_der().map_err(|e| anyhow::anyhow!("encoding key: {e}"))?;
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                write_private(path, der.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
                key
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let der = signing.to_pkcs8_der().map_err(|e| anyhow::anyhow!("encoding key: {e}"))?;
        let public_x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signing.verifying_key().as_bytes());
        let kid = platform::seal::hex(&sha2_256(signing.verifying_key().as_bytes())[..8]);
        Ok(Keys {
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            decoding: DecodingKey::from_ed_components(&public_x)?,
            public_x,
            kid,
        })
    }

    /// Sign a token for `sub` in `tenant`, issued now.
    pub fn mint(&self, sub: &str, tenant: &str) -> anyhow::Result<String> {
        self.mint_with(sub, tenant, |_| {})
    }

    /// Sign a token like [`Keys::mint`] after `change` edits its claims (tests use it for
    /// tokens the API must refuse: an ID token, a token from the future).
    pub fn mint_with(&self, sub: &str, tenant: &str, change: impl FnOnce(&mut Value)) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut claims = serde_json::json!({
            "iss": ISSUER,
            "aud": AUDIENCE,
            "client_id": AUDIENCE,
            "sub": sub,
            "custom:tenant_id": tenant,
            "token_use": "access",
            "iat": now,
            "exp": now + TOKEN_TTL_SECS,
            "jti": uuid::Uuid::new_v4().to_string(),
        });
        change(&mut claims);
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    /// Sign an operator token for `name` (the local stand-in for an IAM principal), valid
    /// for [`TOKEN_TTL_SECS`].
    pub fn mint_operator(&self, name: &str) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = serde_json::json!({
            "iss": ISSUER,
            "aud": OPERATOR_AUDIENCE,
            "sub": name,
            "token_use": "operator",
            "iat": now,
            "exp": now + TOKEN_TTL_SECS,
            "jti": uuid::Uuid::new_v4().to_string(),
        });
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    /// Verify an operator token; on success the operator's name.
    pub fn verify_operator(&self, token: &str) -> Option<String> {
        let claims = self.verify_for(token, OPERATOR_AUDIENCE)?;
        (claims.get("token_use").map(String::as_str) == Some("operator"))
            .then(|| claims.get("sub").cloned())
            .flatten()
    }

    /// Verify a bearer token; on success the claims as API Gateway passes them (strings).
    pub fn verify(&self, token: &str) -> Option<std::collections::HashMap<String, String>> {
        self.verify_for(token, AUDIENCE)
    }

    fn verify_for(
        &self,
        token: &str,
        audience: &str,
    ) -> Option<std::collections::HashMap<String, String>> {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[audience]);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &self.decoding, &validation).ok()?;
        Some(
            data.claims
                .into_iter()
                .map(|(k, v)| {
                    let s = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (k, s)
                })
                .collect(),
        )
    }

    /// The public key as a JSON Web Key Set.
    pub fn jwks(&self) -> Value {
        serde_json::json!({ "keys": [{
            "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
            "kid": self.kid, "x": self.public_x,
        }]})
    }
}

impl platform::identity::local::TokenMinter for Keys {
    fn mint(&self, sub: &str, tenant: &str) -> anyhow::Result<String> {
        Keys::mint(self, sub, tenant)
    }

    fn ttl_secs(&self) -> i64 {
        TOKEN_TTL_SECS
    }
}

fn sha2_256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)?.write_all(bytes)
}
