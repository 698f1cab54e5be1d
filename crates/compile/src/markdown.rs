//! Article bodies: Markdown rendered to HTML once, at build time, and sanitised, because
//! KB content is never trusted as HTML in the visitor's page.

use pulldown_cmark::{Event, Options, Parser, html};

/// HTML safe to insert into the widget: no scripts, styles or event handlers; links
/// open in a new tab without handing the opener to the target.
pub fn to_safe_html(markdown: &str) -> String {
    let mut raw = String::new();
    html::push_html(
        &mut raw,
        Parser::new_ext(
            markdown,
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
        ),
    );
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .set_tag_attribute_value("a", "target", "_blank")
        .clean(&raw)
        .to_string()
}

/// Like [`to_safe_html`] for one paragraph, without the wrapping `<p>`.
pub fn to_safe_inline_html(markdown: &str) -> String {
    let html = to_safe_html(markdown);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// The words of the body, for the index.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                text.push_str(&t);
                text.push(' ');
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = to_safe_html(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn links_to_other_articles_survive_sanitising() {
        // `deflect import` writes links between articles so; the widget opens them inline.
        let html = to_safe_html("See [refunds](#article=get-a-refund).");
        assert!(html.contains(r##"href="#article=get-a-refund""##), "{html}");
    }

    #[test]
    fn links_open_in_a_new_tab() {
        let html = to_safe_html("[Help](https://example.com/help)");
        assert!(html.contains(r#"target="_blank""#), "{html}");
        assert!(html.contains("noopener"), "{html}");
    }
}
