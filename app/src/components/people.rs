//! People as the helpdesk shows them.

/// "Ana Souza" → "AS".
pub fn initials(name: &str) -> String {
    // A shopper known only by a phone number ("+14155550123") has no letters to show:
    // the number's last two digits say more than a "+".
    if !name.chars().any(char::is_alphabetic) {
        let digits: Vec<char> = name.chars().filter(char::is_ascii_digit).collect();
        return digits[digits.len().saturating_sub(2)..].iter().collect();
    }
    name.split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_come_from_names_or_a_numbers_last_digits() {
        assert_eq!(initials("Ana Souza"), "AS");
        assert_eq!(initials("olga"), "O");
        assert_eq!(initials("(Ben) Carter"), "BC");
        assert_eq!(initials("+14155550123"), "23");
        assert_eq!(initials(""), "");
    }
}
