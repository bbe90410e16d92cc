//! Ranked retrieval over the knowledge: BM25 over passages (a passage's heading counts
//! twice), and a confidence that says how much of the question the best passage
//! covers. The index lives in memory: a store's knowledge is a few thousand passages
//! at most, and ranking in process gives the same answers, scores and thresholds on
//! SQLite and PostgreSQL, whose full-text rankings differ.

use std::collections::HashMap;

use super::{
    knowledge::{Knowledge, Passage, Source},
    text::{index_terms, query_terms, without_store_name, QueryTerm},
};

/// BM25's usual constants.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Shorter words are left as they are: one letter changes too many of them into
/// another word ("cost", "coat").
const MIN_TYPO_LENGTH: usize = 5;
/// A heading word counts as this many body words.
const HEADING_WEIGHT: f64 = 2.0;
/// Term rarity is judged as if the knowledge had at least this many passages: in a
/// store that has written three articles, a word all three use is what it writes
/// about, not a common word, and the confidence model (fitted on a store of 173
/// passages) should see it so.
const MIN_PASSAGES: f64 = 100.0;

struct IndexedPassage {
    /// Term → weighted frequency.
    terms: HashMap<String, f64>,
    length: f64,
}

pub struct Index {
    knowledge: Knowledge,
    passages: Vec<IndexedPassage>,
    /// Term → number of passages holding it.
    document_frequency: HashMap<String, usize>,
    average_length: f64,
}

/// The best passage for a question and how sure we are of it.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub passage: &'a Passage,
    pub source: &'a Source,
    pub score: f64,
    /// Share of the question's meaning (its words the knowledge uses, by IDF) the
    /// passage covers, 0..=1.
    pub coverage: f64,
    /// Share of the question's words the knowledge never uses ("kayaks" in a shop
    /// without them), 0..=1: the same for every passage.
    pub unknown: f64,
    /// How many words of the shopper's own the question has: the same for every
    /// passage.
    pub words: usize,
}

impl Index {
    pub fn new(knowledge: Knowledge) -> Self {
        let mut document_frequency: HashMap<String, usize> = HashMap::new();
        let passages: Vec<IndexedPassage> = knowledge
            .passages
            .iter()
            .map(|passage| {
                let mut terms: HashMap<String, f64> = HashMap::new();
                let mut length = 0.0;
                for term in index_terms(&passage.heading) {
                    *terms.entry(term).or_default() += HEADING_WEIGHT;
                    length += HEADING_WEIGHT;
                }
                for term in index_terms(&passage.text) {
                    *terms.entry(term).or_default() += 1.0;
                    length += 1.0;
                }
                for term in terms.keys() {
                    *document_frequency.entry(term.clone()).or_default() += 1;
                }
                IndexedPassage { terms, length }
            })
            .collect();
        let average_length = if passages.is_empty() {
            1.0
        } else {
            passages.iter().map(|passage| passage.length).sum::<f64>() / passages.len() as f64
        };
        Index {
            knowledge,
            passages,
            document_frequency,
            average_length,
        }
    }

    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    pub fn is_empty(&self) -> bool {
        self.passages.is_empty()
    }

    /// Rarer terms say more; a term the knowledge never uses says the most (and,
    /// unmatched, lowers the coverage of every passage: "kayaks" in a shop without them).
    fn idf(&self, term: &str) -> f64 {
        self.idf_of_held_by(self.document_frequency.get(term).copied().unwrap_or(0))
    }

    /// The IDF of a term no passage holds: the most any term can say. Scores divided
    /// by it compare across stores with more or fewer passages.
    pub fn unseen_idf(&self) -> f64 {
        self.idf_of_held_by(0)
    }

    /// BM25's IDF of a term `holding` passages hold.
    fn idf_of_held_by(&self, holding: usize) -> f64 {
        let count = (self.passages.len() as f64).max(MIN_PASSAGES);
        let holding = holding as f64;
        (1.0 + (count - holding + 0.5) / (holding + 0.5)).ln()
    }

    /// A word the knowledge never uses, one slip away from one it does ("waterprof",
    /// "reciept"), stands for that word: the most used one if several are.
    fn correct_typos(&self, terms: &mut Vec<QueryTerm>) {
        let mut corrections = Vec::new();
        for term in terms.iter() {
            let own_word = term.weight >= 1.0 && !term.hint;
            let word_known = terms.iter().any(|other| {
                other.word == term.word && self.document_frequency.contains_key(&other.term)
            });
            if !own_word || word_known || term.term.chars().count() < MIN_TYPO_LENGTH {
                continue;
            }
            let nearest = self
                .document_frequency
                .iter()
                .filter(|(known, _)| one_edit_apart(&term.term, known))
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
            if let Some((known, _)) = nearest {
                corrections.push(QueryTerm {
                    term: known.clone(),
                    ..term.clone()
                });
            }
        }
        terms.extend(corrections);
    }

    /// The passages that answer `question` best, best first (at most `limit`).
    pub fn search(&self, question: &str, limit: usize) -> Vec<Hit<'_>> {
        let mut terms = query_terms(&without_store_name(question, &self.knowledge.store_name));
        if terms.is_empty() {
            return Vec::new();
        }
        self.correct_typos(&mut terms);
        // Each of the shopper's words weighs its own term's IDF; its expansions may
        // stand in for it, for part of that weight. Words the knowledge never uses
        // (nor any expansion of them) are counted apart: an unknown detail ("for my
        // birthday") must not sink an answer, but a question mostly about things the
        // store never mentions is not answerable.
        let words = terms
            .iter()
            .map(|term| term.word)
            .max()
            .map_or(0, |last| last + 1);
        let mut word_weight = vec![0.0_f64; words];
        let mut known = vec![false; words];
        let mut hinted = vec![false; words];
        for term in &terms {
            if term.weight >= 1.0 || term.hint {
                word_weight[term.word] = word_weight[term.word].max(self.idf(&term.term));
            }
            known[term.word] |= self.document_frequency.contains_key(&term.term);
            hinted[term.word] |= term.hint;
        }
        let total_weight: f64 = word_weight
            .iter()
            .zip(&known)
            .filter(|(_, known)| **known)
            .map(|(weight, _)| weight)
            .sum();
        // A hint is never unknown: "how much" in a shop without prices says nothing.
        let own_words = hinted.iter().filter(|hint| !**hint).count();
        let unknown = known
            .iter()
            .zip(&hinted)
            .filter(|(known, hint)| !**known && !**hint)
            .count() as f64
            / own_words.max(1) as f64;

        // Each distinct term scores once, at the most any word gives it.
        let mut scored: Vec<(&str, f64)> = Vec::new();
        for term in &terms {
            match scored.iter_mut().find(|(known, _)| *known == term.term) {
                Some((_, weight)) => *weight = weight.max(term.weight),
                None => scored.push((&term.term, term.weight)),
            }
        }

        let mut hits: Vec<Hit<'_>> = Vec::new();
        for (position, passage) in self.passages.iter().enumerate() {
            let mut score = 0.0;
            let mut covered = vec![0.0_f64; words];
            for (term, weight) in &scored {
                let Some(&frequency) = passage.terms.get(*term) else {
                    continue;
                };
                let idf = self.idf(term);
                let norm = K1 * (1.0 - B + B * passage.length / self.average_length);
                score += weight * idf * frequency * (K1 + 1.0) / (frequency + norm);
            }
            for term in &terms {
                if passage.terms.contains_key(&term.term) {
                    let share = if term.hint { 1.0 } else { term.weight };
                    covered[term.word] = covered[term.word].max(share);
                }
            }
            if score <= 0.0 {
                continue;
            }
            let coverage = if total_weight > 0.0 {
                covered
                    .iter()
                    .zip(&word_weight)
                    .map(|(share, weight)| share * weight)
                    .sum::<f64>()
                    / total_weight
            } else {
                0.0
            };
            let passage = &self.knowledge.passages[position];
            hits.push(Hit {
                passage,
                source: self.knowledge.source_of(passage),
                score,
                coverage,
                unknown,
                words: own_words,
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.source.id.cmp(&b.source.id))
        });
        hits.truncate(limit);
        hits
    }
}

/// Whether one letter added, dropped, changed or swapped with its neighbour turns `a`
/// into `b`.
fn one_edit_apart(a: &str, b: &str) -> bool {
    // Cheap first: most of the vocabulary differs in length by more than a letter.
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (rest_a, rest_b) = (&a[prefix..], &b[prefix..]);
    match rest_a.len().cmp(&rest_b.len()) {
        std::cmp::Ordering::Equal => {
            rest_a[1..] == rest_b[1..]
                || (rest_a.len() >= 2
                    && rest_a[0] == rest_b[1]
                    && rest_a[1] == rest_b[0]
                    && rest_a[2..] == rest_b[2..])
        }
        std::cmp::Ordering::Less => rest_a == &rest_b[1..],
        std::cmp::Ordering::Greater => &rest_a[1..] == rest_b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let mut knowledge = Knowledge::default();
        knowledge.add_faq(
            "faq-canada",
            "Do you ship to Canada?",
            "Yes, in 4 to 8 business days.",
        );
        knowledge.add_article(
            "article-returns",
            "Returns policy",
            "Return window: return unworn items within 60 days.\n\nRefunds: five days after we receive your return.",
        );
        Index::new(knowledge)
    }

    #[test]
    fn the_passage_sharing_the_questions_rare_words_ranks_first() {
        let index = index();
        let hits = index.search("within how many days must unworn items come back?", 3);
        assert_eq!(hits[0].source.id, "article-returns");
        assert!(hits[0].passage.text.starts_with("Return window"));
        let canada = index.search("shipping to canada", 1);
        assert_eq!(canada[0].source.id, "faq-canada");
        assert!(canada[0].coverage > 0.99, "{}", canada[0].coverage);
    }

    #[test]
    fn words_the_knowledge_never_uses_lower_the_coverage() {
        let index = index();
        let hits = index.search("do you ship kayaks to canada", 1);
        assert_eq!(hits[0].source.id, "faq-canada");
        assert!(hits[0].coverage > 0.99, "{}", hits[0].coverage);
        assert!(
            (hits[0].unknown - 1.0 / 3.0).abs() < 1e-9,
            "{}",
            hits[0].unknown
        );
        assert!(index.search("bonjour", 1).is_empty());
    }

    #[test]
    fn a_hint_must_be_covered_but_is_never_unknown() {
        let mut knowledge = Knowledge::default();
        knowledge.add_faq(
            "faq-wrap",
            "Do you gift wrap?",
            "Gift wrapping costs $5 per order.",
        );
        knowledge.add_faq(
            "faq-canada",
            "Do you ship to Canada?",
            "Yes, in 4 to 8 business days.",
        );
        let index = Index::new(knowledge);
        // "how much" asks for a cost: the wrapping FAQ covers it.
        let hits = index.search("how much is gift wrap", 2);
        assert_eq!(hits[0].source.id, "faq-wrap");
        assert!(hits[0].coverage > 0.99, "{}", hits[0].coverage);
        assert_eq!(hits[0].unknown, 0.0);
        // The Canada FAQ names no cost: it covers the place, not the whole question.
        let hits = index.search("how much is shipping to canada", 1);
        assert!(hits[0].coverage < 0.9, "{}", hits[0].coverage);
        assert_eq!(hits[0].unknown, 0.0);
    }

    #[test]
    fn a_word_one_slip_from_a_known_one_stands_for_it() {
        let mut knowledge = Knowledge::default();
        knowledge.add_faq(
            "faq-rain",
            "Is the shell jacket waterproof?",
            "Yes, fully taped seams.",
        );
        knowledge.add_faq("faq-coat", "Do you sell coats?", "No, jackets only.");
        let index = Index::new(knowledge);
        let hits = index.search("is the shell waterprof", 1);
        assert_eq!(hits[0].source.id, "faq-rain");
        assert!(hits[0].coverage > 0.99, "{}", hits[0].coverage);
        assert_eq!(hits[0].unknown, 0.0);
        assert!(one_edit_apart("reciept", "receipt"));
        assert!(one_edit_apart("jaket", "jacket"));
        assert!(one_edit_apart("jacket", "jackets"));
        assert!(!one_edit_apart("jacket", "jacket"));
        assert!(!one_edit_apart("kayaks", "jackets"));
    }
}
