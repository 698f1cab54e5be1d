//! The relay: tickets and follow-ups delivered to where the creator works — their
//! helpdesk or mailbox by email, any tool by signed webhook — and a confirmation to the
//! customer. Each delivery is a row of the durable [`outbox`], queued in the same
//! transaction that stores what it delivers, sent by the [`worker`] and retried with
//! [`backoff`] for hours, across restarts and, on PostgreSQL, across instances.
//!
//! What is sent is composed from the stored ticket: [`event`] names what happened,
//! [`email`] writes the email to the creator's support address (Reply-To the customer,
//! one thread per ticket), [`confirmation`] the email to the customer, and [`webhook`]
//! the Standard Webhooks request (or a Slack or Discord message, [`chat_webhook`]).
//! Every delivery carries one id on every retry (the email's Message-ID, the webhook's
//! `webhook-id`), so a destination that sees a retry of something it has can tell.

pub mod backoff;
pub mod chat_webhook;
pub mod compose_error;
pub mod config;
pub mod confirmation;
pub mod email;
pub mod email_html;
pub mod email_text;
pub mod event;
mod masking;
pub mod outbox;
pub mod transport;
pub mod triage;
pub mod webhook;
pub mod worker;

#[cfg(test)]
mod fixture;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use deflect_engine::model::Settings;
use lettre::Message;

use self::config::{
    CONFIRMATION, ConfigError, RelayConfig, RetryConfig, WebhookFormat, secret_from_env,
};
use self::email::EmailRoute;
use self::event::RelayEvent;
use self::outbox::Claim;
use self::transport::{Attempt, Mailer, Poster};
use self::webhook::{WebhookSecret, WebhookShape};
use crate::server_kb::ServerKb;
use crate::store::{Store, StoredTicket};

/// Where one destination's deliveries go, addresses parsed and secrets resolved.
#[derive(Debug)]
enum Destination {
    /// The creator's support address.
    Email { route: EmailRoute },
    /// The customer, told their message arrived (`route.support` is their Reply-To);
    /// with `only_verified`, only a customer whose identity the site signed.
    Confirmation {
        route: EmailRoute,
        only_verified: bool,
    },
    Webhook {
        url: String,
        shape: WebhookShape,
        timeout: Duration,
    },
}

/// A configured relay, ready to run.
#[derive(Debug)]
pub struct Relay {
    store: Store,
    destinations: BTreeMap<String, Destination>,
    mailer: Option<Mailer>,
    poster: Poster,
    retry: RetryConfig,
    /// How long a claim is held: twice the longest a send may take (its timeout) and
    /// then some, so a claim is only taken again from a worker that is gone.
    lease: Duration,
    /// The KB's settings (response times, languages) the confirmation quotes.
    settings: Option<Settings>,
    /// Where agents open the inbox, for links in emails and chat messages.
    inbox_url: Option<String>,
}

impl Relay {
    /// A relay for `config`: addresses are parsed and secrets read from the environment
    /// now, so a mistake stops `deflect serve` at start rather than failing every
    /// delivery later.
    pub fn new(
        store: Store,
        config: &RelayConfig,
        kb: Option<&ServerKb>,
        inbox_url: Option<String>,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let settings = kb.map(|kb| kb.settings().clone());
        let mut destinations = BTreeMap::new();
        let mut slowest = Duration::ZERO;
        let mailer = match &config.smtp {
            Some(smtp) => {
                slowest = smtp.timeout();
                let route = |to: &str, setting: &str| {
                    EmailRoute::parse(&smtp.from, to, inbox_url.as_deref()).map_err(|err| {
                        ConfigError::BadAddress {
                            setting: setting.to_owned(),
                            reason: err.to_string(),
                        }
                    })
                };
                for email in &config.email {
                    let setting =
                        format!("[[relay.email]] {:?}: to, or [relay.smtp] from", email.name);
                    let route = route(&email.to, &setting)?;
                    destinations.insert(email.name.clone(), Destination::Email { route });
                }
                if let Some(confirmation) = &config.confirmation {
                    if settings.is_none() {
                        return Err(ConfigError::Incomplete(
                            "[relay.confirmation] quotes the KB's response time: serve the site \
                             (its bundle) or give --kb"
                                .into(),
                        ));
                    }
                    let route = route(&confirmation.reply_to, "[relay.confirmation] reply_to")?;
                    let only_verified = confirmation.only_verified;
                    let destination = Destination::Confirmation {
                        route,
                        only_verified,
                    };
                    destinations.insert(CONFIRMATION.to_owned(), destination);
                }
                Some(Mailer::new(smtp)?)
            }
            None => None,
        };
        for hook in &config.webhook {
            let (name, destination) = webhook_destination(hook)?;
            if let Destination::Webhook { timeout, .. } = &destination {
                slowest = slowest.max(*timeout);
            }
            destinations.insert(name, destination);
        }
        Ok(Self {
            store: store.with_relay_destinations(config.destination_names()),
            destinations,
            mailer,
            poster: Poster::new()?,
            retry: config.retry.clone(),
            lease: slowest * 2 + Duration::from_secs(2),
            settings,
            inbox_url,
        })
    }

    /// The store that queues for this relay's destinations: what the server must use.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Runs the worker until the returned task is aborted.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(worker::run(Arc::new(self)))
    }

    /// One attempt at `claim`.
    async fn send(&self, claim: &Claim) -> Attempt {
        let Some(destination) = self.destinations.get(&claim.destination) else {
            return Attempt::Permanent {
                error: format!(
                    "{:?} is no longer in the config file; add it back to deliver this",
                    claim.destination
                ),
            };
        };
        let ticket = match self.load(&claim.ticket_id).await {
            Ok(Some(ticket)) => ticket,
            Ok(None) => {
                return Attempt::Permanent {
                    error: "the ticket is no longer stored".into(),
                };
            }
            Err(error) => {
                return Attempt::Transient {
                    error,
                    not_before: None,
                };
            }
        };
        let Some(event) = RelayEvent::for_key(&ticket, &claim.event_key) else {
            return Attempt::Permanent {
                error: "the follow-up is no longer stored".into(),
            };
        };
        self.deliver(destination, &claim.destination, &event).await
    }

    /// The ticket as the API shows it, card numbers masked, without the relay's own
    /// bookkeeping.
    async fn load(&self, id: &str) -> Result<Option<StoredTicket>, String> {
        let (store, id) = (self.store.clone(), id.to_owned());
        match tokio::task::spawn_blocking(move || store.get(&id)).await {
            Ok(Ok(ticket)) => Ok(ticket.map(|mut t| {
                t.deliveries_out.clear();
                masking::masked(t)
            })),
            Ok(Err(err)) => Err(format!("could not read the ticket: {err}")),
            Err(err) => Err(format!("reading the ticket failed: {err}")),
        }
    }

    /// Composes what `destination` (configured as `name`) is sent about `event`, and
    /// sends it. A message that cannot be composed never will be: that is final.
    async fn deliver(
        &self,
        destination: &Destination,
        name: &str,
        event: &RelayEvent<'_>,
    ) -> Attempt {
        let refused = |err: &dyn std::fmt::Display| Attempt::Permanent {
            error: err.to_string(),
        };
        match destination {
            Destination::Email { route } => match email::compose(event, route) {
                Ok(message) => self.mail(message).await,
                Err(err) => refused(&err),
            },
            Destination::Confirmation {
                route,
                only_verified,
            } => {
                let skip = |reason: &str| Attempt::Skipped {
                    reason: reason.to_owned(),
                };
                let ticket = event.ticket();
                if *only_verified && !ticket.customer_verified {
                    return skip("not sent: the customer is not verified (only_verified)");
                }
                let Some(settings) = &self.settings else {
                    return refused(&"no KB settings to confirm with");
                };
                match confirmation::compose(ticket, settings, route) {
                    Ok(Some(message)) => self.mail(message).await,
                    Ok(None) => skip("not sent: no address email can reach"),
                    Err(err) => refused(&err),
                }
            }
            Destination::Webhook {
                url,
                shape,
                timeout,
            } => {
                let inbox_url = self.inbox_url.as_deref();
                match webhook::request(event, name, shape, inbox_url, SystemTime::now()) {
                    Ok(request) => {
                        let body = request.body.into_bytes();
                        self.poster
                            .post(url, &request.headers, body, *timeout)
                            .await
                    }
                    Err(err) => refused(&err),
                }
            }
        }
    }

    async fn mail(&self, message: Message) -> Attempt {
        match &self.mailer {
            Some(mailer) => mailer.send(message).await,
            None => Attempt::Permanent {
                error: "no [relay.smtp] to send email with".into(),
            },
        }
    }
}

/// A webhook's destination, its URL and secret read from the environment when named so.
fn webhook_destination(
    hook: &config::WebhookDestination,
) -> Result<(String, Destination), ConfigError> {
    let setting = |what: &str| format!("[[relay.webhook]] {:?} {what}", hook.name);
    let url = match (&hook.url, &hook.url_env) {
        (Some(url), _) => url.clone(),
        (None, Some(var)) => secret_from_env(&setting("url_env"), var)?,
        (None, None) => return Err(ConfigError::Incomplete(setting("needs url or url_env"))),
    };
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ConfigError::Incomplete(setting("is not an http(s) URL")));
    }
    let shape = match hook.format {
        WebhookFormat::Slack => WebhookShape::Slack,
        WebhookFormat::Discord => WebhookShape::Discord,
        WebhookFormat::Standard => {
            let var = hook.secret_env.as_deref().unwrap_or_default();
            let secret = secret_from_env(&setting("secret_env"), var)?;
            let secret = WebhookSecret::parse(&secret).map_err(|err| {
                ConfigError::Incomplete(format!("{}: {err}", setting("secret_env")))
            })?;
            WebhookShape::Standard(secret)
        }
    };
    let timeout = Duration::from_secs(hook.timeout_secs.max(1));
    Ok((
        hook.name.clone(),
        Destination::Webhook {
            url,
            shape,
            timeout,
        },
    ))
}
