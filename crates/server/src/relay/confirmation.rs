//! The optional email to the customer once their ticket is stored: their reference,
//! when a person will answer (`response_time` from `kb/settings.toml`, per language)
//! and what happens next, in the visitor's language.
//!
//! The promise is the widget's own sentence (`delivered` in
//! `www/widget/strings/<lang>.json`, read at build time), so the email repeats word for
//! word what the chat said; the email's other lines are in `relay/strings/<lang>.json`.
//! Reply-To is the support address, and `References` names the email the helpdesk
//! got, so a customer's reply is filed on the same ticket.
//!
//! Anyone can post a ticket with any address, so this email quotes nothing the visitor
//! typed (not their name, message or page): it cannot carry someone else's text to a
//! stranger's inbox. Only the address it is sent to appears in it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use serde::Deserialize;

use deflect_engine::model::Settings;
use deflect_engine::ticket;

use super::compose_error::ComposeError;
use super::email::{EmailRoute, message_id};
use super::event::CREATED_KEY;
use super::triage::one_line;
use crate::page::escape;
use crate::store::StoredTicket;

/// The event key of a ticket's confirmation (it goes to the customer, once).
pub const CONFIRMATION_KEY: &str = "confirmation";

/// The longest subject, in characters.
const MAX_SUBJECT_CHARS: usize = 150;

/// The email's own lines in one language.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EmailStrings {
    subject: String,
    greeting: String,
    next_title: String,
    next: String,
    add_more: String,
    why: String,
    signoff: String,
}

/// The widget's lines the email repeats (the rest of its catalog is the panel's).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WidgetStrings {
    delivered: String,
    our_team: String,
    soon: String,
}

struct Catalog {
    email: EmailStrings,
    widget: WidgetStrings,
}

/// Every language the confirmation speaks: its lines and the widget's.
const SOURCES: [(&str, &str, &str); 2] = [
    (
        "en",
        include_str!("strings/en.json"),
        include_str!("../../../../www/widget/strings/en.json"),
    ),
    (
        "es",
        include_str!("strings/es.json"),
        include_str!("../../../../www/widget/strings/es.json"),
    ),
];

/// The catalogs, parsed once; the tests parse every one, so a broken file fails them.
static CATALOGS: LazyLock<BTreeMap<&'static str, Catalog>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(lang, email, widget)| {
            let catalog = Catalog {
                email: serde_json::from_str(email).expect("relay/strings JSON"),
                widget: serde_json::from_str(widget).expect("widget strings JSON"),
            };
            (*lang, catalog)
        })
        .collect()
});

/// The language to write in: the ticket's, else the KB's default, else English; like
/// the widget, by primary subtag (`es-MX` is `es`).
pub fn language(ticket_lang: &str, settings: &Settings) -> &'static str {
    [ticket_lang, settings.default_lang.as_str()]
        .into_iter()
        .filter_map(|tag| tag.split(['-', '_']).next())
        .find_map(|code| CATALOGS.keys().find(|lang| lang.eq_ignore_ascii_case(code)))
        .copied()
        .unwrap_or("en")
}

/// The confirmation for `stored`, from `route.from` to the customer with Reply-To
/// `route.support`; `None` when there is no address email can reach.
pub fn compose(
    stored: &StoredTicket,
    settings: &Settings,
    route: &EmailRoute,
) -> Result<Option<Message>, ComposeError> {
    let Some(address) = stored
        .reply_to
        .as_ref()
        .and_then(|c| c.email.trim().parse::<lettre::Address>().ok())
    else {
        return Ok(None);
    };
    let lang = language(&stored.ticket.lang, settings);
    let lines = Lines::new(&CATALOGS[lang], stored, settings, lang, address.as_ref());
    let ticket_id = &stored.ticket.id;
    let helpdesk_copy = message_id(
        ticket_id,
        CREATED_KEY,
        &route.support.email,
        &route.from.email,
    );
    let message = Message::builder()
        .from(route.from.clone())
        .to(Mailbox::new(None, address.clone()))
        .reply_to(route.support.clone())
        .subject(&lines.subject)
        .message_id(Some(message_id(
            ticket_id,
            CONFIRMATION_KEY,
            &address,
            &route.from.email,
        )))
        .references(helpdesk_copy)
        .multipart(MultiPart::alternative_plain_html(
            lines.text(),
            lines.html(lang),
        ))?;
    Ok(Some(message))
}

/// The confirmation's lines with everything filled in, in reading order.
struct Lines {
    subject: String,
    greeting: String,
    /// The widget's promise: who replies, to which address, when, and the reference.
    promise: String,
    next_title: String,
    next: String,
    add_more: String,
    signoff: String,
    why: String,
}

impl Lines {
    fn new(
        catalog: &Catalog,
        stored: &StoredTicket,
        settings: &Settings,
        lang: &str,
        email: &str,
    ) -> Self {
        let (e, w) = (&catalog.email, &catalog.widget);
        let brand = Some(settings.brand_name.trim())
            .filter(|b| !b.is_empty())
            .unwrap_or(&w.our_team);
        let when = Some(settings.response_time_in(lang).trim())
            .filter(|t| !t.is_empty())
            .unwrap_or(&w.soon);
        let reference = ticket::reference(&stored.ticket.id);
        let fill = |template: &str| {
            template
                .replace("{brand}", brand)
                .replace("{email}", email)
                .replace("{when}", when)
                .replace("{ref}", &reference)
        };
        Self {
            subject: one_line(&fill(&e.subject), MAX_SUBJECT_CHARS),
            greeting: e.greeting.clone(),
            promise: fill(&w.delivered),
            next_title: e.next_title.clone(),
            next: fill(&e.next),
            add_more: fill(&e.add_more),
            signoff: fill(&e.signoff),
            why: fill(&e.why),
        }
    }

    fn text(&self) -> String {
        format!(
            "{}\n\n{}\n\n{}\n{}\n\n{}\n\n{}\n\n{}\n",
            self.greeting,
            self.promise,
            self.next_title,
            self.next,
            self.add_more,
            self.signoff,
            self.why
        )
    }

    /// The same lines as paragraphs, every one escaped (the brand and response time
    /// come from the KB, the address from the visitor).
    fn html(&self, lang: &str) -> String {
        let p = |text: &str| format!("<p>{}</p>\n", escape(text));
        format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{}{}<h2>{}</h2>\n{}{}{}<p><small>{}</small></p>\n</body>\n</html>\n",
            escape(&self.subject),
            p(&self.greeting),
            p(&self.promise),
            escape(&self.next_title),
            p(&self.next),
            p(&self.add_more),
            p(&self.signoff),
            escape(&self.why),
        )
    }
}

#[cfg(test)]
mod tests {
    use deflect_engine::model::Translation;

    use super::super::fixture;
    use super::*;

    /// `kb/settings.toml`'s texts.
    fn settings() -> Settings {
        Settings {
            brand_name: "Brushwork Academy".to_owned(),
            greeting: "Hi!".to_owned(),
            brand_color: "#4f46e5".to_owned(),
            response_time: "within 24 hours".to_owned(),
            ticket_endpoint: "/api/tickets".to_owned(),
            default_lang: "en".to_owned(),
            confident_threshold: 0.5,
            languages: BTreeMap::from([(
                "es".to_owned(),
                Translation {
                    greeting: None,
                    response_time: Some("en menos de 24 horas".to_owned()),
                },
            )]),
        }
    }

    fn header(message: &Message, name: &str) -> Option<String> {
        message.headers().get_raw(name).map(str::to_owned)
    }

    #[test]
    fn every_catalog_parses_and_the_language_follows_the_ticket_then_the_kb() {
        assert_eq!(CATALOGS.len(), SOURCES.len());
        let mut kb = settings();
        assert_eq!(language("es-MX", &kb), "es");
        assert_eq!(language("fr", &kb), "en");
        kb.default_lang = "es".to_owned();
        assert_eq!(language("fr", &kb), "es");
        assert_eq!(language("EN", &kb), "en");
    }

    #[test]
    fn the_customer_gets_the_reference_and_response_time_in_their_language() {
        let mut stored = fixture::stored();
        stored.ticket.lang = "es".to_owned();
        let route = fixture::route();
        let message = compose(&stored, &settings(), &route).unwrap().unwrap();
        assert_eq!(
            header(&message, "Subject").unwrap(),
            "Brushwork Academy: hemos recibido tu solicitud 0A1B2C3D"
        );
        assert_eq!(header(&message, "To").unwrap(), "ada@new.example");
        assert!(
            header(&message, "Reply-To")
                .unwrap()
                .contains("<support@shop.example>")
        );
        let helpdesk_copy = message_id(
            fixture::TICKET_ID,
            CREATED_KEY,
            &route.support.email,
            &route.from.email,
        );
        assert_eq!(header(&message, "References"), Some(helpdesk_copy));
        let lang = language(&stored.ticket.lang, &settings());
        let lines = Lines::new(
            &CATALOGS[lang],
            &stored,
            &settings(),
            lang,
            "ada@new.example",
        );
        assert_eq!(
            lines.promise,
            "Gracias: una persona de Brushwork Academy te responderá a ada@new.example en menos de 24 horas. Tu referencia: 0A1B2C3D."
        );
        let text = lines.text();
        assert!(
            !text.contains("Ada") && !text.contains("<script>"),
            "nothing the visitor typed: {text}"
        );
    }

    #[test]
    fn no_address_means_no_confirmation_and_kb_text_is_escaped() {
        let mut stored = fixture::stored();
        stored.reply_to = None;
        assert!(
            compose(&stored, &settings(), &fixture::route())
                .unwrap()
                .is_none()
        );
        let mut kb = settings();
        kb.brand_name = "<i>Brush</i> & Co".to_owned();
        let lines = Lines::new(
            &CATALOGS["en"],
            &fixture::stored(),
            &kb,
            "en",
            "ada@new.example",
        );
        let html = lines.html("en");
        assert!(
            html.contains("&lt;i&gt;Brush&lt;/i&gt; &amp; Co") && !html.contains("<i>"),
            "{html}"
        );
        assert!(lines.text().contains("within 24 hours"));
    }
}
