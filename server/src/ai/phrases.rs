//! What the AI agent itself says in the chat (greetings, apologies, handoff notes), in
//! the shopper's language: Portuguese when their words are, English otherwise. Answers
//! are the merchant's own words and are never translated.

use super::text::{is_portuguese, words};

pub struct Phrases {
    pub greeting: &'static str,
    pub thanks: &'static str,
    pub sorry: &'static str,
    pub to_team: &'static str,
    /// Before the merchant's away message, outside business hours.
    pub to_team_away: &'static str,
    /// `{email}` is the shopper's address.
    pub by_email: &'static str,
    pub fallback_here: &'static str,
}

pub static EN: Phrases = Phrases {
    greeting: "Hi! I'm the store's AI assistant. Ask me about shipping, returns, sizes or our \
               products, or choose \"Talk to a person\" at any time.",
    thanks: "You're welcome! Anything else I can help with?",
    sorry: "Sorry that didn't help. Could you ask it another way? Or choose \"Talk to a \
            person\" and our team will take over.",
    to_team: "I've passed this to our team. A person will reply here as soon as they can.",
    to_team_away: "I've passed this to our team.",
    by_email: "I've passed your question to our team. They'll reply by email to {email}.",
    fallback_here: "Our team will reply here instead, as soon as they can.",
};

pub static PT: Phrases = Phrases {
    greeting: "Olá! Sou o assistente de IA da loja. Pergunte sobre entrega, trocas, tamanhos \
               ou nossos produtos, ou escolha \"Falar com uma pessoa\" quando quiser.",
    thanks: "De nada! Posso ajudar com mais alguma coisa?",
    sorry: "Desculpe, isso não ajudou. Pode perguntar de outro jeito? Ou escolha \"Falar com \
            uma pessoa\" e nossa equipe assume.",
    to_team: "Passei sua conversa para nossa equipe. Uma pessoa vai responder aqui assim que \
              puder.",
    to_team_away: "Passei sua conversa para nossa equipe.",
    by_email: "Passei sua pergunta para nossa equipe. Eles vão responder por e-mail para \
               {email}.",
    fallback_here: "Nossa equipe vai responder aqui mesmo, assim que puder.",
};

/// The phrases for a shopper who wrote `text`.
pub fn for_text(text: &str) -> &'static Phrases {
    if is_portuguese(text) {
        &PT
    } else {
        &EN
    }
}

/// Words of a greeting or thanks, English and Portuguese (folded, no accents).
const GREETING_WORDS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "there",
    "good",
    "morning",
    "afternoon",
    "evening",
    "ola",
    "oi",
    "bom",
    "boa",
    "dia",
    "tarde",
    "noite",
    "tudo",
    "bem",
];
const THANKS_WORDS: &[&str] = &[
    "thanks", "thank", "you", "thx", "ty", "cheers", "great", "perfect", "awesome", "ok", "okay",
    "obrigado", "obrigada", "valeu", "much", "so", "very", "muito",
];
/// Words only Portuguese greetings use, for when no Portuguese function word shows it.
const PORTUGUESE_SMALL_TALK: &[&str] = &[
    "ola", "oi", "bom", "boa", "dia", "tarde", "noite", "tudo", "obrigado", "obrigada", "valeu",
];

/// A greeting or a thanks with nothing else in it gets a friendly word, not a handoff.
pub fn small_talk(question: &str) -> Option<&'static str> {
    let words = words(question);
    if words.is_empty() {
        return None;
    }
    let phrases = if is_portuguese(question)
        || words
            .iter()
            .any(|word| PORTUGUESE_SMALL_TALK.contains(&word.as_str()))
    {
        &PT
    } else {
        &EN
    };
    let greeting = |word: &String| GREETING_WORDS.contains(&word.as_str());
    if words.iter().all(greeting) {
        return Some(phrases.greeting);
    }
    let thanks = |word: &String| THANKS_WORDS.contains(&word.as_str()) || greeting(word);
    words.iter().all(thanks).then_some(phrases.thanks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_and_thanks_are_small_talk_and_questions_are_not() {
        assert_eq!(small_talk("Hi there!"), Some(EN.greeting));
        assert_eq!(small_talk("Olá, bom dia"), Some(PT.greeting));
        assert_eq!(small_talk("Thanks so much"), Some(EN.thanks));
        assert_eq!(small_talk("muito obrigada!"), Some(PT.thanks));
        assert_eq!(small_talk("Hi, do you ship to Canada?"), None);
        assert_eq!(small_talk("thanks, where is my order?"), None);
        assert_eq!(small_talk("   "), None);
    }

    #[test]
    fn the_shoppers_language_picks_the_phrases() {
        assert!(std::ptr::eq(for_text("Vocês entregam no Brasil?"), &PT));
        assert!(std::ptr::eq(for_text("Do you ship to Brazil?"), &EN));
    }
}
