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
    "allowed",
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
    "policies",
    "policy",
    "possible",
    "put",
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
    "vc", "vcs", "voce", "voces", "vou", "quanto", "quanta", "quantos", "quantas", "ainda",
    "tambem", "sobre", "depois", "antes", "estou", "estao", "tenho", "gostaria", "queria", "quero",
    "preciso", "algum", "alguma", "ate", "ou", "mas", "bem", "tudo", "vai", "vao", "fazer", "faz",
    "faco", "dele", "dela", "esse", "essa",
];

/// Portuguese shop vocabulary → the English words the knowledge uses.
const GLOSSARY: &[(&str, &[&str])] = &[
    ("aberta", &["open"]),
    ("aberto", &["open"]),
    ("abre", &["open"]),
    ("aceitar", &["accept"]),
    ("agasalho", &["jacket", "layer"]),
    ("agua", &["water"]),
    ("aguenta", &["hold", "carry", "load"]),
    ("aguentar", &["hold", "carry", "load"]),
    ("alfandega", &["customs"]),
    ("apertada", &["tight"]),
    ("apertado", &["tight"]),
    ("atrasado", &["delay", "late"]),
    ("atraso", &["delay", "late"]),
    ("barraca", &["tent"]),
    ("bastao", &["pole"]),
    ("bastoes", &["pole"]),
    ("bone", &["cap", "hat"]),
    ("bota", &["boot"]),
    ("botas", &["boot"]),
    ("brasil", &["brazil"]),
    ("cabe", &["fit"]),
    ("caber", &["fit"]),
    ("cadastro", &["account"]),
    ("caixa", &["box"]),
    ("calca", &["pant"]),
    ("calcado", &["shoe", "footwear"]),
    ("calcados", &["shoe", "footwear"]),
    ("calcas", &["pant"]),
    ("camiseta", &["shirt", "top"]),
    ("cancelamento", &["cancel"]),
    ("cancelar", &["cancel"]),
    ("cantil", &["bottle"]),
    ("cartao", &["card"]),
    ("casaco", &["jacket"]),
    ("chapeu", &["hat"]),
    ("chega", &["arrive"]),
    ("chegar", &["arrive"]),
    ("chuva", &["rain"]),
    ("codigo", &["code"]),
    ("compra", &["order", "purchase"]),
    ("comprar", &["buy"]),
    ("consertar", &["repair"]),
    ("conserto", &["repair"]),
    ("conta", &["account"]),
    ("cor", &["color"]),
    ("cores", &["color"]),
    ("correio", &["mail", "post"]),
    ("costura", &["seam"]),
    ("cuidado", &["care"]),
    ("cuidar", &["care"]),
    ("cupom", &["coupon", "code"]),
    ("custa", &["cost", "price"]),
    ("defeito", &["defect"]),
    ("demora", &["long", "days"]),
    ("desconto", &["discount"]),
    ("devolucao", &["return"]),
    ("devolver", &["return"]),
    ("dias", &["days"]),
    ("dormir", &["sleeping"]),
    ("encomenda", &["order", "package"]),
    ("endereco", &["address"]),
    ("entrega", &["delivery", "ship"]),
    ("entregam", &["ship", "delivery"]),
    ("entregar", &["ship", "delivery"]),
    ("enviam", &["ship"]),
    ("enviar", &["ship", "send"]),
    ("envio", &["shipping"]),
    ("esgotada", &["sold", "stock"]),
    ("esgotado", &["sold", "stock"]),
    ("estoque", &["stock"]),
    ("estraga", &["damage", "ruin"]),
    ("estragar", &["damage", "ruin"]),
    ("estudante", &["student"]),
    ("fidelidade", &["loyalty"]),
    ("frete", &["shipping"]),
    ("fria", &["cold"]),
    ("frio", &["cold"]),
    ("funcionamento", &["hours", "open"]),
    ("furado", &["hole"]),
    ("garantia", &["warranty"]),
    ("garrafa", &["bottle"]),
    ("gelada", &["cold"]),
    ("gelado", &["cold"]),
    ("gorro", &["beanie"]),
    ("gratis", &["free"]),
    ("gratuito", &["free"]),
    ("horario", &["hours"]),
    ("horas", &["hours"]),
    ("impermeavel", &["waterproof"]),
    ("imposto", &["tax", "duties"]),
    ("impostos", &["tax", "duties"]),
    ("inverno", &["winter"]),
    ("jaqueta", &["jacket"]),
    ("lanterna", &["headlamp", "light"]),
    ("largo", &["wide"]),
    ("largura", &["width"]),
    ("lavagem", &["wash"]),
    ("lavar", &["wash"]),
    ("liquidacao", &["sale"]),
    ("litro", &["liter"]),
    ("litros", &["liter"]),
    ("loja", &["store"]),
    ("lojas", &["store"]),
    ("luva", &["glove"]),
    ("luvas", &["glove"]),
    ("maior", &["larger", "bigger"]),
    ("manda", &["send", "ship"]),
    ("mandar", &["send", "ship"]),
    ("mantem", &["keep"]),
    ("manter", &["keep"]),
    ("maquina", &["machine"]),
    ("medida", &["measure"]),
    ("medidas", &["measure"]),
    ("meia", &["sock"]),
    ("meias", &["sock"]),
    ("menor", &["smaller"]),
    ("mochila", &["pack", "backpack"]),
    ("moletom", &["hoodie", "fleece"]),
    ("molhado", &["wet"]),
    ("molhar", &["wet"]),
    ("neve", &["snow"]),
    ("numero", &["size"]),
    ("oferecer", &["offer"]),
    ("pacote", &["package", "parcel"]),
    ("pagamento", &["payment"]),
    ("pagar", &["pay"]),
    ("parcelar", &["installments"]),
    ("parcelas", &["installments"]),
    ("pedido", &["order"]),
    ("penas", &["down"]),
    ("pesa", &["weigh"]),
    ("peso", &["weight"]),
    ("pluma", &["down"]),
    ("pontos", &["points"]),
    ("prazo", &["days", "time"]),
    ("preco", &["price"]),
    ("presente", &["gift"]),
    ("promocao", &["sale", "promo"]),
    ("quebrado", &["broken"]),
    ("quebrou", &["broken", "break"]),
    ("quente", &["warm"]),
    ("rasgado", &["torn"]),
    ("rasgou", &["tear", "torn"]),
    ("rastreamento", &["tracking"]),
    ("rastrear", &["track"]),
    ("rastreio", &["tracking"]),
    ("receber", &["receive"]),
    ("recebo", &["receive"]),
    ("reciclado", &["recycled"]),
    ("reembolso", &["refund"]),
    ("reparo", &["repair"]),
    ("retirada", &["pickup"]),
    ("retirar", &["pickup", "collect"]),
    ("sabao", &["soap", "detergent"]),
    ("saco", &["bag"]),
    ("sapato", &["shoe"]),
    ("secadora", &["dryer"]),
    ("secar", &["dry"]),
    ("semanas", &["weeks"]),
    ("senha", &["password"]),
    ("sustentavel", &["sustainable"]),
    ("tamanho", &["size"]),
    ("tamanhos", &["size"]),
    ("taxa", &["fee"]),
    ("taxas", &["fee"]),
    ("tempo", &["long", "hours", "days"]),
    ("tenis", &["shoe", "runner"]),
    ("termica", &["insulated"]),
    ("termico", &["insulated"]),
    ("trilha", &["trail", "hike"]),
    ("troca", &["exchange"]),
    ("trocar", &["exchange"]),
    ("usada", &["worn", "used"]),
    ("usado", &["worn", "used"]),
    ("usar", &["use"]),
    ("usei", &["worn", "used"]),
    ("vender", &["sell"]),
    ("vento", &["wind"]),
    ("verao", &["summer"]),
    ("ziper", &["zipper"]),
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
    &[
        "wash", "clean", "launder", "care", "dry", "dryer", "washer", "machine",
    ],
    &["waterproof", "rain", "wet", "water"],
    &["warm", "warmth", "insulation", "insulated", "cold"],
    &["weight", "weigh", "heavy", "light"],
    &["store", "shop", "location", "retail", "physical"],
    &[
        "team",
        "club",
        "corporate",
        "company",
        "bulk",
        "wholesale",
        "group",
        "volume",
    ],
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

/// Phrases that say what a question asks for without naming it ("how much is …" asks
/// for a price, "when will it be back" for a restock): their terms help rank passages
/// but are not words the passage must cover. A phrase does not apply when the question
/// names one of its `unless` words ("how much does it weigh").
const HINTS: &[(&str, &[&str], &[&str])] = &[
    (
        "how much",
        &["price", "cost"],
        &[
            "weigh",
            "weight",
            "heavy",
            "hold",
            "fit",
            "warm",
            "warmth",
            "long",
            "time",
            "space",
            "room",
            "water",
            "load",
            "fill",
            "liter",
            "liters",
            "litre",
            "litres",
            "cost",
            "costs",
            "price",
            "prices",
            "fee",
            "fees",
            "charge",
            "pay",
            "expensive",
        ],
    ),
    ("be back", &["restock", "stock"], &[]),
    ("back in stock", &["restock"], &[]),
    ("quanto custa", &["price", "cost"], &[]),
];

/// How much a hint term counts against the shopper's own words.
const HINT_WEIGHT: f64 = 0.5;

/// A Portuguese word without its inflection ("lavo", "lavar" → "lav"), so that the
/// glossary's infinitives and nouns also find the forms shoppers write.
fn portuguese_root(word: &str) -> &str {
    const ENDINGS: &[&str] = &[
        "amos", "emos", "imos", "aram", "eram", "iram", "ando", "endo", "indo", "ado", "ido",
        "ada", "ida", "ar", "er", "ir", "am", "em", "ei", "ou", "eu", "iu", "as", "es", "os", "o",
        "a", "e",
    ];
    if word.len() < 4 {
        return word;
    }
    ENDINGS
        .iter()
        .filter_map(|ending| word.strip_suffix(ending))
        .find(|root| root.len() >= 3)
        .unwrap_or(word)
}

/// The English words a Portuguese (or place) word stands for, if the glossary knows it.
/// Other inflections of a glossary word are only looked for in a Portuguese question:
/// English words have roots too ("taxes", "cores").
fn translate(word: &str, portuguese: bool) -> Option<&'static [&'static str]> {
    GLOSSARY
        .iter()
        .chain(PLACES)
        .find(|(known, _)| *known == word)
        .or_else(|| {
            let root = portuguese_root(word);
            GLOSSARY
                .iter()
                .find(|(known, _)| portuguese && root != word && portuguese_root(known) == root)
        })
        .map(|(_, english)| *english)
}

/// Whether `text` is Portuguese, by its function words.
pub fn is_portuguese(text: &str) -> bool {
    looks_portuguese(&words(text))
}

/// Whether a question uses Portuguese function words ("como", "minha", "voces").
fn looks_portuguese(words: &[String]) -> bool {
    words.iter().any(|word| {
        STOP_WORDS_PT.contains(&word.as_str()) && !STOP_WORDS_EN.contains(&word.as_str())
    })
}

/// "US" and "U.S." (in capitals, in text that is not all capitals) name the country,
/// not the pronoun: spelled out, both sides meet on "United States".
fn spell_out_us(text: &str) -> String {
    if !text.contains("US") && !text.contains("U.S") {
        return text.to_owned();
    }
    if !text.chars().any(char::is_lowercase) {
        return text.to_owned();
    }
    let text = text.replace("U.S.", "US").replace("U.S", "US");
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text.as_str();
    while let Some(at) = rest.find("US") {
        let before = rest[..at].chars().next_back();
        let after = rest[at + 2..].chars().next();
        let bounded = |letter: Option<char>| !letter.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..at]);
        if bounded(before) && bounded(after) {
            out.push_str("United States");
        } else {
            out.push_str("US");
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

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

/// The question without the store's own name ("Juniper & Pine" in "a Juniper and
/// Pine gift card"): every passage may mention the store, so its name says nothing
/// about the topic and only pulls towards passages that repeat it. Only the whole
/// name is dropped, so "boots" stays in a question to "The Boot Shop".
pub fn without_store_name(question: &str, store_name: &str) -> String {
    let name: Vec<String> = words(store_name)
        .into_iter()
        .filter(|word| !is_stop_word(word))
        .collect();
    if name.is_empty() {
        return question.to_owned();
    }
    let question = spell_out_us(question);
    let all_words = words(&question);
    let mut found = false;
    let mut kept: Vec<&str> = Vec::with_capacity(all_words.len());
    let mut at = 0;
    while at < all_words.len() {
        // The name's words in order, with stop words ("and", "the") between them.
        let mut next = at;
        let mut matched = 0;
        while next < all_words.len() && matched < name.len() {
            if all_words[next] == name[matched] {
                matched += 1;
            } else if !(matched > 0 && is_stop_word(&all_words[next])) {
                break;
            }
            next += 1;
        }
        if matched == name.len() {
            found = true;
            at = next;
        } else {
            kept.push(&all_words[at]);
            at += 1;
        }
    }
    if found {
        kept.join(" ")
    } else {
        question
    }
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS_EN.contains(&word) || STOP_WORDS_PT.contains(&word)
}

/// Irregular forms the suffix rules below can't reach.
const IRREGULAR: &[(&str, &str)] = &[("used", "use"), ("using", "use"), ("uses", "use")];

fn is_vowel(letter: u8) -> bool {
    matches!(letter, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether a stem is one short syllable ending consonant, vowel, consonant (not w, x or
/// y): "siz", "hik", "tak", which lost an "e" to "-ing" or "-ed".
fn lost_its_e(stem: &str) -> bool {
    let bytes = stem.as_bytes();
    let vowel_runs = bytes
        .windows(2)
        .filter(|pair| !is_vowel(pair[0]) && is_vowel(pair[1]))
        .count()
        + usize::from(bytes.first().is_some_and(|first| is_vowel(*first)));
    match bytes {
        [.., a, b, c] => {
            vowel_runs == 1
                && !is_vowel(*a)
                && is_vowel(*b)
                && !is_vowel(*c)
                && !matches!(c, b'w' | b'x' | b'y')
        }
        _ => false,
    }
}

/// A light English stemmer: enough that "returns", "returned" and "returning" meet,
/// and the same on both sides, which is all retrieval needs.
pub fn stem(word: &str) -> String {
    if let Some((_, base)) = IRREGULAR.iter().find(|(form, _)| *form == word) {
        return (*base).to_owned();
    }
    if word.len() <= 3 || word.chars().any(|letter| letter.is_ascii_digit()) {
        return word.to_owned();
    }
    let mut stem = word.to_owned();
    let mut verb_ending = false;
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
            // "apply" and "supply" are not adverbs.
            let adverb = suffix != "ly"
                || (base.len() >= 4 && !base.ends_with("pp") && !base.ends_with("pl"));
            if base.len() >= 3 && adverb && !(suffix == "s" && base.ends_with('s')) {
                // "boxes" → "box", but "sizes" → "size".
                let sibilant = ["ss", "x", "zz", "ch", "sh"]
                    .iter()
                    .any(|end| base.ends_with(end));
                let replacement = if suffix == "es" && sibilant {
                    ""
                } else {
                    replacement
                };
                verb_ending = matches!(suffix, "ing" | "ed");
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
    } else if verb_ending && lost_its_e(&stem) {
        // "sizing" → "siz" → "size", as "size" itself stays.
        stem.push('e');
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
    words(&spell_out_us(text))
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
    /// From a phrase's hint ("how much" asks for a price), not from one of the
    /// shopper's words: the phrase counts as one more word to cover, but never as an
    /// unknown one.
    pub hint: bool,
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
        match terms
            .iter_mut()
            .find(|known| known.term == term && known.word == word)
        {
            Some(known) => known.weight = known.weight.max(weight),
            None => terms.push(QueryTerm {
                term,
                weight,
                word,
                hint: false,
            }),
        }
    };
    let question = spell_out_us(question);
    let all_words = words(&question);
    let portuguese = looks_portuguese(&all_words);
    let mut word_index = 0;
    for word in &all_words {
        // Short numbers ("9.5", "a 3 day hike") match sizes and quantities anywhere.
        let small_number = word.len() <= 2 && word.chars().all(|letter| letter.is_ascii_digit());
        if is_stop_word(word) || small_number {
            continue;
        }
        let translated: Vec<String> = translate(word, portuguese)
            .map(|english| english.iter().map(|word| stem(word)).collect())
            .unwrap_or_else(|| vec![stem(word)]);
        // A member state is asked about under its own name, and answered as "the EU".
        let translated = if EU_MEMBERS.contains(&word.as_str()) {
            [stem(word)]
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
    let joined = format!(" {} ", all_words.join(" "));
    for (phrase, hinted, unless) in HINTS {
        let word = word_index;
        let applies = joined.contains(&format!(" {phrase} "))
            && !all_words.iter().any(|word| unless.contains(&word.as_str()));
        if !applies {
            continue;
        }
        for term in hinted.iter().map(|word| stem(word)) {
            terms.push(QueryTerm {
                term,
                weight: HINT_WEIGHT,
                word,
                hint: true,
            });
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
            ("sizing", "size"),
            ("sized", "size"),
            ("hiking", "hike"),
            ("using", "use"),
            ("used", "use"),
            ("applies", "apply"),
            ("applied", "apply"),
            ("measuring", "measure"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_ne!(stem("boots"), stem("boat"));
        // Shipping keeps its single "p" without growing an "e".
        assert_eq!(stem("shipping"), "ship");
        assert_eq!(stem("quickly"), "quick");
        assert_ne!(stem("apply"), stem("app"));
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
    fn capital_us_is_the_country() {
        assert_eq!(
            index_terms("Returns from the US"),
            vec![stem("returns"), stem("united"), stem("states")]
        );
        assert_eq!(index_terms("Send it to us"), vec!["send"]);
        let terms: Vec<String> = query_terms("how much is 2 day shipping in the U.S.?")
            .into_iter()
            .map(|term| term.term)
            .collect();
        assert!(terms.contains(&stem("states")), "{terms:?}");
    }

    #[test]
    fn portuguese_inflections_find_the_glossary() {
        let terms: Vec<String> = query_terms("Como lavo minha jaqueta?")
            .into_iter()
            .map(|term| term.term)
            .collect();
        assert!(terms.contains(&stem("wash")), "{terms:?}");
        // Only in Portuguese: English "taxes" stays taxes.
        let terms: Vec<String> = query_terms("do I pay taxes")
            .into_iter()
            .map(|term| term.term)
            .collect();
        assert!(terms.contains(&stem("taxes")), "{terms:?}");
    }

    #[test]
    fn phrases_hint_at_what_is_asked() {
        let hints = |question: &str| -> Vec<String> {
            query_terms(question)
                .into_iter()
                .filter(|term| term.hint)
                .map(|term| term.term)
                .collect()
        };
        assert_eq!(
            hints("how much is the tent"),
            vec![stem("price"), stem("cost")]
        );
        assert!(hints("how much does the tent weigh").is_empty());
        assert!(hints("when will the shell be back in stock")
            .iter()
            .any(|term| *term == stem("restock")));
        // A hint is one more word after the shopper's own.
        let terms = query_terms("how much is the tent");
        assert!(terms.iter().all(|term| term.hint == (term.word == 1)));
    }

    #[test]
    fn synonyms_count_less_than_the_shoppers_words() {
        let terms = query_terms("refund");
        assert_eq!(terms[0].weight, 1.0);
        assert!(terms[1..].iter().all(|term| term.weight < 1.0));
    }

    #[test]
    fn the_stores_whole_name_is_dropped_from_a_question() {
        assert_eq!(
            without_store_name(
                "I got a Juniper and Pine gift card, how do I use it?",
                "Juniper & Pine"
            ),
            "i got a gift card how do i use it"
        );
        // Part of the name is a word like any other.
        assert_eq!(
            without_store_name("do you sell boots?", "The Boot Shop"),
            "do you sell boots?"
        );
        assert_eq!(
            without_store_name("is the boot shop open in the US", "The Boot Shop"),
            "is the open in the united states"
        );
        assert_eq!(without_store_name("returns?", ""), "returns?");
    }

    #[test]
    fn a_word_translated_to_two_terms_keeps_both_at_full_weight() {
        // "custa" is "cost" and "price"; "price" is also a synonym of "cost", which
        // must not leave it at a synonym's weight.
        let terms = query_terms("quanto custa a bota");
        let price = terms
            .iter()
            .find(|term| term.term == stem("price") && term.word == 0);
        assert_eq!(price.map(|term| term.weight), Some(1.0), "{terms:?}");
    }
}
