//! The `/inbox` HTML page: a page of stored tickets, readable by a human agent.
//!
//! Everything in a ticket came from a browser we do not control, so every value goes
//! through [`escape`] and nothing is ever rendered as a link or as markup. The page has
//! no scripts, and [`respond`] sends it with a CSP that forbids them.

use std::fmt::Write as _;

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use deflect_engine::ticket::{self, Author, Contact, FollowUp, Ticket};

use super::store::StoredTicket;
use super::{delivery_page, display, resolution, verdict_page};

pub(crate) const STYLE: &str = "
:root { color-scheme: light dark; --fg: #1d232b; --muted: #5d6773; --bg: #f4f5f7;
  --card: #fff; --line: #dde1e6; --accent: #2563eb; --warn: #b45309; --ok: #15803d; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --muted: #9aa4b1;
  --bg: #12161c; --card: #1b2129; --line: #2c343f; --accent: #7aa2ff; --warn: #f0a44b; --ok: #4ade80; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h1 small { color: var(--muted); font-weight: normal; }
article { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 1rem 1.25rem; margin: 0 0 1rem; }
article > header { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline; }
article h2 { font-size: 1.05rem; margin: 0; flex: 1 1 100%; }
h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); margin: 1rem 0 .3rem; }
code, .ref { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; }
.meta { color: var(--muted); font-size: .9em; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: .8em;
  border: 1px solid var(--line); }
.p-high, .p-urgent, .review { color: var(--warn); border-color: currentColor; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
ul, ol { margin: 0; padding-left: 1.25rem; }
.transcript { list-style: none; padding: 0; }
.transcript li { margin: .25rem 0; padding: .35rem .6rem; border-radius: 6px;
  border: 1px solid var(--line); white-space: pre-wrap; overflow-wrap: anywhere; }
.transcript .customer { border-left: 3px solid var(--accent); }
.transcript .who { font-weight: 600; margin-right: .4rem; }
.empty { color: var(--muted); text-align: center; padding: 3rem 0; }
.reply-to { flex: 1 1 100%; margin: .25rem 0 0; font-size: 1.05em; }
.reply-to.none { color: var(--warn); }
main > h2 { font-size: 1.2rem; margin: 2rem 0 .25rem; color: var(--warn); }
.transcript dl { margin-top: .35rem; white-space: normal; }
.verified { color: var(--ok); border-color: currentColor; }
.claim, .transcript .unverified, .check { color: var(--warn); border-color: currentColor; }
.transcript strong.unverified { display: block; font-size: .85em; }
img.shot { display: block; max-width: 100%; height: auto; border: 1px solid var(--line);
  border-radius: 4px; }
.agent { display: flex; gap: .75rem; align-items: baseline; justify-content: flex-end;
  color: var(--muted); font-size: .9em; }
.agent form { margin: 0; }
.agent button { font: inherit; background: none; border: 0; padding: 0; color: var(--accent);
  text-decoration: underline; cursor: pointer; }
nav.pages { display: flex; justify-content: space-between; margin: 1.5rem 0; }
table.deliveries { border-collapse: collapse; font-size: .9em; width: 100%; }
table.deliveries th, table.deliveries td { text-align: left; padding: .15rem .5rem .15rem 0;
  border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.delivery.delivered td:nth-child(3) { color: var(--ok); }
.delivery.failed td:nth-child(3), .delivery.pending td:nth-child(5) { color: var(--warn); }
.delivery.skipped td { color: var(--muted); }
.resolved { color: var(--ok); margin: .5rem 0 0; }
form.resolve { margin: .75rem 0 0; font-size: .9em; }
";

/// What surrounds one page of tickets: how many there are in all, who is looking (and
/// the CSRF token of their log out form), and the way to older tickets.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// Tickets stored in all.
    pub total: u64,
    /// The agent's email, or the API token's name.
    pub signed_in: String,
    /// The log out form's CSRF token; `None` (no form) for an API token.
    pub logout_csrf: Option<String>,
    /// The link to the next, older page, if there is one.
    pub older: Option<String>,
    /// This is a later page: offer the way back to the newest tickets.
    pub later_page: bool,
    /// The KB's articles (id, title) a ticket may be resolved with; none: any id.
    pub articles: Vec<(String, String)>,
}

/// What the forms on a ticket need: the agent's CSRF token and the articles to choose.
#[derive(Debug, Clone)]
pub(crate) struct TicketForms {
    pub csrf: String,
    pub articles: Vec<(String, String)>,
}

/// Starts an inbox page: its head with `title` and `styles`, up to the opened `<main>`.
///
/// The referrer policy is `same-origin`: links out to a customer's page send nothing,
/// while the page's own forms (log in, log out) carry their Origin, which the inbox's
/// origin rule requires of every write (`no-referrer` would make it `null`).
pub(crate) fn open_page(html: &mut String, title: &str, styles: &[&str]) {
    html.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<meta name=\"referrer\" content=\"same-origin\">\n");
    html.push_str(&format!("<title>{}</title>\n<style>", escape(title)));
    for style in styles {
        html.push_str(style);
    }
    html.push_str("</style>\n</head>\n<body>\n<main>\n");
}

/// Renders an inbox page of `tickets` (already ordered newest first).
pub fn render(tickets: &[StoredTicket], chrome: &Chrome) -> String {
    let mut html = String::with_capacity(4096 + tickets.len() * 2048);
    open_page(&mut html, "Deflect inbox", &[STYLE]);
    agent_bar(&mut html, chrome);
    let _ = writeln!(
        html,
        "<h1>Deflect inbox <small>{} ticket{}</small></h1>",
        chrome.total,
        if chrome.total == 1 { "" } else { "s" }
    );
    html.push_str("<p><a href=\"/inbox/insights\">Insights: deflection rate, handoffs, knowledge gaps →</a></p>\n");
    if tickets.is_empty() {
        html.push_str("<p class=\"empty\">No tickets yet.</p>\n");
    }
    // Tickets an agent can answer come first; the rest wait for the visitor to return.
    let (answerable, unanswerable): (Vec<_>, Vec<_>) =
        tickets.iter().partition(|t| t.reply_to.is_some());
    let forms = chrome.logout_csrf.as_ref().map(|csrf| TicketForms {
        csrf: csrf.clone(),
        articles: chrome.articles.clone(),
    });
    let forms = forms.as_ref();
    for stored in answerable {
        render_ticket(&mut html, stored, forms);
    }
    if !unanswerable.is_empty() {
        html.push_str("<h2>No way to reply</h2>\n<p class=\"meta\">These visitors left no email: they were given their reference and may come back with it.</p>\n");
    }
    for stored in unanswerable {
        render_ticket(&mut html, stored, forms);
    }
    page_links(&mut html, chrome);
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

/// Who is signed in, and the log out form.
fn agent_bar(html: &mut String, chrome: &Chrome) {
    let _ = write!(
        html,
        "<div class=\"agent\"><span>Signed in as {}</span>",
        escape(&chrome.signed_in)
    );
    if let Some(csrf) = &chrome.logout_csrf {
        let _ = write!(
            html,
            "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Log out</button></form>",
            escape(csrf)
        );
    }
    html.push_str("</div>\n");
}

/// "Newest tickets" and "Older tickets" links, when there is somewhere to go.
fn page_links(html: &mut String, chrome: &Chrome) {
    if !chrome.later_page && chrome.older.is_none() {
        return;
    }
    html.push_str("<nav class=\"pages\" aria-label=\"Pages\">");
    html.push_str(if chrome.later_page {
        "<a href=\"/inbox\">← Newest tickets</a>"
    } else {
        "<span></span>"
    });
    if let Some(older) = &chrome.older {
        let _ = write!(
            html,
            "<a href=\"{}\" rel=\"next\">Older tickets →</a>",
            escape(older)
        );
    }
    html.push_str("</nav>\n");
}

/// An inbox page as sent: with a CSP as defence in depth (even if escaping had a hole,
/// no script could run), no sniffing and no caching of what visitors wrote.
pub(super) fn respond(html: String) -> Response {
    let headers = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (headers, Html(html)).into_response()
}

/// One ticket with its `forms` (none for an API token's view or an email).
pub(crate) fn render_ticket(html: &mut String, stored: &StoredTicket, forms: Option<&TicketForms>) {
    let t: &Ticket = &stored.ticket;
    html.push_str("<article>\n");
    ticket_header(html, stored);
    verdict_page::section(html, stored);
    delivery_page::section(html, stored, forms.map(|f| f.csrf.as_str()));
    resolution::section(html, stored, forms);
    customer_section(html, t);
    rules_fired_section(html, t);
    transcript_section(html, stored);
    articles_section(html, t);
    flow_path_section(html, t);
    details_section(html, t);
    html.push_str("</article>\n");
}

/// Reason, where to reply, reference and id, queue, priority, review flag and when (and
/// how often) it arrived.
fn ticket_header(html: &mut String, stored: &StoredTicket) {
    let t = &stored.ticket;
    html.push_str("<header>\n");
    let _ = writeln!(html, "<h2>{}</h2>", escape(&t.reason));
    match &stored.reply_to {
        Some(contact) => {
            let _ = writeln!(
                html,
                "<p class=\"reply-to\">Reply to {}</p>",
                contact_html(contact)
            );
        }
        None => html.push_str(
            "<p class=\"reply-to none\">No email given: only the visitor's reference</p>\n",
        ),
    }
    let _ = writeln!(
        html,
        "<span class=\"ref\">Ref {}</span> <span class=\"ref meta\">{}</span>",
        escape(&ticket::reference(&t.id)),
        escape(&t.id)
    );
    verdict_page::badges(html, stored);
    let _ = writeln!(
        html,
        "<span class=\"meta\">received {}{}</span>",
        format_time(stored.received_at_ms),
        if stored.deliveries > 1 {
            format!(" · delivered {} times", stored.deliveries)
        } else {
            String::new()
        }
    );
    html.push_str("</header>\n");
}

/// Who asked, from which page and browser, and when.
fn customer_section(html: &mut String, t: &Ticket) {
    html.push_str("<h3>Customer</h3>\n<dl>\n");
    let c = &t.customer;
    for (label, value) in [("Email", &c.email), ("Name", &c.name), ("Tier", &c.tier)] {
        row(html, label, value.as_deref().unwrap_or("—"));
    }
    row(html, "Page", &t.page.url);
    if !t.page.title.is_empty() {
        row(html, "Page title", &t.page.title);
    }
    if !t.page.referrer.is_empty() {
        row(html, "Referrer", &t.page.referrer);
    }
    row(
        html,
        "Language",
        &format!("{} (browser {})", t.lang, t.page.language),
    );
    row(html, "Browser", &t.page.user_agent);
    row(html, "Created", &format_time(t.created_at_ms));
    row(
        html,
        "Conversation started",
        &format_time(t.conversation_started_at_ms),
    );
    row(html, "KB version", &t.kb_version);
    if !t.tags.is_empty() {
        row(html, "Tags", &t.tags.join(", "));
    }
    html.push_str("</dl>\n");
}

/// The handoff rules that fired and the phrase each matched.
fn rules_fired_section(html: &mut String, t: &Ticket) {
    list_section(html, "Rules fired", "ul", &t.rules_fired, |html, rule| {
        let _ = write!(
            html,
            "<code>{}</code> — {}: “{}”",
            escape(&rule.rule_id),
            escape(&rule.reason),
            escape(&rule.text)
        );
        if let Some(phrase) = &rule.phrase {
            let _ = write!(
                html,
                " <span class=\"meta\">(matched “{}”)</span>",
                escape(phrase)
            );
        }
    });
}

/// The conversation up to the handoff, then what the visitor added after it.
fn transcript_section(html: &mut String, stored: &StoredTicket) {
    html.push_str("<h3>Transcript</h3>\n<ol class=\"transcript\">\n");
    for (i, msg) in stored.ticket.transcript.iter().enumerate() {
        let (class, who, mark) = match msg.from {
            Author::Customer => ("customer", "Customer", ""),
            Author::Bot if verdict_page::is_unverified_line(stored, i) => {
                ("bot unverified", "Bot?", verdict_page::UNVERIFIED_LINE)
            }
            Author::Bot => ("bot", "Bot", ""),
        };
        transcript_line(html, class, who, msg.at_ms, &msg.text, mark);
    }
    html.push_str("</ol>\n");

    if !stored.follow_ups.is_empty() {
        html.push_str("<h3>Added after the handoff</h3>\n<ol class=\"transcript\">\n");
        for f in &stored.follow_ups {
            follow_up_line(html, f);
        }
        html.push_str("</ol>\n");
    }
}

/// A follow-up's text, then the contact and the answers it carried, if any.
pub(crate) fn follow_up_line(html: &mut String, f: &FollowUp) {
    let mut given = String::new();
    if f.contact.is_some() || !f.details.is_empty() {
        given.push_str("<dl>\n");
        if let Some(contact) = &f.contact {
            let _ = writeln!(given, "<dt>Reply to</dt><dd>{}</dd>", contact_html(contact));
        }
        for (field, value) in &f.details {
            detail_row(&mut given, field, value);
        }
        given.push_str("</dl>");
    }
    transcript_line(html, "customer", "Customer", f.at_ms, &f.text, &given);
}

/// `email (name)`, the address in bold: what an agent copies into a reply.
fn contact_html(contact: &Contact) -> String {
    let mut out = format!("<strong>{}</strong>", escape(&contact.email));
    if let Some(name) = &contact.name {
        let _ = write!(out, " ({})", escape(name));
    }
    out
}

/// A checklist answer; a screenshot's (`attachment:<id>`) is shown as the image.
fn detail_row(html: &mut String, field: &str, value: &str) {
    match ticket::attachment_id(value) {
        Some(id) => {
            let _ = writeln!(
                html,
                "<dt>{field}</dt><dd><img class=\"shot\" src=\"/inbox/attachments/{id}\" alt=\"Screenshot: {field}\"></dd>",
                field = escape(field),
                id = escape(id)
            );
        }
        None => row(html, field, value),
    }
}

/// The articles the widget suggested and whether they were opened and helped.
fn articles_section(html: &mut String, t: &Ticket) {
    list_section(
        html,
        "Articles shown",
        "ul",
        &t.articles_shown,
        |html, a| {
            let _ = write!(
                html,
                "{} <code>{}</code> <span class=\"meta\">{}</span>",
                escape(&a.title),
                escape(&a.id),
                article_outcome(a)
            );
        },
    );
}

/// How sure the bot was of an article and what the visitor did with it: "confidence
/// 0.82, opened, did not help".
pub(crate) fn article_outcome(a: &ticket::ArticleShown) -> String {
    let helped = match a.helped {
        Some(true) => "helped",
        Some(false) => "did not help",
        None => "no answer",
    };
    let opened = if a.opened { "opened" } else { "not opened" };
    format!("confidence {:.2}, {opened}, {helped}", a.confidence)
}

/// The troubleshooting steps taken and the answer given at each.
fn flow_path_section(html: &mut String, t: &Ticket) {
    list_section(html, "Flow path", "ol", &t.flow_path, |html, step| {
        let _ = write!(
            html,
            "<code>{}/{}</code> {} → <strong>{}</strong>",
            escape(&step.flow_id),
            escape(&step.step_id),
            escape(&step.prompt),
            escape(&step.answer)
        );
    });
}

/// A heading and a `list` (`ul` or `ol`) with an `<li>` that `item` fills for each of
/// `items`; nothing at all when there are none.
fn list_section<T>(
    html: &mut String,
    heading: &str,
    list: &str,
    items: &[T],
    item: impl Fn(&mut String, &T),
) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(html, "<h3>{heading}</h3>\n<{list}>");
    for each in items {
        html.push_str("<li>");
        item(html, each);
        html.push_str("</li>\n");
    }
    let _ = writeln!(html, "</{list}>");
}

/// The checklist answers, by field id.
fn details_section(html: &mut String, t: &Ticket) {
    if t.details.is_empty() {
        return;
    }
    html.push_str("<h3>Details</h3>\n<dl>\n");
    for (field, value) in &t.details {
        detail_row(html, field, value);
    }
    html.push_str("</dl>\n");
}

/// One line of a transcript; `extra` is markup already escaped, shown under the text.
fn transcript_line(html: &mut String, class: &str, who: &str, at_ms: u64, text: &str, extra: &str) {
    let _ = writeln!(
        html,
        "<li class=\"{class}\"><span class=\"who\">{who}</span><span class=\"meta\">{}</span>\n{}{extra}</li>",
        format_time(at_ms),
        escape(text)
    );
}

fn row(html: &mut String, label: &str, value: &str) {
    let _ = writeln!(html, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
}

/// Escapes text for HTML element content and quoted attribute values, with control
/// and bidi characters shown rather than obeyed ([`display::neutralize`]).
pub fn escape(text: &str) -> String {
    let text = display::neutralize(text);
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Formats Unix milliseconds as `YYYY-MM-DD HH:MM:SS UTC`; no time zone database is
/// needed and agents in any zone read the same thing.
pub fn format_time(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm,
/// restricted to non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn formats_utc_times() {
        assert_eq!(format_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_time(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_time(1_767_225_599_999), "2025-12-31 23:59:59 UTC");
    }
}
