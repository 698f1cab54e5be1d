//! The learning curve: a help centre that learns example questions from its own
//! traffic (`deflect learn` accepts them into `kb/learned-questions.toml`; matching
//! treats them exactly like an article's example questions), simulated on a dev
//! protocol's held-out rows.
//!
//! Per article, the held-out rows (in file order) are cut in two: the first two thirds
//! are its traffic, the last third the curve's test questions, the same at every point
//! of the curve. After `n` questions of traffic per article, each article has learned
//! its traffic's first `n` questions (fewer where the intent has fewer rows), except
//! that the visitor's feedback is wrong one time in five: that question is learned
//! under the article the KB without learning ranks best among the *other* articles,
//! the wrong answer a visitor would have been shown and marked helpful. Which
//! questions get wrong feedback is fixed per article by a seeded offset (positions
//! `offset, offset + 5, …`), so every article gets exactly its 20 % and a question's
//! feedback is the same at every point of the curve.

use std::collections::HashMap;

use super::Labelled;
use super::protocol::Protocol;

/// One question of traffic in five gets wrong feedback.
pub const WRONG_ONE_IN: usize = 5;
/// The seed of each article's wrong-feedback offset.
pub const SEED: u64 = 16;

/// A protocol's held-out questions cut into traffic and test questions.
pub struct Traffic {
    /// Per intent of the protocol, in order: its traffic, in file order.
    pub pool: Vec<Vec<String>>,
    /// The curve's test questions.
    pub test: Vec<Labelled>,
}

/// Cuts each intent's held-out questions: the first two thirds are traffic, the last
/// third the test questions.
pub fn split_traffic(protocol: &Protocol) -> Traffic {
    let position: HashMap<&str, usize> = protocol
        .intents
        .iter()
        .enumerate()
        .map(|(i, intent)| (intent.id.as_str(), i))
        .collect();
    let mut held_out: Vec<Vec<&Labelled>> = vec![Vec::new(); protocol.intents.len()];
    for q in &protocol.questions {
        if let Some(&i) = position.get(q.expected.as_str()) {
            held_out[i].push(q);
        }
    }
    let mut traffic = Traffic {
        pool: Vec::new(),
        test: Vec::new(),
    };
    for questions in held_out {
        let cut = questions.len() - questions.len() / 3;
        traffic
            .pool
            .push(questions[..cut].iter().map(|q| q.text.clone()).collect());
        traffic
            .test
            .extend(questions[cut..].iter().map(|q| (*q).clone()));
    }
    traffic
}

/// What one point of the curve learned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Learned {
    /// Questions learned, in all.
    pub questions: usize,
    /// Of which learned under a wrong article.
    pub wrong: usize,
    /// Questions of traffic held back, as `deflect learn` holds them back
    /// (`Engine::contradicting_answer`): the KB answers them confidently with another article.
    pub held_back: usize,
    /// Of which the feedback had put under a wrong article.
    pub held_back_wrong: usize,
    /// Articles whose traffic had fewer questions than asked for.
    pub short: usize,
}

/// `protocol`'s KB after `per_article` questions of traffic per article, asked the
/// curve's test questions. `best_other(question, right)` is the article the visitor
/// wrongly marks helpful: the best-ranked article other than `right`; `held_back(question,
/// article)` whether `deflect learn` holds the question back rather than propose it.
pub fn after_traffic(
    protocol: &Protocol,
    traffic: &Traffic,
    per_article: usize,
    mut best_other: impl FnMut(&str, &str) -> Option<String>,
    mut held_back: impl FnMut(&str, &str) -> bool,
) -> (Protocol, Learned) {
    let mut learned = protocol.clone();
    learned.questions = traffic.test.clone();
    let index: HashMap<String, usize> = protocol
        .intents
        .iter()
        .enumerate()
        .map(|(i, intent)| (intent.id.clone(), i))
        .collect();
    let mut counts = Learned::default();
    for (i, pool) in traffic.pool.iter().enumerate() {
        let right = &protocol.intents[i].id;
        let offset = wrong_offset(i);
        counts.short += usize::from(pool.len() < per_article);
        for (n, question) in pool.iter().take(per_article).enumerate() {
            let target = if n % WRONG_ONE_IN == offset {
                best_other(question, right)
                    .and_then(|id| index.get(&id).copied())
                    .unwrap_or(i)
            } else {
                i
            };
            if held_back(question, &protocol.intents[target].id) {
                counts.held_back += 1;
                counts.held_back_wrong += usize::from(target != i);
                continue;
            }
            counts.wrong += usize::from(target != i);
            learned.intents[target].examples.push(question.clone());
            counts.questions += 1;
        }
    }
    (learned, counts)
}

/// Article `i`'s position, within each run of [`WRONG_ONE_IN`] questions, of the one
/// with wrong feedback: a SplitMix64 hash of the seed and `i`.
fn wrong_offset(i: usize) -> usize {
    let mut z = SEED
        .wrapping_add(i as u64)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    ((z ^ (z >> 31)) % WRONG_ONE_IN as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Intent;

    fn protocol(rows_per_intent: usize) -> Protocol {
        let intents: Vec<Intent> = ["a", "b"]
            .iter()
            .map(|id| Intent {
                id: id.to_string(),
                title: id.to_uppercase(),
                examples: vec![format!("{id} example")],
            })
            .collect();
        let questions = (0..rows_per_intent)
            .flat_map(|n| {
                ["a", "b"].map(|id| Labelled {
                    text: format!("{id} {n}"),
                    expected: id.to_string(),
                })
            })
            .collect();
        Protocol {
            name: "test".into(),
            intents,
            questions,
            out_of_scope: Vec::new(),
        }
    }

    #[test]
    fn traffic_and_test_questions_never_overlap() {
        let traffic = split_traffic(&protocol(9));
        assert_eq!(traffic.pool[0], ["a 0", "a 1", "a 2", "a 3", "a 4", "a 5"]);
        assert_eq!(traffic.test.len(), 6);
        assert!(
            traffic
                .test
                .iter()
                .all(|q| !traffic.pool.concat().contains(&q.text))
        );
        assert_eq!(traffic.test[0].text, "a 6");
    }

    #[test]
    fn one_in_five_learned_questions_goes_to_the_best_other_article() {
        let p = protocol(30);
        let traffic = split_traffic(&p);
        let other = |_: &str, right: &str| Some(if right == "a" { "b" } else { "a" }.to_string());
        let never = |_: &str, _: &str| false;
        let (learned, counts) = after_traffic(&p, &traffic, 10, other, never);
        assert_eq!(
            counts,
            Learned {
                questions: 20,
                wrong: 4,
                short: 0,
                ..Learned::default()
            }
        );
        let a = &learned.intents[0].examples;
        assert_eq!(a.len(), 1 + 8 + 2);
        assert_eq!(a.iter().filter(|q| q.starts_with("b ")).count(), 2);
        assert_eq!(learned.questions, traffic.test);
        // The same questions are mistaken at every point of the curve.
        let (more, counts) = after_traffic(&p, &traffic, 15, other, never);
        assert_eq!(counts.wrong, 6);
        assert!(a.iter().all(|q| more.intents[0].examples.contains(q)));
        let (_, counts) = after_traffic(&p, &traffic, 50, other, never);
        assert_eq!(counts.short, 2);
    }

    #[test]
    fn held_back_questions_are_not_learned_and_are_counted() {
        let p = protocol(30);
        let traffic = split_traffic(&p);
        let other = |_: &str, right: &str| Some(if right == "a" { "b" } else { "a" }.to_string());
        // Hold back what lands in "b": a's wrong ones and all of b's right ones.
        let into_b = |_: &str, article: &str| article == "b";
        let (learned, counts) = after_traffic(&p, &traffic, 10, other, into_b);
        assert_eq!(counts.held_back, 10);
        assert_eq!(counts.held_back_wrong, 2);
        assert_eq!((counts.questions, counts.wrong), (10, 2));
        assert_eq!(learned.intents[1].examples, p.intents[1].examples);
        assert_eq!(learned.intents[0].examples.len(), 1 + 8 + 2);
    }
}
