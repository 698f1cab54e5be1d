//! The proposal as a file the author reviews (`kb/learned-questions.proposed.toml`): the
//! shape of `kb/learned-questions.toml`, with a comment on each question saying where it
//! came from and how often, and the knowledge gaps as comments. Accepting appends its
//! entries (as the author left them) to `kb/learned-questions.toml`; rejecting removes it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use deflect_compile::learned_questions::{self, FILE_NAME, LearnedQuestions, PROPOSED_FILE_NAME};

use super::candidates::{Candidate, Proposal};

/// What the accepted file starts with when `deflect learn accept` creates it.
const ACCEPTED_HEADER: &str =
    "# Example questions learned from visitors' traffic (deflect learn), accepted by the author.\n";

/// Where the proposal of the KB in `kb` is written.
pub fn proposed_path(kb: &Path) -> PathBuf {
    kb.join(PROPOSED_FILE_NAME)
}

/// The proposal as TOML, `generated` (a date) in its header.
pub fn render(proposal: &Proposal, generated: &str) -> String {
    let mut out = format!(
        "# Example questions proposed by `deflect learn` on {generated} from what the inbox saw.\n\
         # Nothing here changes matching until you accept it: edit or delete questions, then run\n\
         # `deflect learn accept` (appends them to {FILE_NAME}) or `deflect learn reject`.\n"
    );
    for article in &proposal.articles {
        let _ = write!(
            out,
            "\n# {} ({} example questions now)\n[[article]]\nid = {}\nquestions = [\n",
            one_line(&article.title),
            article.examples_now,
            quoted(&article.id)
        );
        for question in &article.questions {
            let _ = writeln!(
                out,
                "  {},  # {}",
                quoted(&question.text),
                provenance(question)
            );
        }
        out.push_str("]\n");
        if !article.held_back.is_empty() {
            out.push_str(
                "# Held back: the KB already answers these confidently with another article, so the\n\
                 # feedback may be wrong. Move one into `questions` above if it belongs here.\n",
            );
        }
        for held in &article.held_back {
            let _ = writeln!(
                out,
                "#   {}  (the KB answers it with {}; {})",
                quoted(&held.question.text),
                quoted(&held.answered_by),
                provenance(&held.question)
            );
        }
    }
    if !proposal.gaps.is_empty() {
        out.push_str(
            "\n# Knowledge gaps: questions nothing answered confidently. No article takes them;\n\
             # write one, or add them to an article's questions if it does answer them.\n",
        );
        for gap in &proposal.gaps {
            let _ = writeln!(
                out,
                "#   {} (asked in {} conversation{})",
                quoted(&gap.text),
                gap.asked,
                plural(gap.asked)
            );
        }
    }
    out
}

/// "helped 3 visitors, resolved 1 ticket; last seen 2026-12-01".
fn provenance(question: &Candidate) -> String {
    let mut parts = Vec::new();
    if question.helped > 0 {
        parts.push(format!(
            "visitors said it helped: {} conversation{}",
            question.helped,
            plural(question.helped)
        ));
    }
    if question.resolved > 0 {
        parts.push(format!(
            "agents resolved {} ticket{} with it",
            question.resolved,
            plural(question.resolved)
        ));
    }
    let last = deflect_server::format_time(question.last_seen_ms);
    format!("{}; last seen {}", parts.join(", "), &last[..10])
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A TOML basic string (escapes as TOML requires).
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A title in a comment: on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Appends the proposal (as edited) to the accepted file and removes it once `check`
/// (the KB's build) passes; returns how many questions were accepted. A proposal with
/// mistakes, or that `check` refuses, is left as it is and the accepted file as it was.
pub fn accept(
    kb: &Path,
    today: &str,
    check: impl FnOnce() -> Result<(), String>,
) -> Result<usize, String> {
    let proposed = proposed_path(kb);
    if !proposed.exists() {
        return Err(format!(
            "{}: no proposal to accept; run `deflect learn` first",
            proposed.display()
        ));
    }
    let entries = learned_questions::read(&proposed).map_err(|e| e.to_string())?;
    let accepted = kb.join(FILE_NAME);
    let before = match fs::read_to_string(&accepted) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: {e}", accepted.display())),
    };
    let mut text = before.clone().unwrap_or_else(|| ACCEPTED_HEADER.to_owned());
    let count = append(&mut text, &entries, today);
    let write =
        |text: &str| fs::write(&accepted, text).map_err(|e| format!("{}: {e}", accepted.display()));
    write(&text)?;
    if let Err(problem) = check() {
        match &before {
            Some(text) => write(text)?,
            None => {
                fs::remove_file(&accepted).map_err(|e| format!("{}: {e}", accepted.display()))?
            }
        }
        return Err(format!(
            "{problem}\nnothing was accepted; fix {} and accept again",
            proposed.display()
        ));
    }
    fs::remove_file(&proposed).map_err(|e| format!("{}: {e}", proposed.display()))?;
    Ok(count)
}

/// Appends `entries` with questions as `[[article]]` tables under a dated comment.
fn append(text: &mut String, entries: &[LearnedQuestions], today: &str) -> usize {
    let entries: Vec<&LearnedQuestions> =
        entries.iter().filter(|e| !e.questions.is_empty()).collect();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let _ = writeln!(text, "\n# Accepted on {today}.");
    for entry in &entries {
        let _ = writeln!(
            text,
            "[[article]]\nid = {}\nquestions = [",
            quoted(&entry.article)
        );
        for question in &entry.questions {
            let _ = writeln!(text, "  {},", quoted(question));
        }
        text.push_str("]\n");
    }
    entries.iter().map(|e| e.questions.len()).sum()
}

/// Removes the proposal.
pub fn reject(kb: &Path) -> Result<(), String> {
    let proposed = proposed_path(kb);
    fs::remove_file(&proposed).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{}: no proposal to reject", proposed.display()),
        _ => format!("{}: {e}", proposed.display()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::candidates::{ArticleProposal, Gap, HeldBack};

    fn proposal() -> Proposal {
        Proposal {
            articles: vec![ArticleProposal {
                id: "refund-policy".into(),
                title: "Refunds".into(),
                examples_now: 4,
                questions: vec![Candidate {
                    text: "can i get my \"money\" back".into(),
                    helped: 2,
                    resolved: 1,
                    first_seen_ms: 1_767_000_000_000,
                    last_seen_ms: 1_767_225_599_999,
                }],
                held_back: vec![HeldBack {
                    question: Candidate {
                        text: "how do I reset my password".into(),
                        helped: 1,
                        resolved: 0,
                        first_seen_ms: 1_767_000_000_000,
                        last_seen_ms: 1_767_000_000_000,
                    },
                    answered_by: "reset-password".into(),
                }],
            }],
            gaps: vec![Gap {
                text: "do you sell easels".into(),
                asked: 3,
            }],
            ..Proposal::default()
        }
    }

    /// The proposal reads back as the accepted format, comments and all; accepting
    /// appends it after what was accepted before and removes it.
    #[test]
    fn a_proposal_round_trips_and_is_appended_on_accept() {
        let dir = tempfile::tempdir().unwrap();
        let text = render(&proposal(), "2026-12-06");
        assert!(
            text.contains("# visitors said it helped: 2 conversations, agents resolved 1 ticket with it; last seen 2025-12-31"),
            "{text}"
        );
        assert!(
            text.contains("#   \"do you sell easels\" (asked in 3 conversations)"),
            "{text}"
        );
        assert!(
            text.contains("#   \"how do I reset my password\"  (the KB answers it with \"reset-password\"; visitors said it helped: 1 conversation"),
            "{text}"
        );
        fs::write(proposed_path(dir.path()), &text).unwrap();
        let read = learned_questions::read(&proposed_path(dir.path())).unwrap();
        assert_eq!(read[0].questions, ["can i get my \"money\" back"]);
        fs::write(
            dir.path().join(FILE_NAME),
            "[[article]]\nid = \"a\"\nquestions = [\"old\"]",
        )
        .unwrap();
        assert_eq!(accept(dir.path(), "2026-12-06", || Ok(())).unwrap(), 1);
        assert!(!proposed_path(dir.path()).exists());
        let accepted = learned_questions::read(&dir.path().join(FILE_NAME)).unwrap();
        assert_eq!(accepted.len(), 2);
        assert_eq!(accepted[0].questions, ["old"]);
        assert_eq!(accepted[1].article, "refund-policy");
        assert!(
            accept(dir.path(), "2026-12-06", || Ok(()))
                .unwrap_err()
                .contains("no proposal")
        );
        assert!(reject(dir.path()).unwrap_err().contains("no proposal"));
    }

    /// A proposal the author broke is not accepted, and nothing is lost.
    #[test]
    fn a_broken_proposal_is_kept_and_named() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            proposed_path(dir.path()),
            "[[article]]\nid = \"a\"\nquestions = [\"\"]\n",
        )
        .unwrap();
        let err = accept(dir.path(), "2026-12-06", || Ok(())).unwrap_err();
        assert!(
            err.ends_with(":3: learned question for `a` is empty"),
            "{err}"
        );
        assert!(proposed_path(dir.path()).exists());
        assert!(!dir.path().join(FILE_NAME).exists());
        // Well-formed, but the KB's build refuses it (an article id that went away).
        fs::write(
            proposed_path(dir.path()),
            "[[article]]\nid = \"gone\"\nquestions = [\"x\"]\n",
        )
        .unwrap();
        fs::write(dir.path().join(FILE_NAME), "# before\n").unwrap();
        let err = accept(dir.path(), "2026-12-06", || Err("no article `gone`".into())).unwrap_err();
        assert!(
            err.starts_with("no article `gone`\nnothing was accepted"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join(FILE_NAME)).unwrap(),
            "# before\n"
        );
        assert!(proposed_path(dir.path()).exists());
        reject(dir.path()).unwrap();
        assert!(!proposed_path(dir.path()).exists());
    }
}
