//! How rules read a message in one language: its analysed words outside quotations,
//! and which of them a negation takes back.

use std::cell::RefCell;

use tantivy::tokenizer::TextAnalyzer;

use super::quotes::unquoted;
use crate::analysis;

/// Words that negate what follows, per language, as written (compared once analysed).
const NEGATIONS: &[(&str, &[&str])] = &[
    ("en", &["not", "no", "never", "without", "nor"]),
    ("es", &["no", "nunca", "jamás", "sin", "ni", "tampoco"]),
    ("fr", &["ne", "pas", "jamais", "sans", "ni", "aucun"]),
    (
        "de",
        &["nicht", "kein", "keine", "keinen", "nie", "niemals", "ohne"],
    ),
    ("it", &["non", "mai", "senza", "né"]),
    ("pt", &["não", "nunca", "sem", "nem", "jamais"]),
    ("nl", &["niet", "geen", "nooit", "zonder"]),
];

/// Small words that the analyser keeps outside English (its only stop-word list) but
/// that neither carry a rule's meaning nor should use up a negation's reach: "no quiero
/// un abogado" negates "abogado".
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "es",
        &[
            "un", "una", "unos", "unas", "el", "la", "los", "las", "lo", "de", "del", "a", "al",
            "con", "en", "por", "para", "que", "me", "te", "se", "mi", "mis", "tu", "su", "sus",
            "y", "o", "le", "les", "nos", "yo", "ya", "muy",
        ],
    ),
    (
        "fr",
        &[
            "un", "une", "des", "le", "la", "les", "l", "de", "du", "d", "à", "au", "aux", "en",
            "avec", "pour", "par", "que", "qu", "je", "j", "me", "m", "te", "se", "mon", "ma",
            "mes", "et", "ou", "y",
        ],
    ),
    (
        "de",
        &[
            "ein", "eine", "einen", "einem", "der", "die", "das", "den", "dem", "des", "zu", "mit",
            "für", "von", "ich", "mich", "mir", "mein", "meine", "und", "oder", "in", "an", "auf",
        ],
    ),
    (
        "it",
        &[
            "un", "uno", "una", "il", "lo", "la", "i", "gli", "le", "l", "di", "del", "della", "a",
            "al", "con", "per", "in", "che", "mi", "ti", "si", "mio", "mia", "e", "o",
        ],
    ),
    (
        "pt",
        &[
            "um", "uma", "o", "a", "os", "as", "de", "do", "da", "em", "no", "na", "com", "para",
            "por", "que", "me", "te", "se", "meu", "minha", "e", "ou", "eu",
        ],
    ),
    (
        "nl",
        &[
            "een", "de", "het", "van", "met", "voor", "in", "op", "aan", "te", "dat", "ik", "me",
            "mij", "mijn", "en", "of",
        ],
    ),
];

/// Words that start a new clause, which a negation before them does not reach ("I am
/// not happy and I will see you in court").
const CONJUNCTIONS: &[(&str, &[&str])] = &[
    ("en", &["and", "but", "so", "because", "although"]),
    ("es", &["y", "pero", "porque", "aunque"]),
    ("fr", &["et", "mais", "car", "parce"]),
    ("de", &["und", "aber", "weil", "denn"]),
    ("it", &["e", "ma", "perché", "perche"]),
    ("pt", &["e", "mas", "porque", "embora"]),
    ("nl", &["en", "maar", "omdat", "want"]),
];

/// Marks that end a clause.
const CLAUSE_MARKS: &[char] = &[',', '.', ';', ':', '!', '?', '¿', '¡', '\n', '(', ')'];

/// A negation reaches this many words ahead: "not a chargeback", "never contacted my
/// bank", but not "not okay at all and I contacted my bank".
pub(super) const NEGATION_WINDOW: usize = 2;

/// One language's analyser and negation words.
pub(super) struct RuleLanguage {
    pub lang: String,
    analyzer: RefCell<TextAnalyzer>,
    negations: Vec<String>,
    function_words: Vec<String>,
}

impl RuleLanguage {
    pub fn new(lang: &str) -> Self {
        let mut analyzer = analysis::analyzer(lang);
        let mut analysed = |words: &[(&str, &[&str])]| -> Vec<String> {
            table(words, lang)
                .iter()
                .flat_map(|w| analysis::terms(&mut analyzer, w, lang))
                .collect()
        };
        let negations = analysed(NEGATIONS);
        let function_words = analysed(FUNCTION_WORDS)
            .into_iter()
            .filter(|w| !negations.contains(w))
            .collect();
        RuleLanguage {
            lang: lang.to_string(),
            analyzer: RefCell::new(analyzer),
            negations,
            function_words,
        }
    }

    /// The analysed terms of `text` that carry meaning, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut terms = analysis::terms(&mut self.analyzer.borrow_mut(), text, &self.lang);
        terms.retain(|t| !self.function_words.contains(t));
        terms
    }

    pub fn is_negation(&self, term: &str) -> bool {
        self.negations.iter().any(|n| n == term)
    }

    /// The analysed terms of each stretch of `text` outside quotations.
    pub fn unquoted_segments(&self, text: &str) -> Vec<Vec<String>> {
        unquoted(text)
            .into_iter()
            .map(|part| self.terms(part))
            .filter(|terms| !terms.is_empty())
            .collect()
    }

    /// Whether the terms just before `start` negate what begins there.
    pub fn negated_at(&self, terms: &[String], start: usize) -> bool {
        terms[start.saturating_sub(NEGATION_WINDOW)..start]
            .iter()
            .any(|t| self.is_negation(t))
    }

    /// What `text` affirms, for comparing meaning: its words outside quotations, in
    /// clauses without a negation ("my card company is not disputing it, I asked"
    /// affirms only that I asked).
    pub fn affirmed(&self, text: &str) -> Vec<String> {
        self.affirmed_parts(text).terms
    }

    /// What `text` affirms (see [`Self::affirmed`]) as analysed terms and as text, for
    /// the classifier, which reads words unstemmed too; each clause analysed once.
    pub fn affirmed_parts(&self, text: &str) -> Affirmed {
        let conjunctions = table(CONJUNCTIONS, &self.lang);
        let mut affirmed = Affirmed::default();
        let clauses = unquoted(text)
            .into_iter()
            .flat_map(|part| part.split(CLAUSE_MARKS))
            .flat_map(|clause| split_at_words(clause, conjunctions));
        for clause in clauses {
            let terms = self.terms(&clause);
            if terms.is_empty() || terms.iter().any(|t| self.is_negation(t)) {
                continue;
            }
            if !affirmed.text.is_empty() {
                affirmed.text.push_str(". ");
            }
            affirmed.text.push_str(&clause);
            affirmed.terms.extend(terms);
        }
        affirmed
    }
}

/// The clauses of a message that no negation takes back, outside quotations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Affirmed {
    /// The clauses joined by ". ".
    pub text: String,
    /// Their analysed terms, in order.
    pub terms: Vec<String>,
}

/// One language's row of a table of words.
fn table<'a>(rows: &'a [(&str, &'a [&str])], lang: &str) -> &'a [&'a str] {
    rows.iter()
        .find(|(code, _)| *code == lang)
        .map_or(&[][..], |(_, words)| *words)
}

/// `text` cut before each of `words` (whole words, any case).
fn split_at_words(text: &str, words: &[&str]) -> Vec<String> {
    let mut clauses = vec![String::new()];
    for word in text.split_whitespace() {
        let bare = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if words.contains(&bare.as_str()) {
            clauses.push(String::new());
        }
        let clause = clauses.last_mut().expect("one clause at least");
        clause.push_str(word);
        clause.push(' ');
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn a_negation_takes_back_its_clause() {
        let en = RuleLanguage::new("en");
        assert_eq!(
            en.affirmed("this is not a chargeback dispute, my lawyer says"),
            words(&["lawyer", "say"])
        );
        assert!(
            en.affirmed("my card company is not disputing it")
                .is_empty()
        );
        assert_eq!(
            en.affirmed("I am not happy and I will see you in court"),
            words(&["see", "court"])
        );
        assert!(en.affirmed("I don't need a real person").is_empty());
        let es = RuleLanguage::new("es");
        assert!(es.affirmed("no quiero hablar con un abogado").is_empty());
    }

    #[test]
    fn negations_in_phrases_reach_two_words() {
        let en = RuleLanguage::new("en");
        let terms = en.terms("not a chargeback at all, lawyer");
        assert!(en.negated_at(&terms, 1));
        assert!(!en.negated_at(&terms, 3));
    }

    #[test]
    fn quoted_text_is_left_out() {
        let en = RuleLanguage::new("en");
        assert_eq!(
            en.unquoted_segments("the email said \"chargeback notice\" now"),
            vec![words(&["email", "said"]), words(&["now"])]
        );
    }
}
