//! Ids, tokens and the clock: the few places randomness and time enter the server.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Milliseconds since the Unix epoch, the one timestamp format we store and send.
pub fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// An RFC 3339 time ("2026-11-27T10:00:00-05:00", as Shopify and API callers send) in
/// epoch milliseconds; `None` when it is not one.
pub fn rfc3339_ms(text: &str) -> Option<i64> {
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Epoch milliseconds as RFC 3339 in UTC ("2026-11-27T15:00:00Z"), for other services'
/// APIs.
pub fn rfc3339(at_ms: i64) -> String {
    jiff::Timestamp::from_millisecond(at_ms)
        .map(|at| at.round(jiff::Unit::Second).unwrap_or(at).to_string())
        .unwrap_or_default()
}

/// A new row id: the time in hex first (so ids sort by creation), then 80 random bits.
pub fn new_id() -> String {
    let mut random = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut random);
    format!("{:012x}{}", now_ms(), hex::encode(random))
}

/// A new bearer or session token: 256 random bits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a token, so a stolen database does not log anyone in.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets without revealing, through timing, where they first differ.
pub fn constant_time_eq(given: &str, expected: &str) -> bool {
    let (given, expected) = (given.as_bytes(), expected.as_bytes());
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |differences, (a, b)| differences | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_are_read_with_their_offset() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:01Z"), Some(1_000));
        assert_eq!(
            rfc3339_ms("2026-11-27T10:00:00-05:00"),
            rfc3339_ms("2026-11-27T15:00:00Z")
        );
        assert_eq!(rfc3339_ms("yesterday"), None);
    }

    #[test]
    fn ids_are_unique_and_sort_by_time() {
        let first = new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = new_id();
        assert_ne!(first, second);
        assert!(first < second);
        assert_eq!(first.len(), 32);
    }

    #[test]
    fn secrets_compare_by_content() {
        assert!(constant_time_eq("abc123", "abc123"));
        assert!(!constant_time_eq("abc123", "abc124"));
        assert!(!constant_time_eq("abc", "abc123"));
    }

    #[test]
    fn token_hashes_are_stable_and_differ_from_the_token() {
        let token = new_token();
        assert_eq!(hash_token(&token), hash_token(&token));
        assert_ne!(hash_token(&token), token);
    }
}
