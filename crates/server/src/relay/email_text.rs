//! The email's plain-text part: the whole ticket for an agent whose helpdesk shows
//! text only, in the order the HTML part shows it. Visitor text is quoted, indented
//! under its label, with control and bidi characters made visible
//! ([`crate::display::neutralize`]) so no line can pose as another.

use std::fmt::Write as _;

use deflect_engine::ticket::{self, Author, FollowUp, Ticket};

use super::email::{Letter, inbox_link};
use super::triage::Triage;
use crate::display::neutralize;
use crate::page::{article_outcome, format_time};
use crate::receipt::priority_name;
use crate::store::StoredTicket;

/// The text part of `letter`.
pub fn render(letter: &Letter) -> String {
    let stored = &letter.ticket;
    let mut text = String::with_capacity(4096);
    let _ = writeln!(text, "{}\n", letter.reply_note);
    if let Some(follow_up) = &letter.follow_up {
        let _ = writeln!(
            text,
            "The customer added to {}:",
            ticket::reference(&stored.ticket.id)
        );
        follow_up_lines(&mut text, follow_up);
        text.push('\n');
    }
    summary(&mut text, stored);
    customer(&mut text, stored);
    rules_fired(&mut text, &stored.ticket);
    transcript(&mut text, stored);
    articles(&mut text, &stored.ticket);
    flow_path(&mut text, &stored.ticket);
    details(&mut text, &stored.ticket);
    if let Some(url) = &letter.inbox_url {
        let _ = writeln!(text, "\nOpen the inbox: {}", inbox_link(url));
    }
    text
}

/// Reason, reference, queue, priority and whether the inbox checked them.
fn summary(text: &mut String, stored: &StoredTicket) {
    let t = &stored.ticket;
    let triage = Triage::of(stored);
    let _ = writeln!(text, "Reason: {}", triage.reason);
    let _ = writeln!(text, "Reference: {} (ticket {})", triage.reference, t.id);
    let _ = writeln!(
        text,
        "Queue: {} · priority {}{}",
        triage.queue,
        triage.priority,
        if triage.needs_review {
            " · needs review"
        } else {
            ""
        }
    );
    match &stored.server_check {
        None => text
            .push_str("Not checked: the inbox had no KB, so this is what the browser claimed.\n"),
        Some(check) if !check.agrees => {
            let _ = writeln!(
                text,
                "The browser claimed {} · {}; the KB's rules give the above.",
                neutralize(&t.queue),
                priority_name(t.priority)
            );
        }
        Some(_) => {}
    }
    if !t.tags.is_empty() {
        let _ = writeln!(text, "Tags: {}", neutralize(&t.tags.join(", ")));
    }
    let _ = writeln!(text, "Received: {}", format_time(stored.received_at_ms));
}

/// Who asked, whether the inbox believes it, and from which page.
fn customer(text: &mut String, stored: &StoredTicket) {
    let t = &stored.ticket;
    let c = &t.customer;
    text.push_str("\nCustomer\n");
    let field = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "—".to_owned(), |v| neutralize(v).into_owned())
    };
    let _ = writeln!(text, "  Email: {}", field(&c.email));
    let _ = writeln!(text, "  Name: {}", field(&c.name));
    let _ = writeln!(
        text,
        "  Tier: {} ({})",
        field(&c.tier),
        if stored.customer_verified {
            "verified"
        } else {
            "unverified: only what the browser said"
        }
    );
    if let Some(contact) = &stored.reply_to {
        let _ = writeln!(text, "  Reply to: {}", neutralize(&contact.email));
    }
    let _ = writeln!(text, "  Page: {}", neutralize(&t.page.url));
    if !t.page.title.is_empty() {
        let _ = writeln!(text, "  Page title: {}", neutralize(&t.page.title));
    }
    if !t.page.referrer.is_empty() {
        let _ = writeln!(text, "  Referrer: {}", neutralize(&t.page.referrer));
    }
    let _ = writeln!(
        text,
        "  Language: {} (browser {})",
        neutralize(&t.lang),
        neutralize(&t.page.language)
    );
    let _ = writeln!(text, "  Browser: {}", neutralize(&t.page.user_agent));
}

fn rules_fired(text: &mut String, t: &Ticket) {
    if t.rules_fired.is_empty() {
        return;
    }
    text.push_str("\nRules fired\n");
    for rule in &t.rules_fired {
        let _ = write!(
            text,
            "  - {} — {}: “{}”",
            neutralize(&rule.rule_id),
            neutralize(&rule.reason),
            neutralize(&rule.text)
        );
        if let Some(phrase) = &rule.phrase {
            let _ = write!(text, " (matched “{}”)", neutralize(phrase));
        }
        text.push('\n');
    }
}

/// The conversation, then what the visitor added after the handoff.
fn transcript(text: &mut String, stored: &StoredTicket) {
    text.push_str("\nTranscript\n");
    for (i, message) in stored.ticket.transcript.iter().enumerate() {
        let who = match message.from {
            Author::Customer => "Customer",
            Author::Bot if crate::verdict_page::is_unverified_line(stored, i) => {
                "Bot? (unverified: not something this bot says)"
            }
            Author::Bot => "Bot",
        };
        quoted(
            text,
            &format!("[{}] {who}", format_time(message.at_ms)),
            &message.text,
        );
    }
    if !stored.follow_ups.is_empty() {
        text.push_str("\nAdded after the handoff\n");
        for follow_up in &stored.follow_ups {
            follow_up_lines(text, follow_up);
        }
    }
}

/// A follow-up's text, then the contact and answers it carried.
fn follow_up_lines(text: &mut String, f: &FollowUp) {
    quoted(
        text,
        &format!("[{}] Customer", format_time(f.at_ms)),
        &f.text,
    );
    if let Some(contact) = &f.contact {
        let _ = writeln!(text, "      Reply to: {}", neutralize(&contact.email));
    }
    for (field, value) in &f.details {
        let _ = writeln!(text, "      {}: {}", neutralize(field), neutralize(value));
    }
}

/// `label:` then `body`, every line of it indented, so a typed line break cannot
/// start a line that looks like another speaker.
fn quoted(text: &mut String, label: &str, body: &str) {
    let _ = writeln!(text, "  {label}:");
    for line in neutralize(body).lines() {
        let _ = writeln!(text, "    | {line}");
    }
}

fn articles(text: &mut String, t: &Ticket) {
    if t.articles_shown.is_empty() {
        return;
    }
    text.push_str("\nArticles shown\n");
    for a in &t.articles_shown {
        let _ = writeln!(
            text,
            "  - {} ({}): {}",
            neutralize(&a.title),
            neutralize(&a.id),
            article_outcome(a)
        );
    }
}

fn flow_path(text: &mut String, t: &Ticket) {
    if t.flow_path.is_empty() {
        return;
    }
    text.push_str("\nFlow path\n");
    for (n, step) in t.flow_path.iter().enumerate() {
        let _ = writeln!(
            text,
            "  {}. {}/{}: {} → {}",
            n + 1,
            neutralize(&step.flow_id),
            neutralize(&step.step_id),
            neutralize(&step.prompt),
            neutralize(&step.answer)
        );
    }
}

fn details(text: &mut String, t: &Ticket) {
    if t.details.is_empty() {
        return;
    }
    text.push_str("\nDetails\n");
    for (field, value) in &t.details {
        let _ = writeln!(text, "  {}: {}", neutralize(field), neutralize(value));
    }
}
