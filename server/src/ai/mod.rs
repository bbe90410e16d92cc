//! The AI service agent's answering: retrieval over the store's own knowledge, with a
//! confidence below which it hands the shopper to a person instead of guessing.
//!
//! A wrong confident answer costs more than a handoff (the shopper acts on it), so the
//! thresholds are set to keep those rare; `benches/ai.rs` measures both on a labelled
//! evaluation set, part of which is kept out of tuning.

pub mod agent;
pub mod confidence;
pub mod generator;
pub mod handoff;
pub mod intent;
pub mod knowledge;
pub mod phrases;
mod reply;
pub mod retrieval;
pub mod text;

use protocol::settings::AnswerCaution;

use self::{
    confidence::{min_confidence, Signals},
    intent::Needs,
    knowledge::{Knowledge, SourceKind},
    retrieval::{Hit, Index},
};

/// Limits no confidence overrides. The model was fitted on one store; in a store unlike
/// it (three articles, no catalogue) it may be sure of a passage that covers little of
/// the question, or of a question mostly about things the store never mentions. On the
/// evaluation set neither limit turns away an answer the model would give.
const MIN_COVERAGE: f64 = 0.4;
const MAX_UNKNOWN: f64 = 0.34;
/// How many ranked passages the decision looks at.
const CANDIDATES: usize = 10;
/// A passage of the best source may answer in its stead when it scores at least this
/// share of the best score.
const SAME_SOURCE_RATIO: f64 = 0.7;

/// Why the AI agent passes a question to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffReason {
    /// The shopper asked for a person.
    Requested,
    /// It is about their own order, payment or account.
    CaseWork,
    /// Nothing in the knowledge answers it well enough.
    LowConfidence,
}

#[derive(Debug, Clone, Copy)]
pub enum Decision<'a> {
    /// `confidence`: the model's probability that the passage answers the question.
    Answer {
        hit: Hit<'a>,
        confidence: f64,
    },
    Handoff(HandoffReason),
}

pub struct Answerer {
    index: Index,
}

impl Answerer {
    pub fn new(knowledge: Knowledge) -> Self {
        Answerer {
            index: Index::new(knowledge),
        }
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Answer from the best passage, or hand off, and why: `caution` says how sure it
    /// must be to answer.
    pub fn decide(&self, question: &str, caution: AnswerCaution) -> Decision<'_> {
        match intent::needs_person(question) {
            Some(Needs::Person) => return Decision::Handoff(HandoffReason::Requested),
            Some(Needs::CaseWork) => return Decision::Handoff(HandoffReason::CaseWork),
            None => {}
        }
        let Some((hit, signals)) = self.best_answer(question) else {
            return Decision::Handoff(HandoffReason::LowConfidence);
        };
        let confidence = signals.confidence();
        if confidence >= min_confidence(caution)
            && hit.coverage >= MIN_COVERAGE
            && hit.unknown <= MAX_UNKNOWN
        {
            Decision::Answer { hit, confidence }
        } else {
            Decision::Handoff(HandoffReason::LowConfidence)
        }
    }

    /// The passage that would answer `question`, and the signals of how well it does,
    /// before any threshold: none when nothing in the knowledge matches it.
    pub fn best_answer(&self, question: &str) -> Option<(Hit<'_>, Signals)> {
        let hits = self.index.search(question, CANDIDATES);
        let best = hits.first()?;
        // A source answers from whichever of its passages near the top covers the
        // question best ("what does the warranty cover" ranks the warranty's lead
        // paragraph first, but its "What isn't covered" paragraph says more). Letting
        // another source's lower passage answer because it covered more gave more wrong
        // answers, so the source stays the best passage's.
        let chosen = hits
            .iter()
            .filter(|hit| {
                hit.source.id == best.source.id && hit.score >= SAME_SOURCE_RATIO * best.score
            })
            .max_by(|a, b| a.coverage.total_cmp(&b.coverage))
            .unwrap_or(best);
        if asks_what_is_sold(question)
            && chosen.source.kind == SourceKind::Product
            && !title_names_it(question, &chosen.passage.heading)
        {
            return None;
        }
        Some((*chosen, Signals::of(chosen, &hits, self.index.unseen_idf())))
    }
}

/// "Do you sell …", "do you carry …": asking whether something is in the catalogue.
const SELL_WORDS: &[&str] = &[
    "sell", "sells", "selling", "carry", "carries", "vende", "vendem", "vendes",
];

fn asks_what_is_sold(question: &str) -> bool {
    text::words(question)
        .iter()
        .any(|word| SELL_WORDS.contains(&word.as_str()))
}

/// Whether a product's title names at least half of what the shopper asks for: a
/// product that only mentions it ("a sleeping bag compartment") does not sell it.
fn title_names_it(question: &str, title: &str) -> bool {
    let title_terms = text::index_terms(title);
    let asked: Vec<String> = text::query_terms(question)
        .into_iter()
        .filter(|term| term.weight >= 1.0 && !term.hint)
        .filter(|term| !SELL_WORDS.iter().any(|sell| text::stem(sell) == term.term))
        .map(|term| term.term)
        .collect();
    let named = asked
        .iter()
        .filter(|term| title_terms.contains(term))
        .count();
    named * 2 >= asked.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A warranty article of two paragraphs and a shipping FAQ.
    fn warranty_and_canada() -> Knowledge {
        let mut knowledge = Knowledge::default();
        knowledge.add_article(
            "article-warranty",
            "Warranty & repairs",
            "The Trail Promise: Everything we make is guaranteed against defects for life. \
             We repair or replace it.\n\n\
             What isn't covered: Normal wear and tear, accidents and misuse aren't covered by \
             the warranty.",
        );
        knowledge.add_faq(
            "faq-canada",
            "Do you ship to Canada?",
            "Yes, in 4 to 8 business days.",
        );
        knowledge
    }

    fn answerer() -> Answerer {
        Answerer::new(warranty_and_canada())
    }

    #[test]
    fn the_best_source_answers_from_its_passage_that_covers_most() {
        let answerer = answerer();
        match answerer.decide("what does the warranty cover?", AnswerCaution::Balanced) {
            Decision::Answer { hit, .. } => {
                assert_eq!(hit.source.id, "article-warranty");
                assert!(hit.passage.text.starts_with("What isn't covered"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hands_off_case_work_and_unknown_topics() {
        let answerer = answerer();
        assert!(matches!(
            answerer.decide("can you cancel my order please", AnswerCaution::Balanced),
            Decision::Handoff(HandoffReason::CaseWork)
        ));
        assert!(matches!(
            answerer.decide("do you sell kayaks", AnswerCaution::Balanced),
            Decision::Handoff(HandoffReason::LowConfidence)
        ));
        assert!(matches!(
            answerer.decide("shipping to canada?", AnswerCaution::Balanced),
            Decision::Answer { hit, .. } if hit.source.id == "faq-canada"
        ));
    }

    #[test]
    fn only_a_product_named_for_it_answers_whether_it_is_sold() {
        let mut knowledge = Knowledge::default();
        knowledge.add_article(
            "article-care",
            "Care",
            "Packs: empty the sleeping bag compartment before you wash a pack.",
        );
        let answerer = Answerer::new(knowledge);
        // A care passage may mention sleeping bags; it is not a product.
        assert!(matches!(
            answerer.decide("how do I wash the sleeping bag compartment", AnswerCaution::Balanced),
            Decision::Answer { hit, .. } if hit.source.id == "article-care"
        ));
        let mut knowledge = Knowledge::default();
        let export: knowledge::ShopifyExport = serde_json::from_value(serde_json::json!({
            "products": [{
                "id": 1,
                "title": "Basin 40 Trekking Pack",
                "handle": "basin-40",
                "body_html": "<p>A pack for long trips.</p><ul><li>Separate sleeping bag compartment</li></ul>",
                "variants": [{"title": "Default Title", "price": "189.00", "available": true}]
            }]
        }))
        .expect("export");
        for product in &export.products {
            knowledge.add_product(product);
        }
        let answerer = Answerer::new(knowledge);
        // The rule decides which passage may answer, before any confidence.
        assert!(answerer.best_answer("do you sell sleeping bags?").is_none());
        assert!(matches!(
            answerer.best_answer("do you sell trekking packs?"),
            Some((hit, _)) if hit.source.id == "product-basin-40"
        ));
    }

    #[test]
    fn the_merchants_caution_sets_how_sure_it_must_be_to_answer() {
        let mut knowledge = warranty_and_canada();
        knowledge.add_article(
            "article-returns",
            "Returns policy",
            "Return window: return unworn items within 60 days.\n\n\
             Refunds: five days after we receive your return.",
        );
        let answerer = Answerer::new(knowledge);
        let answers = |question: &str| -> Vec<bool> {
            [
                AnswerCaution::Careful,
                AnswerCaution::Balanced,
                AnswerCaution::Eager,
            ]
            .map(|caution| matches!(answerer.decide(question, caution), Decision::Answer { .. }))
            .to_vec()
        };
        // Every word matched, in one source only: sure enough for anyone.
        assert_eq!(answers("is wear and tear covered"), [true, true, true]);
        // Defects are the warranty's words, refunds the returns policy's.
        assert_eq!(answers("refund for defects"), [false, true, true]);
        // Either source could be meant: only the eager answer.
        assert_eq!(answers("warranty returns"), [false, false, true]);
        // However sure the model is, half the question unknown to the store is too much.
        assert_eq!(answers("do you repair zippers"), [false, false, false]);
    }
}
