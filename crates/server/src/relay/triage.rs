//! What an agent sorts a delivered ticket by, in one line: the queue, priority and
//! review flag the inbox's own check gave, or (when it had no KB to check with) the
//! browser's claim, marked as such; the reason and the reference. Subjects and chat
//! summaries are read in lists, so the line is one line: whatever the visitor typed
//! cannot break it into two or forge a header.

use deflect_engine::ticket;

use crate::display;
use crate::receipt::priority_name;
use crate::store::StoredTicket;

/// The longest reason a subject or summary quotes, in characters.
const MAX_REASON_CHARS: usize = 120;

/// How a ticket is sorted, and whether the inbox checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    pub queue: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    pub needs_review: bool,
    /// The queue and priority are the inbox's verdict, not only the browser's claim.
    pub checked: bool,
    /// The ticket's reason, on one line and shortened.
    pub reason: String,
    /// The short reference the visitor was given.
    pub reference: String,
}

impl Triage {
    /// The server's verdict where there is one, the browser's claim otherwise.
    pub fn of(stored: &StoredTicket) -> Self {
        let t = &stored.ticket;
        let (queue, priority, needs_review) = match &stored.server_check {
            Some(check) => (&check.queue, check.priority, check.needs_review),
            None => (&t.queue, t.priority, t.needs_review),
        };
        Self {
            queue: one_line(queue, MAX_REASON_CHARS),
            priority: priority_name(priority),
            needs_review,
            checked: stored.server_check.is_some(),
            reason: one_line(&t.reason, MAX_REASON_CHARS),
            reference: ticket::reference(&t.id),
        }
    }

    /// `[Billing · high · needs review] Customer asked for a refund · Ref 0A1B2C3D`,
    /// with `· unchecked` in the brackets when the browser's claim is all there is.
    pub fn subject(&self) -> String {
        format!(
            "[{} · {}{}{}] {} · Ref {}",
            self.queue,
            self.priority,
            if self.needs_review {
                " · needs review"
            } else {
                ""
            },
            if self.checked { "" } else { " · unchecked" },
            self.reason,
            self.reference
        )
    }
}

/// `text` on one line of at most `max_chars` characters: every run of whitespace
/// (line breaks included) becomes one space, other control and bidi characters are
/// shown as `[U+XXXX]`, and a cut is marked with `…`.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let spaced: String = text
        .split(char::is_whitespace)
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let visible = display::neutralize(&spaced);
    if visible.chars().count() <= max_chars {
        return visible.into_owned();
    }
    let mut cut: String = visible.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use deflect_engine::ticket::Ticket;

    use super::*;

    #[test]
    fn line_breaks_and_controls_cannot_leave_the_line() {
        let line = one_line("refund\r\nBcc: evil@example.com\u{202E}\tnow", 200);
        assert_eq!(line, "refund Bcc: evil@example.com[U+202E] now");
        assert!(!line.contains(['\r', '\n']));
        assert_eq!(one_line("abcdef", 4), "abc…");
    }

    #[test]
    fn an_unchecked_ticket_says_so_in_its_subject() {
        let stored = StoredTicket::new(Ticket::example("0a1b2c3d-4e5f"), 1, 1, vec![]);
        assert_eq!(
            Triage::of(&stored).subject(),
            "[Billing · high · needs review · unchecked] Customer asked for a refund · Ref 0A1B2C3D"
        );
    }
}
