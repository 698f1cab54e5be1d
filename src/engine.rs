//! The engine: a knowledge base and its index, opened once per page and shared by the
//! conversation.

use crate::bundle;
use crate::error::Result;
use crate::escalation::RuleMatcher;
use crate::model::Kb;
use crate::search::{Match, SearchIndex};

/// Everything needed to answer questions, run flows and apply the rules.
pub struct Engine {
    kb: Kb,
    index: SearchIndex,
    rules: RuleMatcher,
}

impl Engine {
    /// Opens a bundle written by [`bundle::write`] (what the browser does).
    pub fn open(bundle_bytes: &[u8]) -> Result<Engine> {
        let contents = bundle::read(bundle_bytes)?;
        Self::from_parts(contents.kb, &contents.index_files)
    }

    /// Indexes a KB in memory (what the CLI and tests do).
    pub fn from_kb(kb: Kb) -> Result<Engine> {
        let files = crate::search::build_index_files(&kb)?;
        Self::from_parts(kb, &files)
    }

    fn from_parts(kb: Kb, index_files: &[(String, Vec<u8>)]) -> Result<Engine> {
        let index = SearchIndex::open(&kb, index_files)?;
        let rules = RuleMatcher::new(&kb.rules);
        Ok(Engine { kb, index, rules })
    }

    pub fn kb(&self) -> &Kb {
        &self.kb
    }

    pub fn rules(&self) -> &RuleMatcher {
        &self.rules
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
