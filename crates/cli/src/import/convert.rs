//! Help-centre HTML to the Markdown of a KB article: what the widget cannot show or
//! must not run (images, scripts, embeds, forms, `javascript:` links) is dropped and
//! counted, links to other imported articles become in-widget links, and headings are
//! kept for proposed questions. The compiler sanitises the result again with ammonia.

use std::collections::BTreeMap;
use std::rc::Rc;

use htmd::HtmlToMarkdown;
use markup5ever_rcdom::{Node, NodeData};

/// Below this depth markup is dropped: htmd walks the tree recursively, and hostile
/// input nests a million `<div>`s.
const MAX_DEPTH: usize = 200;

/// The prefix of an in-widget link to another article: `#article=<id>`.
pub const ARTICLE_LINK_PREFIX: &str = "#article=";

/// What was left out of one article, by kind (`image`, `script`, `embed`, `form`,
/// `link`, `anchor`, `deep markup`).
pub type Dropped = BTreeMap<&'static str, usize>;

/// An article body converted to Markdown.
#[derive(Debug, Default)]
pub struct Converted {
    pub markdown: String,
    /// Texts of the `<h2>` and `<h3>` headings, in order.
    pub headings: Vec<String>,
    pub dropped: Dropped,
}

/// The page's title: its `<title>`, else its first `<h1>`; and its `<html lang>`.
pub fn page_title_and_lang(html: &str) -> (Option<String>, Option<String>) {
    let tree = parse(html);
    let title = find(&tree, "title")
        .or_else(|| find(&tree, "h1"))
        .map(|n| text_of(&n))
        .filter(|t| !t.is_empty());
    let lang = find(&tree, "html").and_then(|n| attribute(&n, "lang"));
    (title, lang)
}

/// Converts the page's `<main>` (else `<article>`, else `<body>`) to Markdown;
/// `article_id_of` names the imported article an `href` points to, if any.
pub fn to_markdown(
    html: &str,
    title: &str,
    article_id_of: &dyn Fn(&str) -> Option<String>,
) -> Converted {
    let tree = parse(html);
    let content = ["main", "article"].iter().find_map(|tag| find(&tree, tag));
    // htmd converts `<body>` only as part of its document, so the content replaces the
    // body's children rather than being converted alone.
    let root = find(&tree, "body").unwrap_or_else(|| tree.clone());
    if let Some(content) = content {
        *root.children.borrow_mut() = vec![content];
    }
    let mut cleaner = Cleaner {
        title: title.trim(),
        title_heading_removed: false,
        article_id_of,
        converted: Converted::default(),
    };
    cleaner.clean_children(&tree, 0);
    let markdown = HtmlToMarkdown::new().tree_to_markdown(&tree);
    let mut converted = cleaner.converted;
    converted.markdown = tidy(&markdown);
    converted
}

fn parse(html: &str) -> Rc<Node> {
    HtmlToMarkdown::new()
        .html_to_tree(html)
        .unwrap_or_else(|_| Node::new(NodeData::Document))
}

/// Walks the tree once, removing and rewriting in place.
struct Cleaner<'a> {
    title: &'a str,
    title_heading_removed: bool,
    article_id_of: &'a dyn Fn(&str) -> Option<String>,
    converted: Converted,
}

impl Cleaner<'_> {
    fn clean_children(&mut self, node: &Rc<Node>, depth: usize) {
        if depth > MAX_DEPTH {
            *self.converted.dropped.entry("deep markup").or_default() += 1;
            node.children.borrow_mut().clear();
            return;
        }
        let children: Vec<Rc<Node>> = node.children.borrow().clone();
        let mut kept = Vec::with_capacity(children.len());
        for child in children {
            if self.keep(&child) {
                self.clean_children(&child, depth + 1);
                kept.push(child);
            }
        }
        *node.children.borrow_mut() = kept;
    }

    /// Whether `node` stays; counts what goes and rewrites links that stay.
    fn keep(&mut self, node: &Rc<Node>) -> bool {
        let NodeData::Element { name, .. } = &node.data else {
            return !matches!(
                node.data,
                NodeData::Comment { .. } | NodeData::ProcessingInstruction { .. }
            );
        };
        let tag: &str = &name.local;
        if let Some(kind) = dropped_kind(tag) {
            if let Some(kind) = kind {
                *self.converted.dropped.entry(kind).or_default() += 1;
            }
            return false;
        }
        match tag {
            "a" => self.keep_link(node),
            "h1" if !self.title_heading_removed && text_of(node) == self.title => {
                self.title_heading_removed = true;
                false
            }
            "h2" | "h3" => {
                let text = text_of(node);
                if !text.is_empty() {
                    self.converted.headings.push(text);
                }
                true
            }
            _ => true,
        }
    }

    /// Empty anchors go; links to imported articles become in-widget links; links the
    /// widget cannot follow lose their `href` but keep their text.
    fn keep_link(&mut self, node: &Rc<Node>) -> bool {
        if text_of(node).is_empty() {
            return false;
        }
        let Some(href) = attribute(node, "href") else {
            return true;
        };
        let replacement = if let Some(id) = (self.article_id_of)(&href) {
            Some(format!("{ARTICLE_LINK_PREFIX}{id}"))
        } else if is_followable(&href) {
            None
        } else {
            // The widget shows no heading ids, so anchors into the page lead nowhere.
            let kind = if href.starts_with('#') {
                "anchor"
            } else {
                "link"
            };
            *self.converted.dropped.entry(kind).or_default() += 1;
            Some(String::new())
        };
        if let (Some(new), NodeData::Element { attrs, .. }) = (replacement, &node.data) {
            let mut attrs = attrs.borrow_mut();
            attrs.retain(|a| &*a.name.local != "href" || !new.is_empty());
            for a in attrs.iter_mut().filter(|a| &*a.name.local == "href") {
                a.value = new.clone().into();
            }
        }
        true
    }
}

/// `Some(Some(kind))`: dropped and reported; `Some(None)`: dropped silently (page
/// furniture such as `<style>`); `None`: kept.
fn dropped_kind(tag: &str) -> Option<Option<&'static str>> {
    match tag {
        "img" | "picture" | "svg" | "canvas" | "map" => Some(Some("image")),
        "script" | "noscript" => Some(Some("script")),
        "iframe" | "embed" | "object" | "video" | "audio" | "frame" | "frameset" | "applet" => {
            Some(Some("embed"))
        }
        "form" | "input" | "button" | "select" | "textarea" => Some(Some("form")),
        "style" | "link" | "meta" | "template" | "head" | "title" | "base" | "nav" => Some(None),
        _ => None,
    }
}

/// Web and mail addresses and anchors in the page; not `javascript:`, `data:`, or paths
/// of the old help centre that no longer lead anywhere from inside the widget.
pub fn is_followable(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    if lower.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

/// The first element named `tag` in document order.
fn find(node: &Rc<Node>, tag: &str) -> Option<Rc<Node>> {
    let mut todo = vec![node.clone()];
    while let Some(n) = todo.pop() {
        if let NodeData::Element { name, .. } = &n.data
            && &*name.local == tag
        {
            return Some(n);
        }
        todo.extend(n.children.borrow().iter().rev().cloned());
    }
    None
}

fn attribute(node: &Node, key: &str) -> Option<String> {
    let NodeData::Element { attrs, .. } = &node.data else {
        return None;
    };
    let attrs = attrs.borrow();
    attrs
        .iter()
        .find(|a| &*a.name.local == key)
        .map(|a| a.value.to_string())
}

/// The element's text, whitespace collapsed.
pub fn text_of(node: &Rc<Node>) -> String {
    let mut text = String::new();
    let mut todo = vec![node.clone()];
    while let Some(n) = todo.pop() {
        if let NodeData::Text { contents } = &n.data {
            text.push_str(&contents.borrow());
            text.push(' ');
        }
        todo.extend(n.children.borrow().iter().rev().cloned());
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// No control characters (but newlines and tabs), no runs of blank lines.
fn tidy(markdown: &str) -> String {
    let clean: String = markdown
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let mut out = String::with_capacity(clean.len());
    let mut blank_lines = 0;
    for line in clean.lines() {
        let line = line.trim_end();
        let line = if line.starts_with('|') {
            compact_table_row(line)
        } else {
            line.to_string()
        };
        blank_lines = if line.is_empty() { blank_lines + 1 } else { 0 };
        if blank_lines < 2 {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.trim().to_string()
}

/// htmd pads table cells to line columns up; the padding is only bytes every visitor
/// downloads, so runs of spaces (and of a separator row's dashes) shrink to one (three).
fn compact_table_row(row: &str) -> String {
    let mut out = String::with_capacity(row.len());
    for c in row.chars() {
        let repeats = out.ends_with(c) && (c == ' ' || (c == '-' && out.ends_with("---")));
        if !repeats {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_links(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn html_becomes_markdown() {
        let c = to_markdown(
            "<h2>Steps</h2><p>Open <strong>Settings</strong>.</p><ul><li>One</li><li>Two</li></ul>",
            "T",
            &no_links,
        );
        assert!(c.markdown.contains("## Steps"), "{}", c.markdown);
        assert!(c.markdown.contains("**Settings**"), "{}", c.markdown);
        assert!(c.markdown.contains("One"), "{}", c.markdown);
        assert_eq!(c.headings, ["Steps"]);
        assert!(c.dropped.is_empty());
    }

    #[test]
    fn tables_lose_their_padding() {
        let c = to_markdown(
            "<table><tr><th>Board</th><th>Port</th></tr><tr><td>UNO R4 WiFi</td><td>COM3</td></tr></table>",
            "T",
            &no_links,
        );
        assert!(c.markdown.contains("| Board | Port |"), "{}", c.markdown);
        assert!(c.markdown.contains("| --- | --- |"), "{}", c.markdown);
        assert!(
            c.markdown.contains("| UNO R4 WiFi | COM3 |"),
            "{}",
            c.markdown
        );
    }

    #[test]
    fn scripts_images_embeds_forms_are_dropped_and_counted() {
        let c = to_markdown(
            "<p>Hi</p><script>alert(1)</script><img src=x onerror=alert(1)><img src=y>\
             <iframe src=https://v.example></iframe><form><input name=q></form>",
            "T",
            &no_links,
        );
        assert_eq!(c.markdown, "Hi");
        assert_eq!(c.dropped.get("script"), Some(&1));
        assert_eq!(c.dropped.get("image"), Some(&2));
        assert_eq!(c.dropped.get("embed"), Some(&1));
        assert_eq!(c.dropped.get("form"), Some(&1));
    }

    #[test]
    fn links_to_imported_articles_become_widget_links() {
        let lookup = |href: &str| {
            href.contains("/articles/42")
                .then(|| "reset-password".to_string())
        };
        let c = to_markdown(
            r#"<p>See <a href="https://help.example/hc/en-us/articles/42-Reset">reset</a>,
               <a href="https://example.com/x">site</a> and <a href="javascript:alert(1)">bad</a>.</p>"#,
            "T",
            &lookup,
        );
        assert!(
            c.markdown.contains("[reset](#article=reset-password)"),
            "{}",
            c.markdown
        );
        assert!(
            c.markdown.contains("[site](https://example.com/x)"),
            "{}",
            c.markdown
        );
        assert!(!c.markdown.contains("javascript"), "{}", c.markdown);
        assert!(c.markdown.contains("bad"), "{}", c.markdown);
        assert_eq!(c.dropped.get("link"), Some(&1));
    }

    #[test]
    fn page_parts_and_hostile_input() {
        let page = "<html lang=es><head><title>Precios</title></head><body><nav>menu</nav>\
                    <main><h1>Precios</h1><p>Texto\u{7}</p></main></body></html>";
        assert_eq!(
            page_title_and_lang(page),
            (Some("Precios".into()), Some("es".into()))
        );
        let c = to_markdown(page, "Precios", &no_links);
        assert_eq!(c.markdown, "Texto");
        let deep = "<div>".repeat(5000) + "x";
        let c = to_markdown(&deep, "T", &no_links);
        assert_eq!(c.dropped.get("deep markup"), Some(&1));
    }
}
