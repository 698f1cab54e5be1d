//! Who is asking: an agent with a session cookie, or a machine with an API token
//! (`Authorization: Bearer …`). Handlers that show tickets take [`ApiAgent`] (JSON:
//! 401 otherwise) or [`PageAgent`] (HTML: 303 to the login page otherwise), so a route
//! cannot reach customer data without naming one of them.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::{Auth, SignedIn, cookies, redirect};
use crate::api_error::{ApiError, blocking};

/// How a request proved it comes from an agent.
#[derive(Debug, Clone)]
pub(crate) enum Credential {
    /// A browser logged in as `agent`; `token` is the session, which keys its forms.
    Session { agent: SignedIn, token: String },
    /// A machine with the API token called `name`.
    Token { name: String },
}

impl Credential {
    /// Who it is, for the page header: the agent's email or the token's name.
    pub(crate) fn who(&self) -> String {
        match self {
            Self::Session { agent, .. } => agent.email.clone(),
            Self::Token { name } => format!("API token {name}"),
        }
    }

    /// The session token, when there is one (forms need it for their CSRF token).
    pub(crate) fn session(&self) -> Option<&str> {
        match self {
            Self::Session { token, .. } => Some(token),
            Self::Token { .. } => None,
        }
    }
}

/// An agent calling a JSON read; without credentials the answer is 401 with
/// `WWW-Authenticate: Bearer`.
#[derive(Debug, Clone)]
pub(crate) struct ApiAgent;

/// An agent viewing an inbox page; without credentials the answer is a 303 to
/// `/login?next=<this page>`.
#[derive(Debug, Clone)]
pub(crate) struct PageAgent(pub Credential);

/// The credential `headers` carry, if it is a live one. A Bearer token wins over a
/// cookie; a malformed Authorization header counts as none.
pub(crate) async fn identify(
    auth: &Auth,
    headers: &HeaderMap,
) -> Result<Option<Credential>, ApiError> {
    let store = auth.store.clone();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let Some(token) = bearer(value) else {
            return Ok(None);
        };
        let found = blocking(
            move || store.token_name(&token),
            "could not check the token",
        )
        .await?;
        return Ok(found.map(|name| Credential::Token { name }));
    }
    let Some(token) = cookies::read(headers, cookies::SESSION) else {
        return Ok(None);
    };
    let lookup = token.clone();
    let agent = blocking(
        move || store.session_agent(&lookup),
        "could not check the session",
    )
    .await?;
    Ok(agent.map(|agent| Credential::Session { agent, token }))
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case).
fn bearer(value: &HeaderValue) -> Option<String> {
    let (scheme, token) = value.to_str().ok()?.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_owned())
}

/// The request's live credential, if any; a failure to check is already a response.
async fn credential<S>(parts: &Parts, state: &S) -> Result<Option<Credential>, Response>
where
    Auth: FromRef<S>,
{
    identify(&Auth::from_ref(state), &parts.headers)
        .await
        .map_err(IntoResponse::into_response)
}

impl<S> FromRequestParts<S> for ApiAgent
where
    S: Send + Sync,
    Auth: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match credential(parts, state).await? {
            Some(_) => Ok(Self),
            None => Err(unauthorized()),
        }
    }
}

/// 401 with the scheme a client should use.
fn unauthorized() -> Response {
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "log in as an agent, or send Authorization: Bearer <token> (deflect token create)",
    )
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"deflect inbox\""),
    );
    response
}

impl<S> FromRequestParts<S> for PageAgent
where
    S: Send + Sync,
    Auth: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match credential(parts, state).await? {
            Some(credential) => Ok(Self(credential)),
            None => {
                let here = parts.uri.path_and_query().map_or("/inbox", |p| p.as_str());
                Err(see_other(&redirect::login_url(redirect::safe_next(here))))
            }
        }
    }
}

/// 303 See Other to `location` (a path of this site), never cached.
pub(crate) fn see_other(location: &str) -> Response {
    let location = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/inbox"));
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}
