//! What the bot says. Kept in one place so translations can replace it whole.

pub const FOUND: &str = "Here's what I found:";
pub const NOT_SURE: &str =
    "I'm not sure I understood. These might help — or I can get a person to help you.";
pub const NOTHING_FOUND: &str =
    "I couldn't find anything about that. Try other words, or talk to a person.";
pub const FLOW_ARTICLE: &str = "This article should help:";
pub const SOLVED: &str = "Great — glad that's sorted! Anything else?";
pub const TRY_NEXT: &str = "Sorry about that. Let's try something else:";
pub const MISSES_REASON: &str = "Suggested answers did not help";
pub const HUMAN_REQUESTED: &str = "Visitor asked to talk to a person";
pub const SELF_SERVICE_FIRST: &str = "Most problems like this are fixed in a minute with these steps. If they don't help, press \u{201c}Talk to a person\u{201d} again and I'll pass this on.";
pub const DETAILS_INVALID: &str = "Please check the highlighted details.";

pub fn handed_off(brand: &str, response_time: &str, reference: &str) -> String {
    format!(
        "Thanks — I've passed this to the {brand} team. A person will reply {response_time}. Your reference: {reference}."
    )
}

pub fn already_handed_off(response_time: &str, reference: &str) -> String {
    format!("Your request {reference} is with our team; a person will reply {response_time}.")
}
