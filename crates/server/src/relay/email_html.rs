//! The email's HTML part: the inbox's own view of the ticket ([`page::render_ticket`],
//! where every value is escaped and nothing a visitor wrote becomes markup or a link),
//! under a line on where a reply goes and, for a follow-up, what was added. The styles
//! are plain CSS in the head (no variables), which mail clients that keep styles
//! understand; without them the headings and lists still read in order.

use std::fmt::Write as _;

use deflect_engine::ticket;

use super::email::{Letter, inbox_link};
use crate::page::{self, escape};

/// Styles for mail clients: light, no custom properties, no external resources.
const STYLE: &str = "
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d232b; }
main { max-width: 48rem; }
.lead { font-size: 1.05em; padding: .5rem .75rem; background: #f4f5f7; border-radius: 6px; }
h2 { font-size: 1.1rem; margin: 1rem 0 .25rem; }
h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #5d6773; margin: 1rem 0 .3rem; }
code, .ref { font-family: ui-monospace, Menlo, monospace; font-size: .85em; }
.meta, dt { color: #5d6773; }
.badge { display: inline-block; padding: 0 .5rem; border: 1px solid #dde1e6; border-radius: 999px; font-size: .8em; }
.p-high, .p-urgent, .review, .claim, .unverified, .check, .reply-to.none { color: #b45309; }
.verified { color: #15803d; }
dl { margin: 0; } dt { float: left; clear: left; margin-right: 1rem; } dd { margin: 0 0 .15rem 10rem; }
.transcript { list-style: none; padding: 0; }
.transcript li { margin: .25rem 0; padding: .35rem .6rem; border: 1px solid #dde1e6; border-radius: 6px; white-space: pre-wrap; }
.transcript .customer { border-left: 3px solid #2563eb; }
.transcript .who { font-weight: 600; margin-right: .4rem; }
";

/// The HTML part of `letter`.
pub fn render(letter: &Letter) -> String {
    let mut html = String::with_capacity(8192);
    html.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        html,
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        escape(&letter.subject)
    );
    let _ = writeln!(html, "<p class=\"lead\">{}</p>", escape(&letter.reply_note));
    if let Some(follow_up) = &letter.follow_up {
        let _ = writeln!(
            html,
            "<h2>The customer added to {}</h2>\n<ol class=\"transcript\">",
            escape(&ticket::reference(&letter.ticket.ticket.id))
        );
        page::follow_up_line(&mut html, follow_up);
        html.push_str("</ol>\n<h2>The whole ticket</h2>\n");
    }
    page::render_ticket(&mut html, &letter.ticket, None);
    if let Some(url) = &letter.inbox_url {
        let link = escape(&inbox_link(url));
        let _ = writeln!(html, "<p><a href=\"{link}\">Open the inbox</a></p>");
    }
    html.push_str("</main>\n</body>\n</html>\n");
    html
}
