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
    "manager",
    "supervisor",
    "gerente",
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
    // Things the store did to this order.
    "you sent me",
    "sent me the wrong",
    "sent the wrong",
    "got the wrong",
    "received the wrong",
    "received a damaged",
    "received a broken",
    "got a damaged",
    "got a broken",
    "came with",
    "you charged",
    "you cancelled",
    "you canceled",
    "overcharged",
    "why did you",
    "why was my",
    "why hasnt my",
    "resend",
    "re send",
    "send it again",
    "marked as delivered",
    "marked delivered",
    "says delivered",
    "was delivered but",
    "isnt here",
    "is not here",
    "is missing",
    "was missing",
    "are missing",
    "refund hasnt",
    "still no",
    "whats going on",
    "what is going on",
    "i returned",
    "i sent back",
    "i sent it back",
    "i mailed",
    "refund still",
    "wont let me",
    // Complaints: someone has to look at what went wrong.
    "ridiculous",
    "unacceptable",
    "worst service",
    "worst experience",
    "terrible service",
    "complaint",
    "nobody has",
    "no one has",
    "still waiting",
    "been waiting",
    "no response",
    "no reply",
    // Portuguese.
    "meu reembolso",
    "minha devolucao",
    "nao recebi",
    "ainda nao",
    "veio quebrado",
    "veio danificado",
    "veio rasgado",
    "veio faltando",
    "me cobraram",
    "fui cobrado",
    "fui cobrada",
];

/// Asking the store to do something ("can you …", "please …"), as opposed to asking
/// how the shopper can do it themselves ("how do I …", "can I …").
const REQUESTS: &[&str] = &[
    "can you",
    "could you",
    "would you",
    "will you",
    "can u",
    "i need you to",
    "i want you to",
    "please",
    "pls",
    "plz",
    "voces podem",
    "voce pode",
    "vc pode",
    "vcs podem",
    "por favor",
];
const HOW_TO: &[&str] = &[
    "how do i",
    "how can i",
    "how to",
    "how would i",
    "can i",
    "do i",
    "should i",
    "como faco",
    "como posso",
    "posso",
];
/// What a request asks the store to do to an order, payment or account.
const ACTIONS: &[&str] = &[
    "apply",
    "change",
    "cancel",
    "update",
    "edit",
    "add",
    "remove",
    "refund",
    "check",
    "look",
    "fix",
    "reship",
    "replace",
    "expedite",
    "upgrade",
    "hold",
    "move",
    "combine",
    "credit",
    "waive",
    "honor",
    "honour",
    "adjust",
    "process",
    "reset",
    "unlock",
    "delete",
    "close",
    "merge",
    "switch",
    "swap",
    "redirect",
    "reverse",
    "cancelar",
    "trocar",
    "mudar",
    "alterar",
    "verificar",
    "reembolsar",
];
/// The thing acted on is the shopper's own.
const OWN: &[&str] = &[
    "my",
    "mine",
    "order i",
    "i ordered",
    "i placed",
    "i bought",
    "meu",
    "minha",
    "meus",
    "minhas",
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
    let has = |phrases: &[&str]| {
        phrases
            .iter()
            .any(|phrase| joined.contains(&format!(" {phrase} ")))
    };
    let asks_the_store_to_act = has(REQUESTS) && !has(HOW_TO) && has(ACTIONS) && has(OWN);
    if has(CASE_PHRASES) || asks_the_store_to_act || names_an_order(question, &words) {
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
            "can you apply my student discount to the order I placed yesterday?",
            "could you please change the color on my order to black",
            "I can't find the email with my gift card code, can you resend it?",
            "you sent me the wrong jacket",
            "Meu reembolso ainda não caiu",
        ] {
            assert_eq!(needs_person(question), Some(Needs::CaseWork), "{question}");
        }
    }

    #[test]
    fn complaints_and_managers_go_to_a_person() {
        assert_eq!(
            needs_person("I want to speak to a manager"),
            Some(Needs::Person)
        );
        assert_eq!(
            needs_person("this is ridiculous, nobody has answered my emails"),
            Some(Needs::CaseWork)
        );
    }

    #[test]
    fn policy_questions_are_not() {
        for question in [
            "How do I track my package once it ships?",
            "can I send this back if it doesn't fit",
            "Do you ship to the UK",
            "how warm is the 800-fill puffer",
            "how do I reset my password please",
            "can I change my order after placing it",
            "can you ship my order to Canada",
        ] {
            assert_eq!(needs_person(question), None, "{question}");
        }
    }
}
