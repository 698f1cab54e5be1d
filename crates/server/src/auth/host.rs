//! The Host check. A page on any site can make a browser resolve its own host name to
//! 127.0.0.1 (DNS rebinding) and then read a server bound there as if it were that
//! site; the request still names the attacker's host. So every request must name one
//! of the inbox's public hosts (`deflect serve --public-url`) or a loopback name with
//! the port it is bound to; any other is answered 421 Misdirected Request before a
//! handler runs.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api_error::ApiError;

/// Where agents and widgets reach the inbox, e.g. `https://support.shop.example`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// Served over https: cookies get `Secure`.
    pub https: bool,
    /// The host name, lower-cased (an IPv6 address keeps its brackets).
    pub host: String,
    pub port: u16,
}

/// Why a `--public-url` is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a public URL like https://support.shop.example (http or https, a host, an optional port)"
)]
pub struct InvalidPublicUrl(String);

impl FromStr for PublicUrl {
    type Err = InvalidPublicUrl;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidPublicUrl(text.to_owned());
        let uri: axum::http::Uri = text.trim().parse().map_err(|_| invalid())?;
        let https = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(invalid()),
        };
        let authority = uri.authority().ok_or_else(invalid)?;
        if authority.as_str().contains('@') || authority.host().is_empty() {
            return Err(invalid());
        }
        Ok(Self {
            https,
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(if https { 443 } else { 80 }),
        })
    }
}

impl PublicUrl {
    /// The URL as people write it: no port where it is the scheme's own.
    pub fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        match (self.https, self.port) {
            (true, 443) | (false, 80) => format!("{scheme}://{}", self.host),
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(f, "{scheme}://{}:{}", self.host, self.port)
    }
}

/// The host names (with ports) requests may carry.
#[derive(Debug, Clone)]
pub(crate) struct AllowedHosts(Arc<Vec<(String, u16)>>);

/// How browsers name this machine.
const LOOPBACK_NAMES: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];

impl AllowedHosts {
    /// The public URLs' hosts, and the loopback names at the port the server is bound to.
    pub(crate) fn new(public: &[PublicUrl], bound: SocketAddr) -> Self {
        let mut allowed: Vec<(String, u16)> =
            public.iter().map(|u| (u.host.clone(), u.port)).collect();
        allowed.extend(LOOPBACK_NAMES.map(|name| (name.to_owned(), bound.port())));
        Self(Arc::new(allowed))
    }

    /// Whether `authority` (`host` or `host:port`, as a Host header has it) is ours. A
    /// missing port is the default one of the public URL's scheme (80 or 443).
    pub(crate) fn allows(&self, authority: &str) -> bool {
        let Ok(parsed) = authority.parse::<axum::http::uri::Authority>() else {
            return false;
        };
        let host = parsed.host().to_ascii_lowercase();
        self.0.iter().any(|(name, port)| {
            *name == host
                && match parsed.port_u16() {
                    Some(given) => given == *port,
                    None => matches!(*port, 80 | 443),
                }
        })
    }
}

/// Middleware: refuses a request whose Host (or HTTP/2 `:authority`) is not ours.
pub(crate) async fn check_host(
    State(allowed): State<AllowedHosts>,
    req: Request,
    next: Next,
) -> Response {
    let authority = req
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            req.headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        });
    match authority {
        Some(name) if allowed.allows(&name) => next.run(req).await,
        _ => ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "this server does not answer to that host name; set it with deflect serve --public-url",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> AllowedHosts {
        let public = [
            "https://Support.Shop.example",
            "http://inbox.example:8443/x",
        ]
        .map(|u| u.parse::<PublicUrl>().unwrap());
        AllowedHosts::new(&public, "127.0.0.1:41234".parse().unwrap())
    }

    #[test]
    fn public_urls_parse_with_their_default_ports() {
        let url: PublicUrl = "https://support.shop.example".parse().unwrap();
        assert_eq!(
            (url.https, url.host.as_str(), url.port),
            (true, "support.shop.example", 443)
        );
        for bad in [
            "support.shop.example",
            "ftp://x.example",
            "https://user@x.example",
            "",
        ] {
            assert!(bad.parse::<PublicUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn only_our_names_and_loopback_at_our_port_are_allowed() {
        let hosts = hosts();
        for ok in [
            "support.shop.example",
            "SUPPORT.shop.example:443",
            "inbox.example:8443",
            "127.0.0.1:41234",
            "localhost:41234",
            "[::1]:41234",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "support.shop.example.evil.example",
            "support.shop.example:8080",
            "127.0.0.1:8080",
            "localhost",
            "attacker.example:41234",
            "",
            "a b",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }
}
