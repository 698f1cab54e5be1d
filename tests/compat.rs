//! Bundles carry a format version; an engine must refuse bundles of another format with
//! a clear message rather than misread them.

mod common;

use deflect::bundle::FORMAT_VERSION;
use deflect::{Engine, Error};

#[test]
fn a_bundle_round_trips() {
    let kb = common::sample_kb();
    let bytes = common::bundle_bytes(&kb);
    let engine = Engine::open(&bytes).unwrap();
    assert_eq!(engine.kb().version, kb.version);
    assert_eq!(engine.kb().articles.len(), kb.articles.len());
}

#[test]
fn another_format_version_is_refused() {
    let mut bytes = deflect::SAMPLE_BUNDLE.to_vec();
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    match Engine::open(&bytes) {
        Err(Error::BundleFormat { found, expected }) => {
            assert_eq!((found, expected), (FORMAT_VERSION + 1, FORMAT_VERSION))
        }
        other => panic!("expected a format error, got {:?}", other.err()),
    }
}

#[test]
fn garbage_is_not_a_bundle() {
    assert!(matches!(
        Engine::open(b"<html>404</html>"),
        Err(Error::NotABundle)
    ));
    assert!(matches!(Engine::open(b""), Err(Error::NotABundle)));
    let mut truncated = deflect::SAMPLE_BUNDLE.to_vec();
    truncated.truncate(truncated.len() / 2);
    assert!(matches!(
        Engine::open(&truncated),
        Err(Error::CorruptBundle(_))
    ));
}

#[test]
fn the_bundle_built_by_build_rs_opens() {
    // build.rs indexes kb/ on every native build; the engine must read what it wrote.
    assert!(Engine::open(deflect::SAMPLE_BUNDLE).is_ok());
}

#[test]
fn the_same_kb_gives_the_same_bundle_bytes() {
    // The site names the index file by its hash: an unchanged KB must keep its name, so
    // visitors keep their cached copy across rebuilds.
    let kb = deflect_compile::compile_dir(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/kb"
    )))
    .unwrap()
    .kb;
    let first = common::bundle_bytes(&kb);
    let second = common::bundle_bytes(&kb);
    assert!(first == second, "two builds of one KB differ");
    let engine = Engine::open(&first).unwrap();
    assert!(
        !engine
            .search("reset my password", "en", 3)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_damaged_term_index_is_refused_not_misread() {
    // The engine checks the compact term index's lengths when it opens a bundle, so a
    // damaged one is an error, never a panic or silently wrong scores.
    let damaged = |damage: fn(&mut deflect::search::term_index::TermIndex)| {
        let mut bundle = deflect::bundle::Bundle::decode(deflect::SAMPLE_BUNDLE).unwrap();
        damage(&mut bundle.index);
        Engine::open(&bundle.encode().unwrap())
    };
    let refused = [
        damaged(|index| {
            index.groups[0].fields[0].fieldnorms.pop();
        }),
        damaged(|index| {
            let terms = &mut index.groups[0].terms;
            terms.truncate(terms.len() - 3);
        }),
        damaged(|index| {
            index.groups[0].fields[1].postings.push(0);
        }),
    ];
    for result in refused {
        assert!(
            matches!(result, Err(Error::CorruptBundle(_))),
            "{:?}",
            result.err()
        );
    }
}
