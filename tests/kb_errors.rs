//! A mistake in `kb/` must fail the build with the file, the line and what is wrong.

mod common;

use std::fs;

use deflect_compile::compile_dir;

#[test]
fn the_sample_kb_is_valid() {
    assert_eq!(common::kb_errors_after(|_| {}), Vec::<String>::new());
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    let errors = common::kb_errors_after(|kb| {
        fs::write(
            kb.join("articles/broken.md"),
            "+++\nid = \"broken\"\ntitle = \"Broken\ncategory = \"tech\"\n+++\nBody\n",
        )
        .unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("articles/broken.md:3: "),
        "{errors:?}"
    );
}

#[test]
fn unknown_front_matter_field_is_named() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("articles/reset-password.md"),
            "title =",
            "titel = \"x\"\ntitle =",
        )
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("articles/reset-password.md:3: unknown field `titel`"),
        "{errors:?}"
    );
}

#[test]
fn missing_front_matter_is_explained() {
    let errors = common::kb_errors_after(|kb| {
        fs::write(kb.join("articles/plain.md"), "# Just markdown\n").unwrap()
    });
    assert_eq!(
        errors,
        [
            "articles/plain.md:1: an article must start with a `+++` line, then TOML front matter, then `+++`"
        ]
    );
}

#[test]
fn bad_category_points_at_its_line() {
    let errors = common::kb_errors_after(|kb| {
        fs::write(kb.join("articles/x.md"), "+++\nid = \"x\"\ntitle = \"X\"\ncategory = \"stuff\"\nquestions = [\"x?\"]\n+++\nBody\n").unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("articles/x.md:4: unknown category `stuff`"),
        "{errors:?}"
    );
}

#[test]
fn duplicate_ids_name_both_places() {
    let errors = common::kb_errors_after(|kb| {
        let text = fs::read_to_string(kb.join("articles/reset-password.md")).unwrap();
        fs::write(kb.join("articles/zz-copy.md"), text).unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("articles/zz-copy.md:2: id `reset-password` is already used by"),
        "{errors:?}"
    );
}

#[test]
fn flow_pointing_nowhere_fails() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("flows/cant-log-in.toml"),
            "goto = \"reset\"",
            "goto = \"nowhere\"",
        )
    });
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("flows/cant-log-in.toml:")
                && e.contains("goes to `nowhere`, which does not exist")),
        "{errors:?}"
    );
}

#[test]
fn flow_with_unreachable_step_fails() {
    let errors = common::kb_errors_after(|kb| {
        let path = kb.join("flows/cant-log-in.toml");
        let text = fs::read_to_string(&path).unwrap()
            + "\n[[steps]]\nid = \"orphan\"\nprompt = \"?\"\nchoices = [{ label = \"ok\", solved = true }]\n";
        fs::write(path, text).unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("step `orphan` can never be reached"),
        "{errors:?}"
    );
}

#[test]
fn flow_cycle_without_exit_fails() {
    let errors = common::kb_errors_after(|kb| {
        let flow = "id = \"loop\"\ntitle = \"Loop\"\nstart = \"a\"\n\n[[steps]]\nid = \"a\"\nprompt = \"A\"\nchoices = [{ label = \"next\", goto = \"b\" }]\n\n[[steps]]\nid = \"b\"\nprompt = \"B\"\nchoices = [{ label = \"back\", goto = \"a\" }]\n";
        fs::write(kb.join("flows/loop.toml"), flow).unwrap();
    });
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.contains("cycle with no way out")),
        "{errors:?}"
    );
    assert!(errors[0].starts_with("flows/loop.toml:5: "), "{errors:?}");
}

#[test]
fn choice_with_two_outcomes_fails() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("flows/cant-log-in.toml"),
            "goto = \"reset\"",
            "goto = \"reset\", solved = true",
        )
    });
    assert!(
        errors.iter().any(|e| e.contains("give exactly one of")),
        "{errors:?}"
    );
}

#[test]
fn unknown_article_in_flow_fails() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("flows/cant-log-in.toml"),
            "article = \"magic-link-expired\"",
            "article = \"no-such-article\"",
        )
    });
    assert!(
        errors
            .iter()
            .any(|e| e.contains("article `no-such-article` does not exist")),
        "{errors:?}"
    );
}

#[test]
fn bad_settings_are_caught() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(&kb.join("settings.toml"), "#4f46e5", "indigo")
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("settings.toml:3: brand_color must look like"),
        "{errors:?}"
    );
}

#[test]
fn settings_for_an_unsupported_language_are_caught() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("settings.toml"),
            "[languages.es]",
            "[languages.xx]",
        )
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("settings.toml:13: [languages.xx]: not a supported language"),
        "{errors:?}"
    );
}

#[test]
fn a_stray_file_is_reported() {
    let errors = common::kb_errors_after(|kb| fs::write(kb.join("rule.toml"), "").unwrap());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("rule.toml:1: unexpected file"),
        "{errors:?}"
    );
}

#[test]
fn all_mistakes_are_reported_at_once() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(&kb.join("settings.toml"), "#4f46e5", "indigo");
        fs::write(kb.join("articles/plain.md"), "# Just markdown\n").unwrap();
    });
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn broken_rule_case_fails_with_its_line() {
    let dir = common::scratch_kb();
    let path = dir.path().join("rule-tests.toml");
    let text = fs::read_to_string(&path).unwrap()
        + "\n[[case]]\nname = \"wrong on purpose\"\nmessages = [\"I love this course\"]\nexpect_escalate = [\"chargeback\"]\n";
    fs::write(&path, &text).unwrap();
    let compiled = compile_dir(dir.path()).unwrap();
    let report = common::rule_case_report(&compiled);
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.false_negatives, 1);
    let line = text
        .lines()
        .position(|l| l == "name = \"wrong on purpose\"")
        .unwrap();
    assert_eq!(
        report.failures[0].line, line,
        "the case's [[case]] header line"
    );
}

/// Runs the matching cases of a scratch copy of the sample KB with `extra` appended to
/// its matching-tests.toml; returns the report and the line `extra` starts on.
fn matching_report_with(extra: &str) -> (deflect_compile::MatchingCaseReport, usize) {
    let dir = common::scratch_kb();
    let path = dir.path().join("matching-tests.toml");
    let before = fs::read_to_string(&path).unwrap() + "\n";
    fs::write(&path, before.clone() + extra).unwrap();
    let compiled = compile_dir(dir.path()).unwrap();
    let (_, report) = deflect_compile::bundle_and_check(&compiled).unwrap();
    (report, before.lines().count() + 1)
}

#[test]
fn the_sample_kbs_matching_cases_pass() {
    let (report, _) = matching_report_with("");
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert!(report.passed >= 15, "{}", report.passed);
}

#[test]
fn a_question_sent_elsewhere_fails_its_matching_case_with_its_line() {
    let (report, line) = matching_report_with(
        "[[case]]\nquestion = \"I forgot my password\"\nexpect = \"refund-policy\"\n",
    );
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    let failure = &report.failures[0];
    assert_eq!(failure.line, line);
    assert!(
        failure
            .message
            .starts_with("matching case \"I forgot my password\": expected `refund-policy` first, got `reset-password` (confidence "),
        "{}",
        failure.message
    );
}

#[test]
fn a_confident_answer_fails_a_case_that_expects_none() {
    let (report, line) =
        matching_report_with("[[case]]\nquestion = \"I forgot my password\"\nconfident = false\n");
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert_eq!(report.failures[0].line, line);
    assert!(
        report.failures[0]
            .message
            .contains("expected no confident answer, got `reset-password`"),
        "{}",
        report.failures[0].message
    );
}

#[test]
fn a_matching_case_naming_no_article_or_without_an_expectation_is_caught() {
    let errors = common::kb_errors_after(|kb| {
        let path = kb.join("matching-tests.toml");
        let text = fs::read_to_string(&path).unwrap()
            + "\n[[case]]\nquestion = \"where is my brush\"\nexpect = \"no-such-article\"\n"
            + "\n[[case]]\nquestion = \"where is my brush\"\n";
        fs::write(&path, text).unwrap();
    });
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.ends_with("matching case: no article or flow has the id `no-such-article`")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("matching case: say which article or flow must come first")),
        "{errors:?}"
    );
}

#[test]
fn a_rule_that_leads_to_no_checklist_is_reported_at_its_line() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(&kb.join("rules.toml"), "issue_type = \"billing\"\n", "")
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("rules.toml:")
            && errors[0].contains("rule `chargeback` leads to no checklist"),
        "{errors:?}"
    );
}

#[test]
fn a_rule_threshold_outside_zero_to_one_and_an_unknown_language_are_reported() {
    let errors = common::kb_errors_after(|kb| {
        let rules = kb.join("rules.toml");
        common::replace_once(&rules, "threshold = 0.85", "threshold = 1.5");
        common::replace_once(
            &rules,
            "[escalate.languages.es]\nphrases = [\"contracargo\"",
            "[escalate.languages.xx]\nphrases = [\"contracargo\"",
        )
    });
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.starts_with("rules.toml:")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("threshold 1.5 must be between 0 and 1")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("language `xx` is not supported")),
        "{errors:?}"
    );
}

#[test]
fn a_rule_example_made_only_of_common_words_is_reported() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("rules.toml"),
            "  \"Expect legal proceedings\",",
            "  \"Expect legal proceedings\",\n  \"I would have been\",",
        )
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("example `I would have been` has no words left"),
        "{errors:?}"
    );
}

#[test]
fn held_out_rule_cases_are_measured_without_failing_the_build() {
    let kb = common::scratch_kb();
    let folder = kb.path().join("rule-tests");
    fs::remove_dir_all(&folder).unwrap();
    fs::create_dir_all(&folder).unwrap();
    let held_out = folder.join("held-out.toml");
    fs::write(
        &held_out,
        "measure_only = true\n[[case]]\nname = \"a miss\"\nmessages = [\"where are my files\"]\nexpect_escalate = [\"chargeback\"]\n[[case]]\nname = \"a near miss\"\nmessages = [\"where are my files\"]\nexpect_escalate = []\n",
    )
    .unwrap();
    let compiled = compile_dir(kb.path()).unwrap();
    let report = common::rule_case_report(&compiled);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let measured = &report.measured;
    assert_eq!((measured.escalations, measured.escalations_fired), (1, 0));
    assert_eq!((measured.near_misses, measured.near_misses_fired), (1, 0));
    assert!(
        measured.misses[0]
            .message
            .contains("expected rule `chargeback` to fire")
    );
}

#[test]
fn a_rule_naming_a_checklist_that_does_not_exist_is_reported() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("rules.toml"),
            "issue_type = \"billing\"",
            "issue_type = \"payments\"",
        )
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("issue_type `payments` has no checklist"),
        "{errors:?}"
    );
}

#[test]
fn a_flow_that_can_hand_off_without_a_checklist_is_reported() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("flows/download-problem.toml"),
            "issue_type = \"delivery\"\n",
            "",
        )
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("flows/download-problem.toml:1: flow `download-problem` can hand off but leads to no checklist"),
        "{errors:?}"
    );
}

#[test]
fn a_checklist_translation_of_a_field_that_does_not_exist_is_reported() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("checklists.toml"),
            "labels = { invoice_number",
            "labels = { invoice_nr = \"x\", invoice_number",
        )
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("checklist `billing` has no field `invoice_nr` to label in `es`"),
        "{errors:?}"
    );
}

#[test]
fn a_rule_case_states_the_checklist_a_message_leads_to() {
    let kb = common::scratch_kb();
    let cases = kb.path().join("rule-tests.toml");
    let mut text = fs::read_to_string(&cases).unwrap();
    text.push_str(
        "\n[[case]]\nname = \"wrong checklist\"\nmessages = [\"I filed a dispute\"]\nexpect_escalate = [\"chargeback\"]\nexpect_checklist = \"access\"\n",
    );
    fs::write(&cases, text).unwrap();
    let compiled = compile_dir(kb.path()).unwrap();
    let report = common::rule_case_report(&compiled);
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert!(
        report.failures[0]
            .message
            .contains("expected checklist `access`, got `billing`"),
        "{:?}",
        report.failures
    );
}

/// Accepted learned questions (`kb/learned-questions.toml`) are example questions like
/// any other: a question no article could answer before now finds the one it was
/// learned for, and the KB's version changes with them.
#[test]
fn learned_questions_match_like_example_questions() {
    let dir = common::scratch_kb();
    let question = "my quokka wobbles sideways";
    let top = |dir: &std::path::Path| {
        let compiled = compile_dir(dir).unwrap();
        let engine =
            deflect::Engine::from_bundle(deflect_compile::bundle(&compiled.kb).unwrap()).unwrap();
        let hits = engine.search(question, "en", 1).unwrap();
        (hits.first().map(|m| m.id.clone()), compiled.kb.version)
    };
    let (before, version_before) = top(dir.path());
    assert_ne!(before.as_deref(), Some("invoices-receipts"));
    fs::write(
        dir.path().join("learned-questions.toml"),
        format!("[[article]]\nid = \"invoices-receipts\"\nquestions = [\"{question}\"]\n"),
    )
    .unwrap();
    // The proposal is the author's to review: it changes nothing.
    fs::write(
        dir.path().join("learned-questions.proposed.toml"),
        "[[article]]\nid = \"no-such-article\"\nquestions = [\"\"]\n",
    )
    .unwrap();
    let (after, version_after) = top(dir.path());
    assert_eq!(after.as_deref(), Some("invoices-receipts"));
    assert_ne!(version_before, version_after);
}

#[test]
fn learned_question_mistakes_name_file_and_line() {
    let errors = common::kb_errors_after(|kb| {
        fs::write(
            kb.join("learned-questions.toml"),
            "# learned\n[[article]]\nid = \"refund-policy\"\nquestions = [\"money back?\", \" \"]\n\n[[article]]\nid = \"no-such-article\"\nquestions = [\"hello\"]\n",
        )
        .unwrap();
    });
    assert_eq!(
        errors,
        [
            "learned-questions.toml:4: learned question for `refund-policy` is empty",
            "learned-questions.toml:7: no article has the id `no-such-article` (learned questions belong to an article of kb/articles/)",
        ]
    );
    let errors = common::kb_errors_after(|kb| {
        fs::write(
            kb.join("learned-questions.toml"),
            "[[article]]\nid = \"refund-policy\"\nquestions = [\"a\"\n",
        )
        .unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("learned-questions.toml:"),
        "{errors:?}"
    );
}
