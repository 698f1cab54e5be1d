//! Why the relay could not write an email or a webhook request. Composing reads only
//! a stored ticket and the server's config, so each of these is a config mistake or a
//! bug, never the visitor's input: a ticket that was stored can always be composed.

/// What went wrong composing a delivery.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// lettre refused the message (e.g. a header it cannot encode).
    #[error("could not build the email: {0}")]
    Email(#[from] lettre::error::Error),
    /// An address from the config or the ticket is not one lettre can send to.
    #[error("not an email address {address:?}: {source}")]
    Address {
        address: String,
        source: lettre::address::AddressError,
    },
    /// The ticket could not be written as JSON (attachment or webhook body).
    #[error("could not encode the ticket as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The webhook secret is not `whsec_` and base64 of 24 to 64 bytes.
    #[error("webhook secret: {0}")]
    Secret(String),
}
