//! What a visitor's feedback may teach the KB. A question marked helpful under an
//! article, or resolved with it, becomes a proposed example question (`deflect learn`);
//! but feedback is sometimes wrong (a visitor marks a lower suggestion helpful), and one
//! wrong example teaches the classifier against the KB's own articles. A question the
//! KB already answers confidently with *another* article is therefore held back for
//! the author to look at rather than proposed.
//!
//! On the BANKING77 learning curve (`npm run bench:matching`: one question in five
//! learned under the wrong article), holding back at 0.7 confidence lifts top-1 after
//! 10 / 30 learned questions per article from 80.1 / 81.8 % to 82.4 / 84.2 %: it holds
//! back two in three wrong questions and one in sixteen right ones.

use crate::Engine;
use crate::search::EntryKind;

/// The KB's confidence in its own answer above which it outweighs feedback that puts a
/// question under another article. At the KB's default "confident" threshold (0.5) it
/// held back nearly twice as many right questions and gained less (83.8 % at 30).
pub const CONTRADICTED_AT: f32 = 0.7;

impl Engine {
    /// The article the KB confidently answers `question` with, when that is not
    /// `article`: feedback that puts the question under `article` is held back.
    pub fn contradicting_answer(
        &self,
        question: &str,
        article: &str,
        lang: &str,
    ) -> Option<String> {
        let top = self
            .search(question, lang, 3)
            .ok()?
            .into_iter()
            .find(|m| m.kind == EntryKind::Article)?;
        (top.id != article && top.confidence >= CONTRADICTED_AT).then_some(top.id)
    }
}
