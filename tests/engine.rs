//! The engine end to end, natively: the same bundle the browser opens.

mod common;

use deflect::conversation::Status;
use deflect::search::EntryKind;

#[test]
fn common_questions_find_their_article_first() {
    let engine = common::sample_engine();
    for (question, article) in [
        ("How do I reset my password?", "reset-password"),
        ("I forgot my password", "reset-password"),
        ("how can I get a refund", "refund-policy"),
        ("where are my invoices", "invoices-receipts"),
        ("the video keeps buffering", "video-not-playing"),
        ("how do I cancel my membership", "cancel-subscription"),
        (
            "Do I get a certificate when I finish?",
            "certificate-of-completion",
        ),
    ] {
        let matches = engine.search(question, "en", 3).unwrap();
        let ids: Vec<&str> = matches.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.first(), Some(&article), "{question:?} → {ids:?}");
        assert!(
            matches[0].confidence >= engine.kb().settings.confident_threshold,
            "{question:?}: {matches:?}"
        );
    }
}

#[test]
fn unrelated_questions_are_not_confident() {
    let engine = common::sample_engine();
    for question in [
        "how much has the dow changed today",
        "can you dim the brightness of my screen",
        "what's the weather in Paris",
    ] {
        let matches = engine.search(question, "en", 3).unwrap();
        let confidence = matches.first().map_or(0.0, |m| m.confidence);
        assert!(
            confidence < engine.kb().settings.confident_threshold,
            "{question:?}: {matches:?}"
        );
    }
}

#[test]
fn spanish_visitors_get_spanish_articles() {
    let engine = common::sample_engine();
    let matches = engine
        .search("¿Cómo restablezco mi contraseña?", "es-MX", 3)
        .unwrap();
    assert_eq!(matches[0].id, "restablecer-contrasena-es", "{matches:?}");
    // Spanish has no sentence vectors: the article's own words decide, and they all match.
    assert!(matches[0].confidence > 0.9, "{matches:?}");
    let unrelated = engine.search("qué tiempo hace en París", "es", 3).unwrap();
    assert!(
        unrelated[0].confidence < engine.kb().settings.confident_threshold,
        "{unrelated:?}"
    );
}

#[test]
fn any_text_is_safe_to_ask() {
    let engine = common::sample_engine();
    let paste = "I can't log in ".repeat(7_000); // ~100 KB
    let hostile = [
        "",
        "   \n\t",
        "\"",
        "title:password",
        "(((",
        "password AND OR NOT",
        "reset* ~2 ^3 [a TO z] {}",
        "🎨🖌️💸",
        "لا أستطيع تسجيل الدخول",
        "\u{202E}drowssap\u{0000}\u{0007}",
        "\\",
        "'; DROP TABLE tickets; --",
        &paste,
    ];
    for text in hostile {
        engine.search(text, "en", 5).unwrap();
        engine.suggest(text, "en", 3).unwrap();
        let mut chat = common::start(&engine);
        chat.say(&engine, text, 1).unwrap();
    }
    let login = engine.search(&paste, "en", 3).unwrap();
    assert!(!login.is_empty());
}

#[test]
fn suggestions_complete_the_last_word() {
    let engine = common::sample_engine();
    let ids: Vec<String> = engine
        .suggest("reset my passw", "en", 3)
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(
        ids.first().map(String::as_str),
        Some("reset-password"),
        "{ids:?}"
    );
}

#[test]
fn a_confident_answer_offers_the_article_and_its_flow() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.say(&engine, "How do I reset my password?", 2).unwrap();
    assert!(reply.sure);
    assert_eq!(reply.articles[0].id, "reset-password");
    assert!(
        reply.flows.iter().any(|f| f.id == "cant-log-in"),
        "{reply:?}"
    );
    assert!(reply.handoff.is_none());
}

#[test]
fn a_flow_walked_to_solved_deflects() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    let step = reply.step.unwrap();
    let forgot = step
        .choices
        .iter()
        .position(|c| c == "I forgot my password")
        .unwrap();
    let reply = chat.choose(&engine, forgot, 3).unwrap();
    let step = reply.step.unwrap();
    assert!(step.can_go_back);
    assert!(
        !step.prompt.contains("**"),
        "prompt is plain text: {}",
        step.prompt
    );
    assert!(
        step.prompt_html.contains("<strong>"),
        "{}",
        step.prompt_html
    );
    let yes = step
        .choices
        .iter()
        .position(|c| c.starts_with("Yes"))
        .unwrap();
    let reply = chat.choose(&engine, yes, 4).unwrap();
    assert!(reply.solved);
    assert_eq!(chat.status(), Status::Solved);
    assert!(
        chat.ticket(&engine).is_none(),
        "no ticket for a solved conversation"
    );
}

#[test]
fn back_returns_to_the_previous_step() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let first = chat
        .start_flow(&engine, "cant-log-in", 2)
        .unwrap()
        .step
        .unwrap();
    chat.choose(&engine, 0, 3).unwrap();
    let again = chat.back(&engine, 4).unwrap().step.unwrap();
    assert_eq!(again.step_id, first.step_id);
}

#[test]
fn choosing_without_a_flow_is_an_error_not_a_panic() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    assert!(chat.choose(&engine, 0, 1).is_err());
    chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    assert!(chat.choose(&engine, 99, 3).is_err());
    assert!(chat.start_flow(&engine, "no-such-flow", 4).is_err());
}

#[test]
fn chargeback_hands_off_with_full_context() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "How do I reset my password?", 2).unwrap();
    let reply = chat
        .say(&engine, "I already contacted my bank about a chargeback", 3)
        .unwrap();
    let handoff = reply.handoff.expect("handoff");
    assert_eq!(handoff.queue, "Human-Escalation");
    let reply = chat
        .give_contact(&engine, Some("maya@example.com"), None, 4)
        .unwrap();
    let reply = chat.skip_details(&engine, 5).unwrap_or(reply);
    assert!(
        reply.messages[0].contains("to maya@example.com within 24 hours"),
        "{:?}",
        reply.messages
    );
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.rules_fired[0].rule_id, "chargeback");
    assert_eq!(
        ticket.rules_fired[0].text,
        "I already contacted my bank about a chargeback"
    );
    assert_eq!(
        ticket
            .transcript
            .iter()
            .filter(|m| m.from == deflect::ticket::Author::Customer)
            .count(),
        3,
        "two questions and the email given after the handoff"
    );
    assert_eq!(ticket.articles_shown[0].id, "reset-password");
    assert!(
        ticket.tags.contains(&"password".to_string()),
        "{:?}",
        ticket.tags
    );
    assert_eq!(ticket.kb_version, engine.kb().version);
    // Once handed off the bot stops deflecting.
    let after = chat.say(&engine, "How do I reset my password?", 4).unwrap();
    assert!(after.articles.is_empty() && after.handoff.is_none());
}

#[test]
fn a_flow_can_end_in_a_handoff_with_the_checklist_filled() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let mut reply = chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    let mut now = 3;
    // Walk "Something else" → details.
    let step = reply.step.clone().unwrap();
    let other = step
        .choices
        .iter()
        .position(|c| c == "Something else")
        .unwrap();
    reply = chat.choose(&engine, other, now).unwrap();
    let checklist = reply
        .step
        .as_ref()
        .and_then(|s| s.checklist.clone())
        .expect("a checklist step");
    now += 1;
    let bad: std::collections::BTreeMap<String, String> =
        [("signup_email".to_string(), "nope".to_string())].into();
    let errors = chat.submit_details(&engine, &bad, now).unwrap().errors;
    assert!(errors.contains_key("signup_email"), "{errors:?}");
    let good: std::collections::BTreeMap<String, String> = checklist
        .fields
        .iter()
        .map(|f| {
            let value = match f.kind {
                deflect::model::FieldKind::Email => "maya@example.com".to_string(),
                deflect::model::FieldKind::Url => "https://example.com/shot.png".to_string(),
                deflect::model::FieldKind::Choice => f.options[0].clone(),
                deflect::model::FieldKind::Text => "Chrome on macOS".to_string(),
                deflect::model::FieldKind::Order => "BA-10432".to_string(),
                deflect::model::FieldKind::Last4 => "4242".to_string(),
                deflect::model::FieldKind::Screenshot => "attachment:0f8e2a1c-77aa".to_string(),
            };
            (f.id.clone(), value)
        })
        .collect();
    let reply = chat.submit_details(&engine, &good, now + 1).unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.details["signup_email"], "maya@example.com");
    assert_eq!(ticket.flow_path.len(), 2);
    assert!(ticket.rules_fired.is_empty());
}

#[test]
fn vip_customers_reach_a_person_at_once() {
    let engine = common::sample_engine();
    let mut chat = common::start_as(&engine, Some("vip"));
    let reply = chat
        .say(&engine, "hello, quick question about my course", 2)
        .unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    assert_eq!(
        chat.ticket(&engine).unwrap().priority,
        deflect::model::Priority::High
    );
}

#[test]
fn flows_are_found_by_their_questions() {
    let engine = common::sample_engine();
    let matches = engine.search("I can't log in", "en", 5).unwrap();
    assert!(
        matches
            .iter()
            .any(|m| m.kind == EntryKind::Flow && m.id == "cant-log-in"),
        "{matches:?}"
    );
}

#[test]
fn tickets_match_the_published_schema() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "the video won't play", 2).unwrap();
    chat.say(&engine, "I will sue you", 3).unwrap();
    let ticket = chat.ticket(&engine).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schema/ticket.v1.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let json = serde_json::to_value(&ticket).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // And the schema is not vacuous: a ticket without a queue is rejected.
    let mut broken = json.clone();
    broken.as_object_mut().unwrap().remove("queue");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn conversation_state_survives_a_round_trip() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    let saved = chat.save().unwrap();
    let mut restored = deflect::Conversation::restore(&saved).unwrap();
    assert_eq!(restored.save().unwrap(), saved);
    assert!(restored.choose(&engine, 0, 3).is_ok());
}

#[test]
fn a_damaged_or_foreign_saved_conversation_is_refused() {
    let engine = common::sample_engine();
    let saved = common::start(&engine).save().unwrap();
    let half: String = saved.chars().take(saved.chars().count() / 2).collect();
    for bad in ["", "\u{1F600}", &half, "\u{1}", "\u{2}"] {
        let err = deflect::Conversation::restore(bad).unwrap_err();
        assert!(
            err.to_string().starts_with("saved conversation: "),
            "{bad:?}: {err}"
        );
    }
}

/// Saved conversations carry no field names (`conversation::saved`), so a change of
/// shape must come with a new state version. This lists every field a conversation
/// that went through articles, a flow and a handoff has: when it fails, bump
/// `STATE_VERSION` in `crates/engine/src/conversation/saved.rs` and update the list.
#[test]
fn a_saved_conversation_keeps_its_shape() {
    let engine = common::sample_engine();
    let mut chat = common::start_as(&engine, Some("vip"));
    chat.say(&engine, "how do I reset my password", 2).unwrap();
    chat.open_article(&engine, "change-email", 2).unwrap();
    chat.start_flow(&engine, "cant-log-in", 3).unwrap();
    chat.choose(&engine, 0, 4).unwrap();
    chat.request_human(&engine, 5);
    let mut paths = std::collections::BTreeSet::new();
    field_paths(
        &serde_json::to_value(&chat).unwrap(),
        String::new(),
        &mut paths,
    );
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    assert_eq!(
        (deflect::conversation::STATE_VERSION, paths),
        (1, SHAPE.to_vec()),
        "the conversation changed shape: bump STATE_VERSION and update SHAPE"
    );
}

fn field_paths(
    value: &serde_json::Value,
    at: String,
    out: &mut std::collections::BTreeSet<String>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                out.insert(path.clone());
                field_paths(value, path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                field_paths(item, format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

const SHAPE: &[&str] = &[
    "articles_shown",
    "articles_shown[].at_ms",
    "articles_shown[].confidence",
    "articles_shown[].helped",
    "articles_shown[].id",
    "articles_shown[].opened",
    "articles_shown[].title",
    "asking",
    "asking[].details",
    "customer",
    "customer.email",
    "customer.name",
    "customer.signature",
    "customer.tier",
    "customer_messages",
    "details",
    "flow_path",
    "flow_path[].answer",
    "flow_path[].at_ms",
    "flow_path[].flow_id",
    "flow_path[].prompt",
    "flow_path[].step_id",
    "handoff",
    "handoff.at_ms",
    "handoff.needs_review",
    "handoff.priority",
    "handoff.queue",
    "handoff.reason",
    "id",
    "lang",
    "misses",
    "page",
    "page.language",
    "page.referrer",
    "page.title",
    "page.url",
    "page.user_agent",
    "position",
    "redactions",
    "redactions.card_numbers",
    "rules_fired",
    "rules_fired[].phrase",
    "rules_fired[].reason",
    "rules_fired[].rule_id",
    "rules_fired[].text",
    "self_service_offered",
    "started_at_ms",
    "status",
    "tags",
    "tier_changed",
    "transcript",
    "transcript[].at_ms",
    "transcript[].from",
    "transcript[].text",
    "troubleshooting_suggested",
];

/// The browser engine links the stemmers of its KB's languages only; opened with a KB in
/// another, it says so rather than analysing it as English.
#[test]
fn a_kb_in_a_language_the_engine_was_built_without_is_refused() {
    let mut bundle = deflect::bundle::Bundle::decode(deflect::SAMPLE_BUNDLE).unwrap();
    assert!(deflect::Engine::from_bundle(bundle.clone()).is_ok());
    bundle.kb.articles[0].lang = "xx".into();
    match deflect::Engine::from_bundle(bundle) {
        Err(deflect::Error::LanguageNotBuilt(lang)) => assert_eq!(lang, "xx"),
        Err(other) => panic!("another error: {other}"),
        Ok(_) => panic!("opened a KB in a language the engine cannot analyse"),
    }
}

#[test]
fn a_kb_names_every_language_its_text_is_analysed_in() {
    let kb = common::sample_kb();
    assert_eq!(kb.languages().into_iter().collect::<Vec<_>>(), ["en", "es"]);
}

/// Feedback that puts a question under another article than the one the KB answers it
/// with confidently is held back by `deflect learn` (`deflect_engine::feedback`).
#[test]
fn feedback_the_kb_contradicts_confidently_is_named() {
    let engine = common::sample_engine();
    let question = "How do I reset my password?";
    assert_eq!(
        engine
            .contradicting_answer(question, "change-email", "en")
            .as_deref(),
        Some("reset-password")
    );
    assert_eq!(
        engine.contradicting_answer(question, "reset-password", "en"),
        None
    );
    // Nothing the KB is sure of: no article contradicts.
    assert_eq!(
        engine.contradicting_answer("do you sell easels", "change-email", "en"),
        None
    );
}
