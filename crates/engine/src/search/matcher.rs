//! Questions → ranked articles and flows, each with a confidence.
//!
//! Customer text is never parsed as a query language: it is analysed into terms and the
//! query is built from those terms, so quotes, colons, `AND` or brackets are just words.

use std::cell::RefCell;
use std::collections::hash_map::Entry as Slot;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use tantivy::Index;
use tantivy::directory::{Directory, RamDirectory};
use tantivy::tokenizer::TextAnalyzer;

use super::classifier::{self, Classifier, Features as ClassifierFeatures};
use super::entries::{Entry, EntryKind, entries};
use super::expansion::Expansion;
use super::postings::{FieldTerm, Segment};
use super::schema;
use super::vectors::{self, VectorTable, Vectors};
use crate::analysis;
use crate::bundle::{Bundle, IndexFiles};
use crate::error::{Error, Result};
use crate::model::Kb;

/// A search hit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Match {
    pub kind: EntryKind,
    pub id: String,
    pub title: String,
    /// Relevance score (BM25-based, plus sentence-vector similarity for English),
    /// comparable only within one query.
    pub score: f32,
    /// 0–1: for the first match, the chance that it is the right answer (calibrated);
    /// lower matches scale it by their score.
    pub confidence: f32,
}

/// The index opened for reading, with what the matcher derives from the KB.
pub struct SearchIndex {
    segment: Segment,
    schema: tantivy::schema::Schema,
    entries: Vec<Entry>,
    /// Which entry each document of the index belongs to, by document id.
    doc_entries: Vec<usize>,
    /// Per language: how many entries use each term, for term weights.
    doc_freq: HashMap<String, HashMap<String, u32>>,
    /// Per language: how many entries there are, for term weights.
    entry_counts: HashMap<String, u32>,
    /// Per language: all terms, sorted, for prefix completion and typo fixes.
    vocabulary: HashMap<String, Vec<String>>,
    /// Per language: groups of phrases that mean the same.
    synonyms: HashMap<String, Vec<Vec<Phrase>>>,
    /// Per language: the KB's words for the customer's, by meaning.
    expansion: Expansion,
    /// English KB words' sentence vectors.
    vectors: Vectors,
    /// Per entry: its example questions' sentence vectors (none if not English).
    example_vectors: Vec<Vec<Vec<f32>>>,
    /// Per language: which words tell the KB's entries apart, learned from their
    /// example questions when the bundle was written.
    classifier: Classifier,
    analyzers: RefCell<HashMap<String, TextAnalyzer>>,
    default_lang: String,
    features: Features,
}

/// The parts of matching beyond plain term scoring, each on by default; turned off
/// one by one only to measure what each is worth (`examples/banking77.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// Also score each entry by its best-matching example questions.
    pub nearest_question: bool,
    /// Search the synonyms of `kb/synonyms.toml` phrases.
    pub synonyms: bool,
    /// Search the KB's nearest word for a word it does not know.
    pub typos: bool,
    /// Search the KB's words of similar meaning (`data/word-neighbours.tsv.gz`).
    pub meaning: bool,
    /// Rerank by sentence-vector similarity to example questions (English).
    pub vectors: bool,
    /// Add the scores of the classifier learned from the example questions.
    pub classifier: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            nearest_question: true,
            synonyms: true,
            typos: true,
            meaning: true,
            vectors: true,
            classifier: true,
        }
    }
}

impl SearchIndex {
    /// Opens the matcher of a bundle the caller keeps (tools, training, tests).
    pub fn open(bundle: &Bundle) -> Result<Self> {
        Self::from_parts(
            &bundle.kb,
            &bundle.index,
            bundle.expansion.clone(),
            &bundle.vectors,
            bundle.classifier.clone(),
        )
    }

    /// Opens a bundle's matcher without copying its tables, handing back the KB it
    /// does not keep: what the engine does on every page view.
    pub fn open_owned(bundle: Bundle) -> Result<(Self, Kb)> {
        let Bundle {
            kb,
            index,
            expansion,
            vectors,
            classifier,
        } = bundle;
        let opened = Self::from_parts(&kb, &index, expansion, &vectors, classifier)?;
        Ok((opened, kb))
    }

    /// Opens the index in memory, read-only, without threads.
    fn from_parts(
        kb: &Kb,
        index_files: &IndexFiles,
        expansion: Expansion,
        vector_table: &VectorTable,
        classifier: Classifier,
    ) -> Result<Self> {
        let directory = RamDirectory::create();
        for (path, bytes) in index_files {
            directory
                .atomic_write(Path::new(path), bytes)
                .map_err(|e| Error::CorruptBundle(format!("cannot load index file {path}: {e}")))?;
        }
        let index = Index::open(directory)?;
        analysis::register(index.tokenizers());
        let segment = Segment::open(&index)?;
        let schema = index.schema();
        let mut analyzers: HashMap<String, TextAnalyzer> = HashMap::new();
        let mut entries = entries(kb);
        let mut doc_freq: HashMap<String, HashMap<String, u32>> = HashMap::new();
        let mut entry_counts: HashMap<String, u32> = HashMap::new();
        let vectors = Vectors::decode(vector_table);
        let mut example_vectors = Vec::with_capacity(entries.len());
        for entry in &mut entries {
            let analyzer = analyzers
                .entry(entry.lang.clone())
                .or_insert_with(|| analysis::analyzer(&entry.lang));
            // Each example question is analysed once, for the entry's terms and for its
            // sentence vector: analysis is most of the time the engine takes to open.
            let questions: Vec<Vec<String>> = entry
                .questions
                .iter()
                .map(|q| analysis::terms(analyzer, q, &entry.lang))
                .collect();
            example_vectors.push(if entry.lang == "en" {
                questions
                    .iter()
                    .filter_map(|t| vectors.of_terms(t))
                    .collect()
            } else {
                Vec::new()
            });
            let keywords: Vec<String> = entry
                .keywords
                .iter()
                .flat_map(|k| analysis::terms(analyzer, k, &entry.lang))
                .collect();
            entry.terms = questions.into_iter().flatten().chain(keywords).collect();
            *entry_counts.entry(entry.lang.clone()).or_default() += 1;
            let df = doc_freq.entry(entry.lang.clone()).or_default();
            for term in &entry.terms {
                *df.entry(term.clone()).or_default() += 1;
            }
        }
        let vocabulary = doc_freq
            .iter()
            .map(|(lang, df)| {
                let mut words: Vec<String> = df.keys().cloned().collect();
                words.sort();
                (lang.clone(), words)
            })
            .collect();
        // The order `build` adds documents in: each entry, then its example questions.
        let doc_entries = entries
            .iter()
            .enumerate()
            .flat_map(|(ord, entry)| std::iter::repeat_n(ord, 1 + entry.questions.len()))
            .collect();
        Ok(SearchIndex {
            segment,
            schema,
            entries,
            doc_entries,
            doc_freq,
            entry_counts,
            vocabulary,
            synonyms: analysed_synonyms(kb),
            expansion,
            vectors,
            example_vectors,
            classifier,
            analyzers: RefCell::new(analyzers),
            default_lang: kb.settings.default_lang.clone(),
            features: Features::default(),
        })
    }

    /// The language searched for a visitor asking in `lang` ("es-MX" → "es"), falling
    /// back to the KB's default language.
    pub fn resolve_lang(&self, lang: &str) -> String {
        let primary = lang.split(['-', '_']).next().unwrap_or("").to_lowercase();
        if self.doc_freq.contains_key(&primary) {
            primary
        } else {
            self.default_lang.clone()
        }
    }

    /// The best entries for a question.
    pub fn search(&self, text: &str, lang: &str, limit: usize) -> Result<Vec<Match>> {
        let lang = self.resolve_lang(lang);
        let terms = self.query_terms(text, &lang);
        self.run(text, &terms, &[], &lang, limit)
    }

    /// Suggestions while typing: the last word may be unfinished, so it also matches
    /// the KB's words that start with it.
    pub fn suggest(&self, text: &str, lang: &str, limit: usize) -> Result<Vec<Match>> {
        let lang = self.resolve_lang(lang);
        let mut terms = self.query_terms(text, &lang);
        let typing_a_word = text.chars().last().is_some_and(|c| c.is_alphanumeric());
        let mut completions = Vec::new();
        if typing_a_word {
            let partial: String = text
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
                .to_lowercase();
            if let Some(words) = self.vocabulary.get(&lang)
                && partial.chars().count() >= 2
            {
                let from = words.partition_point(|w| w.as_str() < partial.as_str());
                completions = words[from..]
                    .iter()
                    .take_while(|w| w.starts_with(&partial))
                    .take(8)
                    .cloned()
                    .collect();
            }
            if !completions.is_empty() {
                terms.pop();
            }
        }
        self.run(text, &terms, &completions, &lang, limit)
    }

    /// Turns parts of matching on or off (for measuring them).
    pub fn set_features(&mut self, features: Features) {
        self.features = features;
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// The question's analysed terms, distinct, in order, bounded.
    pub(super) fn query_terms(&self, text: &str, lang: &str) -> Vec<String> {
        let mut analyzers = self.analyzers.borrow_mut();
        let analyzer = analyzers
            .entry(lang.to_string())
            .or_insert_with(|| analysis::analyzer(lang));
        let mut seen = HashSet::new();
        analysis::terms(analyzer, text, lang)
            .into_iter()
            .filter(|t| seen.insert(t.clone()))
            .take(analysis::MAX_TERMS)
            .collect()
    }

    /// The question's terms with what they stand for in this KB: synonyms of the KB's
    /// support vocabulary, and the KB's own words for misspelt ones.
    pub(super) fn expand(&self, text: &str, terms: &[String], lang: &str) -> Vec<Weighted> {
        let mut out: Vec<Weighted> = terms
            .iter()
            .map(|t| Weighted {
                term: t.clone(),
                weight: 1.0,
                via: Via::Asked,
            })
            .collect();
        let known = |t: &str| self.doc_freq.get(lang).is_some_and(|df| df.contains_key(t));
        let words = analysis::plain_words(text, lang);
        let synonyms = self.synonyms.get(lang).filter(|_| self.features.synonyms);
        for group in synonyms.into_iter().flatten() {
            let Some(found) = group.iter().find(|phrase| phrase.occurs_in(terms, &words)) else {
                continue;
            };
            for phrase in group.iter().filter(|p| *p != found) {
                for term in &phrase.terms {
                    if !out.iter().any(|w| w.term == *term) && known(term) {
                        out.push(Weighted {
                            term: term.clone(),
                            weight: SYNONYM_WEIGHT,
                            via: Via::Synonym(found.words.join(" ")),
                        });
                    }
                }
            }
        }
        for term in terms.iter().filter(|_| self.features.meaning) {
            for (near, similarity) in self.expansion.neighbours(lang, term) {
                if !out.iter().any(|w| w.term == near) {
                    out.push(Weighted {
                        term: near.to_string(),
                        weight: MEANING_WEIGHT * similarity,
                        via: Via::Meaning(term.clone()),
                    });
                }
            }
        }
        if let Some(words) = self.vocabulary.get(lang).filter(|_| self.features.typos) {
            for term in terms.iter().filter(|t| !known(t)) {
                for near in nearest_words(term, words) {
                    if !out.iter().any(|w| w.term == near) {
                        out.push(Weighted {
                            term: near,
                            weight: TYPO_WEIGHT,
                            via: Via::Typo(term.clone()),
                        });
                    }
                }
            }
        }
        // Added words that most entries use tell little and cost the most to search;
        // beyond a few, added words only slow a long question down.
        let n = *self.entry_counts.get(lang).unwrap_or(&0) as f32;
        let df = |t: &str| {
            self.doc_freq
                .get(lang)
                .and_then(|df| df.get(t))
                .copied()
                .unwrap_or(0) as f32
        };
        let (asked, mut added): (Vec<Weighted>, Vec<Weighted>) =
            out.into_iter().partition(|w| w.via == Via::Asked);
        added.retain(|w| df(&w.term) <= n * COMMON_SHARE);
        added.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        added.truncate(MAX_ADDED_TERMS);
        asked.into_iter().chain(added).collect()
    }

    fn run(
        &self,
        text: &str,
        terms: &[String],
        alternatives: &[String],
        lang: &str,
        limit: usize,
    ) -> Result<Vec<Match>> {
        let mut weighted = self.expand(text, terms, lang);
        weighted.extend(alternatives.iter().map(|t| Weighted {
            term: t.clone(),
            weight: COMPLETION_WEIGHT,
            via: Via::Completion,
        }));
        let question = self.question_vector(&weighted, lang);
        let learned = self.classifier_scores(text, &weighted, question.as_deref(), lang);
        let scored = self.score(&weighted, question.as_deref(), &learned, lang)?;
        let mut matches: Vec<Match> = scored
            .iter()
            .take(limit.max(2))
            .map(|(ord, score)| {
                let entry = &self.entries[*ord];
                Match {
                    kind: entry.kind,
                    id: entry.id.clone(),
                    title: entry.title.clone(),
                    score: *score,
                    confidence: 0.0,
                }
            })
            .collect();
        // The top entry, with the classifier's probability for it and its lead over the
        // runner-up by the evidence before the classifier's: the lead was measured on
        // that, and the classifier's say is its probability.
        let learned_part = |ord: usize| {
            learned
                .iter()
                .find(|(o, _)| *o == ord)
                .map_or(0.0, |(_, logit)| CLASSIFIER_SHARE * logit)
        };
        let top = scored.first().map(|&(ord, score)| {
            let before = score - learned_part(ord);
            let lead = match scored.get(1) {
                Some(&(second, score)) if before > 0.0 => {
                    ((before - (score - learned_part(second))) / before).max(0.0)
                }
                _ => 1.0,
            };
            (ord, classifier::probability(&learned, ord), lead)
        });
        self.assign_confidence(
            &mut matches,
            top,
            &weighted,
            question.as_deref(),
            !alternatives.is_empty(),
            lang,
        );
        matches.truncate(limit);
        Ok(matches)
    }

    /// Entries ranked by how well the whole entry matches plus how well its two best
    /// example questions do, each relative to the best of its kind for this question.
    fn score(
        &self,
        weighted: &[Weighted],
        question: Option<&[f32]>,
        learned: &[(usize, f32)],
        lang: &str,
    ) -> Result<Vec<(usize, f32)>> {
        if weighted.is_empty() {
            return Ok(Vec::new());
        }
        let (Some(fields), Some(question_field)) = (
            schema::text_fields(&self.schema, lang),
            schema::question_field(&self.schema, lang),
        ) else {
            return Ok(Vec::new());
        };
        let body = self
            .schema
            .get_field(&schema::field_name("body", lang))
            .ok();
        let whole: Vec<FieldTerm> = weighted
            .iter()
            .flat_map(|w| {
                // Added words are looked for where authors put customer wording, not in
                // bodies: as good a signal and far fewer postings to walk.
                let asked = w.via == Via::Asked;
                fields
                    .iter()
                    .filter(move |(f, _)| asked || Some(*f) != body)
                    .map(move |(field, boost)| FieldTerm {
                        field: *field,
                        text: &w.term,
                        weight: boost * w.weight,
                    })
            })
            .collect();
        let nearest: Vec<FieldTerm> = weighted
            .iter()
            .map(|w| FieldTerm {
                field: question_field,
                text: &w.term,
                weight: w.weight,
            })
            .collect();
        let mut combined: HashMap<usize, f32> = HashMap::new();
        let question_share = if self.features.nearest_question {
            QUESTION_SHARE
        } else {
            0.0
        };
        for (terms, share, depth) in [
            (&whole, 1.0, WHOLE_DEPTH),
            (&nearest, question_share, QUESTION_DEPTH),
        ] {
            if share == 0.0 {
                continue;
            }
            let hits = self.segment.top_docs(terms, depth)?;
            // Each entry's best two hits (hits come best first): a second question that
            // also matches is extra evidence, at a discount. The whole-entry half has one
            // document per entry, so there it is just the entry's score.
            let mut per_entry: HashMap<usize, (f32, f32)> = HashMap::new();
            for (doc, score) in &hits {
                let Some(&ord) = self.doc_entries.get(*doc as usize) else {
                    continue;
                };
                match per_entry.entry(ord) {
                    Slot::Vacant(slot) => {
                        slot.insert((*score, 0.0));
                    }
                    Slot::Occupied(mut slot) if slot.get().1 == 0.0 => slot.get_mut().1 = *score,
                    Slot::Occupied(_) => {}
                }
            }
            let evidence = |(first, second): (f32, f32)| first + SECOND_QUESTION_SHARE * second;
            let best = per_entry.values().map(|s| evidence(*s)).fold(0.0, f32::max);
            for (ord, scores) in per_entry {
                *combined.entry(ord).or_default() += share * evidence(scores) / best;
            }
        }
        if let Some(question) = question {
            // Term scores relative to the best, plus how close the question's meaning is
            // to each candidate's example questions.
            let best = combined.values().copied().fold(0.0, f32::max);
            for (ord, score) in combined.iter_mut() {
                let similarity = vectors::entry_similarity(question, &self.example_vectors[*ord]);
                *score = *score / best + VECTOR_SHARE * similarity;
            }
        }
        // The classifier's opinion of every entry; its best few are candidates even
        // when no word matched them.
        let mut candidates: Vec<&(usize, f32)> = learned.iter().collect();
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (ord, _) in candidates.into_iter().take(CLASSIFIER_CANDIDATES) {
            combined.entry(*ord).or_insert(0.0);
        }
        for (ord, logit) in learned {
            if let Some(score) = combined.get_mut(ord) {
                *score += CLASSIFIER_SHARE * logit;
            }
        }
        let mut ranked: Vec<(usize, f32)> = combined.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(ranked)
    }

    /// Per entry of `lang`, the classifier's logit for the question.
    fn classifier_scores(
        &self,
        text: &str,
        weighted: &[Weighted],
        question: Option<&[f32]>,
        lang: &str,
    ) -> Vec<(usize, f32)> {
        let Some(model) = self
            .classifier
            .models
            .iter()
            .find(|m| m.lang == lang)
            .filter(|_| self.features.classifier)
        else {
            return Vec::new();
        };
        let features =
            self.classifier_features(text, weighted, question.map(<[f32]>::to_vec), lang);
        model
            .entries
            .iter()
            .zip(model.logits(&features))
            .map(|(ord, logit)| (*ord as usize, logit))
            .collect()
    }

    /// The classifier's probability for entry `id` and the parts of its logit.
    pub(super) fn learned_view(
        &self,
        text: &str,
        weighted: &[Weighted],
        lang: &str,
        id: &str,
    ) -> Option<(f32, classifier::Parts)> {
        let model = self.classifier.models.iter().find(|m| m.lang == lang)?;
        let ord = self.entries.iter().position(|e| e.id == id)?;
        let class = model.entries.iter().position(|&o| o as usize == ord)?;
        let question = self.question_vector(weighted, lang);
        let logits = self.classifier_scores(text, weighted, question.as_deref(), lang);
        let probability = classifier::probability(&logits, ord)?;
        let features = self.classifier_features(text, weighted, question, lang);
        Some((probability, model.parts(&features, class)))
    }

    /// A question as the classifier sees it: its words and what the matcher took them
    /// for (the KB's synonyms, typo fixes, words of like meaning, at their weights),
    /// weighted by rarity; its plain words, for character n-grams and word pairs; its
    /// sentence vector.
    fn classifier_features(
        &self,
        text: &str,
        weighted: &[Weighted],
        question: Option<Vec<f32>>,
        lang: &str,
    ) -> ClassifierFeatures {
        let terms: Vec<(String, f32)> = weighted
            .iter()
            .filter(|w| w.via != Via::Completion)
            .map(|w| (w.term.clone(), w.weight * self.idf(&w.term, lang)))
            .collect();
        ClassifierFeatures::new(&terms, &analysis::plain_words(text, lang), question)
    }

    /// An example question as the classifier sees it when the visitor asks it: what
    /// `deflect-compile` trains on, so that training and asking describe a question the
    /// same way.
    pub fn classifier_features_of(&self, question: &str, lang: &str) -> ClassifierFeatures {
        let terms = self.query_terms(question, lang);
        let weighted = self.expand(question, &terms, lang);
        let vector = self.question_vector(&weighted, lang);
        self.classifier_features(question, &weighted, vector, lang)
    }

    /// An English example question's sentence vector, as `open` computes them.
    pub(super) fn example_vector(&self, question: &str) -> Option<Vec<f32>> {
        self.vectors
            .of_text(&mut analysis::analyzer("en"), question)
    }

    /// The question's sentence vector: its words, or for a word the KB does not use,
    /// the KB words of similar meaning standing in for it.
    pub(super) fn question_vector(&self, weighted: &[Weighted], lang: &str) -> Option<Vec<f32>> {
        if !self.features.vectors || lang != "en" {
            return None;
        }
        let words = weighted
            .iter()
            .filter(|w| w.via == Via::Asked)
            .flat_map(|w| {
                let own = self.vectors.contains(&w.term);
                let stand_ins = self
                    .expansion
                    .neighbours(lang, &w.term)
                    .filter(move |_| !own);
                own.then_some((w.term.as_str(), 1.0))
                    .into_iter()
                    .chain(stand_ins)
            });
        self.vectors.sentence(words)
    }

    /// Confidence of the top hit: the share of the question's weight (rarer words weigh
    /// more; words the KB never uses weigh most) that the hit's own wording covers,
    /// tempered when the runner-up scores almost as well. Where the hit has sentence
    /// vectors (English), coverage is averaged with how close the question's meaning is
    /// to the hit's example questions, which tells out-of-scope questions apart better
    /// than words alone, and the margin counts more, as it best tells right from wrong
    /// (measured on BANKING77 with CLINC150 out-of-scope questions; README "Matching
    /// quality"). A quarter of it is the classifier's probability, where there is one.
    /// That evidence is then calibrated into the chance that the top hit is right
    /// ([`calibrated`]). Lower hits scale by score.
    fn assign_confidence(
        &self,
        matches: &mut [Match],
        top: Option<(usize, Option<f32>, f32)>,
        weighted: &[Weighted],
        question: Option<&[f32]>,
        completing: bool,
        lang: &str,
    ) {
        let (Some(top), Some((top_ord, probability, lead))) = (matches.first(), top) else {
            return;
        };
        let idf = |t: &str| self.idf(t, lang);
        let entry = &self.entries[top_ord];
        // A word stands for itself or, at a discount, through a synonym or a typo fix.
        let asked: Vec<&Weighted> = weighted.iter().filter(|w| w.via == Via::Asked).collect();
        let total: f32 = asked.iter().map(|w| idf(&w.term)).sum();
        let covered = |terms: &HashSet<String>| -> f32 {
            asked
                .iter()
                .map(|w| {
                    if terms.contains(&w.term) {
                        idf(&w.term)
                    } else if weighted
                        .iter()
                        .any(|o| o.weight < 1.0 && o.stands_for(&w.term) && terms.contains(&o.term))
                    {
                        idf(&w.term) * SYNONYM_WEIGHT
                    } else {
                        0.0
                    }
                })
                .sum()
        };
        let coverage = if total > 0.0 {
            covered(&entry.terms) / total
        } else if completing {
            0.6
        } else {
            0.0
        };
        let top_score = top.score;
        let examples = &self.example_vectors[top_ord];
        // Without vectors (Spanish, or no word of the question has one: a typo) the
        // words alone decide.
        let confidence = match question.filter(|_| !examples.is_empty()) {
            Some(question) => {
                let similarity = vectors::entry_similarity(question, examples);
                let closeness =
                    ((similarity - CLOSE_FROM) / (CLOSE_AT - CLOSE_FROM)).clamp(0.0, 1.0);
                (coverage + closeness) / 2.0 * (0.5 + 0.5 * (lead * 6.0).min(1.0))
            }
            None => coverage * (0.7 + 0.3 * (lead * 3.0).min(1.0)),
        }
        .clamp(0.0, 1.0);
        let evidence = match probability {
            Some(p) => (1.0 - PROBABILITY_SHARE) * confidence + PROBABILITY_SHARE * p,
            None => confidence,
        };
        let confidence = calibrated(evidence);
        for m in matches.iter_mut() {
            m.confidence = if top_score > 0.0 {
                confidence * m.score / top_score
            } else {
                0.0
            };
        }
    }

    /// How much a word tells entries of `lang` apart (BM25's idf over entries).
    pub(super) fn idf(&self, term: &str, lang: &str) -> f32 {
        let n = *self.entry_counts.get(lang).unwrap_or(&0) as f32;
        let d = self
            .doc_freq
            .get(lang)
            .and_then(|df| df.get(term))
            .copied()
            .unwrap_or(0) as f32;
        (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
    }
}

/// The KB's synonym groups per language, each phrase analysed into terms.
fn analysed_synonyms(kb: &Kb) -> HashMap<String, Vec<Vec<Phrase>>> {
    let mut out: HashMap<String, Vec<Vec<Phrase>>> = HashMap::new();
    for group in &kb.synonyms {
        let mut analyzer = analysis::analyzer(&group.lang);
        let phrases: Vec<Phrase> = group
            .phrases
            .iter()
            .map(|p| Phrase {
                terms: analysis::terms(&mut analyzer, p, &group.lang),
                words: analysis::plain_words(p, &group.lang),
            })
            .filter(|p| !p.terms.is_empty())
            .collect();
        out.entry(group.lang.clone()).or_default().push(phrases);
    }
    out
}

/// How much a synonym counts next to the word the visitor typed.
const SYNONYM_WEIGHT: f32 = 0.6;
/// Added words (synonyms, typo fixes, similar meanings) used by more than this share
/// of entries are not searched.
const COMMON_SHARE: f32 = 0.25;
/// At most this many added words per question.
const MAX_ADDED_TERMS: usize = 8;
/// How much a word of similar meaning counts (times its similarity).
const MEANING_WEIGHT: f32 = 0.7;
/// How much the KB's word for a misspelt one counts.
const TYPO_WEIGHT: f32 = 0.8;
/// How much a completion of the half-typed last word counts.
const COMPLETION_WEIGHT: f32 = 0.6;
/// Weight of the best example question next to the whole entry.
const QUESTION_SHARE: f32 = 1.0;
/// How much an entry's second-best example question adds to its best one.
const SECOND_QUESTION_SHARE: f32 = 0.3;
/// Weight of sentence-vector similarity next to term scores relative to the best
/// (tuned on half of BANKING77's test questions).
const VECTOR_SHARE: f32 = 1.5;
/// Sentence-vector similarity to the top entry's example questions (best cosine plus a
/// share of the second best, so up to 1.3) at which its closeness counts from nothing to
/// fully. On BANKING77 half the out-of-scope questions score below 0.7, right answers
/// about 1.1.
const CLOSE_FROM: f32 = 0.7;
const CLOSE_AT: f32 = 1.2;
/// Weight of the classifier's logits next to the other scores (tuned on BANKING77's
/// dev protocol, README "Matching quality").
const CLASSIFIER_SHARE: f32 = 0.3;
/// Share of the classifier's probability in the top hit's confidence. On BANKING77 at
/// the default threshold, a quarter kept as many right answers confident while fewer
/// wrong and out-of-scope ones were (0: 75.3% / 13.0% / 6%; 0.25: 75.5% / 12.4% / 4%;
/// 0.5: 74.7% / 11.6% / 8%); more makes short or misspelt questions unsure, as the
/// classifier spreads its probability over many articles for them.
const PROBABILITY_SHARE: f32 = 0.25;
/// Platt scaling of the top hit's evidence (0–1) into the chance that it is the right
/// answer to a question the KB covers: `1 / (1 + e^-(A·evidence + B))`. Fitted by
/// logistic regression on BANKING77's dev protocol; fitted on either half of its
/// questions, it is off by 0.010–0.016 on the other (expected calibration error over
/// ten bands, against 0.152 for the evidence itself, which under-states: of answers at
/// 0.35, 55% were right). README "Matching quality".
const CALIBRATION_A: f32 = 6.41;
const CALIBRATION_B: f32 = -2.15;

/// The chance that the top hit is right, from its evidence; see [`CALIBRATION_A`].
fn calibrated(evidence: f32) -> f32 {
    1.0 / (1.0 + (-(CALIBRATION_A * evidence + CALIBRATION_B)).exp())
}

/// How many of the classifier's best entries are scored even when no word matched.
const CLASSIFIER_CANDIDATES: usize = 10;
/// How many entries and question documents each half of the scoring looks at.
const WHOLE_DEPTH: usize = 20;
const QUESTION_DEPTH: usize = 40;

/// A query term and why it is searched.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Weighted {
    pub(super) term: String,
    pub(super) weight: f32,
    pub(super) via: Via,
}

impl Weighted {
    fn stands_for(&self, asked: &str) -> bool {
        match &self.via {
            Via::Typo(original) | Via::Meaning(original) => original == asked,
            Via::Synonym(phrase) => phrase.split(' ').any(|w| w == asked),
            _ => false,
        }
    }
}

/// Where a query term comes from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Via {
    /// The visitor wrote it.
    Asked,
    /// A synonym of the phrase the visitor wrote (kb/synonyms.toml).
    Synonym(String),
    /// A KB word close in meaning to this one (data/word-neighbours.tsv.gz).
    Meaning(String),
    /// The KB's word closest to one the KB does not know (probably misspelt).
    Typo(String),
    /// A completion of the last, unfinished word.
    Completion,
}

/// A synonym phrase, as analysed terms and as plain lower-cased words.
#[derive(Debug, Clone, PartialEq)]
struct Phrase {
    terms: Vec<String>,
    words: Vec<String>,
}

impl Phrase {
    /// A phrase of one word matches its stem ("refunds" → "refund"); a longer one
    /// matches its words in order ("sign in", never "sign up").
    fn occurs_in(&self, terms: &[String], words: &[String]) -> bool {
        if self.words.len() == 1 && self.terms.len() == 1 {
            terms.contains(&self.terms[0])
        } else {
            !self.words.is_empty() && words.windows(self.words.len()).any(|w| w == self.words)
        }
    }
}

/// The KB words within a typo of `word`: one edit for words of 4–7 letters, two from 8.
fn nearest_words(word: &str, vocabulary: &[String]) -> Vec<String> {
    let len = word.chars().count();
    let max = match len {
        0..=3 => return Vec::new(),
        4..=7 => 1,
        _ => 2,
    };
    let mut chars = word.chars();
    let (first, second) = (chars.next(), chars.next());
    // A typo rarely hits the first letter; checking it first keeps the scan cheap on
    // large KBs (a swap of the first two letters is still found).
    let mut best: Vec<(usize, &String)> = vocabulary
        .iter()
        .filter(|v| {
            let mut c = v.chars();
            let (f, s) = (c.next(), c.next());
            f == first || (f == second && s == first)
        })
        .filter(|v| v.chars().count().abs_diff(len) <= max)
        .filter_map(|v| bounded_edit_distance(word, v, max).map(|d| (d, v)))
        .collect();
    best.sort();
    let Some(nearest) = best.first().map(|(d, _)| *d) else {
        return Vec::new();
    };
    best.into_iter()
        .take_while(|(d, _)| *d == nearest)
        .take(2)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Levenshtein distance (with adjacent swaps), or `None` if it exceeds `max`.
fn bounded_edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        before = std::mem::replace(&mut previous, current);
    }
    let d = previous[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos_and_gives_up_past_the_bound() {
        assert_eq!(bounded_edit_distance("password", "password", 2), Some(0));
        assert_eq!(bounded_edit_distance("pasword", "password", 2), Some(1));
        assert_eq!(bounded_edit_distance("passowrd", "password", 2), Some(1));
        assert_eq!(bounded_edit_distance("refnud", "refund", 1), Some(1));
        assert_eq!(bounded_edit_distance("invoice", "subscription", 2), None);
        assert_eq!(bounded_edit_distance("", "ab", 2), Some(2));
    }

    #[test]
    fn only_words_of_four_letters_or_more_get_typo_fixes() {
        let vocabulary: Vec<String> = ["card", "cart", "password", "refund"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(nearest_words("pasword", &vocabulary), ["password"]);
        assert_eq!(nearest_words("refnd", &vocabulary), ["refund"]);
        assert!(nearest_words("car", &vocabulary).is_empty());
        assert_eq!(nearest_words("carx", &vocabulary), ["card", "cart"]);
        assert!(nearest_words("zebra", &vocabulary).is_empty());
    }

    #[test]
    fn a_multi_word_synonym_matches_its_words_in_order_only() {
        let phrase = |text: &str| Phrase {
            terms: analysis::terms(&mut analysis::analyzer("en"), text, "en"),
            words: analysis::plain_words(text, "en"),
        };
        let asked = |text: &str| {
            (
                analysis::terms(&mut analysis::analyzer("en"), text, "en"),
                analysis::plain_words(text, "en"),
            )
        };
        let sign_in = phrase("sign in");
        let (terms, words) = asked("I can't sign in to the app");
        assert!(sign_in.occurs_in(&terms, &words));
        let (terms, words) = asked("how do I sign up");
        assert!(!sign_in.occurs_in(&terms, &words));
        let refund = phrase("refund");
        let (terms, words) = asked("Refunds?");
        assert!(refund.occurs_in(&terms, &words));
    }
}
