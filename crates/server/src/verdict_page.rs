//! The inbox page's view of the server's verdict: which queue and priority the KB's
//! rules give (what the page lists by), whether the customer is verified, what the
//! browser claimed when it disagrees, and a mark on each bot line the bot cannot say.

use std::fmt::Write as _;

use deflect_engine::model::Priority;

use super::page::escape;
use super::receipt::priority_name;
use super::store::StoredTicket;

/// The mark on a transcript line marked as the bot's that the bot cannot say.
pub(super) const UNVERIFIED_LINE: &str =
    "<strong class=\"unverified\">⚠ Unverified: not something this bot says</strong>";

/// The queue, priority and review badges: the server's, with the browser's claim
/// beside them when it differs; the browser's, marked unchecked, when the inbox had no
/// KB; then whether the customer is verified.
pub(super) fn badges(html: &mut String, stored: &StoredTicket) {
    let t = &stored.ticket;
    let (queue, priority) = match &stored.server_check {
        Some(check) => (check.queue.as_str(), check.priority),
        None => (t.queue.as_str(), t.priority),
    };
    badge(html, queue, priority);
    let needs_review = stored
        .server_check
        .as_ref()
        .map_or(t.needs_review, |check| check.needs_review);
    if needs_review {
        html.push_str("<span class=\"badge review\">needs review</span>\n");
    }
    match &stored.server_check {
        Some(check) if !check.agrees => {
            let _ = writeln!(
                html,
                "<span class=\"badge claim\">browser claimed {} · {}</span>",
                escape(&t.queue),
                priority_name(t.priority)
            );
        }
        Some(_) => {}
        None => html.push_str("<span class=\"badge claim\">not checked</span>\n"),
    }
    let identity = if stored.customer_verified {
        "<span class=\"badge verified\">verified customer</span>"
    } else {
        "<span class=\"badge claim\">unverified customer</span>"
    };
    html.push_str(identity);
    html.push('\n');
}

fn badge(html: &mut String, queue: &str, priority: Priority) {
    let _ = writeln!(
        html,
        "<span class=\"badge\">{}</span> <span class=\"badge p-{p}\">{p}</span>",
        escape(queue),
        p = priority_name(priority)
    );
}

/// What the server found that an agent must know before believing the ticket: rules
/// the browser claimed that the KB's rules do not give, and bot lines it cannot say.
pub(super) fn section(html: &mut String, stored: &StoredTicket) {
    let Some(check) = &stored.server_check else {
        return;
    };
    let unverified = check.unverified_bot_lines.len();
    if check.agrees && unverified == 0 {
        return;
    }
    html.push_str("<h3>Server check</h3>\n<ul class=\"check\">\n");
    if !check.agrees {
        let ids = |rules: &[deflect_engine::ticket::FiredRule]| {
            let ids: Vec<&str> = rules.iter().map(|r| r.rule_id.as_str()).collect();
            if ids.is_empty() {
                "none".to_owned()
            } else {
                ids.join(", ")
            }
        };
        let _ = writeln!(
            html,
            "<li>The KB's rules give <strong>{} · {}</strong> (rules: {}); the browser claimed {} · {} (rules: {}).</li>",
            escape(&check.queue),
            priority_name(check.priority),
            escape(&ids(&check.rules_fired)),
            escape(&stored.ticket.queue),
            priority_name(stored.ticket.priority),
            escape(&ids(&stored.ticket.rules_fired)),
        );
    }
    if unverified > 0 {
        let _ = writeln!(
            html,
            "<li>{unverified} line{} marked as the bot's {} not something this bot says (marked below).</li>",
            if unverified == 1 { "" } else { "s" },
            if unverified == 1 { "is" } else { "are" },
        );
    }
    html.push_str("</ul>\n");
}

/// Whether transcript line `index` is one the bot cannot have said.
pub(super) fn is_unverified_line(stored: &StoredTicket, index: usize) -> bool {
    stored
        .server_check
        .as_ref()
        .is_some_and(|c| c.unverified_bot_lines.iter().any(|l| l.index == index))
}
