//! Where a login returns to. `/login?next=…` comes from a link anyone can craft, so
//! only a path on this site is followed (`/inbox?before=…`); anything that a browser
//! would take to another host (`https://evil.example`, `//evil.example`,
//! `/\evil.example`) sends the agent to the inbox instead.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a query value must encode: all but the unreserved characters of RFC 3986.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Where an agent lands when `next` is missing or not a path on this site.
pub(crate) const HOME: &str = "/inbox";

/// `next` if it is a path on this site, else [`HOME`].
pub(crate) fn safe_next(next: &str) -> &str {
    let mut chars = next.chars();
    let same_site = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    if same_site { next } else { HOME }
}

/// The login page, returning to `next` (already a path of this site) afterwards.
pub(crate) fn login_url(next: &str) -> String {
    format!("/login?next={}", utf8_percent_encode(next, QUERY_VALUE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        for ok in ["/inbox", "/inbox?before=1-2&limit=50", "/inbox/insights"] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "",
            "inbox",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "/ok\\..",
            "/x\ny",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(bad), HOME, "{bad:?}");
        }
        assert_eq!(login_url("/inbox?a=1"), "/login?next=%2Finbox%3Fa%3D1");
    }
}
