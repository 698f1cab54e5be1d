//! The relay: what `deflect serve` sends once a ticket or follow-up is stored, so the
//! ticket lands where the creator works. [`event`] names what happened, [`email`]
//! writes the email to the creator's support address (Reply-To the customer, one
//! thread per ticket), [`confirmation`] the optional email to the customer, and
//! [`webhook`] the Standard Webhooks request (or a Slack or Discord message,
//! [`chat_webhook`]). Composing is pure: nothing here sends, stores or retries.

pub mod chat_webhook;
pub mod compose_error;
pub mod confirmation;
pub mod email;
pub mod email_html;
pub mod email_text;
pub mod event;
pub mod triage;
pub mod webhook;

#[cfg(test)]
mod fixture;
