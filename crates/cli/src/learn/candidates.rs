//! From what the inbox saw to proposed example questions: questions grouped per article
//! by their normalised text and counted by conversation, those the article already has
//! or that carry personal data left out, the most often seen kept up to a cap per
//! article. Questions nothing answered become knowledge gaps, counted the same way.

use std::collections::{BTreeMap, HashMap, HashSet};

use deflect_engine::conversation::find_personal_data;
use deflect_engine::model::{Article, Kb};
use deflect_server::traffic::{SeenQuestion, Traffic};

/// Knowledge gaps listed in a proposal at most.
const MAX_GAPS: usize = 20;

/// One question proposed for an article, and what vouches for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// As first seen, white space collapsed.
    pub text: String,
    /// Conversations whose visitor said the article helped with it.
    pub helped: usize,
    /// Tickets an agent resolved with the article.
    pub resolved: usize,
    pub first_seen_ms: u64,
    pub last_seen_ms: u64,
}

impl Candidate {
    /// How often it was seen, all sources together.
    pub fn seen(&self) -> usize {
        self.helped + self.resolved
    }
}

/// The questions proposed for one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleProposal {
    pub id: String,
    pub title: String,
    /// Example questions it has now (front matter and accepted learned questions).
    pub examples_now: usize,
    pub questions: Vec<Candidate>,
    /// Questions seen for it that the KB already answers confidently with another
    /// article: the feedback may be wrong, so they are listed for the author, not proposed.
    pub held_back: Vec<HeldBack>,
}

/// A question held back from the proposal (`Engine::contradicting_answer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBack {
    pub question: Candidate,
    /// The article the KB answers it with.
    pub answered_by: String,
}

/// A question nothing answered confidently, and how often it was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub text: String,
    pub asked: usize,
}

/// What was seen but is not proposed, and why, by count (never the text: some of it is
/// personal data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Already an example question of its article.
    pub known: usize,
    /// By the kind of personal data found ("an email address" …).
    pub personal_data: BTreeMap<String, usize>,
    /// Seen less often than the questions kept under the cap.
    pub over_cap: usize,
    /// For an article the KB no longer has.
    pub unknown_article: usize,
}

/// A proposal: questions per article, knowledge gaps, and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposal {
    pub articles: Vec<ArticleProposal>,
    pub gaps: Vec<Gap>,
    pub left_out: LeftOut,
}

impl Proposal {
    /// Questions proposed in all.
    pub fn question_count(&self) -> usize {
        self.articles.iter().map(|a| a.questions.len()).sum()
    }

    /// Questions held back in all.
    pub fn held_back_count(&self) -> usize {
        self.articles.iter().map(|a| a.held_back.len()).sum()
    }
}

/// Lower-cased words of letters and digits, one space apart: "Can I get my money
/// back?!" and "can i get my  money back" are one question.
pub fn normalise(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The proposal for `kb` from `traffic`, at most `cap` questions per article;
/// `contradicts(question, article)` names the article the KB confidently answers a
/// question with instead, which holds the question back.
pub fn propose(
    kb: &Kb,
    traffic: &Traffic,
    cap: usize,
    contradicts: impl Fn(&str, &Article) -> Option<String>,
) -> Proposal {
    let mut left_out = LeftOut::default();
    let mut groups: HashMap<(String, String), Group> = HashMap::new();
    let sources = [(&traffic.helped, true), (&traffic.resolved, false)];
    for (seen, helped) in sources {
        for question in seen.iter() {
            let Some(article) = question.article.as_deref() else {
                continue;
            };
            if !admissible(question, &mut left_out) {
                continue;
            }
            let key = (article.to_owned(), normalise(&question.text));
            groups.entry(key).or_default().add(question, helped);
        }
    }
    let mut articles = Vec::new();
    for article in &kb.articles {
        let known: HashSet<String> = article.questions.iter().map(|q| normalise(q)).collect();
        let mut questions: Vec<Candidate> = groups
            .iter()
            .filter(|((id, _), _)| *id == article.id)
            .filter(|((_, text), _)| {
                let new = !known.contains(text);
                left_out.known += usize::from(!new);
                new
            })
            .map(|(_, group)| group.candidate())
            .collect();
        // The most often seen first; then the most recent, then by text (stable output).
        questions.sort_by(|a, b| {
            (b.seen(), b.last_seen_ms, &a.text).cmp(&(a.seen(), a.last_seen_ms, &b.text))
        });
        let mut held_back = Vec::new();
        questions.retain(|question| match contradicts(&question.text, article) {
            Some(answered_by) => {
                let question = question.clone();
                held_back.push(HeldBack {
                    question,
                    answered_by,
                });
                false
            }
            None => true,
        });
        left_out.over_cap += questions.len().saturating_sub(cap);
        questions.truncate(cap);
        if !questions.is_empty() || !held_back.is_empty() {
            articles.push(ArticleProposal {
                id: article.id.clone(),
                title: article.title.clone(),
                examples_now: article.questions.len(),
                questions,
                held_back,
            });
        }
    }
    left_out.unknown_article = groups
        .keys()
        .filter(|(id, _)| !kb.articles.iter().any(|a| &a.id == id))
        .count();
    articles.sort_by(|a, b| a.id.cmp(&b.id));
    let gaps = gaps(&traffic.unanswered, &mut left_out);
    Proposal {
        articles,
        gaps,
        left_out,
    }
}

/// Whether a question may be proposed at all: not empty, no personal data.
fn admissible(question: &SeenQuestion, left_out: &mut LeftOut) -> bool {
    if normalise(&question.text).is_empty() {
        return false;
    }
    match find_personal_data(&question.text) {
        Some(kind) => {
            *left_out.personal_data.entry(kind.to_string()).or_default() += 1;
            false
        }
        None => true,
    }
}

/// The unanswered questions, grouped and counted by conversation, most asked first.
fn gaps(unanswered: &[SeenQuestion], left_out: &mut LeftOut) -> Vec<Gap> {
    let mut groups: HashMap<String, Group> = HashMap::new();
    for question in unanswered {
        if admissible(question, left_out) {
            groups
                .entry(normalise(&question.text))
                .or_default()
                .add(question, true);
        }
    }
    let mut gaps: Vec<Gap> = groups
        .values()
        .map(|g| {
            let c = g.candidate();
            Gap {
                asked: c.seen(),
                text: c.text,
            }
        })
        .collect();
    gaps.sort_by(|a, b| (b.asked, &a.text).cmp(&(a.asked, &b.text)));
    gaps.truncate(MAX_GAPS);
    gaps
}

/// The sightings of one question, counted once per conversation and source.
#[derive(Default)]
struct Group {
    text: String,
    helped: HashSet<String>,
    resolved: HashSet<String>,
    first_seen_ms: u64,
    last_seen_ms: u64,
}

impl Group {
    fn add(&mut self, question: &SeenQuestion, helped: bool) {
        if self.text.is_empty() || question.at_ms < self.first_seen_ms {
            self.text = question
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            self.first_seen_ms = question.at_ms;
        }
        self.last_seen_ms = self.last_seen_ms.max(question.at_ms);
        let conversations = if helped {
            &mut self.helped
        } else {
            &mut self.resolved
        };
        conversations.insert(question.conversation_id.clone());
    }

    fn candidate(&self) -> Candidate {
        Candidate {
            text: self.text.clone(),
            helped: self.helped.len(),
            resolved: self.resolved.len(),
            first_seen_ms: self.first_seen_ms,
            last_seen_ms: self.last_seen_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(text: &str, article: Option<&str>, conversation: &str, at_ms: u64) -> SeenQuestion {
        SeenQuestion {
            text: text.into(),
            article: article.map(Into::into),
            at_ms,
            conversation_id: conversation.into(),
            lang: Some("en".into()),
        }
    }

    fn kb() -> Kb {
        deflect_compile::compile_dir("../../kb".as_ref())
            .unwrap()
            .kb
    }

    #[test]
    fn questions_are_grouped_counted_filtered_and_capped() {
        let kb = kb();
        let refund = kb
            .articles
            .iter()
            .find(|a| a.id == "refund-policy")
            .unwrap();
        let example = refund.questions[0].to_uppercase() + "!!";
        let helped = vec![
            seen("Can I get my  money back?", Some("refund-policy"), "c1", 10),
            seen("can i get my money back", Some("refund-policy"), "c2", 30),
            seen("can i get my money back", Some("refund-policy"), "c2", 31),
            seen(
                "refund me at maya@example.com",
                Some("refund-policy"),
                "c3",
                5,
            ),
            seen(&example, Some("refund-policy"), "c4", 5),
            seen("lost brushes", Some("no-such-article"), "c5", 5),
            seen("money back after a month", Some("refund-policy"), "c6", 40),
        ];
        let resolved = vec![
            seen(
                "refund for a course I never started",
                Some("refund-policy"),
                "t1",
                20,
            ),
            seen("can I get my money back", Some("refund-policy"), "t2", 50),
        ];
        let unanswered = vec![
            seen("do you sell easels", None, "c7", 1),
            seen("Do you sell easels?", None, "c8", 2),
            seen("call me on 555 123 4567", None, "c9", 3),
        ];
        let traffic = Traffic {
            helped,
            resolved,
            unanswered,
        };
        let proposal = propose(&kb, &traffic, 2, |_, _| None);
        assert_eq!(proposal.articles.len(), 1, "{proposal:?}");
        let questions = &proposal.articles[0].questions;
        assert_eq!(questions.len(), 2);
        assert_eq!(questions[0].text, "Can I get my money back?");
        assert_eq!((questions[0].helped, questions[0].resolved), (2, 1));
        assert_eq!(questions[0].last_seen_ms, 50);
        // One sighting each: the most recent wins the last place.
        assert_eq!(questions[1].text, "money back after a month");
        let left_out = &proposal.left_out;
        assert_eq!(left_out.known, 1);
        assert_eq!(left_out.over_cap, 1);
        assert_eq!(left_out.unknown_article, 1);
        assert_eq!(left_out.personal_data.get("an email address"), Some(&1));
        assert_eq!(left_out.personal_data.get("a phone number"), Some(&1));
        assert_eq!(
            proposal.gaps,
            [Gap {
                text: "do you sell easels".into(),
                asked: 2
            }]
        );
    }

    /// Without analytics the inbox has tickets only, and they are enough.
    #[test]
    fn tickets_alone_make_a_proposal() {
        let traffic = Traffic {
            resolved: vec![seen(
                "charged two times this month",
                Some("duplicate-charge"),
                "t1",
                1,
            )],
            ..Traffic::default()
        };
        let proposal = propose(&kb(), &traffic, 10, |_, _| None);
        assert_eq!(proposal.question_count(), 1);
        assert_eq!(proposal.articles[0].id, "duplicate-charge");
        assert_eq!(proposal.articles[0].questions[0].resolved, 1);
        assert!(proposal.gaps.is_empty());
    }

    /// A question the KB answers confidently with another article is listed, not
    /// proposed, and does not count against the cap.
    #[test]
    fn a_question_the_kb_answers_with_another_article_is_held_back() {
        let traffic = Traffic {
            resolved: vec![
                seen(
                    "charged two times this month",
                    Some("duplicate-charge"),
                    "t1",
                    1,
                ),
                seen(
                    "how do I reset my password",
                    Some("duplicate-charge"),
                    "t2",
                    2,
                ),
            ],
            ..Traffic::default()
        };
        let contradicts = |question: &str, article: &Article| {
            assert_eq!(article.id, "duplicate-charge");
            question
                .contains("password")
                .then(|| "reset-password".to_string())
        };
        let proposal = propose(&kb(), &traffic, 1, contradicts);
        let article = &proposal.articles[0];
        assert_eq!(article.questions[0].text, "charged two times this month");
        assert_eq!(article.held_back.len(), 1);
        assert_eq!(
            article.held_back[0].question.text,
            "how do I reset my password"
        );
        assert_eq!(article.held_back[0].answered_by, "reset-password");
        assert_eq!(
            (proposal.question_count(), proposal.held_back_count()),
            (1, 1)
        );
        assert_eq!(proposal.left_out.over_cap, 0);
    }

    #[test]
    fn normalising_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            normalise("  Can I get my MONEY back?! "),
            "can i get my money back"
        );
        assert_eq!(
            normalise("¿Puedo   recuperar mi dinero?"),
            "puedo recuperar mi dinero"
        );
        assert_eq!(normalise("?!"), "");
    }
}
