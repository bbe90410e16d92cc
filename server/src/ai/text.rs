//! Turning shopper questions and knowledge text into comparable terms: lower case,
//! accents folded, stop words dropped, English suffixes stemmed, Portuguese words put
//! into the English of the knowledge, and a few shop-talk synonyms.
//!
//! The knowledge is written by the merchant in one language (English here), while
//! shoppers write in any supported language: a small glossary of shop vocabulary lets a
//! Portuguese question find English passages without a translation service.

/// English words that say nothing about the topic.
const STOP_WORDS_EN: &[&str] = &[
    "a",
    "able",
    "about",
    "actually",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anything",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "but",
    "by",
    "can",
    "cant",
    "come",
    "comes",
    "could",
    "d",
    "did",
    "do",
    "does",
    "doesnt",
    "doing",
    "dont",
    "else",
    "even",
    "for",
    "from",
    "get",
    "go",
    "going",
    "got",
    "guys",
    "had",
    "has",
    "have",
    "hello",
    "hey",
    "hi",
    "hope",
    "how",
    "i",
    "if",
    "im",
    "in",
    "into",
    "is",
    "isnt",
    "it",
    "its",
    "ive",
    "just",
    "kind",
    "know",
    "let",
    "like",
    "ll",
    "look",
    "lot",
    "m",
    "make",
    "me",
    "might",
    "much",
    "many",
    "my",
    "need",
    "of",
    "ok",
    "okay",
    "on",
    "one",
    "or",
    "our",
    "out",
    "please",
    "pls",
    "question",
    "quick",
    "re",
    "really",
    "s",
    "say",
    "see",
    "should",
    "so",
    "some",
    "something",
    "sort",
    "still",
    "stuff",
    "sure",
    "t",
    "tell",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "this",
    "those",
    "to",
    "u",
    "up",
    "us",
    "ve",
    "very",
    "want",
    "was",
    "way",
    "we",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "wonder",
    "wondering",
    "would",
    "ya",
    "yes",
    "you",
    "your",
];

/// Portuguese ones (accents folded).
const STOP_WORDS_PT: &[&str] = &[
    "a", "ao", "aos", "as", "com", "como", "da", "das", "de", "do", "dos", "e", "ela", "ele", "em",
    "esta", "este", "eu", "favor", "foi", "isso", "isto", "ja", "mais", "meu", "meus", "minha",
    "minhas", "muito", "na", "nao", "nas", "no", "nos", "num", "numa", "o", "obrigada", "obrigado",
    "oi", "ola", "onde", "os", "para", "pode", "podem", "por", "posso", "pra", "quais", "qual",
    "quando", "que", "sao", "se", "ser", "seu", "sua", "tem", "ter", "um", "uma", "umas", "uns",
    "vc", "vcs", "voce", "voces", "vou",
];

/// Portuguese shop vocabulary → the English words the knowledge uses.
const GLOSSARY: &[(&str, &[&str])] = &[
    ("agua", &["water"]),
    ("barraca", &["tent"]),
    ("bota", &["boot"]),
    ("botas", &["boot"]),
    ("calca", &["pant"]),
    ("calcas", &["pant"]),
    ("cartao", &["card"]),
    ("casaco", &["jacket"]),
    ("cuidado", &["care"]),
    ("cuidar", &["care"]),
    ("custa", &["cost", "price"]),
    ("demora", &["long", "days"]),
    ("desconto", &["discount"]),
    ("devolucao", &["return"]),
    ("devolver", &["return"]),
    ("entrega", &["delivery", "ship"]),
    ("entregam", &["ship", "delivery"]),
    ("entregar", &["ship", "delivery"]),
    ("envio", &["shipping"]),
    ("enviam", &["ship"]),
    ("estudante", &["student"]),
    ("fria", &["cold"]),
    ("frio", &["cold"]),
    ("frete", &["shipping"]),
    ("garantia", &["warranty"]),
    ("garrafa", &["bottle"]),
    ("gelada", &["cold"]),
    ("gelado", &["cold"]),
    ("impermeavel", &["waterproof"]),
    ("jaqueta", &["jacket"]),
    ("lavar", &["wash"]),
    ("loja", &["store"]),
    ("lojas", &["store"]),
    ("mantem", &["keep"]),
    ("manter", &["keep"]),
    ("meia", &["sock"]),
    ("meias", &["sock"]),
    ("mochila", &["pack", "backpack"]),
    ("pagamento", &["payment"]),
    ("pagar", &["pay"]),
    ("pedido", &["order"]),
    ("preco", &["price"]),
    ("presente", &["gift"]),
    ("prazo", &["days", "time"]),
    ("quente", &["warm"]),
    ("reembolso", &["refund"]),
    ("tamanho", &["size"]),
    ("tamanhos", &["size"]),
    ("tempo", &["long", "hours", "days"]),
    ("termica", &["insulated"]),
    ("termico", &["insulated"]),
    ("trilha", &["trail", "hike"]),
    ("troca", &["exchange"]),
    ("trocar", &["exchange"]),
    ("usado", &["worn", "used"]),
    ("usada", &["worn", "used"]),
    ("usei", &["worn", "used"]),
];

/// Places shoppers name by country, where shipping policies name the region.
const PLACES: &[(&str, &[&str])] = &[
    ("uk", &["united", "kingdom"]),
    ("britain", &["united", "kingdom"]),
    ("england", &["united", "kingdom"]),
    ("scotland", &["united", "kingdom"]),
    ("wales", &["united", "kingdom"]),
    ("usa", &["united", "states"]),
    ("america", &["united", "states"]),
    ("estados", &["united", "states"]),
    ("eua", &["united", "states"]),
    ("europe", &["european", "union", "eu"]),
    ("europa", &["european", "union", "eu"]),
];

/// The European Union's member states (English and Portuguese names, folded), which
/// policies usually cover as "the EU".
const EU_MEMBERS: &[&str] = &[
    "austria",
    "belgium",
    "belgica",
    "bulgaria",
    "croatia",
    "croacia",
    "cyprus",
    "chipre",
    "czechia",
    "czech",
    "tchequia",
    "denmark",
    "dinamarca",
    "estonia",
    "finland",
    "finlandia",
    "france",
    "franca",
    "germany",
    "alemanha",
    "greece",
    "grecia",
    "hungary",
    "hungria",
    "ireland",
    "irlanda",
    "italy",
    "italia",
    "latvia",
    "letonia",
    "lithuania",
    "lituania",
    "luxembourg",
    "luxemburgo",
    "malta",
    "netherlands",
    "holland",
    "holanda",
    "paises",
    "poland",
    "polonia",
    "portugal",
    "romania",
    "romenia",
    "slovakia",
    "eslovaquia",
    "slovenia",
    "eslovenia",
    "spain",
    "espanha",
    "sweden",
    "suecia",
];

/// Shop talk: each word of a group also finds passages that use the others.
/// Expansions count for less than the shopper's own words (see `retrieval`).
const SYNONYM_GROUPS: &[&[&str]] = &[
    &["buy", "purchase", "order"],
    &["cancel", "cancellation"],
    &["exchange", "swap", "switch"],
    &["refund", "reimburse", "money", "return"],
    &["return", "back"],
    &[
        "ship", "deliver", "delivery", "dispatch", "send", "post", "mail",
    ],
    &["arrive", "receive", "delivery"],
    &["cost", "price", "fee", "charge", "pay"],
    &["discount", "coupon", "promo", "code", "sale", "deal"],
    &["size", "fit", "sizing", "measure", "measurement"],
    &["big", "large", "small", "tight", "loose", "fit"],
    &["long", "length"],
    // "How long does it take?" asks for a time.
    &["long", "days", "time", "hours", "weeks"],
    &[
        "warranty",
        "guarantee",
        "repair",
        "fix",
        "broken",
        "defect",
        "break",
    ],
    &["wash", "clean", "launder", "care", "dry"],
    &["waterproof", "rain", "wet", "water"],
    &["warm", "warmth", "insulation", "insulated", "cold"],
    &["weight", "weigh", "heavy", "light"],
    &["store", "shop", "location", "retail"],
    &["hours", "open", "opening"],
    &["account", "login", "log", "sign", "password"],
    &["newsletter", "email", "unsubscribe"],
    &["gift", "present"],
    &["receipt", "invoice", "packing", "slip"],
    &["use", "spend", "redeem", "apply"],
    &[
        "payment",
        "pay",
        "paypal",
        "installments",
        "klarna",
        "afterpay",
    ],
    &["accept", "take"],
    &["track", "tracking", "status"],
    &["parcel", "package", "order"],
    &["stock", "restock", "available", "availability", "sold"],
    &["material", "fabric", "made"],
    &[
        "sustainable",
        "eco",
        "environment",
        "recycled",
        "responsible",
        "ethical",
    ],
    &["international", "abroad", "overseas", "country"],
    &["duties", "customs", "tax", "taxes", "vat", "import"],
    &["carrier", "courier"],
    &["express", "fast", "quick", "expedited", "rush", "overnight"],
    &["pickup", "collect"],
    &["loyalty", "rewards", "points"],
    &["privacy", "data", "personal"],
];

/// Lower case, accents folded to ASCII letters where they have one.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|letter| match letter {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            '’' => '\'',
            other => other,
        })
        .collect()
}

/// The folded words of `text`, apostrophes dropped ("doesn't" → "doesnt").
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .replace('\'', "")
        .split(|letter: char| !letter.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS_EN.contains(&word) || STOP_WORDS_PT.contains(&word)
}

/// A light English stemmer: enough that "returns", "returned" and "returning" meet,
/// and the same on both sides, which is all retrieval needs.
pub fn stem(word: &str) -> String {
    if word.len() <= 3 || word.chars().any(|letter| letter.is_ascii_digit()) {
        return word.to_owned();
    }
    let mut stem = word.to_owned();
    for (suffix, replacement) in [
        ("ies", "y"),
        ("sses", "ss"),
        ("ness", ""),
        ("ing", ""),
        ("edly", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", "e"),
        ("s", ""),
    ] {
        if let Some(base) = stem.strip_suffix(suffix) {
            if base.len() >= 3 && !(suffix == "s" && base.ends_with('s')) {
                // "boxes" → "box", but "sizes" → "size".
                let sibilant = ["ss", "x", "zz", "ch", "sh"]
                    .iter()
                    .any(|end| base.ends_with(end));
                let replacement = if suffix == "es" && sibilant {
                    ""
                } else {
                    replacement
                };
                stem = format!("{base}{replacement}");
                break;
            }
        }
    }
    // "shipping" → "shipp" → "ship"; "fitted" → "fitt" → "fit".
    let bytes = stem.as_bytes();
    if bytes.len() >= 4
        && bytes[bytes.len() - 1] == bytes[bytes.len() - 2]
        && !matches!(bytes[bytes.len() - 1], b'l' | b's' | b'z')
    {
        stem.pop();
    }
    // "delivery"/"deliveries", "warranty"/"warranties" meet on the same stem.
    if let Some(base) = stem.strip_suffix('y') {
        if base.len() >= 4 {
            stem = format!("{base}i");
        }
    }
    if let Some(base) = stem.strip_suffix('e') {
        if base.len() >= 4 {
            stem = base.to_owned();
        }
    }
    stem
}

/// The terms a knowledge text is indexed by.
pub fn index_terms(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|word| !is_stop_word(word))
        .map(|word| stem(&word))
        .collect()
}

/// A query term and how much it counts (the shopper's own words 1.0, expansions less).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub term: String,
    pub weight: f64,
    /// Which of the shopper's words it came from (expansions share their word's index).
    pub word: usize,
}

/// How much a synonym counts against the shopper's own word.
const SYNONYM_WEIGHT: f64 = 0.5;

/// The terms a question looks for: its own words (translated through the glossary
/// when Portuguese), then their synonyms.
pub fn query_terms(question: &str) -> Vec<QueryTerm> {
    let mut terms: Vec<QueryTerm> = Vec::new();
    let mut push = |term: String, weight: f64, word: usize| {
        // A term may serve two words ("water" for "waterproof" and for itself);
        // retrieval scores it once, at its highest weight.
        if !terms
            .iter()
            .any(|known| known.term == term && known.word == word)
        {
            terms.push(QueryTerm { term, weight, word });
        }
    };
    let mut word_index = 0;
    for word in words(question) {
        // Short numbers ("9.5", "a 3 day hike") match sizes and quantities anywhere.
        let small_number = word.len() <= 2 && word.chars().all(|letter| letter.is_ascii_digit());
        if is_stop_word(&word) || small_number {
            continue;
        }
        let translated: Vec<String> = GLOSSARY
            .iter()
            .chain(PLACES)
            .find(|(known, _)| *known == word)
            .map(|(_, english)| english.iter().map(|word| stem(word)).collect())
            .unwrap_or_else(|| vec![stem(&word)]);
        // A member state is asked about under its own name, and answered as "the EU".
        let translated = if EU_MEMBERS.contains(&word.as_str()) {
            [stem(&word)]
                .into_iter()
                .chain(["european", "union", "eu"].map(stem))
                .collect()
        } else {
            translated
        };
        for term in translated {
            push(term.clone(), 1.0, word_index);
            for group in SYNONYM_GROUPS {
                if group.iter().any(|known| stem(known) == term) {
                    for synonym in *group {
                        push(stem(synonym), SYNONYM_WEIGHT, word_index);
                    }
                }
            }
        }
        word_index += 1;
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet_across_forms() {
        for (a, b) in [
            ("returns", "returned"),
            ("returning", "return"),
            ("shipping", "ships"),
            ("deliveries", "delivery"),
            ("warranties", "warranty"),
            ("washing", "wash"),
            ("sizes", "size"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_ne!(stem("boots"), stem("boat"));
    }

    #[test]
    fn folds_accents_and_drops_stop_words() {
        assert_eq!(words("Devolução, já!"), vec!["devolucao", "ja"]);
        assert_eq!(index_terms("Do you ship to the UK?"), vec!["ship", "uk"]);
    }

    #[test]
    fn portuguese_questions_look_for_english_terms() {
        let terms: Vec<String> = query_terms("Posso devolver uma bota?")
            .into_iter()
            .map(|term| term.term)
            .collect();
        assert!(terms.contains(&stem("return")), "{terms:?}");
        assert!(terms.contains(&stem("boot")), "{terms:?}");
    }

    #[test]
    fn synonyms_count_less_than_the_shoppers_words() {
        let terms = query_terms("refund");
        assert_eq!(terms[0].weight, 1.0);
        assert!(terms[1..].iter().all(|term| term.weight < 1.0));
    }
}
