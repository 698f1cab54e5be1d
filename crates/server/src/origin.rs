//! Which pages may write to the inbox. A browser lets any page post `text/plain` (what
//! `navigator.sendBeacon` sends) to any server without asking it first, so CORS alone
//! does not stop `evil.example` from filing tickets through a visitor's browser; the
//! `Origin` a browser puts on every POST/PUT does. A write is accepted from the inbox's
//! own site (the request's `Host`) and from the `--allow-origin` list; a foreign
//! `Origin` (or, with none, a foreign `Referer`) is a 403 before the body is read.
//!
//! A write with neither header is not a browser posting across sites (browsers always
//! send `Origin` on a cross-origin POST), but a server, a script or `curl`: the origin
//! rule is no defence against those anyway, the rate limits and caps are, so it passes.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::api_error::ApiError;

/// The origins allowed to write, besides the inbox's own site.
#[derive(Debug, Clone)]
pub(crate) struct OriginPolicy {
    /// `--allow-origin *`: any page may write.
    any: bool,
    /// Normalised `scheme://host[:port]`, without default ports.
    allowed: Arc<[String]>,
}

impl OriginPolicy {
    /// The policy for `--allow-origin` entries (an entry that is not an origin matches
    /// nothing, as it matches no browser's `Origin`).
    pub(crate) fn new(allowed_origins: &[String]) -> Self {
        Self {
            any: allowed_origins.iter().any(|o| o.trim() == "*"),
            allowed: allowed_origins
                .iter()
                .filter_map(|o| SiteOf::parse(o.trim().trim_end_matches('/')))
                .map(|site| site.origin())
                .collect(),
        }
    }

    /// Whether a write with these headers may proceed; the 403 names the origin.
    fn check(&self, headers: &HeaderMap, host: Option<&str>) -> Result<(), ApiError> {
        if self.any {
            return Ok(());
        }
        let text = |name| {
            headers
                .get(name)
                .map(|v| v.to_str().unwrap_or("(not text)"))
        };
        let (sender, named) = match (text(header::ORIGIN), text(header::REFERER)) {
            (Some(origin), _) => (SiteOf::parse(origin), origin),
            (None, Some(referer)) => (SiteOf::parse(referer), referer),
            (None, None) => return Ok(()),
        };
        let allowed = sender.is_some_and(|site| {
            host.is_some_and(|host| site.is_host(host)) || self.allowed.contains(&site.origin())
        });
        if allowed {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "pages on {named:?} may not send to this inbox: it accepts its own site and the origins given with --allow-origin"
            ),
        ))
    }
}

/// A web origin as parsed from `Origin` or a `Referer` URL.
#[derive(Debug, PartialEq, Eq)]
struct SiteOf {
    scheme: String,
    /// `host[:port]`, lowercase, without the scheme's default port.
    authority: String,
}

impl SiteOf {
    /// `None` for `null` (sandboxed frames, `file:` pages) and anything not http(s).
    fn parse(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let authority = rest.split(['/', '?', '#']).next()?;
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let authority = without_default_port(&scheme, &authority.to_ascii_lowercase());
        Some(Self { scheme, authority })
    }

    fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }

    /// Whether this is the site the request was sent to (`Host` has no scheme, so the
    /// default port is the one of this origin's scheme).
    fn is_host(&self, host: &str) -> bool {
        without_default_port(&self.scheme, &host.trim().to_ascii_lowercase()) == self.authority
    }
}

fn without_default_port(scheme: &str, authority: &str) -> String {
    let default = if scheme == "https" { ":443" } else { ":80" };
    authority
        .strip_suffix(default)
        .unwrap_or(authority)
        .to_owned()
}

/// Methods that change something; reads are answered to anyone (CORS keeps other
/// pages from reading them).
fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Middleware: refuses a write from a foreign page before its body is read.
pub(crate) async fn require_allowed_origin(
    State(policy): State<OriginPolicy>,
    req: Request,
    next: Next,
) -> Response {
    if is_write(req.method()) {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| req.uri().authority().map(ToString::to_string));
        if let Err(refusal) = policy.check(req.headers(), host.as_deref()) {
            return refusal.into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(allowed: &[&str], headers: &[(&str, &str)], host: &str) -> bool {
        let policy = OriginPolicy::new(&allowed.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        policy.check(&map, Some(host)).is_ok()
    }

    #[test]
    fn own_site_listed_origins_and_headerless_writes_pass() {
        let host = "inbox.example";
        assert!(verdict(&[], &[("origin", "https://inbox.example")], host));
        assert!(verdict(
            &[],
            &[("origin", "https://INBOX.example:443")],
            host
        ));
        assert!(verdict(
            &[],
            &[("origin", "http://127.0.0.1:8080")],
            "127.0.0.1:8080"
        ));
        assert!(verdict(
            &[],
            &[("referer", "https://inbox.example/help?q=1")],
            host
        ));
        assert!(verdict(
            &["https://shop.example/"],
            &[("origin", "https://shop.example")],
            host
        ));
        assert!(verdict(
            &["*"],
            &[("origin", "https://anyone.example")],
            host
        ));
        assert!(verdict(&[], &[], host));
    }

    #[test]
    fn foreign_null_and_lookalike_origins_are_refused() {
        let host = "inbox.example";
        for origin in [
            "https://evil.example",
            "null",
            "https://inbox.example.evil.example",
            "https://inbox.example:8443",
            "file://",
        ] {
            assert!(
                !verdict(&["https://shop.example"], &[("origin", origin)], host),
                "{origin}"
            );
        }
        assert!(!verdict(
            &[],
            &[("referer", "https://evil.example/inbox.example")],
            host
        ));
        // An Origin decides even when the Referer looks right.
        assert!(!verdict(
            &[],
            &[
                ("origin", "https://evil.example"),
                ("referer", "https://inbox.example/")
            ],
            host
        ));
        assert!(!verdict(
            &["http://shop.example"],
            &[("origin", "https://shop.example")],
            host
        ));
    }
}
