//! Who is calling: the store's theme signs the logged-in customer's id with the shop's
//! identity secret (HMAC-SHA256, hex), and we check that signature; API callers (the
//! widget, the events API) send a bearer token.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The hex HMAC-SHA256 of `customer_id`, as Shopify Liquid's `hmac_sha256` filter makes it.
pub fn sign(secret: &str, customer_id: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(customer_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature` (hex, either case) is the signature of `customer_id`.
/// The comparison runs in constant time.
pub fn verify(secret: &str, customer_id: &str, signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else {
        return false;
    };
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(customer_id.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_made_with_the_secret_verifies() {
        let signature = sign("shop-secret-0123456789", "7001");
        assert!(verify("shop-secret-0123456789", "7001", &signature));
        assert!(verify(
            "shop-secret-0123456789",
            "7001",
            &signature.to_uppercase()
        ));
    }

    #[test]
    fn a_signature_for_another_customer_or_secret_fails() {
        let signature = sign("shop-secret-0123456789", "7001");
        assert!(!verify("shop-secret-0123456789", "7002", &signature));
        assert!(!verify("other-secret-0123456789", "7001", &signature));
        assert!(!verify("shop-secret-0123456789", "7001", "not hex"));
        assert!(!verify("shop-secret-0123456789", "7001", ""));
    }

    #[test]
    fn matches_the_rfc_4231_test_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
