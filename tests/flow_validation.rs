//! Flow mistakes that must fail the build with the file and the line: ids used twice.

mod common;

use std::fs;

use deflect::compile::compile_dir;

fn errors_of(dir: &std::path::Path) -> Vec<String> {
    match compile_dir(dir) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .0
            .iter()
            .map(|e| {
                format!(
                    "{}:{}: {}",
                    e.file.strip_prefix(dir).unwrap().display(),
                    e.line,
                    e.message
                )
            })
            .collect(),
    }
}

#[test]
fn a_flow_id_used_twice_names_both_files() {
    let kb = common::scratch_kb();
    let text = fs::read_to_string(kb.path().join("flows/cant-log-in.toml")).unwrap();
    fs::write(kb.path().join("flows/zz-copy.toml"), text).unwrap();
    let errors = errors_of(kb.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("flows/zz-copy.toml:1: id `cant-log-in` is already used by")
            && errors[0].ends_with("flows/cant-log-in.toml:1"),
        "{errors:?}"
    );
}

#[test]
fn a_flow_id_equal_to_an_article_id_is_a_duplicate() {
    let kb = common::scratch_kb();
    let path = kb.path().join("flows/cant-log-in.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replacen("id = \"cant-log-in\"", "id = \"reset-password\"", 1),
    )
    .unwrap();
    let errors = errors_of(kb.path());
    assert!(
        errors
            .iter()
            .any(|e| e.contains("id `reset-password` is already used by")),
        "{errors:?}"
    );
}

#[test]
fn a_step_id_used_twice_in_a_flow_points_at_the_second() {
    let kb = common::scratch_kb();
    let path = kb.path().join("flows/cant-log-in.toml");
    let text = fs::read_to_string(&path).unwrap()
        + "\n[[steps]]\nid = \"reset\"\nprompt = \"Again?\"\nchoices = [{ label = \"ok\", solved = true }]\n";
    let line = text.lines().count() - 2;
    fs::write(&path, text).unwrap();
    let errors = errors_of(kb.path());
    assert!(
        errors
            .iter()
            .any(|e| e == &format!("flows/cant-log-in.toml:{line}: step id `reset` is used twice")),
        "{errors:?}"
    );
}
