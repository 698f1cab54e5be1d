//! The engine: a knowledge base and its index, opened once per page and shared by the
//! conversation.

use std::cell::OnceCell;

use crate::analysis::is_supported;
use crate::bundle::Bundle;
use crate::error::{Error, Result};
use crate::escalation::meaning::RuleMeaning;
use crate::escalation::{Context, Firing, RuleMatcher};
use crate::model::Kb;
use crate::search::{Match, SearchIndex};

/// Everything needed to answer questions, run flows and apply the rules.
pub struct Engine {
    kb: Kb,
    index: SearchIndex,
    /// Made on the first message, not when the engine opens: a visitor who only types
    /// and reads never needs the rules, and the widget is ready that much sooner.
    rules: OnceCell<RuleMatcher>,
    rule_meaning: RuleMeaning,
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
        Ok(Engine {
            kb,
            index,
            rules: OnceCell::new(),
            rule_meaning,
        })
    }

    pub fn kb(&self) -> &Kb {
        &self.kb
    }

    pub fn rules(&self) -> &RuleMatcher {
        self.rules.get_or_init(|| {
            RuleMatcher::with_meaning(
                &self.kb.rules,
                &self.kb.settings.default_lang,
                &self.rule_meaning,
                Some(&self.index),
            )
        })
    }

    /// The rules a customer message fires, its meaning compared with the rules'
    /// examples through the index's sentence vectors.
    pub fn escalations(&self, text: &str, ctx: Context<'_>) -> Vec<Firing> {
        self.rules().evaluate(text, ctx, Some(&self.index))
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

    /// The shards of postings not loaded yet, by file name: none unless the bundle was
    /// split (`deflect site` splits very large KBs' postings).
    pub fn pending_shards(&self) -> Vec<String> {
        self.index.missing_shards()
    }

    /// The shards `text` asked or typed in `lang` needs before it can be answered: the
    /// ones holding a posting list that suggesting, answering or the escalation rules'
    /// search for the KB's nearest answer (in the KB's default language) would read.
    pub fn missing_shards(&self, text: &str, lang: &str) -> Vec<String> {
        if self.pending_shards().is_empty() {
            return Vec::new();
        }
        let default_lang = &self.kb.settings.default_lang;
        let searches = [
            self.index.suggest(text, lang, 1).map(drop),
            self.index.search(text, lang, 1).map(drop),
            self.index.search(text, default_lang, 1).map(drop),
        ];
        let mut needed = Vec::new();
        for search in searches {
            if let Err(Error::NeedsShards(names)) = search {
                needed.extend(names);
            }
        }
        needed.sort();
        needed.dedup();
        needed
    }

    /// Loads a shard of postings from its file's bytes; a shard the bundle does not
    /// list, or damaged bytes, are an error and change nothing.
    pub fn add_shard(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.index.add_shard(name, bytes)
    }

    /// Refuses to go on while `text` needs shards not loaded yet, so that nothing
    /// (escalation, answer) is decided from part of the postings.
    pub fn require_shards(&self, text: &str, lang: &str) -> Result<()> {
        match self.missing_shards(text, lang) {
            needed if needed.is_empty() => Ok(()),
            needed => Err(Error::NeedsShards(needed)),
        }
    }

    /// The KB language used for a visitor's language.
    pub fn resolve_lang(&self, lang: &str) -> String {
        self.index.resolve_lang(lang)
    }
}
