//! Sending: one SMTP transport per relay (lettre, TLS or STARTTLS, with auth) and one
//! HTTP client for webhooks (reqwest over rustls). Both answer with an [`Attempt`]
//! that says whether to retry, so the worker's backoff does not depend on the channel.

use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::{ConfigError, SmtpConfig, SmtpSecurity, secret_from_env};

/// How one send ended, before the worker turns it into an outbox outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered,
    /// Worth trying again (down, timed out, busy, 4xx from SMTP, 5xx or 429 from HTTP);
    /// `not_before` is what a 429's or 503's `Retry-After` asked for.
    Transient {
        error: String,
        not_before: Option<Duration>,
    },
    /// The destination refused for good (SMTP 5xx, HTTP 410 Gone).
    Permanent {
        error: String,
    },
    /// Not sent, by design (a confirmation with no address to reach, or to an
    /// unverified customer when only verified ones are confirmed).
    Skipped {
        reason: String,
    },
}

/// The relay's mail server connection settings, ready to send.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mailer")
    }
}

impl Mailer {
    /// A transport for `config`, its password read from the environment.
    pub fn new(config: &SmtpConfig) -> Result<Self, ConfigError> {
        let builder = match config.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host),
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
            }
            SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &config.host,
            )),
        }
        .map_err(|err| ConfigError::Incomplete(format!("[relay.smtp] host: {err}")))?;
        let mut builder = builder.port(config.port()).timeout(Some(config.timeout()));
        if let Some(tls) = private_ca_tls(config)? {
            builder = builder.tls(tls);
        }
        if let Some(username) = &config.username {
            let variable = config.password_env.as_deref().ok_or_else(|| {
                ConfigError::Incomplete(
                    "[relay.smtp] has a username but no password_env (the environment \
                     variable holding its password)"
                        .into(),
                )
            })?;
            let password = secret_from_env("[relay.smtp] password_env", variable)?;
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Self {
            transport: builder.build(),
        })
    }

    /// Sends one message; SMTP's own verdict decides whether to retry.
    pub async fn send(&self, message: Message) -> Attempt {
        match self.transport.send(message).await {
            Ok(_) => Attempt::Delivered,
            Err(err) if err.is_permanent() => Attempt::Permanent {
                error: format!("mail server refused: {err}"),
            },
            Err(err) => Attempt::Transient {
                error: format!("mail server: {err}"),
                not_before: None,
            },
        }
    }
}

/// TLS that trusts `ca_file`'s authority, for the security chosen; `None` when the
/// public roots do (no `ca_file`) or there is no TLS.
fn private_ca_tls(config: &SmtpConfig) -> Result<Option<Tls>, ConfigError> {
    let Some(path) = &config.ca_file else {
        return Ok(None);
    };
    let unusable = |reason: String| {
        ConfigError::Incomplete(format!("[relay.smtp] ca_file {}: {reason}", path.display()))
    };
    let pem = std::fs::read(path).map_err(|err| unusable(err.to_string()))?;
    let certificate = Certificate::from_pem(&pem).map_err(|err| unusable(err.to_string()))?;
    let parameters = TlsParameters::builder(config.host.clone())
        .add_root_certificate(certificate)
        .build_rustls()
        .map_err(|err| unusable(err.to_string()))?;
    Ok(match config.security {
        SmtpSecurity::Tls => Some(Tls::Wrapper(parameters)),
        SmtpSecurity::Starttls => Some(Tls::Required(parameters)),
        SmtpSecurity::None => None,
    })
}

/// Posts webhooks; one client (and connection pool) for every destination.
#[derive(Debug, Clone)]
pub struct Poster {
    client: reqwest::Client,
}

impl Poster {
    /// The webhook client; an error when TLS cannot be set up (the relay does not start
    /// rather than post with a client that would follow redirects).
    pub fn new() -> Result<Self, ConfigError> {
        // One crypto provider for the whole process (rustls asks for it once); an
        // error only means another part installed it first. ring is what lettre uses
        // too; it lacks post-quantum key exchange, which webhook endpoints do not need.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("Deflect-Relay/", env!("CARGO_PKG_VERSION")))
            // A redirect would re-send a signed body somewhere the operator never named.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| ConfigError::Incomplete(format!("webhook client: {err}")))?;
        Ok(Self { client })
    }

    /// Posts `body` with `headers` (its content type among them) to `url`; any 2xx is
    /// delivered.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
        timeout: Duration,
    ) -> Attempt {
        let mut request = self.client.post(url).timeout(timeout);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        match request.body(body).send().await {
            Ok(response) => judge(response.status(), response.headers()),
            Err(err) if err.is_timeout() => Attempt::Transient {
                error: format!("no answer within {}s", timeout.as_secs()),
                not_before: None,
            },
            Err(err) => Attempt::Transient {
                error: format!("could not reach the endpoint: {}", without_url(&err)),
                not_before: None,
            },
        }
    }
}

/// A reqwest error's text without the URL, which may be a secret (Slack, Discord).
fn without_url(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        text = text.replace(url.as_str(), "the endpoint");
    }
    text
}

/// What an endpoint's answer means for the delivery.
fn judge(status: reqwest::StatusCode, headers: &reqwest::header::HeaderMap) -> Attempt {
    if status.is_success() {
        return Attempt::Delivered;
    }
    let error = format!("endpoint answered {status}");
    if status == reqwest::StatusCode::GONE {
        return Attempt::Permanent { error };
    }
    let not_before = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Attempt::Transient { error, not_before }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    #[test]
    fn answers_decide_between_done_retry_and_stop() {
        let none = HeaderMap::new();
        assert_eq!(judge(StatusCode::NO_CONTENT, &none), Attempt::Delivered);
        assert!(matches!(
            judge(StatusCode::GONE, &none),
            Attempt::Permanent { .. }
        ));
        for status in [500, 502, 503, 408, 401, 404] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(matches!(
                judge(status, &none),
                Attempt::Transient {
                    not_before: None,
                    ..
                }
            ));
        }
        let mut busy = HeaderMap::new();
        busy.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(
            judge(StatusCode::TOO_MANY_REQUESTS, &busy),
            Attempt::Transient {
                error: "endpoint answered 429 Too Many Requests".into(),
                not_before: Some(Duration::from_secs(120)),
            }
        );
    }
}
