//! A KB whose postings are split into shards answers exactly as the whole bundle once
//! the shards a question needs are in, and never before: on the sample KB (cut into
//! many small shards) and on a synthetic help centre of a thousand articles.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use deflect_compile::{SplitBundle, split_bundle};
use deflect_engine::conversation::{Conversation, Start};
use deflect_engine::search::Match;
use deflect_engine::{Bundle, Engine, Error};

/// A result as bits: equal only if bit-identical.
fn bits(matches: &[Match]) -> Vec<(String, u32, u32)> {
    matches
        .iter()
        .map(|m| (m.id.clone(), m.score.to_bits(), m.confidence.to_bits()))
        .collect()
}

struct Split {
    whole: Engine,
    bundle: Vec<u8>,
    shards: BTreeMap<String, Vec<u8>>,
}

impl Split {
    fn of(bundle: Bundle, shard_bytes: usize) -> Split {
        let SplitBundle {
            bundle: bytes,
            shards,
        } = split_bundle(&mut bundle.clone(), shard_bytes).expect("split");
        Split {
            whole: Engine::from_bundle(bundle).expect("whole bundle"),
            bundle: bytes,
            shards: shards.into_iter().collect(),
        }
    }

    /// The split bundle opened, with no shard loaded.
    fn open(&self) -> Engine {
        let engine = Engine::open(&self.bundle).expect("split bundle");
        assert_eq!(engine.pending_shards().len(), self.shards.len());
        engine
    }

    fn load(&self, engine: &mut Engine, names: &[String]) {
        for name in names {
            engine.add_shard(name, &self.shards[name]).expect("shard");
        }
    }

    /// Before its shards are in, `text` is not answered; with them, exactly as whole.
    fn check(&self, engine: &mut Engine, text: &str, lang: &str) {
        let needed = engine.missing_shards(text, lang);
        for result in [engine.search(text, lang, 5), engine.suggest(text, lang, 3)] {
            match result {
                Err(Error::NeedsShards(names)) => {
                    assert!(names.iter().all(|n| needed.contains(n)), "{text:?}");
                }
                Ok(_) => {}
                Err(e) => panic!("{text:?}: {e}"),
            }
        }
        self.load(engine, &needed);
        assert!(engine.missing_shards(text, lang).is_empty(), "{text:?}");
        let split = engine.search(text, lang, 5).expect("search");
        let whole = self.whole.search(text, lang, 5).unwrap();
        assert_eq!(bits(&split), bits(&whole), "search {text:?} ({lang})");
        let split = engine.suggest(text, lang, 3).expect("suggest");
        let whole = self.whole.suggest(text, lang, 3).unwrap();
        assert_eq!(bits(&split), bits(&whole), "suggest {text:?} ({lang})");
    }
}

/// What visitors type: each entry's example questions, their first half (suggestions
/// while typing), and with a typo.
fn questions(engine: &Engine, every: usize) -> Vec<(String, String)> {
    let entries = engine.index().entries().iter().step_by(every);
    let mut out = Vec::new();
    for entry in entries {
        for q in &entry.questions {
            let half: String = q.chars().take(q.chars().count() / 2 + 1).collect();
            let typo: String = q.chars().filter(|c| *c != 'e').collect();
            for text in [q.clone(), half, typo] {
                out.push((text, entry.lang.clone()));
            }
        }
    }
    out
}

fn sample_bundle() -> Bundle {
    let kb = deflect_compile::compile_dir(Path::new("../../kb"))
        .expect("valid KB")
        .kb;
    deflect_compile::bundle(&kb).expect("bundle")
}

#[test]
fn the_sample_kb_in_small_shards_answers_as_whole() {
    let split = Split::of(sample_bundle(), 512);
    assert!(split.shards.len() > 5, "{} shards", split.shards.len());
    let mut engine = split.open();
    for (text, lang) in questions(&split.whole, 1) {
        split.check(&mut engine, &text, &lang);
    }
    for (text, lang) in [
        ("refund", "es"),
        ("reembolso", "en"),
        ("", "en"),
        ("zzz qqq", "en"),
    ] {
        split.check(&mut engine, text, lang);
    }
}

#[test]
fn only_the_shards_a_question_needs_are_asked_for_and_each_is_read() {
    let split = Split::of(sample_bundle(), 512);
    for (text, lang) in questions(&split.whole, 5).into_iter().step_by(4).take(8) {
        let mut engine = split.open();
        let needed = engine.missing_shards(&text, &lang);
        assert!(
            needed.len() < split.shards.len(),
            "{text:?} needs every shard"
        );
        // Without any one of them, the question is still not answered.
        for left_out in &needed {
            let mut partial = split.open();
            let others: Vec<String> = needed.iter().filter(|n| *n != left_out).cloned().collect();
            split.load(&mut partial, &others);
            assert_eq!(
                partial.missing_shards(&text, &lang),
                std::slice::from_ref(left_out)
            );
        }
        split.load(&mut engine, &needed);
        assert_eq!(
            engine.pending_shards().len(),
            split.shards.len() - needed.len()
        );
        split.check(&mut engine, &text, &lang);
    }
}

#[test]
fn a_message_needing_shards_changes_nothing_until_they_are_in() {
    let split = Split::of(sample_bundle(), 512);
    let mut engine = split.open();
    let start = || Start {
        id: "c1".into(),
        lang: "en".into(),
        customer: Default::default(),
        page: Default::default(),
        now: 1,
    };
    let (mut split_chat, _) = Conversation::start(&engine, start());
    let (mut whole_chat, _) = Conversation::start(&split.whole, start());
    let text = "I was charged twice for my course";
    let before = serde_json::to_string(&split_chat).unwrap();
    let needed = match split_chat.say(&engine, text, 2) {
        Err(Error::NeedsShards(needed)) => needed,
        other => panic!("{other:?}"),
    };
    assert_eq!(needed, engine.missing_shards(text, "en"));
    assert_eq!(serde_json::to_string(&split_chat).unwrap(), before);
    split.load(&mut engine, &needed);
    let reply = split_chat.say(&engine, text, 2).unwrap();
    let whole_reply = whole_chat.say(&split.whole, text, 2).unwrap();
    assert_eq!(format!("{reply:?}"), format!("{whole_reply:?}"));
}

/// A thousand articles written by `tests/perf/synthetic-kb.mjs` (distinct products, so
/// distinct words), in shards of the size `deflect site` cuts.
#[test]
fn a_synthetic_help_centre_in_shards_answers_as_whole() {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/perf/synthetic-kb.mjs");
    let status = Command::new("node")
        .arg(&script)
        .arg(dir.path())
        .arg("1000")
        .status()
        .expect("node runs tests/perf/synthetic-kb.mjs");
    assert!(status.success());
    let kb = deflect_compile::compile_dir(dir.path())
        .expect("valid KB")
        .kb;
    let split = Split::of(
        deflect_compile::bundle(&kb).unwrap(),
        deflect_compile::SHARD_BYTES,
    );
    assert!(split.shards.len() >= 3, "{} shards", split.shards.len());
    let mut engine = split.open();
    let asked = questions(&split.whole, 37);
    assert!(asked.len() > 200);
    for (text, lang) in &asked {
        split.check(&mut engine, text, lang);
    }
    assert!(
        engine.pending_shards().is_empty(),
        "the questions reached every shard"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Any words of the KB, in any order, with any last word cut short.
    #[test]
    fn any_question_answers_as_whole_once_its_shards_are_in(
        picks in proptest::collection::vec(0usize..10_000, 1..7),
        cut in 0usize..6,
    ) {
        thread_local! {
            static SPLIT: Split = Split::of(sample_bundle(), 512);
        }
        SPLIT.with(|split| {
            let words: Vec<&str> = split.whole.index().entries().iter()
                .flat_map(|e| e.questions.iter().flat_map(|q| q.split_whitespace()))
                .collect();
            let mut text: Vec<&str> = picks.iter().map(|i| words[i % words.len()]).collect();
            let last = text.pop().unwrap_or_default();
            let last: String = last.chars().take(last.chars().count().saturating_sub(cut).max(1)).collect();
            let text = format!("{} {last}", text.join(" "));
            let mut engine = split.open();
            split.check(&mut engine, &text, "en");
        });
    }
}
