//! The AI service agent's answering: retrieval over the store's own knowledge, with a
//! confidence below which it hands the shopper to a person instead of guessing.
//!
//! A wrong confident answer costs more than a handoff (the shopper acts on it), so the
//! thresholds are set to keep those rare; `benches/ai.rs` measures both on a labelled
//! evaluation set, part of which is kept out of tuning.

pub mod generator;
pub mod handoff;
pub mod intent;
pub mod knowledge;
mod reply;
pub mod retrieval;
pub mod text;

use self::{
    intent::Needs,
    knowledge::Knowledge,
    retrieval::{Hit, Index},
};

/// The least share of a question's meaning the best passage must cover.
pub const MIN_COVERAGE: f64 = 0.55;
/// The most of a question's words the knowledge may never use.
pub const MAX_UNKNOWN: f64 = 0.34;

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
    Answer(Hit<'a>),
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

    /// Answer from the best passage, or hand off, and why.
    pub fn decide(&self, question: &str) -> Decision<'_> {
        match intent::needs_person(question) {
            Some(Needs::Person) => return Decision::Handoff(HandoffReason::Requested),
            Some(Needs::CaseWork) => return Decision::Handoff(HandoffReason::CaseWork),
            None => {}
        }
        // Only the best passage may answer: letting a lower one answer when it covered
        // more of the question gave more wrong answers on the held-out questions.
        match self.index.search(question, 1).into_iter().next() {
            Some(hit) if hit.coverage >= MIN_COVERAGE && hit.unknown <= MAX_UNKNOWN => {
                Decision::Answer(hit)
            }
            _ => Decision::Handoff(HandoffReason::LowConfidence),
        }
    }
}
