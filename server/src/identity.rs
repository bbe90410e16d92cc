//! Who is calling: the store's theme signs the logged-in customer's identity with the
//! shop's identity secret (HMAC-SHA256, hex), and we check that signature; API callers
//! (the widget, the events API) send a bearer token.
//!
//! What the signature covers is one canonical string, [`identity_string`]: the
//! customer id, email and name joined by `|` (the theme's Liquid builds the same). An
//! older theme snippet signed the customer id alone: that still identifies the shopper,
//! but the name and email beside it are then only what the page claimed ([`Signed::IdOnly`]).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How much of a widget's identity the theme's signature vouches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signed {
    /// Nothing: the visitor is anonymous.
    No,
    /// The customer id; the name and email are unverified claims.
    IdOnly,
    /// The customer id, email and name.
    Details,
}

/// `customer_id|email|name`, what the theme signs: an absent field is empty. `None`
/// when the id or the email holds a `|`: split points must be unambiguous, so that a
/// signature for one (email, name) pair cannot be read as another's.
pub fn identity_string(customer_id: &str, email: &str, name: &str) -> Option<String> {
    if customer_id.contains('|') || email.contains('|') {
        return None;
    }
    Some(format!("{customer_id}|{email}|{name}"))
}

/// How far `signature` vouches for this identity, exactly as the page sent it.
pub fn check(secret: &str, customer_id: &str, email: &str, name: &str, signature: &str) -> Signed {
    let details = identity_string(customer_id, email, name);
    if details.is_some_and(|details| verify(secret, &details, signature)) {
        Signed::Details
    } else if verify(secret, customer_id, signature) {
        Signed::IdOnly
    } else {
        Signed::No
    }
}

/// The hex HMAC-SHA256 of `text`, as Shopify Liquid's `hmac_sha256` filter makes it.
pub fn sign(secret: &str, text: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(text.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature` (hex, either case) is the signature of `text`.
/// The comparison runs in constant time.
pub fn verify(secret: &str, text: &str, signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else {
        return false;
    };
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(text.as_bytes());
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
    fn a_signature_of_the_whole_identity_vouches_for_name_and_email() {
        let secret = "shop-secret-0123456789";
        let whole = identity_string("7001", "ana@example.com", "Ana Souza").expect("plain");
        assert_eq!(whole, "7001|ana@example.com|Ana Souza");
        let signature = sign(secret, &whole);
        assert_eq!(
            check(secret, "7001", "ana@example.com", "Ana Souza", &signature),
            Signed::Details
        );
        // Another name or email under the same signature is not the same identity.
        assert_eq!(
            check(secret, "7001", "ana@example.com", "Mallory", &signature),
            Signed::No
        );
        assert_eq!(
            check(
                secret,
                "7001",
                "mallory@evil.example",
                "Ana Souza",
                &signature
            ),
            Signed::No
        );
    }

    #[test]
    fn a_signature_of_the_id_alone_leaves_name_and_email_unverified() {
        let secret = "shop-secret-0123456789";
        let signature = sign(secret, "7001");
        assert_eq!(
            check(
                secret,
                "7001",
                "ana@example.com",
                "</title><script>",
                &signature
            ),
            Signed::IdOnly
        );
        assert_eq!(check(secret, "7002", "", "", &signature), Signed::No);
    }

    #[test]
    fn split_points_cannot_move() {
        // Signed for id 7, email "a", name "b|c": it must not pass as email "a|b", name "c".
        let secret = "shop-secret-0123456789";
        let signature = sign(secret, &identity_string("7", "a", "b|c").expect("plain"));
        assert_eq!(identity_string("7", "a|b", "c"), None);
        assert_eq!(check(secret, "7", "a|b", "c", &signature), Signed::No);
        assert_eq!(check(secret, "7", "a", "b|c", &signature), Signed::Details);
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
