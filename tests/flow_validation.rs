//! Flow mistakes that must fail the build with the file and the line: ids used twice.

mod common;

use std::fs;

#[test]
fn a_flow_id_used_twice_names_both_files() {
    let errors = common::kb_errors_after(|kb| {
        let text = fs::read_to_string(kb.join("flows/cant-log-in.toml")).unwrap();
        fs::write(kb.join("flows/zz-copy.toml"), text).unwrap();
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("flows/zz-copy.toml:1: id `cant-log-in` is already used by")
            && errors[0].ends_with("flows/cant-log-in.toml:1"),
        "{errors:?}"
    );
}

#[test]
fn a_flow_id_equal_to_an_article_id_is_a_duplicate() {
    let errors = common::kb_errors_after(|kb| {
        common::replace_once(
            &kb.join("flows/cant-log-in.toml"),
            "id = \"cant-log-in\"",
            "id = \"reset-password\"",
        )
    });
    assert!(
        errors
            .iter()
            .any(|e| e.contains("id `reset-password` is already used by")),
        "{errors:?}"
    );
}

#[test]
fn a_step_id_used_twice_in_a_flow_points_at_the_second() {
    let mut line = 0;
    let errors = common::kb_errors_after(|kb| {
        let path = kb.join("flows/cant-log-in.toml");
        let text = fs::read_to_string(&path).unwrap()
            + "\n[[steps]]\nid = \"reset\"\nprompt = \"Again?\"\nchoices = [{ label = \"ok\", solved = true }]\n";
        line = text.lines().count() - 2;
        fs::write(&path, text).unwrap();
    });
    assert!(
        errors
            .iter()
            .any(|e| e == &format!("flows/cant-log-in.toml:{line}: step id `reset` is used twice")),
        "{errors:?}"
    );
}
