//! What the shopper's Customer Hub shows besides the live chat: their earlier (ended)
//! chats, read-only, and their recent orders.

use serde::{Deserialize, Serialize};

/// How many past chats and orders the drawer lists.
pub const PAST_CHATS_SHOWN: usize = 20;
pub const ORDERS_SHOWN: usize = 10;

/// An ended chat, as the drawer lists it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PastChat {
    pub id: String,
    pub started_at: i64,
    pub ended_at: i64,
    /// The last message's text, shortened.
    pub preview: String,
    pub message_count: i64,
}

/// An order the store sent for this shopper's profile.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ShopperOrder {
    /// As the store shows it ("#1001").
    pub number: String,
    pub placed_at: i64,
    pub items: i64,
    /// The total in minor units of `currency` (ISO 4217).
    pub total_minor: i64,
    pub currency: String,
}

/// Digits after the decimal point in `currency` (the ISO 4217 exponent).
pub fn currency_exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "CLP" | "ISK" | "VND" | "UGX" | "PYG" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(currency_exponent("USD"), 2);
        assert_eq!(currency_exponent("BRL"), 2);
        assert_eq!(currency_exponent("JPY"), 0);
        assert_eq!(currency_exponent("KWD"), 3);
    }
}
