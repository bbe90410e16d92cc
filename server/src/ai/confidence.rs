//! How sure the answerer is that its passage answers the question: a logistic model
//! over a few signals of the match. Fixed thresholds on one signal (coverage) traded
//! too many right answers for each wrong one avoided; weighing the signals together,
//! with weights fitted on the evaluation set's tuning questions, keeps more right
//! answers at the same rate of wrong ones (`benches/ai_eval/README.md` has the figures).
//!
//! `AI_EVAL_FIT=1 cargo bench -p server --bench ai` refits the weights and prints them
//! with a cross-validated choice of [`MIN_CONFIDENCE`].

use protocol::settings::AnswerCaution;

use super::{knowledge::SourceKind, retrieval::Hit};

/// How many signals the model weighs.
pub const SIGNAL_COUNT: usize = 6;
/// One value per signal, in the order of [`SIGNALS`].
pub type Values = [f64; SIGNAL_COUNT];

/// The signals, in the order of [`WEIGHTS`].
pub const SIGNALS: [&str; SIGNAL_COUNT] = [
    "coverage",
    "unknown",
    "strength",
    "words",
    "product",
    "runner_up",
];

/// Fitted by `AI_EVAL_FIT=1 cargo bench -p server --bench ai` on the tuning questions.
pub const WEIGHTS: Values = [3.578, -3.966, 2.797, -0.254, -0.526, -2.092];
pub const BIAS: f64 = 0.652;
/// The least confidence the agent answers with by default; below it, a person does.
/// Chosen by the fit: the most right answers with wrong answers at 0.02 (to two
/// decimals), judged on leave-one-out predictions: 0.766 accuracy, 0.021 wrong on the
/// tuning questions. On questions nobody tuned for it does much worse (the eval README).
pub const MIN_CONFIDENCE: f64 = 0.76;
/// "Careful": 0.645 accuracy, 0.016 wrong in the same leave-one-out table.
const CAREFUL_MIN_CONFIDENCE: f64 = 0.90;
/// "Eager": 0.830 accuracy, 0.068 wrong.
const EAGER_MIN_CONFIDENCE: f64 = 0.55;

/// The least confidence the agent answers with, as the merchant chose in Settings.
pub fn min_confidence(caution: AnswerCaution) -> f64 {
    match caution {
        AnswerCaution::Careful => CAREFUL_MIN_CONFIDENCE,
        AnswerCaution::Balanced => MIN_CONFIDENCE,
        AnswerCaution::Eager => EAGER_MIN_CONFIDENCE,
    }
}

/// What the match of a question and its chosen passage says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signals {
    /// The share of the question's meaning the passage covers.
    pub coverage: f64,
    /// The share of the question's words the knowledge never uses.
    pub unknown: f64,
    /// How strongly the passage matches: the log of its score over the most one
    /// unseen term could give, so that stores with more passages (and so rarer
    /// terms) compare with this one.
    pub strength: f64,
    /// How many words of their own the shopper wrote: a long question the passage
    /// matches only in part scores high and says less.
    pub words: f64,
    /// Products describe themselves: they share words with many questions they do
    /// not answer.
    pub product: bool,
    /// The best other source's score over the best score: two sources near each
    /// other means the question could be about either.
    pub runner_up: f64,
}

impl Signals {
    /// The signals of `chosen` among `hits` (best first), in an index whose unseen
    /// term weighs `unseen_idf`.
    pub fn of(chosen: &Hit<'_>, hits: &[Hit<'_>], unseen_idf: f64) -> Self {
        let best = hits.first().map_or(chosen.score, |hit| hit.score);
        let runner_up = hits
            .iter()
            .find(|hit| hit.source.id != chosen.source.id)
            .map_or(0.0, |hit| hit.score / best);
        Signals {
            coverage: chosen.coverage,
            unknown: chosen.unknown,
            strength: (chosen.score / unseen_idf).ln(),
            words: chosen.words as f64,
            product: chosen.source.kind == SourceKind::Product,
            runner_up,
        }
    }

    pub fn values(&self) -> Values {
        [
            self.coverage,
            self.unknown,
            self.strength,
            self.words,
            if self.product { 1.0 } else { 0.0 },
            self.runner_up,
        ]
    }

    /// The model's probability that the passage answers the question.
    pub fn confidence(&self) -> f64 {
        Model {
            weights: WEIGHTS,
            bias: BIAS,
        }
        .probability(&self.values())
    }
}

/// A logistic model over the signals' values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    pub weights: Values,
    pub bias: f64,
}

impl Model {
    pub fn probability(&self, values: &Values) -> f64 {
        let z = self.bias
            + self
                .weights
                .iter()
                .zip(values)
                .map(|(weight, value)| weight * value)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Fits a model to labelled signals by gradient descent on the log loss, with an
    /// L2 penalty (`1 / c`, as in scikit-learn) on the standardised weights so that a
    /// few hundred questions cannot push one signal to an extreme.
    pub fn fit(samples: &[(Values, bool)], c: f64) -> Model {
        if samples.is_empty() {
            return Model {
                weights: [0.0; SIGNAL_COUNT],
                bias: 0.0,
            };
        }
        let count = samples.len() as f64;
        let mut mean = [0.0; SIGNAL_COUNT];
        let mut spread = [0.0; SIGNAL_COUNT];
        for (values, _) in samples {
            for (sum, value) in mean.iter_mut().zip(values) {
                *sum += value / count;
            }
        }
        for (values, _) in samples {
            for ((sum, value), mean) in spread.iter_mut().zip(values).zip(&mean) {
                *sum += (value - mean).powi(2) / count;
            }
        }
        // A signal that never varies gets no weight rather than a division by zero.
        let spread = spread.map(|variance: f64| variance.sqrt().max(1e-9));
        let standard: Vec<(Values, f64)> = samples
            .iter()
            .map(|(values, right)| {
                let mut scaled = [0.0; SIGNAL_COUNT];
                for (i, slot) in scaled.iter_mut().enumerate() {
                    *slot = (values[i] - mean[i]) / spread[i];
                }
                (scaled, if *right { 1.0 } else { 0.0 })
            })
            .collect();
        let mut model = Model {
            weights: [0.0; SIGNAL_COUNT],
            bias: 0.0,
        };
        const STEPS: usize = 20_000;
        const RATE: f64 = 0.5;
        for _ in 0..STEPS {
            let mut gradient = [0.0; SIGNAL_COUNT];
            let mut bias_gradient = 0.0;
            for (values, label) in &standard {
                let error = model.probability(values) - label;
                for (slot, value) in gradient.iter_mut().zip(values) {
                    *slot += error * value / count;
                }
                bias_gradient += error / count;
            }
            for (weight, slot) in model.weights.iter_mut().zip(gradient) {
                *weight -= RATE * (slot + *weight / (c * count));
            }
            model.bias -= RATE * bias_gradient;
        }
        // Back to the signals' own units, so that no scaling is needed to apply it.
        let mut raw = Model {
            weights: [0.0; SIGNAL_COUNT],
            bias: model.bias,
        };
        for i in 0..SIGNAL_COUNT {
            raw.weights[i] = model.weights[i] / spread[i];
            raw.bias -= model.weights[i] * mean[i] / spread[i];
        }
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_learns_which_way_each_signal_points() {
        // Right answers cover more of the question; the other signals are noise.
        let samples: Vec<(Values, bool)> = (0..40)
            .map(|i| {
                let coverage = i as f64 / 40.0;
                let noise = (i * 7 % 5) as f64;
                ([coverage, 0.0, noise, 3.0, 0.0, 0.5], coverage > 0.5)
            })
            .collect();
        let model = Model::fit(&samples, 1.0);
        assert!(model.weights[0] > 1.0, "{model:?}");
        assert!(model.weights[2].abs() < model.weights[0] / 5.0, "{model:?}");
        // A signal that never varies gets no weight.
        assert_eq!(model.weights[1], 0.0);
        assert!(model.probability(&[0.9, 0.0, 2.0, 3.0, 0.0, 0.5]) > 0.8);
        assert!(model.probability(&[0.1, 0.0, 2.0, 3.0, 0.0, 0.5]) < 0.2);
    }

    #[test]
    fn the_shipped_model_trusts_a_full_strong_match_and_doubts_a_thin_one() {
        let strong = Signals {
            coverage: 1.0,
            unknown: 0.0,
            strength: 0.2,
            words: 3.0,
            product: false,
            runner_up: 0.5,
        };
        assert!(
            strong.confidence() >= MIN_CONFIDENCE,
            "{}",
            strong.confidence()
        );
        let thin = Signals {
            coverage: 0.4,
            unknown: 0.3,
            ..strong
        };
        assert!(thin.confidence() < MIN_CONFIDENCE, "{}", thin.confidence());
        let ambiguous = Signals {
            runner_up: 1.0,
            ..strong
        };
        assert!(ambiguous.confidence() < strong.confidence());
    }
}
