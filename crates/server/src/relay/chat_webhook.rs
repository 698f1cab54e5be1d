//! The short message a Slack or Discord channel gets for an event: the reference, what
//! it is about, where it is sorted, who to reply to, the visitor's last words and a
//! link to the inbox when it has a public URL. Both services authenticate a webhook by
//! the secret in its URL and sign nothing, so these requests are unsigned by design:
//! keep the URL secret (it is in the server config, never in `kb/` or `dist/`).
//!
//! Visitor text cannot become markup: for Slack `&`, `<` and `>` are escaped (so no
//! `<!channel>`, mention or disguised link), for Discord markdown is escaped and
//! `allowed_mentions` is empty (so no `@everyone`).

use serde_json::{Value, json};

use deflect_engine::ticket::Author;

use super::email::inbox_link;
use super::event::RelayEvent;
use super::triage::{Triage, one_line};

/// The longest quote of the visitor, in characters.
const MAX_QUOTE_CHARS: usize = 300;
/// Discord's embed colour for the side bar (the widget's default brand indigo).
const DISCORD_COLOR: u32 = 0x4f46e5;

/// What both shapes say, as plain text (each escapes it its own way).
struct Summary {
    headline: String,
    triage: String,
    reply: String,
    /// The follow-up's text, or the visitor's last message before the handoff.
    quote: Option<String>,
    link: Option<String>,
}

impl Summary {
    fn of(event: &RelayEvent<'_>, inbox_url: Option<&str>) -> Self {
        let stored = event.ticket();
        let triage = Triage::of(stored);
        let headline = match event {
            RelayEvent::Created { .. } => {
                format!("New ticket {}: {}", triage.reference, triage.reason)
            }
            RelayEvent::FollowUp { .. } => {
                format!("Follow-up on {}: {}", triage.reference, triage.reason)
            }
        };
        let quote = match event.follow_up() {
            Some(follow_up) => Some(follow_up.text.as_str()),
            None => stored
                .ticket
                .transcript
                .iter()
                .rev()
                .find(|m| m.from == Author::Customer)
                .map(|m| m.text.as_str()),
        };
        Self {
            headline,
            triage: format!(
                "{} · {}{}{}",
                triage.queue,
                triage.priority,
                if triage.needs_review {
                    " · needs review"
                } else {
                    ""
                },
                if triage.checked { "" } else { " · unchecked" }
            ),
            reply: match &stored.reply_to {
                Some(contact) => format!("Reply to {}", one_line(&contact.email, MAX_QUOTE_CHARS)),
                None => "No email given: the visitor has only the reference".to_owned(),
            },
            quote: quote
                .map(|q| one_line(q, MAX_QUOTE_CHARS))
                .filter(|q| !q.is_empty()),
            link: inbox_url.map(inbox_link),
        }
    }
}

/// A Slack incoming-webhook message: `text` (notifications, and clients without
/// blocks) and one `mrkdwn` section.
pub fn slack(event: &RelayEvent<'_>, inbox_url: Option<&str>) -> Value {
    let s = Summary::of(event, inbox_url);
    let mut lines = vec![
        format!("*{}*", slack_escape(&s.headline)),
        slack_escape(&s.triage),
        slack_escape(&s.reply),
    ];
    if let Some(quote) = &s.quote {
        lines.push(format!("> {}", slack_escape(quote)));
    }
    if let Some(link) = &s.link {
        lines.push(format!("<{}|Open the inbox>", slack_escape(link)));
    }
    json!({
        "text": slack_escape(&s.headline),
        "blocks": [{ "type": "section", "text": { "type": "mrkdwn", "text": lines.join("\n") } }],
    })
}

/// A Discord webhook message: one line of `content` and an embed, with mentions off.
pub fn discord(event: &RelayEvent<'_>, inbox_url: Option<&str>) -> Value {
    let s = Summary::of(event, inbox_url);
    let mut description = vec![discord_escape(&s.triage), discord_escape(&s.reply)];
    if let Some(quote) = &s.quote {
        description.push(format!("> {}", discord_escape(quote)));
    }
    let mut embed = json!({
        "title": discord_escape(&s.headline),
        "description": description.join("\n"),
        "color": DISCORD_COLOR,
    });
    if let Some(link) = s.link {
        embed["url"] = Value::String(link);
    }
    json!({
        "content": discord_escape(&s.headline),
        "embeds": [embed],
        "allowed_mentions": { "parse": [] },
    })
}

/// Slack's three control characters as entities (its documented escaping).
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Discord markdown's special characters, backslash-escaped.
fn discord_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '@' | '<'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn slack_gets_a_summary_where_visitor_text_cannot_mention_or_link() {
        let mut stored = fixture::stored();
        stored.ticket.transcript[0].text =
            "<!channel> see <https://evil.example|your bank>".to_owned();
        let message = slack(
            &RelayEvent::Created { ticket: &stored },
            Some("https://support.shop.example"),
        );
        let text = message["blocks"][0]["text"]["text"].as_str().unwrap();
        assert!(
            text.contains("&lt;!channel&gt; see &lt;https://evil.example|your bank&gt;"),
            "{text}"
        );
        assert!(text.contains("*New ticket 0A1B2C3D: Refund Bcc: evil@example.com*"));
        assert!(text.contains("Billing · urgent · needs review"));
        assert!(text.ends_with("<https://support.shop.example/inbox|Open the inbox>"));
        assert_eq!(
            message["text"],
            "New ticket 0A1B2C3D: Refund Bcc: evil@example.com"
        );
    }

    #[test]
    fn discord_gets_an_embed_with_mentions_off_and_markdown_escaped() {
        let (stored, mut follow_up) = (fixture::stored(), fixture::follow_up());
        follow_up.text = "@everyone **urgent** [click](https://evil.example)".to_owned();
        let event = RelayEvent::FollowUp {
            ticket: &stored,
            follow_up: &follow_up,
        };
        let message = discord(&event, None);
        assert_eq!(message["allowed_mentions"]["parse"], json!([]));
        let description = message["embeds"][0]["description"].as_str().unwrap();
        assert!(
            description.contains(r"\@everyone \*\*urgent\*\* \[click\]\(https://evil.example\)"),
            "{description}"
        );
        assert!(message["embeds"][0].get("url").is_none());
        assert_eq!(
            message["content"],
            r"Follow-up on 0A1B2C3D: Refund Bcc: evil\@example.com"
        );
    }
}
