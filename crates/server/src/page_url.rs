//! Page URLs without their secrets. The ticket says where the visitor asked from, but
//! the address bar of a password-reset, magic-link, unsubscribe or OAuth callback page
//! carries a credential (`?token=…`, `#access_token=…`) that an agent, a helpdesk and
//! its email archive must never hold. The widget drops them before sending
//! (`www/widget/page-info.js`); the server drops them again, since nothing the browser
//! says is trusted. Both pass `tests/vectors/page-urls.json`.
//!
//! The rule: keep the scheme, host, port and path; drop the login part
//! (`user:password@`), the fragment, and every query parameter whose name is not in
//! [`ALLOWED_PARAMETERS`] (compared without case, not percent-decoded). `&` and `;`
//! both separate parameters; kept ones are joined by `&` in their order.

/// Query parameters that tell an agent how the visitor arrived and carry no secret.
pub const ALLOWED_PARAMETERS: &[&str] = &[
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "ref",
    "lang",
];

/// `url` with its login part, fragment and unlisted query parameters removed.
pub fn without_secrets(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut out = without_login(base);
    let kept: Vec<&str> = query
        .split(['&', ';'])
        .filter(|param| {
            let name = param.split_once('=').map_or(*param, |(name, _)| name);
            ALLOWED_PARAMETERS
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(name))
        })
        .collect();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out
}

/// `scheme://user:password@host/path` without `user:password@`; the login part ends
/// at the last `@` before the path.
fn without_login(base: &str) -> String {
    let Some((scheme, rest)) = base.split_once("://") else {
        return base.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Vectors {
        allowed_parameters: Vec<String>,
        cases: Vec<Case>,
    }

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        input: String,
        output: String,
    }

    #[test]
    fn the_shared_page_url_vectors_pass() {
        let text = include_str!("../../../tests/vectors/page-urls.json");
        let vectors: Vectors = serde_json::from_str(text).expect("page-urls.json");
        assert_eq!(vectors.allowed_parameters, ALLOWED_PARAMETERS);
        assert!(vectors.cases.len() >= 20);
        for case in &vectors.cases {
            assert_eq!(without_secrets(&case.input), case.output, "{}", case.name);
        }
    }
}
