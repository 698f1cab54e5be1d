//! Which imported article a link points to: by the help centre's URL (`…/articles/<id>-…`,
//! as Zendesk writes them), by the article's own URL or permalink, or by a relative
//! path to its file.

use std::collections::HashMap;

use super::source_article::SourceArticle;

/// Addresses of every imported article, mapped to its KB id.
#[derive(Default)]
pub struct LinkIndex {
    by_address: HashMap<String, String>,
    by_source_id: HashMap<String, String>,
}

impl LinkIndex {
    pub fn new<'a>(articles: impl IntoIterator<Item = (&'a SourceArticle, &'a str)>) -> Self {
        let mut index = LinkIndex::default();
        for (article, id) in articles {
            if let Some(source_id) = &article.source_id {
                index.by_source_id.insert(source_id.clone(), id.to_string());
            }
            let paths = article.addresses.iter().filter_map(|a| path_of_url(a));
            let addresses = article.addresses.iter().cloned().chain(paths);
            for address in addresses.chain([article.key.clone()]) {
                let address = normalize(&address);
                if !address.is_empty() {
                    index.by_address.insert(address, id.to_string());
                }
            }
        }
        index
    }

    /// The id of the article `href` (written in the article keyed `from`) points to.
    pub fn article_id(&self, href: &str, from: &str) -> Option<String> {
        if let Some(id) = help_centre_article_id(href).and_then(|n| self.by_source_id.get(n)) {
            return Some(id.clone());
        }
        let candidates = [
            Some(href.to_string()),
            path_of_url(href),
            relative_to(from, href),
        ];
        candidates
            .into_iter()
            .flatten()
            .map(|c| normalize(&c))
            .filter(|c| !c.is_empty())
            .find_map(|c| self.by_address.get(&c).cloned())
    }
}

/// `123` of `https://help.example/hc/en-us/articles/123-Title`.
fn help_centre_article_id(href: &str) -> Option<&str> {
    let after = &href[href.find("/articles/")? + "/articles/".len()..];
    let end = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    (end > 0).then(|| &after[..end])
}

/// `/docs/x` of `https://site.example/docs/x`.
fn path_of_url(href: &str) -> Option<String> {
    let rest = href.split_once("://")?.1;
    Some(
        rest.find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
    )
}

/// A relative link resolved against the folder of the linking file's key.
fn relative_to(from: &str, href: &str) -> Option<String> {
    if href.contains("://") || href.starts_with('/') || href.starts_with('#') {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in href.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Without fragment, query, trailing slash, file extension or case.
fn normalize(address: &str) -> String {
    let address = address.split(['#', '?']).next().unwrap_or("");
    let address = address.trim_end_matches('/');
    let address = [".md", ".mdx", ".markdown", ".html", ".htm"]
        .iter()
        .find_map(|ext| address.strip_suffix(ext))
        .unwrap_or(address);
    address.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(key: &str, source_id: Option<&str>, addresses: &[&str]) -> SourceArticle {
        SourceArticle {
            key: key.into(),
            source_id: source_id.map(Into::into),
            addresses: addresses.iter().map(ToString::to_string).collect(),
            ..SourceArticle::default()
        }
    }

    #[test]
    fn links_find_their_articles() {
        let a = article(
            "guides/reset.md",
            Some("360016495679"),
            &["https://help.example/docs/reset"],
        );
        let b = article("faq/pay.md", None, &[]);
        let index = LinkIndex::new([(&a, "reset"), (&b, "pay")]);
        let from = "faq/pay.md";
        assert_eq!(
            index.article_id(
                "https://support.arduino.cc/hc/en-us/articles/360016495679-If-your",
                from
            ),
            Some("reset".into())
        );
        assert_eq!(
            index.article_id("https://help.example/docs/reset/#step", from),
            Some("reset".into())
        );
        assert_eq!(index.article_id("/docs/reset", from), Some("reset".into()));
        assert_eq!(
            index.article_id("../guides/reset.md", from),
            Some("reset".into())
        );
        assert_eq!(
            index.article_id("pay.md", "faq/other.md"),
            Some("pay".into())
        );
        assert_eq!(index.article_id("https://other.example/", from), None);
        assert_eq!(index.article_id("../../../etc/passwd", from), None);
    }
}
