//! The shopper's profile as agents see it beside a ticket (summary, other tickets,
//! event history), and reply macros with `{{variables}}` filled from it.

use serde::{Deserialize, Serialize};

use crate::{settings::FieldError, TicketSummary};

/// The profile summary in the ticket sidebar.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CustomerProfile {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub location: Option<String>,
    /// When they became the store's customer (epoch ms).
    pub customer_since: i64,
    pub orders_count: i64,
    /// In the currency's minor unit.
    pub total_spent_minor: i64,
    pub currency: String,
    pub last_order_number: Option<String>,
    /// When the shopper texted STOP (no SMS goes to them until START).
    #[serde(default)]
    pub sms_opted_out_at: Option<i64>,
}

impl CustomerProfile {
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or("")
    }

    pub fn last_name(&self) -> &str {
        self.name.split_whitespace().skip(1).last().unwrap_or("")
    }
}

/// One entry of the profile's timeline.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ProfileEvent {
    pub id: String,
    /// "Placed Order", "Received Email", ...
    pub metric: String,
    pub summary: String,
    pub occurred_at: i64,
}

/// Where the next page of a timeline starts.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct EventCursor {
    pub occurred_at: i64,
    pub id: String,
}

/// Events per timeline page.
pub const EVENTS_PAGE: usize = 10;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ProfileEventsPage {
    /// Newest first.
    pub events: Vec<ProfileEvent>,
    pub next: Option<EventCursor>,
}

/// Another profile, as the sidebar names it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OtherProfile {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// A profile that may be the same person: it shares an email or a phone (`matched_on`)
/// that nobody verified belongs to both. Agents link it or dismiss it; never automatic.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ProfileSuggestion {
    pub profile: OtherProfile,
    /// "email" or "phone".
    pub matched_on: String,
}

/// Everything the ticket sidebar shows.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketProfile {
    pub profile: CustomerProfile,
    /// Profiles an agent linked to this one (their tickets and history show here too).
    #[serde(default)]
    pub linked: Vec<OtherProfile>,
    /// Profiles that may be the same person, for an agent to decide.
    #[serde(default)]
    pub suggestions: Vec<ProfileSuggestion>,
    /// The profile's other tickets that are not closed (a chat and an SMS at once ...).
    pub other_tickets: Vec<TicketSummary>,
    pub events: ProfileEventsPage,
    /// For `{{store_name}}` in macros.
    pub store_name: String,
}

/// `12345` minor units of `USD` as "$123.45" (other currencies: "123.45 CHF").
pub fn format_money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let amount = match currency {
        // Currencies without minor units.
        "JPY" | "KRW" | "CLP" | "ISK" => minor.abs().to_string(),
        _ => format!("{}.{:02}", minor.abs() / 100, minor.abs() % 100),
    };
    match currency {
        "JPY" => format!("{sign}¥{amount}"),
        "USD" => format!("{sign}${amount}"),
        "EUR" => format!("{sign}€{amount}"),
        "GBP" => format!("{sign}£{amount}"),
        "BRL" => format!("{sign}R${amount}"),
        other => format!("{sign}{amount} {other}"),
    }
}

/// A reply macro.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Macro {
    pub id: String,
    pub name: String,
    pub body: String,
}

/// What the Macros settings page sends.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MacroInput {
    pub name: String,
    pub body: String,
}

pub const MAX_MACRO_NAME_CHARS: usize = 80;
pub const MAX_MACROS: usize = 500;

/// The variables a macro may use, with what they stand for.
pub const MACRO_VARIABLES: &[(&str, &str)] = &[
    ("first_name", "The shopper's first name"),
    ("last_name", "The shopper's last name"),
    ("full_name", "The shopper's full name"),
    ("email", "The shopper's email"),
    ("last_order_number", "The shopper's latest order number"),
    ("orders_count", "How many orders the shopper placed"),
    ("store_name", "Your store's name"),
    ("agent_first_name", "Your first name"),
];

/// The `{{name}}` placeholders in `body`, in order, with their byte ranges.
fn placeholders(body: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = body[from..].find("{{").map(|at| from + at) {
        let Some(close) = body[open + 2..].find("}}").map(|at| open + 2 + at) else {
            break;
        };
        found.push((open..close + 2, body[open + 2..close].trim()));
        from = close + 2;
    }
    found
}

impl MacroInput {
    pub fn validated(&self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("name", "Give the macro a name."));
        } else if name.chars().count() > MAX_MACRO_NAME_CHARS {
            errors.push(FieldError::new(
                "name",
                format!("Use at most {MAX_MACRO_NAME_CHARS} characters."),
            ));
        }
        let body = self.body.trim().to_owned();
        if body.is_empty() {
            errors.push(FieldError::new("body", "Write the reply."));
        } else if body.chars().count() > crate::MAX_BODY_CHARS {
            errors.push(FieldError::new(
                "body",
                format!("Use at most {} characters.", crate::MAX_BODY_CHARS),
            ));
        }
        let unknown: Vec<&str> = placeholders(&body)
            .into_iter()
            .map(|(_, name)| name)
            .filter(|name| !MACRO_VARIABLES.iter().any(|(known, _)| known == name))
            .collect();
        if !unknown.is_empty() {
            errors.push(FieldError::new(
                "body",
                format!(
                    "Unknown variable {}. Use one of the variables listed.",
                    unknown
                        .iter()
                        .map(|name| format!("{{{{{name}}}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if errors.is_empty() {
            Ok(MacroInput { name, body })
        } else {
            Err(errors)
        }
    }
}

/// What a macro's variables are filled from.
pub struct MacroContext<'a> {
    pub profile: Option<&'a CustomerProfile>,
    pub store_name: &'a str,
    pub agent_name: &'a str,
}

/// The macro's text with its variables filled, and the variables that had no value
/// (left empty, for the agent to complete).
pub fn fill_macro(body: &str, context: &MacroContext) -> (String, Vec<String>) {
    let mut text = String::with_capacity(body.len());
    let mut missing = Vec::new();
    let mut at = 0;
    for (range, name) in placeholders(body) {
        text.push_str(&body[at..range.start]);
        at = range.end;
        let profile = context.profile;
        let value: Option<String> = match name {
            "first_name" => profile.map(|p| p.first_name().to_owned()),
            "last_name" => profile.map(|p| p.last_name().to_owned()),
            "full_name" => profile.map(|p| p.name.clone()),
            "email" => profile.map(|p| p.email.clone()),
            "last_order_number" => profile.and_then(|p| p.last_order_number.clone()),
            "orders_count" => profile.map(|p| p.orders_count.to_string()),
            "store_name" => Some(context.store_name.to_owned()),
            "agent_first_name" => context
                .agent_name
                .split_whitespace()
                .next()
                .map(str::to_owned),
            // Unknown names are refused when the macro is saved; keep any as typed.
            _ => Some(body[range.clone()].to_owned()),
        };
        match value.filter(|value| !value.is_empty()) {
            Some(value) => text.push_str(&value),
            None => missing.push(name.to_owned()),
        }
    }
    text.push_str(&body[at..]);
    (text, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> CustomerProfile {
        CustomerProfile {
            id: "c1".into(),
            name: "Ana Maria Souza".into(),
            email: "ana@example.com".into(),
            phone: None,
            location: Some("Lisbon, Portugal".into()),
            customer_since: 0,
            orders_count: 3,
            total_spent_minor: 18_450,
            currency: "USD".into(),
            last_order_number: Some("#1003".into()),
            sms_opted_out_at: None,
        }
    }

    #[test]
    fn macros_fill_from_the_profile_store_and_agent() {
        let profile = ana();
        let context = MacroContext {
            profile: Some(&profile),
            store_name: "Acme",
            agent_name: "Olga Agent",
        };
        let (text, missing) = fill_macro(
            "Hi {{first_name}} {{ last_name }}, order {{last_order_number}} of {{orders_count}} ships today. — {{agent_first_name}} at {{store_name}}",
            &context,
        );
        assert_eq!(
            text,
            "Hi Ana Souza, order #1003 of 3 ships today. — Olga at Acme"
        );
        assert!(missing.is_empty());
    }

    #[test]
    fn missing_values_are_left_empty_and_reported() {
        let mut profile = ana();
        profile.last_order_number = None;
        let context = MacroContext {
            profile: Some(&profile),
            store_name: "Acme",
            agent_name: "Olga",
        };
        let (text, missing) = fill_macro("Order {{last_order_number}}: {{first_name}}", &context);
        assert_eq!(text, "Order : Ana");
        assert_eq!(missing, ["last_order_number"]);
        let (text, _) = fill_macro("{{unclosed", &context);
        assert_eq!(text, "{{unclosed");
    }

    #[test]
    fn saving_refuses_unknown_variables_and_empty_fields() {
        let input = MacroInput {
            name: "  Shipping ".into(),
            body: " Hi {{first_name}} ".into(),
        };
        assert_eq!(
            input.validated().expect("valid"),
            MacroInput {
                name: "Shipping".into(),
                body: "Hi {{first_name}}".into()
            }
        );
        let errors = MacroInput {
            name: String::new(),
            body: "Hi {{firstname}}".into(),
        }
        .validated()
        .expect_err("invalid");
        assert_eq!(errors.len(), 2);
        assert!(errors[1].message.contains("{{firstname}}"));
    }

    #[test]
    fn money_reads_in_the_currency() {
        assert_eq!(format_money(18_450, "USD"), "$184.50");
        assert_eq!(format_money(905, "EUR"), "€9.05");
        assert_eq!(format_money(100, "JPY"), "¥100");
        assert_eq!(format_money(-250, "CHF"), "-2.50 CHF");
    }
}
