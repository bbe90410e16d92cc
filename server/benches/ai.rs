//! The AI agent's answering against the labelled evaluation set in `ai_eval/` (an
//! invented store's FAQs, articles and Shopify products, and shopper questions each
//! labelled with the sources that answer it, or `handoff`). Prints, for the tuning
//! part, the held-out part and both together:
//! - `ai_answer_accuracy`: answerable questions answered from a right source;
//! - `ai_wrong_answer_rate`: confident answers that are wrong (a wrong source, or an
//!   answer where a person was needed), over all questions;
//! - `ai_handoff_rate`: questions handed to a person, over all questions.
//!
//! `AI_EVAL_SHOW=tuning` lists each tuning question's outcome (never the held-out ones:
//! they stay out of tuning).

use std::path::Path;

use serde::Deserialize;
use server::ai::{
    knowledge::{Knowledge, ShopifyExport},
    Answerer, Decision,
};

#[derive(Deserialize)]
struct StoreKnowledge {
    store: String,
    faqs: Vec<Faq>,
    articles: Vec<Article>,
}

#[derive(Deserialize)]
struct Faq {
    id: String,
    question: String,
    answer: String,
}

#[derive(Deserialize)]
struct Article {
    id: String,
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct Question {
    question: String,
    expect: Vec<String>,
}

#[derive(Default)]
struct Tally {
    questions: usize,
    answerable: usize,
    right: usize,
    wrong: usize,
    handed_off: usize,
}

fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> T {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn evaluate(answerer: &Answerer, questions: &[Question], show: bool) -> Tally {
    let mut tally = Tally::default();
    for question in questions {
        let handoff_expected = question.expect == ["handoff"];
        tally.questions += 1;
        if !handoff_expected {
            tally.answerable += 1;
        }
        let outcome = match answerer.decide(&question.question) {
            Decision::Answer(hit) => {
                let right = question.expect.contains(&hit.source.id);
                if right {
                    tally.right += 1;
                } else {
                    tally.wrong += 1;
                }
                format!(
                    "{} {} ({:.2}, {:.2}, {:.1})",
                    if right { "right" } else { "WRONG" },
                    hit.source.id,
                    hit.coverage,
                    hit.unknown,
                    hit.score
                )
            }
            Decision::Handoff(reason) => {
                tally.handed_off += 1;
                let best = answerer
                    .index()
                    .search(&question.question, 3)
                    .iter()
                    .map(|hit| {
                        format!(
                            "{} ({:.2}, {:.2}, {:.1})",
                            hit.source.id, hit.coverage, hit.unknown, hit.score
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "{} handoff {reason:?}; best {best}",
                    if handoff_expected { "right" } else { "missed" }
                )
            }
        };
        if show {
            eprintln!(
                "{outcome:<60} | {} | {:?}",
                question.question, question.expect
            );
        }
    }
    tally
}

fn print(suffix: &str, tally: &Tally) {
    println!(
        "ai_answer_accuracy{suffix} {:.3} ratio",
        tally.right as f64 / tally.answerable.max(1) as f64
    );
    println!(
        "ai_wrong_answer_rate{suffix} {:.3} ratio",
        tally.wrong as f64 / tally.questions.max(1) as f64
    );
    println!(
        "ai_handoff_rate{suffix} {:.3} ratio",
        tally.handed_off as f64 / tally.questions.max(1) as f64
    );
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ai_eval");
    let store: StoreKnowledge = read(&dir.join("knowledge.json"));
    let export: ShopifyExport = read(&dir.join("products.json"));
    let mut knowledge = Knowledge {
        store_name: store.store.clone(),
        ..Knowledge::default()
    };
    for faq in &store.faqs {
        knowledge.add_faq(&faq.id, &faq.question, &faq.answer);
    }
    for article in &store.articles {
        knowledge.add_article(&article.id, &article.title, &article.body);
    }
    for product in &export.products {
        knowledge.add_product(product);
    }
    let answerer = Answerer::new(knowledge);

    let show_tuning = std::env::var("AI_EVAL_SHOW").as_deref() == Ok("tuning");
    let tuning: Vec<Question> = read(&dir.join("questions-tuning.json"));
    let holdout: Vec<Question> = read(&dir.join("questions-holdout.json"));
    let tuned = evaluate(&answerer, &tuning, show_tuning);
    let held = evaluate(&answerer, &holdout, false);
    let all = Tally {
        questions: tuned.questions + held.questions,
        answerable: tuned.answerable + held.answerable,
        right: tuned.right + held.right,
        wrong: tuned.wrong + held.wrong,
        handed_off: tuned.handed_off + held.handed_off,
    };
    println!("ai_eval_questions {} count", all.questions);
    print("", &all);
    print("_tuning", &tuned);
    print("_holdout", &held);
}
