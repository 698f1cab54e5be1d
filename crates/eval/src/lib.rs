//! Measuring how well questions find their article: labelled questions in, top-1,
//! top-3, MRR@10 and how often the engine is confident (right, wrong, or out of scope)
//! out. Used by `deflect eval` and by the matching benchmark (`examples/banking77.rs`:
//! the BANKING77 and CLINC150 dev protocols, [`protocol`] and [`runner`]).

pub mod banking77;
pub mod baseline;
pub mod clinc150;
pub mod learning;
pub mod protocol;
pub mod runner;

use std::path::Path;

/// A question and the article that answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub text: String,
    pub expected: String,
}

/// One ranked answer as a matcher gives it: article id and confidence (0–1).
pub type Ranked = Vec<(String, f32)>;

/// Reads a CSV of labelled questions: a header row, then `text,article_id` rows
/// (quoted as usual when the text has commas).
pub fn read_labelled(path: &Path) -> Result<Vec<Labelled>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("{}: {e}", path.display()))?;
        match (row.get(0), row.get(1)) {
            (Some(text), Some(expected)) => out.push(Labelled {
                text: text.to_string(),
                expected: expected.trim().to_string(),
            }),
            _ => {
                return Err(format!(
                    "{}:{}: expected two columns, text and article id",
                    path.display(),
                    i + 2
                ));
            }
        }
    }
    Ok(out)
}

/// Reads one question per line, skipping blank lines.
pub fn read_lines(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// A question whose right article was not ranked first.
#[derive(Debug, Clone)]
pub struct Miss {
    pub text: String,
    pub expected: String,
    /// The ids ranked first, best first (up to 3).
    pub got: Vec<String>,
    /// 1-based rank of the right article, if in the top 10.
    pub rank: Option<usize>,
}

/// One band of confidence in a reliability table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// The band is `from..from + 0.1` (the last one includes 1).
    pub from: f32,
    pub answers: usize,
    pub mean_confidence: f64,
    /// Share of the band's answers that were right.
    pub right: f64,
}

/// What one matcher did on one labelled set (and optionally an out-of-scope set).
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub questions: usize,
    pub top1: usize,
    pub top3: usize,
    pub reciprocal_rank_sum: f64,
    /// Top answer's confidence and whether it was right, per in-scope question.
    pub in_scope: Vec<(f32, bool)>,
    /// Top answer's confidence per out-of-scope question (0 when nothing was found).
    pub out_of_scope: Vec<f32>,
    pub misses: Vec<Miss>,
}

impl Evaluation {
    pub fn top1_rate(&self) -> f64 {
        ratio(self.top1, self.questions)
    }
    pub fn top3_rate(&self) -> f64 {
        ratio(self.top3, self.questions)
    }
    pub fn mrr(&self) -> f64 {
        if self.questions == 0 {
            0.0
        } else {
            self.reciprocal_rank_sum / self.questions as f64
        }
    }
    /// Share of in-scope questions answered confidently and rightly at `threshold`.
    pub fn confident_right(&self, threshold: f32) -> f64 {
        let n = self
            .in_scope
            .iter()
            .filter(|(c, right)| *right && *c >= threshold)
            .count();
        ratio(n, self.in_scope.len())
    }
    /// Share of in-scope questions answered confidently but wrongly at `threshold`.
    pub fn confident_wrong(&self, threshold: f32) -> f64 {
        let n = self
            .in_scope
            .iter()
            .filter(|(c, right)| !*right && *c >= threshold)
            .count();
        ratio(n, self.in_scope.len())
    }
    /// Per band of confidence (0–0.1, 0.1–0.2, … 0.9–1), over in-scope questions: the
    /// top answers in it, their mean confidence and the share of them that were right.
    /// Calibrated confidence has the two close in every band.
    pub fn reliability(&self) -> Vec<Band> {
        let mut bands: Vec<Band> = (0..10)
            .map(|i| Band {
                from: i as f32 / 10.0,
                answers: 0,
                mean_confidence: 0.0,
                right: 0.0,
            })
            .collect();
        for (confidence, right) in &self.in_scope {
            let band = &mut bands[((confidence * 10.0) as usize).min(9)];
            band.answers += 1;
            band.mean_confidence += f64::from(*confidence);
            band.right += f64::from(u8::from(*right));
        }
        for band in &mut bands {
            if band.answers > 0 {
                band.mean_confidence /= band.answers as f64;
                band.right /= band.answers as f64;
            }
        }
        bands
    }
    /// Expected calibration error: the gap between confidence and the share right,
    /// averaged over the bands of [`Self::reliability`] weighted by their answers.
    pub fn calibration_error(&self) -> f64 {
        self.reliability()
            .iter()
            .map(|b| (b.mean_confidence - b.right).abs() * ratio(b.answers, self.in_scope.len()))
            .sum()
    }
    /// Share of out-of-scope questions that got a confident answer at `threshold`.
    pub fn out_of_scope_confident(&self, threshold: f32) -> f64 {
        let n = self
            .out_of_scope
            .iter()
            .filter(|c| **c >= threshold)
            .count();
        ratio(n, self.out_of_scope.len())
    }

    /// The lowest threshold at which at most `max_oos` of the out-of-scope questions
    /// get a confident answer: the most coverage that keeps "not sure" honest.
    pub fn threshold_for_out_of_scope(&self, max_oos: f64) -> f32 {
        (0..=100)
            .map(|i| i as f32 / 100.0)
            .find(|t| self.out_of_scope_confident(*t) <= max_oos)
            .unwrap_or(1.0)
    }
}

fn ratio(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

/// Asks every question through `rank` and scores the answers.
pub fn evaluate(
    questions: &[Labelled],
    out_of_scope: &[String],
    mut rank: impl FnMut(&str) -> Ranked,
) -> Evaluation {
    let mut e = Evaluation {
        questions: questions.len(),
        ..Evaluation::default()
    };
    for q in questions {
        let ranked = rank(&q.text);
        let position = ranked.iter().take(10).position(|(id, _)| *id == q.expected);
        if position == Some(0) {
            e.top1 += 1;
        } else {
            e.misses.push(Miss {
                text: q.text.clone(),
                expected: q.expected.clone(),
                got: ranked.iter().take(3).map(|(id, _)| id.clone()).collect(),
                rank: position.map(|p| p + 1),
            });
        }
        if position.is_some_and(|p| p < 3) {
            e.top3 += 1;
        }
        if let Some(p) = position {
            e.reciprocal_rank_sum += 1.0 / (p + 1) as f64;
        }
        let confidence = ranked.first().map_or(0.0, |(_, c)| *c);
        e.in_scope.push((confidence, position == Some(0)));
    }
    for q in out_of_scope {
        let ranked = rank(q);
        e.out_of_scope.push(ranked.first().map_or(0.0, |(_, c)| *c));
    }
    e
}

/// Deflect's own ranking of articles (flows left out: a labelled set names articles).
pub fn deflect_ranker<'a>(
    engine: &'a deflect_engine::Engine,
    lang: &'a str,
) -> impl FnMut(&str) -> Ranked + 'a {
    move |text| top_articles(engine.search(text, lang, 12))
}

/// The same ranking straight from a search index (whose features may be turned off).
pub fn index_ranker<'a>(
    index: &'a deflect_engine::search::SearchIndex,
    lang: &'a str,
) -> impl FnMut(&str) -> Ranked + 'a {
    move |text| top_articles(index.search(text, lang, 12))
}

/// The ten best articles of a search, with their confidence.
fn top_articles(matches: deflect_engine::Result<Vec<deflect_engine::search::Match>>) -> Ranked {
    matches
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.kind == deflect_engine::search::EntryKind::Article)
        .take(10)
        .map(|m| (m.id, m.confidence))
        .collect()
}

/// A plain-text report: the metrics, the confidence trade-off, and the misses.
pub fn report(name: &str, e: &Evaluation, threshold: f32, show_misses: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{name}: {} questions  top-1 {:.1}%  top-3 {:.1}%  MRR@10 {:.3}",
        e.questions,
        100.0 * e.top1_rate(),
        100.0 * e.top3_rate(),
        e.mrr()
    );
    let _ = writeln!(
        s,
        "  at threshold {threshold:.2}: confident and right {:.1}%, confident and wrong {:.1}%{}",
        100.0 * e.confident_right(threshold),
        100.0 * e.confident_wrong(threshold),
        if e.out_of_scope.is_empty() {
            String::new()
        } else {
            format!(
                ", out-of-scope confident {:.1}% of {}",
                100.0 * e.out_of_scope_confident(threshold),
                e.out_of_scope.len()
            )
        }
    );
    if !e.in_scope.is_empty() {
        let _ = writeln!(
            s,
            "  calibration: confidence is off from the share right by {:.3} on average (expected calibration error, 10 bands)",
            e.calibration_error()
        );
    }
    for m in e.misses.iter().take(show_misses) {
        let _ = writeln!(
            s,
            "  miss: {:?} → {} (expected {}, {})",
            m.text,
            m.got.join(", "),
            m.expected,
            m.rank
                .map_or("not in top 10".to_string(), |r| format!("rank {r}"))
        );
    }
    if e.misses.len() > show_misses {
        let _ = writeln!(s, "  … and {} more misses", e.misses.len() - show_misses);
    }
    s
}

/// The reliability table: per band of confidence, how many top answers fell in it,
/// their mean confidence and the share right.
pub fn reliability_table(e: &Evaluation) -> String {
    use std::fmt::Write;
    let mut s = String::from("  confidence  answers  mean confidence  right\n");
    for b in e.reliability().iter().filter(|b| b.answers > 0) {
        let _ = writeln!(
            s,
            "  {:.1}–{:.1}  {:>9}  {:>15.3}  {:>5.3}",
            b.from,
            b.from + 0.1,
            b.answers,
            b.mean_confidence,
            b.right
        );
    }
    s
}

/// The confidence trade-off: per threshold, confident-and-right, confident-and-wrong
/// and out-of-scope-confident shares.
pub fn curve(e: &Evaluation) -> String {
    use std::fmt::Write;
    let mut s =
        String::from("  threshold  confident+right  confident+wrong  out-of-scope confident\n");
    for i in (10..=90).step_by(5) {
        let t = i as f32 / 100.0;
        let _ = writeln!(
            s,
            "  {t:>9.2}  {:>14.1}%  {:>14.1}%  {:>21.1}%",
            100.0 * e.confident_right(t),
            100.0 * e.confident_wrong(t),
            100.0 * e.out_of_scope_confident(t)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled(text: &str, expected: &str) -> Labelled {
        Labelled {
            text: text.into(),
            expected: expected.into(),
        }
    }

    #[test]
    fn metrics_count_ranks_and_confidence() {
        let questions = [labelled("a", "x"), labelled("b", "y"), labelled("c", "z")];
        let oos = ["weather".to_string(), "stocks".to_string()];
        let e = evaluate(&questions, &oos, |q| match q {
            "a" => vec![("x".into(), 0.9), ("y".into(), 0.2)],
            "b" => vec![("x".into(), 0.6), ("q".into(), 0.1), ("y".into(), 0.1)],
            "weather" => vec![("x".into(), 0.7)],
            _ => vec![],
        });
        assert_eq!((e.top1, e.top3), (1, 2));
        assert!((e.mrr() - (1.0 + 1.0 / 3.0) / 3.0).abs() < 1e-9);
        assert_eq!(e.misses.len(), 2);
        assert_eq!(e.misses[0].rank, Some(3));
        assert_eq!(e.misses[1].rank, None);
        assert!((e.confident_right(0.5) - 1.0 / 3.0).abs() < 1e-9);
        assert!((e.confident_wrong(0.5) - 1.0 / 3.0).abs() < 1e-9);
        assert!((e.out_of_scope_confident(0.5) - 0.5).abs() < 1e-9);
        assert!((e.threshold_for_out_of_scope(0.0) - 0.71).abs() < 1e-6);
    }

    #[test]
    fn reliability_compares_confidence_with_the_share_right_per_band() {
        let e = Evaluation {
            // Band 0.9–1: two answers at 0.95, one right. Band 0.2–0.3: one at 0.25, wrong.
            in_scope: vec![(0.95, true), (0.95, false), (0.25, false), (1.0, true)],
            ..Evaluation::default()
        };
        let bands = e.reliability();
        assert_eq!(bands.len(), 10);
        let top = bands[9];
        assert_eq!(top.answers, 3);
        assert!((top.mean_confidence - 2.9 / 3.0).abs() < 1e-6);
        assert!((top.right - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(bands[2].answers, 1);
        assert_eq!(bands[2].right, 0.0);
        // Weighted gaps: 3/4 × (0.9667 - 0.6667) + 1/4 × 0.25.
        assert!((e.calibration_error() - (0.75 * 0.3 + 0.25 * 0.25)).abs() < 1e-6);
        let perfect = Evaluation {
            in_scope: vec![(0.5, true), (0.5, false)],
            ..Evaluation::default()
        };
        assert!(perfect.calibration_error() < 1e-9);
        assert!(reliability_table(&perfect).contains("0.5–0.6"));
    }
}
