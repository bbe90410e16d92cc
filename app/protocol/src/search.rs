//! Ticket search as both sides see it: how a query splits into terms (the same rule as
//! the databases' full-text indexes: anything not a letter or digit separates words),
//! and the highlighted snippet shown under each result.

use serde::{Deserialize, Serialize};

use crate::TicketSummary;

/// Terms kept from one query; the rest is ignored.
pub const MAX_TERMS: usize = 8;
/// Longest term kept, in characters.
pub const MAX_TERM_CHARS: usize = 40;
/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// One search result: the ticket, and why it matched.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub ticket: TicketSummary,
    /// The shopper's name or email matched.
    pub customer_matched: bool,
    /// Part of the best matching message (or the preview), with the matches marked.
    pub snippet: Vec<SnippetPart>,
}

/// A run of snippet text, matched or not (rendered as text: never as markup).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// The query's terms: lower-case runs of letters and digits, at most [`MAX_TERMS`],
/// each cut to [`MAX_TERM_CHARS`], repeats dropped.
pub fn search_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let term: String = word
            .chars()
            .take(MAX_TERM_CHARS)
            .collect::<String>()
            .to_lowercase();
        if !terms.contains(&term) {
            terms.push(term);
        }
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

/// How well `text` matches `terms` (higher is better): each word that is a term counts
/// 1, each word that only starts with one 0.6, over the square root of the text's
/// length in words, so a short message about the thing beats a long one mentioning it.
pub fn text_score(text: &str, terms: &[String]) -> f64 {
    let spans = word_spans(text);
    if spans.is_empty() {
        return 0.0;
    }
    let mut score = 0.0;
    for &(start, end) in &spans {
        let word = text[start..end].to_lowercase();
        if terms.contains(&word) {
            score += 1.0;
        } else if terms.iter().any(|term| word.starts_with(term.as_str())) {
            score += 0.6;
        }
    }
    score / (spans.len() as f64).sqrt()
}

/// About `width` characters of `text` around the first term found, cut at word
/// boundaries, with every word that starts with a term marked.
pub fn snippet(text: &str, terms: &[String], width: usize) -> Vec<SnippetPart> {
    let words = word_spans(text);
    let is_hit = |(start, end): (usize, usize)| {
        let word = text[start..end].to_lowercase();
        terms.iter().any(|term| word.starts_with(term.as_str()))
    };
    let first_hit = words.iter().position(|&span| is_hit(span));
    // Start a few words before the first match, so it reads in context.
    let from_word = first_hit.map_or(0, |index| index.saturating_sub(4));
    let start = words.get(from_word).map_or(0, |span| span.0);
    let mut end = text.len();
    if let Some(cut) = text[start..]
        .char_indices()
        .nth(width)
        .map(|(i, _)| start + i)
    {
        end = words
            .iter()
            .map(|span| span.1)
            .filter(|&word_end| word_end <= cut)
            .max()
            .unwrap_or(cut)
            .max(start);
    }
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut push = |text: &str, hit: bool| {
        if text.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(text),
            _ => parts.push(SnippetPart {
                text: text.to_owned(),
                hit,
            }),
        }
    };
    if start > 0 {
        push("…", false);
    }
    let mut at = start;
    for &(word_start, word_end) in words.iter().filter(|s| s.0 >= start && s.1 <= end) {
        push(&text[at..word_start], false);
        push(&text[word_start..word_end], is_hit((word_start, word_end)));
        at = word_end;
    }
    push(&text[at..end], false);
    if end < text.len() {
        push("…", false);
    }
    parts
}

/// Byte spans of the letter-and-digit runs of `text`.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (index, ch) in text.char_indices() {
        match (ch.is_alphanumeric(), start) {
            (true, None) => start = Some(index),
            (false, Some(from)) => {
                spans.push((from, index));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        spans.push((from, text.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(parts: &[SnippetPart]) -> String {
        parts
            .iter()
            .map(|part| {
                if part.hit {
                    format!("[{}]", part.text)
                } else {
                    part.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn queries_split_like_the_indexes() {
        assert_eq!(
            search_terms("  Ana@Example.com  #1001 ana "),
            ["ana", "example", "com", "1001"]
        );
        assert_eq!(search_terms("São Paulo"), ["são", "paulo"]);
        assert!(search_terms(" -- !! ").is_empty());
        assert_eq!(search_terms("a b c d e f g h i j").len(), MAX_TERMS);
    }

    #[test]
    fn short_exact_matches_score_above_long_or_partial_ones() {
        let terms = search_terms("refund");
        let short = text_score("I want a refund", &terms);
        let long = text_score(
            "I have a question about my order, and maybe a refund later on",
            &terms,
        );
        let partial = text_score("I want refunds", &terms);
        assert!(short > long, "{short} > {long}");
        assert!(short > partial, "{short} > {partial}");
        assert_eq!(text_score("nothing here", &terms), 0.0);
    }

    #[test]
    fn snippets_mark_words_starting_with_a_term_in_context() {
        let terms = search_terms("refund");
        let text = "Hello there, I would like a refund for order 1001 because it arrived broken and refunds are fair.";
        let parts = snippet(text, &terms, 60);
        assert_eq!(
            render(&parts),
            "…I would like a [refund] for order 1001 because it arrived…"
        );
        let short = snippet("Refunds?", &terms, 60);
        assert_eq!(render(&short), "[Refunds]?");
        assert_eq!(
            render(&snippet("no match here", &terms, 60)),
            "no match here"
        );
    }
}
