//! The inbox's cookies: read from the `Cookie` header and written with the flags that
//! keep them to this site (`HttpOnly; SameSite=Strict; Path=/`, and `Secure` when the
//! inbox is served over https).

use std::time::Duration;

use axum::http::HeaderValue;
use axum::http::header::{self, HeaderMap};
use cookie::{Cookie, SameSite};

/// The login session.
pub(crate) const SESSION: &str = "deflect_session";
/// The secret the login form's CSRF token is made from, set when the form is shown.
pub(crate) const LOGIN: &str = "deflect_login";

/// The value of cookie `name`, if the request carries it.
pub(crate) fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value for `name=value` lasting `max_age`.
pub(crate) fn set(name: &str, value: &str, max_age: Duration, secure: bool) -> HeaderValue {
    let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    let cookie = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(seconds));
    HeaderValue::from_str(&cookie.to_string()).expect("cookie names and values are ASCII")
}

/// A `Set-Cookie` value that deletes cookie `name`.
pub(crate) fn clear(name: &str, secure: bool) -> HeaderValue {
    set(name, "", Duration::ZERO, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_carry_their_flags_and_read_back() {
        let value = set(SESSION, "abc", Duration::from_secs(60), true);
        let text = value.to_str().unwrap();
        for flag in [
            "HttpOnly",
            "SameSite=Strict",
            "Path=/",
            "Secure",
            "Max-Age=60",
        ] {
            assert!(text.contains(flag), "{text}");
        }
        assert!(
            !set(SESSION, "abc", Duration::ZERO, false)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; deflect_session=abc".parse().unwrap());
        assert_eq!(read(&headers, SESSION).as_deref(), Some("abc"));
        assert_eq!(read(&headers, LOGIN), None);
    }
}
