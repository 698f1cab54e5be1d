//! Attacks with hostile text and numbers.

use std::fs;

use crate::common;

/// An article whose "open in a new tab" link would run script in the visitor's page is
/// refused at build time, at its line, so it never reaches a bundle.
#[test]
fn a_javascript_article_link_fails_the_build() {
    for url in [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>x</script>",
        "//evil.example/",
    ] {
        let errors = common::kb_errors_after(|kb| {
            let article = format!(
                "+++\nid = \"x\"\ntitle = \"X\"\ncategory = \"billing\"\nquestions = [\"x?\"]\nurl = \"{url}\"\n+++\nBody\n"
            );
            fs::write(kb.join("articles/x.md"), article).unwrap();
        });
        assert_eq!(errors.len(), 1, "{url}: {errors:?}");
        assert!(
            errors[0].starts_with("articles/x.md:6: url `"),
            "{url}: {errors:?}"
        );
    }
}
