//! `deflect import` end to end: each export format into a fresh KB that the real
//! `deflect check` accepts, re-imports that rewrite only what changed, malformed input
//! reported by file and line, and the whole Arduino help centre in under 10 s.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

use common::copy_dir;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import")
}

fn deflect(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deflect"))
        .args(args)
        .output()
        .expect("deflect runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Imports `source` into `kb`; the report, or a panic with its stderr.
fn import(source: &Path, kb: &Path) -> String {
    let output = deflect(&[
        "import",
        &source.to_string_lossy(),
        "--out",
        &kb.to_string_lossy(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(&output)
}

/// Runs `deflect check` on `kb`: its warnings, or a panic with what failed.
fn check_warnings(kb: &Path) -> Vec<String> {
    let output = deflect(&["check", "--kb", &kb.to_string_lossy()]);
    let out = stdout(&output);
    assert!(
        output.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out.lines()
        .filter(|l| l.starts_with("warning: "))
        .map(str::to_string)
        .collect()
}

fn article(kb: &Path, id: &str) -> String {
    fs::read_to_string(kb.join("articles").join(format!("{id}.md"))).expect(id)
}

#[test]
fn each_format_becomes_a_kb_that_checks() {
    let cases: [(&str, usize, usize); 4] = [
        ("markdown", 2, 2),
        ("zendesk/articles.json", 2, 2),
        ("html", 2, 2),
        ("csv/faq.csv", 2, 0),
    ];
    for (source, articles, proposed_warnings) in cases {
        let kb = tempfile::tempdir().unwrap();
        let report = import(&fixtures().join(source), kb.path());
        assert!(
            report.contains(&format!(
                "imported {articles}, updated 0, unchanged 0, removed 0"
            )),
            "{source}: {report}"
        );
        let warnings = check_warnings(kb.path());
        assert_eq!(warnings.len(), proposed_warnings, "{source}: {warnings:?}");
        assert!(
            warnings
                .iter()
                .all(|w| w.contains("only proposed questions"))
        );
        renders_without_broken_markup(kb.path());
    }
}

#[test]
fn links_languages_and_dropped_content() {
    let kb = tempfile::tempdir().unwrap();
    let report = import(&fixtures().join("markdown"), kb.path());
    let reset = article(kb.path(), "reset-your-password");
    assert!(
        reset.contains("[refunds](#article=get-a-refund)"),
        "{reset}"
    );
    assert!(
        !reset.contains("script") && !reset.contains("javascript"),
        "{reset}"
    );
    assert!(reset.contains("Firefox"), "{reset}");
    assert!(reset.contains("\"Reset link did not arrive\""), "{reset}");
    let refund = article(kb.path(), "get-a-refund");
    assert!(
        refund.contains("(#article=reset-your-password)"),
        "{refund}"
    );
    assert!(refund.contains("category = \"billing\""), "{refund}");
    assert!(
        report.contains("guides/reset-password.md: 1 image, 1 link, 1 script"),
        "{report}"
    );
    assert!(report.contains("dropped: 1 image in 1 files"), "{report}");

    let kb = tempfile::tempdir().unwrap();
    let report = import(&fixtures().join("zendesk/articles.json"), kb.path());
    let plan = article(kb.path(), "como-cambiar-tu-plan");
    assert!(plan.contains("lang = \"es\""), "{plan}");
    assert!(
        plan.contains("(#article=cancelar-la-suscripcion)"),
        "{plan}"
    );
    assert!(
        plan.contains("tags = [\"pagos\", \"planes\", \"section-77\"]"),
        "{plan}"
    );
    assert!(report.contains("zendesk/360001: 1 embed"), "{report}");
    assert!(report.contains("zendesk/360002: 1 form"), "{report}");
    assert!(
        !kb.path().join("articles/borrador.md").exists(),
        "drafts stay out"
    );

    let kb = tempfile::tempdir().unwrap();
    import(&fixtures().join("html"), kb.path());
    let page = article(kb.path(), "download-your-files");
    assert!(
        page.contains("(#article=when-does-my-order-ship)"),
        "{page}"
    );
    assert!(
        !page.contains("Home") && !page.contains("tracking"),
        "{page}"
    );
}

/// Every file of `dir` with its modification time and text.
fn snapshot(dir: &Path) -> Vec<(PathBuf, SystemTime, String)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let path = e.path();
            let modified = e.metadata().unwrap().modified().unwrap();
            (path.clone(), modified, fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn reimport_rewrites_only_what_changed_and_removes_what_disappeared() {
    let source = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("markdown"), source.path());
    let kb = tempfile::tempdir().unwrap();
    import(source.path(), kb.path());
    let articles = kb.path().join("articles");
    let before = snapshot(&articles);
    std::thread::sleep(Duration::from_millis(20));

    let again = import(source.path(), kb.path());
    assert!(
        again.contains("imported 0, updated 0, unchanged 2, removed 0"),
        "{again}"
    );
    assert_eq!(snapshot(&articles), before, "nothing rewritten");

    let refunds = source.path().join("billing/refunds.md");
    let text = fs::read_to_string(&refunds).unwrap();
    fs::write(&refunds, text.replace("30 days", "60 days")).unwrap();
    let changed = import(source.path(), kb.path());
    assert!(
        changed.contains("imported 0, updated 1, unchanged 1, removed 0"),
        "{changed}"
    );
    let after = snapshot(&articles);
    let differing: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| b.0.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(differing, ["get-a-refund.md"]);
    assert!(after[0].2.contains("60 days"));

    fs::remove_file(&refunds).unwrap();
    // The password article linked to the refunds one: that link is now dropped too.
    let removed = import(source.path(), kb.path());
    assert!(
        removed.contains("imported 0, updated 1, unchanged 0, removed 1"),
        "{removed}"
    );
    assert!(!articles.join("get-a-refund.md").exists());
    check_warnings(kb.path());

    // An author writes real questions: the next import keeps the file as they left it.
    let reset = articles.join("reset-your-password.md");
    let edited = fs::read_to_string(&reset)
        .unwrap()
        .replace("proposed_questions", "questions");
    fs::write(&reset, &edited).unwrap();
    let source_reset = source.path().join("guides/reset-password.md");
    let text = fs::read_to_string(&source_reset).unwrap();
    fs::write(&source_reset, text.replace("spam folder", "junk folder")).unwrap();
    let kept = import(source.path(), kb.path());
    assert!(
        kept.contains("reset-your-password.md: edited since the last import"),
        "{kept}"
    );
    assert_eq!(fs::read_to_string(&reset).unwrap(), edited);
    assert!(check_warnings(kb.path()).is_empty());
}

#[test]
fn malformed_input_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "bad.json",
            "{\"articles\": [\n  {\"id\": 1, \"title\": \"x\",}\n]}",
            "bad.json:2:",
        ),
        (
            "bad.csv",
            "question,answer\nok,fine\n\"unclosed,x\nmore\n",
            "bad.csv:",
        ),
        ("no-header.csv", "q,a\nx,y\n", "no-header.csv:1:"),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let kb = dir.path().join(format!("kb-{name}"));
        let output = deflect(&[
            "import",
            &path.to_string_lossy(),
            "--out",
            &kb.to_string_lossy(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let folder = dir.path().join("md");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("a.md"), "---\ntitle: ok\nid: [1,\n---\nBody").unwrap();
    let output = deflect(&[
        "import",
        &folder.to_string_lossy(),
        "--out",
        &dir.path().join("kb").to_string_lossy(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("a.md:") && stderr.contains("front matter"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("kb").exists(),
        "nothing written when the source has mistakes"
    );
}

#[test]
fn the_arduino_help_centre_imports_in_under_ten_seconds_and_checks() {
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/arduino-help-center");
    if !source.exists() {
        println!(
            "skipped: {} does not exist (a clean checkout has no shared data)",
            source.display()
        );
        return;
    }
    let kb = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let report = import(&source, kb.path());
    let took = started.elapsed();
    println!("imported the Arduino help centre in {took:.2?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(
        report.contains("imported 408, updated 0, unchanged 0, removed 0"),
        "{report}"
    );
    let warnings = check_warnings(kb.path());
    assert_eq!(
        warnings.len(),
        408,
        "every article still needs real questions"
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("only proposed questions"))
    );
    renders_without_broken_markup(kb.path());
}

/// No article shows HTML tags as text, and every in-widget link leads to an article.
fn renders_without_broken_markup(kb: &Path) {
    let compiled = deflect_compile::compile_dir(kb).expect("the imported KB compiles");
    let ids: Vec<&str> = compiled.kb.articles.iter().map(|a| a.id.as_str()).collect();
    for article in &compiled.kb.articles {
        let html = &article.html;
        for shown_as_text in [
            "&lt;div",
            "&lt;p&gt;",
            "&lt;img",
            "&lt;a ",
            "&lt;table",
            "&lt;span",
            "&lt;br",
        ] {
            assert!(
                !html.contains(shown_as_text),
                "{}: {shown_as_text} in {html}",
                article.id
            );
        }
        for link in html.split("href=\"#article=").skip(1) {
            let id = &link[..link.find('"').unwrap()];
            assert!(
                ids.contains(&id),
                "{}: link to missing article {id}",
                article.id
            );
        }
    }
}

#[test]
fn format_can_be_named_when_the_file_name_does_not_tell() {
    let dir = tempfile::tempdir().unwrap();
    let faq = dir.path().join("faq.txt");
    fs::copy(fixtures().join("csv/faq.csv"), &faq).unwrap();
    let kb = dir.path().join("kb");
    let (faq, kb) = (faq.to_string_lossy(), kb.to_string_lossy());
    let unknown = deflect(&["import", &faq, "--out", &kb]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("cannot tell the format"));
    let named = deflect(&[
        "import", &faq, "--out", &kb, "--format", "csv", "--lang", "es",
    ]);
    assert!(
        named.status.success(),
        "{}",
        String::from_utf8_lossy(&named.stderr)
    );
    let contact = article(Path::new(kb.as_ref()), "how-do-i-contact-support");
    assert!(contact.contains("lang = \"es\""), "{contact}");
    assert!(
        contact.contains("questions = [\"How do I contact support?\"]"),
        "{contact}"
    );
    let bad_lang = deflect(&[
        "import", &faq, "--out", &kb, "--format", "csv", "--lang", "xx",
    ]);
    assert!(String::from_utf8_lossy(&bad_lang.stderr).contains("--lang `xx`"));
}

#[test]
fn importing_into_an_existing_kb_keeps_clear_of_its_ids() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb"), &kb);
    let settings = fs::read_to_string(kb.join("settings.toml")).unwrap();
    let faq = dir.path().join("faq.csv");
    // `cant-log-in` is a flow of the sample KB, `reset-password` one of its articles.
    fs::write(
        &faq,
        "question,answer\nCant log in,Use the link.\nReset password,Ask for a link.\n",
    )
    .unwrap();
    let report = import(&faq, &kb);
    assert!(report.contains("imported 2,"), "{report}");
    assert!(kb.join("articles/cant-log-in-2.md").exists());
    assert!(kb.join("articles/reset-password-2.md").exists());
    assert_eq!(
        fs::read_to_string(kb.join("settings.toml")).unwrap(),
        settings
    );
    assert!(check_warnings(&kb).is_empty());
}
