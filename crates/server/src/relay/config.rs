//! The relay's part of the server config file (`deflect.toml`): where tickets go and
//! how to reach the mail server. Secrets are never written in the file, only the names
//! of the environment variables that hold them, so the file can be committed and
//! reviewed like any other; a secret typed into the file is refused with a message
//! saying which variable to use instead.

use std::time::Duration;

use serde::Deserialize;

/// Everything that can be wrong with the relay's configuration; each names the setting.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A variable a `*_env` setting names is not set (or is empty).
    #[error("{setting} names the environment variable {variable}, which is not set")]
    MissingSecret { setting: String, variable: String },
    /// Two destinations share a name: the outbox keys deliveries by name.
    #[error(
        "two destinations are named {0:?}; give each [[relay.email]] and [[relay.webhook]] its own name"
    )]
    DuplicateName(String),
    /// A name the outbox and the inbox page cannot carry.
    #[error("destination name {0:?} must be 1-40 letters, digits, '-' or '_'")]
    BadName(String),
    /// An email or webhook destination without the mail server or URL it needs.
    #[error("{0}")]
    Incomplete(String),
    /// An address lettre cannot parse.
    #[error("{setting}: {reason}")]
    BadAddress { setting: String, reason: String },
}

/// `[relay]` and the destinations, as written in the config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayConfig {
    /// The mail server emails go through (required by `[[email]]` and `[confirmation]`).
    pub smtp: Option<SmtpConfig>,
    /// Support addresses (a helpdesk's forwarding address, a shared inbox).
    #[serde(default)]
    pub email: Vec<EmailDestination>,
    /// HTTP endpoints (Zapier, Make, n8n, your own; Slack or Discord channels).
    #[serde(default)]
    pub webhook: Vec<WebhookDestination>,
    /// The optional email to the customer saying their message arrived.
    pub confirmation: Option<ConfirmationConfig>,
    /// How long and how often a failing delivery is retried.
    #[serde(default)]
    pub retry: RetryConfig,
}

/// How the relay reaches its mail server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Default: 465 for `tls`, 587 for `starttls`, 25 for `none`.
    pub port: Option<u16>,
    #[serde(default)]
    pub security: SmtpSecurity,
    pub username: Option<String>,
    /// The environment variable holding the password.
    pub password_env: Option<String>,
    /// Refused: a password is named by `password_env`, never written here.
    #[serde(default, rename = "password", deserialize_with = "refuse_secret")]
    _password: Option<()>,
    /// The sender of every email, e.g. `Brushwork support <relay@brushwork.example>`;
    /// its domain also names the Message-IDs.
    pub from: String,
    /// How long one delivery may take before it is retried later.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// A PEM file with the certificate of the authority that signed the mail server's
    /// (a company relay with its own CA); by default the public roots are trusted.
    pub ca_file: Option<std::path::PathBuf>,
}

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    #[default]
    Starttls,
    /// No encryption: only for a mail server on the same machine or in tests.
    None,
}

impl SmtpConfig {
    /// The port, or the usual one for the security chosen.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::None => 25,
        })
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }
}

/// One support address every ticket and follow-up is emailed to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailDestination {
    pub name: String,
    pub to: String,
}

/// What a webhook's body looks like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// The ticket as JSON, signed per Standard Webhooks.
    #[default]
    Standard,
    /// A Slack incoming webhook's message (Slack does not verify signatures; the URL is
    /// the secret).
    Slack,
    /// A Discord webhook's message (likewise unsigned; the URL is the secret).
    Discord,
}

/// One HTTP endpoint every ticket and follow-up is posted to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookDestination {
    pub name: String,
    /// The endpoint, when it is not itself a secret.
    pub url: Option<String>,
    /// The environment variable holding the endpoint (Slack and Discord URLs are
    /// secrets: whoever has one can post to the channel).
    pub url_env: Option<String>,
    /// The environment variable holding the signing secret (`whsec_…`), required for
    /// the standard format.
    pub secret_env: Option<String>,
    /// Refused: the secret is named by `secret_env`, never written here.
    #[serde(default, rename = "secret", deserialize_with = "refuse_secret")]
    _secret: Option<()>,
    #[serde(default)]
    pub format: WebhookFormat,
    /// How long one delivery may take before it is retried later.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
}

/// The confirmation email to the customer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationConfig {
    /// Where the customer's reply to the confirmation goes (your support address).
    pub reply_to: String,
    /// Confirm only to customers whose identity your site signed: anyone can type
    /// someone else's address into a chat, and an unverified one would then get mail
    /// they never asked for. Off by default (most visitors are not signed in).
    #[serde(default)]
    pub only_verified: bool,
}

/// Retries back off exponentially from `first_delay_secs` to `max_delay_secs` and stop
/// after `give_up_after_hours`; a 429's `Retry-After` is honoured within those bounds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetryConfig {
    pub first_delay_secs: u64,
    pub max_delay_secs: u64,
    pub give_up_after_hours: u64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            first_delay_secs: 10,
            max_delay_secs: 30 * 60,
            give_up_after_hours: 72,
        }
    }
}

/// Fails on any value, without echoing it: secrets written into the file would end up
/// in backups, repositories and screenshots of it.
fn refuse_secret<'de, D: serde::Deserializer<'de>>(_: D) -> Result<Option<()>, D::Error> {
    Err(serde::de::Error::custom(
        "secrets are not written in the config file: name the environment variable that \
         holds it instead (password_env, secret_env or url_env) and set that variable",
    ))
}

fn default_timeout_secs() -> u64 {
    30
}

/// The name the confirmation email's deliveries are kept under in the outbox.
pub const CONFIRMATION: &str = "customer-confirmation";

impl RelayConfig {
    /// Whether anything is to be relayed at all.
    pub fn is_empty(&self) -> bool {
        self.email.is_empty() && self.webhook.is_empty() && self.confirmation.is_none()
    }

    /// The outbox names of every destination, in config order.
    pub fn destination_names(&self) -> Vec<String> {
        let emails = self.email.iter().map(|e| e.name.clone());
        let hooks = self.webhook.iter().map(|w| w.name.clone());
        let confirmation = self.confirmation.iter().map(|_| CONFIRMATION.to_owned());
        emails.chain(hooks).chain(confirmation).collect()
    }

    /// Checks names, completeness and addresses; secrets are read later, at start.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut seen = std::collections::BTreeSet::new();
        for name in self.destination_names() {
            let valid = (1..=40).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                return Err(ConfigError::BadName(name));
            }
            if !seen.insert(name.clone()) {
                return Err(ConfigError::DuplicateName(name));
            }
        }
        let needs_smtp = !self.email.is_empty() || self.confirmation.is_some();
        if needs_smtp && self.smtp.is_none() {
            return Err(ConfigError::Incomplete(
                "[[relay.email]] and [relay.confirmation] need a [relay.smtp] section (host, from)"
                    .into(),
            ));
        }
        for hook in &self.webhook {
            if hook.url.is_some() == hook.url_env.is_some() {
                return Err(ConfigError::Incomplete(format!(
                    "[[relay.webhook]] {:?} needs exactly one of url and url_env",
                    hook.name
                )));
            }
            if hook.format == WebhookFormat::Standard && hook.secret_env.is_none() {
                return Err(ConfigError::Incomplete(format!(
                    "[[relay.webhook]] {:?} needs secret_env (the variable holding its whsec_ \
                     signing secret); Slack and Discord webhooks take format = \"slack\" or \
                     \"discord\"",
                    hook.name
                )));
            }
        }
        Ok(())
    }
}

/// The value of the environment variable `variable`, which `setting` names.
pub fn secret_from_env(setting: &str, variable: &str) -> Result<String, ConfigError> {
    match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_owned()),
        _ => Err(ConfigError::MissingSecret {
            setting: setting.to_owned(),
            variable: variable.to_owned(),
        }),
    }
}
