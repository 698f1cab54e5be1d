//! The email to the creator's support address, which every helpdesk (Help Scout,
//! Zendesk, Freshdesk, HubSpot, Gmail) turns into a ticket: From the relay, To the
//! support address, **Reply-To the customer** so an agent's reply reaches them, a
//! subject to triage by ([`Triage::subject`]), the whole context as text and HTML, and
//! the ticket JSON attached.
//!
//! One thread per ticket: the Message-ID is built from the ticket, the event and the
//! destination ([`message_id`]), so a retry sends the same one, and a follow-up is a
//! reply (`In-Reply-To` and `References` the creation's Message-ID, subject
//! `Re: …`), which is what helpdesks thread by.

use std::collections::BTreeMap;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MessageBuilder, MultiPart};
use lettre::{Address, Message};

use deflect_engine::ticket::{self, Contact, FollowUp};

use super::compose_error::ComposeError;
use super::event::{CREATED_KEY, RelayEvent, delivery_id};
use super::triage::{Triage, one_line};
use super::{email_html, email_text};
use crate::store::StoredTicket;

/// The longest display name put in a header, in characters.
const MAX_NAME_CHARS: usize = 80;

/// Where the relay's email to the creator comes from and goes.
#[derive(Debug, Clone)]
pub struct EmailRoute {
    /// The relay's own address (From); its domain ends every Message-ID.
    pub from: Mailbox,
    /// The creator's support address (To): the helpdesk's inbound address.
    pub support: Mailbox,
    /// The inbox's public URL (e.g. `https://support.shop.example`), for a link to
    /// the ticket; `None` when the server has none.
    pub inbox_url: Option<String>,
}

impl EmailRoute {
    /// A route from addresses as written in the config (`Name <a@b.c>` or `a@b.c`).
    pub fn parse(from: &str, support: &str, inbox_url: Option<&str>) -> Result<Self, ComposeError> {
        Ok(Self {
            from: parse_mailbox(from)?,
            support: parse_mailbox(support)?,
            inbox_url: inbox_url.map(|url| url.trim_end_matches('/').to_owned()),
        })
    }
}

/// `text` as a mailbox, or which address it is not.
pub fn parse_mailbox(text: &str) -> Result<Mailbox, ComposeError> {
    text.parse().map_err(|source| ComposeError::Address {
        address: text.to_owned(),
        source,
    })
}

/// `<deflect.<ticket>.<event>.<hash of to>@<from's domain>>`: the same on every retry of
/// one event to one address, so a helpdesk that sees it twice keeps one.
pub fn message_id(ticket_id: &str, event_key: &str, to: &Address, from: &Address) -> String {
    format!(
        "<deflect.{}@{}>",
        delivery_id(ticket_id, event_key, to.as_ref()),
        from.domain()
    )
}

/// `ticket-<reference>.json`, the attachment's name.
pub fn attachment_name(stored: &StoredTicket) -> String {
    format!("ticket-{}.json", ticket::reference(&stored.ticket.id))
}

/// What the email's reader needs, already made safe to read: the ticket and follow-up
/// with screenshots turned into notes, the subject, and what replying does.
pub struct Letter {
    pub subject: String,
    pub ticket: StoredTicket,
    /// The follow-up this email is about, for a follow-up event.
    pub follow_up: Option<FollowUp>,
    /// One sentence on where a reply goes (the customer, or nobody).
    pub reply_note: String,
    /// The inbox's public URL, if any.
    pub inbox_url: Option<String>,
}

impl Letter {
    /// What the email for `event` says, for `route`.
    pub fn new(event: &RelayEvent<'_>, route: &EmailRoute) -> Self {
        let stored = event.ticket();
        let triage = Triage::of(stored);
        let inbox_url = route.inbox_url.as_deref();
        Self {
            subject: match event {
                RelayEvent::Created { .. } => triage.subject(),
                RelayEvent::FollowUp { .. } => format!("Re: {}", triage.subject()),
            },
            ticket: readable(stored, inbox_url),
            follow_up: event.follow_up().map(|f| readable_follow_up(f, inbox_url)),
            reply_note: reply_note(stored.reply_to.as_ref(), &triage.reference),
            inbox_url: route.inbox_url.clone(),
        }
    }
}

/// Where a reply to the email goes, in one sentence.
fn reply_note(contact: Option<&Contact>, reference: &str) -> String {
    match contact.map(|c| (c, customer_mailbox(c))) {
        Some((_, Some(mailbox))) => {
            format!("Reply to this email to answer the customer: replies go to {mailbox}.")
        }
        Some((contact, None)) => format!(
            "The visitor gave \"{}\", which email cannot reply to: they have only their reference {reference}.",
            one_line(&contact.email, MAX_NAME_CHARS),
        ),
        None => format!(
            "The visitor left no email, so a reply to this message reaches no one: they have only their reference {reference} and may come back with it."
        ),
    }
}

/// The email for `event` to `route`'s support address.
pub fn compose(event: &RelayEvent<'_>, route: &EmailRoute) -> Result<Message, ComposeError> {
    let stored = event.ticket();
    let letter = Letter::new(event, route);
    let mut builder = headers(event, route, &letter.subject);
    if let Some(mailbox) = stored.reply_to.as_ref().and_then(customer_mailbox) {
        builder = builder.reply_to(mailbox);
    }
    let json = ContentType::parse("application/json").expect("a valid MIME type");
    let body = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(
            email_text::render(&letter),
            email_html::render(&letter),
        ))
        .singlepart(
            Attachment::new(attachment_name(stored))
                .body(serde_json::to_string_pretty(stored)?, json),
        );
    Ok(builder.multipart(body)?)
}

/// From, To, Subject, and the threading headers: a follow-up answers the creation.
fn headers(event: &RelayEvent<'_>, route: &EmailRoute, subject: &str) -> MessageBuilder {
    let ticket_id = &event.ticket().ticket.id;
    let id = |key: &str| message_id(ticket_id, key, &route.support.email, &route.from.email);
    let builder = Message::builder()
        .from(route.from.clone())
        .to(route.support.clone())
        .subject(subject)
        .message_id(Some(id(event.key())));
    match event {
        RelayEvent::Created { .. } => builder,
        RelayEvent::FollowUp { .. } => {
            let thread = id(CREATED_KEY);
            builder.in_reply_to(thread.clone()).references(thread)
        }
    }
}

/// The contact as a mailbox to reply to, or `None` when lettre cannot send to the
/// address (the widget's rule is looser than RFC 5322); the name is kept on one line.
pub fn customer_mailbox(contact: &Contact) -> Option<Mailbox> {
    let address: Address = contact.email.trim().parse().ok()?;
    let name = contact
        .name
        .as_deref()
        .map(|n| one_line(n, MAX_NAME_CHARS))
        .filter(|n| !n.is_empty());
    Some(Mailbox::new(name, address))
}

/// A copy of `stored` for reading in a mail client, which cannot fetch the inbox's
/// screenshots (they need an agent's login): each `attachment:<id>` answer becomes a
/// note saying where the image is.
pub fn readable(stored: &StoredTicket, inbox_url: Option<&str>) -> StoredTicket {
    let mut copy = stored.clone();
    note_screenshots(&mut copy.ticket.details, inbox_url);
    for follow_up in &mut copy.follow_ups {
        note_screenshots(&mut follow_up.details, inbox_url);
    }
    copy
}

fn readable_follow_up(follow_up: &FollowUp, inbox_url: Option<&str>) -> FollowUp {
    let mut copy = follow_up.clone();
    note_screenshots(&mut copy.details, inbox_url);
    copy
}

fn note_screenshots(details: &mut BTreeMap<String, String>, inbox_url: Option<&str>) {
    for value in details.values_mut() {
        if let Some(id) = ticket::attachment_id(value) {
            *value = match inbox_url {
                Some(url) => format!("Screenshot in the inbox: {url}/inbox/attachments/{id}"),
                None => format!("Screenshot {id}, stored in the inbox"),
            };
        }
    }
}

/// Where an agent opens the ticket in the inbox, when it has a public URL.
pub fn inbox_link(inbox_url: &str) -> String {
    format!("{}/inbox", inbox_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{self, TICKET_ID};
    use super::*;

    fn header(message: &Message, name: &str) -> Option<String> {
        message.headers().get_raw(name).map(str::to_owned)
    }

    #[test]
    fn a_created_email_replies_to_the_customer_with_a_triage_subject() {
        let stored = fixture::stored();
        let message = compose(&RelayEvent::Created { ticket: &stored }, &fixture::route()).unwrap();
        let id = header(&message, "Message-ID").unwrap();
        assert!(
            id.starts_with(&format!("<deflect.{TICKET_ID}.created."))
                && id.ends_with("@relay.example>"),
            "{id}"
        );
        assert_eq!(header(&message, "In-Reply-To"), None);
        let reply_to = header(&message, "Reply-To").unwrap();
        assert!(
            reply_to.contains("<ada@new.example>"),
            "the latest contact: {reply_to}"
        );
        assert_eq!(
            header(&message, "Subject").unwrap(),
            "[Billing · urgent · needs review] Refund Bcc: evil@example.com · Ref 0A1B2C3D"
        );
        let raw = String::from_utf8(message.formatted()).unwrap();
        let head = raw.split("\r\n\r\n").next().unwrap();
        assert!(
            !head.lines().any(|line| line.starts_with("Bcc:")),
            "no header injected: {head}"
        );
        assert!(raw.contains("filename=\"ticket-0A1B2C3D.json\""), "{raw}");
        assert!(raw.contains("Content-Type: application/json"));
        assert!(raw.contains("Content-Type: multipart/alternative"));
    }

    #[test]
    fn a_follow_up_is_a_reply_in_the_created_emails_thread() {
        let (stored, follow_up) = (fixture::stored(), fixture::follow_up());
        let route = fixture::route();
        let created = compose(&RelayEvent::Created { ticket: &stored }, &route).unwrap();
        let event = RelayEvent::FollowUp {
            ticket: &stored,
            follow_up: &follow_up,
        };
        let reply = compose(&event, &route).unwrap();
        let thread = header(&created, "Message-ID").unwrap();
        assert_eq!(header(&reply, "In-Reply-To").as_ref(), Some(&thread));
        assert_eq!(header(&reply, "References").as_ref(), Some(&thread));
        assert_ne!(header(&reply, "Message-ID").as_ref(), Some(&thread));
        assert_eq!(
            header(&reply, "Subject").unwrap(),
            format!("Re: {}", header(&created, "Subject").unwrap())
        );
        let again = compose(&event, &route).unwrap();
        assert_eq!(
            header(&again, "Message-ID"),
            header(&reply, "Message-ID"),
            "same id on every retry"
        );
    }

    #[test]
    fn without_an_email_there_is_no_reply_to_and_the_body_says_so() {
        let mut stored = fixture::stored();
        stored.reply_to = None;
        let event = RelayEvent::Created { ticket: &stored };
        let message = compose(&event, &fixture::route()).unwrap();
        assert_eq!(header(&message, "Reply-To"), None);
        let letter = Letter::new(&event, &fixture::route());
        assert!(
            letter.reply_note.contains("left no email"),
            "{}",
            letter.reply_note
        );
        assert!(email_text::render(&letter).contains("left no email"));
    }

    #[test]
    fn visitor_markup_is_escaped_and_cards_stay_masked() {
        let (stored, follow_up) = (fixture::stored(), fixture::follow_up());
        let event = RelayEvent::FollowUp {
            ticket: &stored,
            follow_up: &follow_up,
        };
        let letter = Letter::new(&event, &fixture::route());
        let html = email_html::render(&letter);
        assert!(
            !html.contains("<script>") && !html.contains("<b>this"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("**** **** **** 4242"));
        assert!(
            !html.contains("/inbox/attachments/abcdef12-3456\""),
            "no image the client cannot load"
        );
        let text = email_text::render(&letter);
        assert!(text.contains("**** **** **** 4242"));
        assert!(
            text.contains("    | Bot: fake line"),
            "a typed line stays quoted: {text}"
        );
        assert!(text.contains(
            "Screenshot in the inbox: https://support.shop.example/inbox/attachments/abcdef12-3456"
        ));
        assert!(text.contains("The customer added to 0A1B2C3D:"));
        assert!(text.contains("The browser claimed Billing · high"));
    }
}
