//! The engine: a knowledge base and its index, opened once per page and shared by the
//! conversation.

use crate::analysis::is_supported;
use crate::bundle::Bundle;
use crate::error::{Error, Result};
use crate::escalation::{Context, Firing, RuleMatcher};
use crate::model::Kb;
use crate::search::{Match, SearchIndex};

/// Everything needed to answer questions, run flows and apply the rules.
pub struct Engine {
    kb: Kb,
    index: SearchIndex,
    rules: RuleMatcher,
}

impl Engine {
    /// Opens bundle bytes written by `deflect-compile` (what the browser does).
    pub fn open(bundle_bytes: &[u8]) -> Result<Engine> {
        Self::from_bundle(Bundle::decode(bundle_bytes)?)
    }

    /// Opens a bundle already in memory (what the CLI and tests do after compiling).
    pub fn from_bundle(mut bundle: Bundle) -> Result<Engine> {
        if let Some(lang) = bundle.kb.languages().into_iter().find(|l| !is_supported(l)) {
            return Err(Error::LanguageNotBuilt(lang.to_string()));
        }
        let rule_meaning = std::mem::take(&mut bundle.rule_meaning);
        let (index, kb) = SearchIndex::open_owned(bundle)?;
        let rules = RuleMatcher::with_meaning(
            &kb.rules,
            &kb.settings.default_lang,
            &rule_meaning,
            Some(&index),
        );
        Ok(Engine { kb, index, rules })
    }

    pub fn kb(&self) -> &Kb {
        &self.kb
    }

    pub fn rules(&self) -> &RuleMatcher {
        &self.rules
    }

    /// The rules a customer message fires, its meaning compared with the rules'
    /// examples through the index's sentence vectors.
    pub fn escalations(&self, text: &str, ctx: Context<'_>) -> Vec<Firing> {
        self.rules.evaluate(text, ctx, Some(&self.index))
    }

    /// The matcher, for tools that look inside it (`deflect ask`, evaluation).
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Ranked answers to a question asked in `lang`.
    pub fn search(&self, text: &str, lang: &str, limit: usize) -> Result<Vec<Match>> {
        self.index.search(text, lang, limit)
    }

    /// Suggestions while the visitor types.
    pub fn suggest(&self, text: &str, lang: &str, limit: usize) -> Result<Vec<Match>> {
        self.index.suggest(text, lang, limit)
    }

    /// The KB language used for a visitor's language.
    pub fn resolve_lang(&self, lang: &str) -> String {
        self.index.resolve_lang(lang)
    }
}
