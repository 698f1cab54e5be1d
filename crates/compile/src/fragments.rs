//! Article bodies as fragments: each body is a file of its own next to the bundle,
//! named by a hash of its content, which the widget fetches only when the article is
//! opened. The first download then holds what matching and the suggestion list need,
//! and grows with the number of articles, not with the length of their bodies.

use std::collections::BTreeMap;

use deflect_engine::model::Kb;
use sha2::{Digest, Sha256};

/// The site folder the fragments are written to, relative to the bundle.
pub const FRAGMENT_DIR: &str = "articles";

/// The file name of a body: ten hex digits of its SHA-256, so an unchanged body keeps
/// its name (and the visitor's cached copy) across rebuilds.
pub fn fragment_name(html: &str) -> String {
    format!("{}.html", content_hash(html.as_bytes()))
}

/// Ten hex digits of the SHA-256 of `bytes`: the name of a file that never changes
/// content, so browsers and CDNs may keep it forever.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every distinct fragment of `kb`: file name to sanitised body HTML. Articles with the
/// same body share one file.
pub fn fragments(kb: &Kb) -> BTreeMap<&str, &str> {
    kb.articles
        .iter()
        .map(|a| (a.fragment.as_str(), a.html.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_named_by_its_content() {
        let name = fragment_name("<p>Reset your password</p>");
        assert_eq!(name, fragment_name("<p>Reset your password</p>"));
        assert_ne!(name, fragment_name("<p>Reset your password.</p>"));
        assert_eq!(name.len(), "0123456789.html".len());
        assert!(name[..10].bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn every_article_of_the_sample_kb_has_its_fragment() {
        let kb = crate::compile_dir("../../kb".as_ref())
            .expect("valid KB")
            .kb;
        let fragments = fragments(&kb);
        for article in &kb.articles {
            assert!(!article.html.is_empty(), "{}", article.id);
            assert_eq!(fragments[article.fragment.as_str()], article.html);
            assert_eq!(article.fragment, fragment_name(&article.html));
        }
    }
}
