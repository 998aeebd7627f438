//! HS256 access tokens with the algorithm pinned.
//!
//! Written on `hmac`/`sha2` rather than a JWT crate: the header must be exactly HS256
//! (no `none`, no algorithm confusion), and the general-purpose crates pull in RSA code
//! with an open advisory that this appliance has no use for.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// Tokens whose `iat` lies further in the future than this are not yet valid.
pub const CLOCK_LEEWAY_SECS: i64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    /// Tenant slug; absent on system tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
    /// `tenant` or `system`.
    pub scope: String,
    /// Refresh-token family (one per login).
    pub fam: String,
    /// The user's token epoch when issued; bumped by password change and deactivation.
    pub ep: i64,
    /// Password expired: the token is good only for changing it.
    #[serde(default)]
    pub pwx: bool,
}

pub struct JwtKey(Zeroizing<Vec<u8>>);

impl JwtKey {
    pub fn new(secret: &[u8]) -> JwtKey {
        JwtKey(Zeroizing::new(secret.to_vec()))
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length; this cannot fail.
        match HmacSha256::new_from_slice(&self.0) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any size"),
        }
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{sig}")
    }

    /// Verifies signature, algorithm and time; returns the claims or why not.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, &'static str> {
        if token.len() > 4096 {
            return Err("token too long");
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("not a JWS compact token");
        };
        let header: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(h)
                .map_err(|_| "bad header encoding")?,
        )
        .map_err(|_| "bad header")?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return Err("algorithm not allowed");
        }
        if header.get("crit").is_some() {
            return Err("critical header extensions not supported");
        }
        let sig = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| "bad signature encoding")?;
        let mut mac = self.mac();
        mac.update(h.as_bytes());
        mac.update(b".");
        mac.update(p.as_bytes());
        mac.verify_slice(&sig).map_err(|_| "bad signature")?;
        let claims: Claims = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(p)
                .map_err(|_| "bad payload encoding")?,
        )
        .map_err(|_| "bad claims")?;
        if claims.exp <= now {
            return Err("expired");
        }
        if claims.iat > now + CLOCK_LEEWAY_SECS {
            return Err("not yet valid");
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(now: i64) -> Claims {
        Claims {
            sub: "u1".into(),
            tid: Some("acme".into()),
            jti: "j1".into(),
            iat: now,
            exp: now + 3600,
            scope: "tenant".into(),
            fam: "f1".into(),
            ep: 0,
            pwx: false,
        }
    }

    #[test]
    fn round_trip() {
        let k = JwtKey::new(b"0123456789abcdef0123456789abcdef");
        let t = k.sign(&claims(1000));
        assert_eq!(k.verify(&t, 1001), Ok(claims(1000)));
    }

    #[test]
    fn rejects_forgeries() {
        let k = JwtKey::new(b"0123456789abcdef0123456789abcdef");
        let other = JwtKey::new(b"another-secret-another-secret-xx");
        let good = k.sign(&claims(1000));
        assert_eq!(
            k.verify(&other.sign(&claims(1000)), 1001),
            Err("bad signature")
        );
        assert_eq!(k.verify(&good, 1000 + 3600), Err("expired"));
        assert_eq!(k.verify(&k.sign(&claims(5000)), 1000), Err("not yet valid"));
        // alg: none with the signature stripped.
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = good.split('.').nth(1).unwrap_or_default();
        assert_eq!(
            k.verify(&format!("{none_header}.{payload}."), 1001),
            Err("algorithm not allowed")
        );
        // Tampered payload, original signature.
        let mut c = claims(1000);
        c.tid = Some("victim".into());
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap_or_default());
        let parts: Vec<&str> = good.split('.').collect();
        assert_eq!(
            k.verify(&format!("{}.{forged_payload}.{}", parts[0], parts[2]), 1001),
            Err("bad signature")
        );
        assert!(k.verify("garbage", 1001).is_err());
        assert!(k.verify("a.b.c.d", 1001).is_err());
    }
}
