//! The inbox's own verdict on a ticket: who the customer is (a signed identity, or
//! unverified), where the KB's rules send the conversation, and which of the lines the
//! browser says the bot said the bot cannot say. The browser's queue, priority and
//! rules stay in the ticket as its claims; the inbox lists by its own and shows where
//! the two disagree.

use serde::{Deserialize, Serialize};

use deflect_engine::model::Priority;
use deflect_engine::ticket::{FiredRule, Ticket};

use super::identity::IdentitySecret;
use super::server_kb::ServerKb;

/// What the server decided by re-running the KB's rules on the transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerCheck {
    /// The KB the rules came from (the ticket's `kb_version` is the widget's).
    pub kb_version: String,
    pub queue: String,
    pub priority: Priority,
    pub needs_review: bool,
    /// Run with the verified tier only.
    pub rules_fired: Vec<FiredRule>,
    /// The browser claimed the same queue, priority and rules (by id).
    pub agrees: bool,
    /// Lines the ticket says the bot said that the bot cannot say with this KB.
    pub unverified_bot_lines: Vec<UnverifiedLine>,
}

/// A transcript line marked as the bot's that the bot cannot have said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnverifiedLine {
    /// Its place in the ticket's transcript, from 0.
    pub index: usize,
    pub text: String,
}

/// The verdict on an arriving ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The email and tier carry a valid signature.
    pub customer_verified: bool,
    /// `None` when the inbox has no KB to check with.
    pub check: Option<ServerCheck>,
}

/// What the inbox checks tickets with; without a secret no customer is verified, and
/// without a KB no ticket is checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verifier {
    pub kb: Option<ServerKb>,
    pub identity: Option<IdentitySecret>,
}

impl Verifier {
    /// Verifies the customer, then replays the transcript with the tier only a valid
    /// signature vouches for.
    pub(crate) fn assess(&self, ticket: &Ticket) -> Assessment {
        let customer_verified = self
            .identity
            .as_ref()
            .is_some_and(|secret| secret.verifies(&ticket.customer));
        let tier = ticket
            .customer
            .tier
            .as_deref()
            .filter(|_| customer_verified);
        let check = self.kb.as_ref().map(|kb| {
            let (verdict, unverified) = kb.replay(ticket, tier);
            let agrees = verdict.queue == ticket.queue
                && verdict.priority == ticket.priority
                && rule_ids(&verdict.rules_fired) == rule_ids(&ticket.rules_fired);
            ServerCheck {
                kb_version: kb.version().to_owned(),
                queue: verdict.queue,
                priority: verdict.priority,
                needs_review: verdict.needs_review,
                rules_fired: verdict.rules_fired,
                agrees,
                unverified_bot_lines: unverified
                    .into_iter()
                    .map(|index| UnverifiedLine {
                        index,
                        text: ticket.transcript[index].text.clone(),
                    })
                    .collect(),
            }
        });
        Assessment {
            customer_verified,
            check,
        }
    }
}

fn rule_ids(rules: &[FiredRule]) -> Vec<&str> {
    let mut ids: Vec<&str> = rules.iter().map(|r| r.rule_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
