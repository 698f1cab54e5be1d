//! Matching beyond exact words, natively on the sample KB as the browser gets it:
//! typos, the KB's synonyms, expansion by meaning, sentence vectors, Spanish articles,
//! "not sure", and why an answer was chosen.

mod common;

fn top(engine: &deflect::Engine, question: &str, lang: &str) -> (String, f32) {
    let matches = engine.search(question, lang, 3).unwrap();
    let first = matches
        .first()
        .unwrap_or_else(|| panic!("{question:?}: no match"));
    (first.id.clone(), first.confidence)
}

#[test]
fn misspelt_words_still_find_their_article() {
    let engine = common::sample_engine();
    let threshold = engine.kb().settings.confident_threshold;
    for (question, article) in [
        ("how do I reset my pasword", "reset-password"),
        ("can I get a reimbursment", "refund-policy"),
        ("where are my invocies", "invoices-receipts"),
    ] {
        let (id, confidence) = top(&engine, question, "en");
        assert_eq!(id, article, "{question:?}");
        assert!(confidence >= threshold, "{question:?}: {confidence}");
    }
}

#[test]
fn synonyms_from_the_kb_find_articles_worded_otherwise() {
    let engine = common::sample_engine();
    // "proof of purchase" is only in kb/synonyms.toml, next to "invoice" and "receipt".
    let (id, _) = top(&engine, "where is my proof of purchase", "en");
    assert_eq!(id, "invoices-receipts");
    // "clip" is a synonym of "video".
    let (id, _) = top(&engine, "the clip is stuck loading", "en");
    assert_eq!(id, "video-not-playing");
}

#[test]
fn words_of_similar_meaning_find_the_kb_words() {
    let engine = common::sample_engine();
    // No article says "cash"; the meaning table leads it to "money".
    let (id, confidence) = top(&engine, "I need cash back for the course", "en");
    assert_eq!(id, "refund-policy");
    assert!(confidence >= engine.kb().settings.confident_threshold);
}

#[test]
fn sentence_vectors_find_the_article_closest_in_meaning() {
    let mut index = common::sample_index();
    let first = |index: &deflect::search::SearchIndex| {
        index
            .search("I was billed twice this month", "en", 3)
            .unwrap()[0]
            .id
            .clone()
    };
    // "billed" and "month" are invoice words; the question means a double charge.
    assert_eq!(first(&index), "duplicate-charge");
    // The vectors alone find it, and without them (nor the classifier, which sees them
    // too) the words lead elsewhere.
    let without_classifier = deflect::search::Features {
        classifier: false,
        ..Default::default()
    };
    index.set_features(without_classifier);
    assert_eq!(first(&index), "duplicate-charge");
    index.set_features(deflect::search::Features {
        vectors: false,
        ..without_classifier
    });
    assert_ne!(first(&index), "duplicate-charge");
}

#[test]
fn spanish_questions_use_the_spanish_analyser_and_synonyms() {
    let engine = common::sample_engine();
    let (id, _) = top(&engine, "quiero que me devuelvan el dinero", "es");
    assert_eq!(id, "politica-reembolso-es");
    // "entrar" is a Spanish synonym of "iniciar sesión".
    let (id, _) = top(
        &engine,
        "no puedo entrar, dice que mi correo no existe",
        "es",
    );
    assert_eq!(id, "correo-no-reconocido-es");
    let (id, _) = top(&engine, "olvidé mi contraseña", "es-ES");
    assert_eq!(id, "restablecer-contrasena-es");
}

#[test]
fn a_long_paste_costs_no_more_than_a_bounded_question() {
    let engine = common::sample_engine();
    let paste = "my download link expired and the zip won't open ".repeat(2_200); // ~100 KB
    let started = std::time::Instant::now();
    let matches = engine.search(&paste, "en", 5).unwrap();
    assert!(!matches.is_empty());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(engine.suggest(&paste, "en", 3).is_ok());
}

#[test]
fn explain_names_the_matched_words_fields_and_best_question() {
    let index = common::sample_index();
    let why = index
        .explain("how do I reset my pasword", "en", "reset-password")
        .unwrap();
    let password = why.words.iter().find(|w| w.term == "password").unwrap();
    assert!(password.via.contains("typo"), "{password:?}");
    assert!(password.fields.contains(&"title"), "{password:?}");
    let (question, shared) = why.best_question.unwrap();
    assert!(question.to_lowercase().contains("password"), "{question}");
    assert!(shared.contains(&"reset".to_string()), "{shared:?}");
    let (closest, similarity) = why.closest_in_meaning.unwrap();
    assert!(
        closest.to_lowercase().contains("password") && similarity > 0.5,
        "{closest}: {similarity}"
    );
    let (probability, parts) = why.learned.expect("the classifier has an opinion");
    assert!(probability > 0.2, "{probability}");
    assert!(parts.words > 0.0 && parts.pieces > 0.0, "{parts:?}");
    assert!(index.explain("anything", "en", "no-such-article").is_none());
    let spanish = index
        .explain("olvidé mi contraseña", "es", "restablecer-contrasena-es")
        .unwrap();
    assert!(
        spanish.closest_in_meaning.is_none(),
        "sentence vectors are English only"
    );
}

#[test]
fn the_meaning_table_shipped_with_the_sample_kb_is_small() {
    let table = postcard::to_allocvec(&common::sample_bundle().expansion).unwrap();
    let gzip = common::gzip_size(&table);
    assert!(gzip > 1_000, "the table is not empty: {gzip} bytes");
    assert!(gzip < 24 * 1024, "{gzip} bytes gzip");
}

#[test]
fn the_vector_table_shipped_with_the_sample_kb_is_small() {
    let table = postcard::to_allocvec(&common::sample_bundle().vectors).unwrap();
    let gzip = common::gzip_size(&table);
    assert!(gzip > 5_000, "the table is not empty: {gzip} bytes");
    // The escalation rules' English words have vectors too (1.5 KB of it).
    assert!(gzip < 22 * 1024, "{gzip} bytes gzip");
}

#[test]
fn the_classifier_learned_from_the_example_questions_ships_with_the_index() {
    let bundle = common::sample_bundle();
    let classifier = &bundle.classifier;
    let bytes = &postcard::to_allocvec(classifier).unwrap();
    let langs: Vec<&str> = classifier.models.iter().map(|m| m.lang.as_str()).collect();
    assert_eq!(langs, ["en", "es"]);
    let gzip = common::gzip_size(bytes);
    assert!(gzip < 96 * 1024, "{gzip} bytes gzip");

    // It changes the ranking: its scores are added to the term and vector scores.
    let mut index = common::sample_index();
    let scores = |index: &deflect::search::SearchIndex| -> Vec<(String, f32)> {
        index
            .search("my purchase never arrived in my library", "en", 5)
            .unwrap()
            .into_iter()
            .map(|m| (m.id, m.score))
            .collect()
    };
    let with = scores(&index);
    index.set_features(deflect::search::Features {
        classifier: false,
        ..Default::default()
    });
    assert_ne!(with, scores(&index));
}
