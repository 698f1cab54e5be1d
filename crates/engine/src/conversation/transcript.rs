//! What the conversation records: the visitor's lines (masked, bounded) and the bot's,
//! and the short reference the visitor is given.

use super::redact::mask_card_numbers;
use super::{Conversation, Reply};
use crate::ticket::{self, Author, Message};

/// A message longer than this is kept truncated in the transcript (a 100 KB paste must
/// not make the ticket undeliverable).
const MAX_STORED_MESSAGE_CHARS: usize = 8000;

impl Conversation {
    /// Masks card numbers in the visitor's text before it is recorded anywhere.
    pub(super) fn redact(&mut self, text: &str) -> String {
        let (masked, count) = mask_card_numbers(text);
        self.redactions.card_numbers += count;
        masked
    }

    /// Records a line of the visitor's (already masked), truncated if huge.
    pub(super) fn customer_said(&mut self, text: &str, now: u64) {
        self.customer_messages += 1;
        let stored = match text.char_indices().nth(MAX_STORED_MESSAGE_CHARS) {
            Some((cut, _)) => format!(
                "{}… [truncated, {} characters in all]",
                &text[..cut],
                text.chars().count()
            ),
            None => text.to_string(),
        };
        self.transcript.push(Message {
            at_ms: now,
            from: Author::Customer,
            text: stored,
        });
    }

    /// A bot line: shown in `reply` and recorded.
    pub(super) fn bot(&mut self, reply: &mut Reply, text: String, now: u64) {
        self.transcript.push(Message {
            at_ms: now,
            from: Author::Bot,
            text: text.clone(),
        });
        reply.messages.push(text);
    }

    /// The short reference shown to the visitor.
    pub(super) fn reference(&self) -> String {
        ticket::reference(&self.id)
    }
}
