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
