//! Questions the AI agent must not try to answer from the knowledge, whatever it
//! finds: the shopper asks for a person, or needs someone to look at or act on their
//! own order, payment or account (a policy passage would read like an answer there,
//! and be a wrong one).

use super::text::{fold, words};

/// Why a question goes to a person before retrieval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// "Can I talk to a human?"
    Person,
    /// "Where is my order #4821?", "I was charged twice."
    CaseWork,
}

/// Words that ask for a person (English and Portuguese, folded).
const PERSON_WORDS: &[&str] = &[
    "human",
    "humano",
    "person",
    "pessoa",
    "agent",
    "atendente",
    "representative",
    "operator",
    "someone",
    "somebody",
    "alguem",
    "staff",
];
const PERSON_PHRASES: &[&str] = &[
    "real person",
    "talk to",
    "speak to",
    "speak with",
    "talk with",
    "falar com",
    "customer service",
    "customer support",
];

/// Things that happened to this shopper's order, payment or account.
const CASE_PHRASES: &[&str] = &[
    "charged twice",
    "double charged",
    "charged me",
    "was charged",
    "been charged",
    "hasnt arrived",
    "has not arrived",
    "havent received",
    "have not received",
    "never arrived",
    "never received",
    "never got",
    "didnt arrive",
    "did not arrive",
    "not arrived",
    "still hasnt",
    "hasnt moved",
    "arrived with",
    "arrived damaged",
    "arrived broken",
    "arrived torn",
    "came damaged",
    "came broken",
    "wrong size",
    "wrong item",
    "wrong color",
    "wrong colour",
    "missing from",
    "is it lost",
    "was lost",
    "where is my",
    "wheres my",
    "not recognized",
    "isnt recognized",
    "doesnt work",
    "does not work",
    "cant log",
    "cannot log",
    "cant sign",
    "locked out",
    "cancel my",
    "change the shipping address on",
    "change the address on",
    "i want a refund",
    "my refund",
    "nao chegou",
    "veio com",
    "veio errado",
    "tamanho errado",
    "cobrado duas",
    "cobraram duas",
    "cancelar meu",
    "cancelar minha",
    "cade meu",
    "onde esta meu",
];

/// Words naming an order-like thing that a number after them identifies.
const NUMBERED: &[&str] = &["order", "pedido", "rma", "return", "invoice", "ticket"];

pub fn needs_person(question: &str) -> Option<Needs> {
    let words = words(question);
    let joined = format!(" {} ", words.join(" "));
    if words
        .iter()
        .any(|word| PERSON_WORDS.contains(&word.as_str()))
        || PERSON_PHRASES
            .iter()
            .any(|phrase| joined.contains(&format!(" {phrase} ")))
    {
        return Some(Needs::Person);
    }
    if CASE_PHRASES
        .iter()
        .any(|phrase| joined.contains(&format!(" {phrase} ")))
        || names_an_order(question, &words)
    {
        return Some(Needs::CaseWork);
    }
    None
}

/// "#4821", "order 10293", "pedido 7712": an order of theirs someone must look up.
fn names_an_order(question: &str, words: &[String]) -> bool {
    let folded = fold(question);
    let hash_number = folded.match_indices('#').any(|(at, _)| {
        folded[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count()
            >= 3
    });
    let numbered = words.windows(2).any(|pair| {
        NUMBERED.contains(&pair[0].as_str())
            && pair[1].len() >= 3
            && pair[1].chars().all(|letter| letter.is_ascii_digit())
    });
    hash_number || numbered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_for_a_person_in_either_language() {
        assert_eq!(
            needs_person("can I talk to a human please"),
            Some(Needs::Person)
        );
        assert_eq!(
            needs_person("Quero falar com um atendente"),
            Some(Needs::Person)
        );
    }

    #[test]
    fn the_shoppers_own_order_is_case_work() {
        for question in [
            "where is my order #4821??",
            "tracking for order 10293 hasn't moved",
            "I think I got charged twice",
            "meu pedido 7712 veio com o tamanho errado",
        ] {
            assert_eq!(needs_person(question), Some(Needs::CaseWork), "{question}");
        }
    }

    #[test]
    fn policy_questions_are_not() {
        for question in [
            "How do I track my package once it ships?",
            "can I send this back if it doesn't fit",
            "Do you ship to the UK",
            "how warm is the 800-fill puffer",
        ] {
            assert_eq!(needs_person(question), None, "{question}");
        }
    }
}
