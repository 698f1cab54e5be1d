//! `GET /login` (the form), `POST /login` (check the password, start a session) and
//! `POST /logout` (end it). Both forms carry a CSRF token; logins are rate-limited per
//! IP and per account, and a wrong password and an unknown email get the same answer.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::csrf::{self, FormKind};
use super::extract::{Credential, identify, see_other};
use super::login_page::{self, LoginView};
use super::sessions::{SESSION_LIFETIME, new_session_token};
use super::{Auth, cookies, redirect, secret};
use crate::api_error::{ApiError, blocking};
use crate::page;
use crate::state::AppState;

/// What every login cookie starts with.
const LOGIN_PREFIX: &str = "dfl_login_";
/// How long a login form stays valid.
const LOGIN_FORM_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The login and logout routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(show_login).post(log_in))
        .route("/logout", post(log_out))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NextQuery {
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
    csrf: String,
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LogoutForm {
    csrf: String,
}

/// `GET /login`: the form, or straight on for a browser already logged in.
async fn show_login(
    State(auth): State<Auth>,
    Query(query): Query<NextQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let next = redirect::safe_next(&query.next);
    if let Some(Credential::Session { .. }) = identify(&auth, &headers).await? {
        return Ok(see_other(next));
    }
    Ok(login_form(&auth, &headers, StatusCode::OK, next, "", None))
}

/// The login page with a CSRF token made from the browser's login cookie, which is set
/// now if the browser has none.
fn login_form(
    auth: &Auth,
    headers: &HeaderMap,
    status: StatusCode,
    next: &str,
    email: &str,
    message: Option<&str>,
) -> Response {
    let existing = cookies::read(headers, cookies::LOGIN).filter(|s| s.starts_with(LOGIN_PREFIX));
    let (secret, new_cookie) = match existing {
        Some(secret) => (secret, None),
        None => match secret::random_token(LOGIN_PREFIX) {
            Ok(secret) => {
                let cookie = cookies::set(
                    cookies::LOGIN,
                    &secret,
                    LOGIN_FORM_LIFETIME,
                    auth.secure_cookies,
                );
                (secret, Some(cookie))
            }
            Err(err) => {
                return ApiError::internal("could not make a login form", err).into_response();
            }
        },
    };
    let csrf = csrf::token(&secret, FormKind::Login);
    let view = LoginView {
        csrf: &csrf,
        next,
        email,
        message,
    };
    let mut response = page::respond(login_page::render(&view));
    *response.status_mut() = status;
    if let Some(cookie) = new_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /login`: CSRF, then the rate limits, then the password; a session on success.
async fn log_in(
    State(auth): State<Auth>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, ApiError> {
    let next = redirect::safe_next(&form.next);
    let email = form.email.trim();
    let refuse =
        |status, message: &str| login_form(&auth, &headers, status, next, email, Some(message));
    let from_our_form = cookies::read(&headers, cookies::LOGIN)
        .is_some_and(|secret| csrf::is_valid(&secret, FormKind::Login, &form.csrf));
    if !from_our_form {
        return Ok(refuse(
            StatusCode::FORBIDDEN,
            "This form expired or came from another site. Please log in again.",
        ));
    }
    if let Err(wait) = auth.limits.attempt(client.ip(), email) {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut response = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too many login attempts. Try again in {seconds} seconds."),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return Ok(response);
    }
    let (store, typed, password) = (auth.store.clone(), email.to_owned(), form.password);
    let agent = blocking(
        move || store.check_password(&typed, &password),
        "could not check the password",
    )
    .await?;
    let Some(agent) = agent else {
        return Ok(refuse(StatusCode::UNAUTHORIZED, "Wrong email or password."));
    };
    let token =
        new_session_token().map_err(|e| ApiError::internal("could not start a session", e))?;
    let (store, session) = (auth.store.clone(), token.clone());
    blocking(
        move || store.start_session(&session, &agent),
        "could not start a session",
    )
    .await?;
    let mut response = see_other(next);
    let set = response.headers_mut();
    set.append(
        header::SET_COOKIE,
        cookies::set(
            cookies::SESSION,
            &token,
            SESSION_LIFETIME,
            auth.secure_cookies,
        ),
    );
    set.append(
        header::SET_COOKIE,
        cookies::clear(cookies::LOGIN, auth.secure_cookies),
    );
    Ok(response)
}

/// `POST /logout`: ends the session if the form's CSRF token is the session's.
async fn log_out(
    State(auth): State<Auth>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, ApiError> {
    let Some(Credential::Session { token, .. }) = identify(&auth, &headers).await? else {
        return Ok(see_other("/login"));
    };
    if !csrf::is_valid(&token, FormKind::Inbox, &form.csrf) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "the log out form expired or came from another site; reload the inbox and try again",
        ));
    }
    let store = auth.store.clone();
    blocking(
        move || store.end_session(&token),
        "could not end the session",
    )
    .await?;
    let mut response = see_other("/login");
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(cookies::SESSION, auth.secure_cookies),
    );
    Ok(response)
}
