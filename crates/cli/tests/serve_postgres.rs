//! `deflect serve`, `deflect agent` and `deflect token` on PostgreSQL, as an operator
//! runs them: the database named by `--database` or DEFLECT_DATABASE_URL, a real
//! PostgreSQL started for the test, and a clear error when it cannot be reached.

mod common;
#[path = "../../../tests/common/postgres.rs"]
mod postgres;

use std::time::Duration;

use common::{Serving, deflect, succeeded};

use deflect_engine::ticket::Ticket;
use postgres::TempPostgres;

/// Starts `deflect serve --database url` on a free port; its base URL.
fn serve(url: &str, site: &std::path::Path) -> (Serving, String) {
    let site = site.to_str().unwrap();
    common::serve(&["--site", site, "--database", url])
}

#[test]
fn operators_manage_and_serve_the_inbox_on_postgres() {
    let pg = TempPostgres::start();
    let url = pg.create_database("inbox");
    let token = succeeded(&deflect(
        &["token", "create", "--name", "ops"],
        Some(&url),
        "",
    ));
    assert!(token.starts_with("dfl_"), "{token}");
    succeeded(&deflect(
        &[
            "agent",
            "add",
            "ann@shop.example",
            "--password-stdin",
            "--database",
            &url,
        ],
        None,
        "a long passphrase\n",
    ));
    let agents = succeeded(&deflect(&["agent", "list", "--database", &url], None, ""));
    assert!(agents.starts_with("ann@shop.example"), "{agents}");

    let site = tempfile::tempdir().unwrap();
    let (_serving, base) = serve(&url, site.path());
    let client: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let ticket = serde_json::to_string(&Ticket::example("cli-pg-0001")).unwrap();
    let resp = client
        .post(format!("{base}/api/tickets"))
        .header("Content-Type", "application/json")
        .send(&ticket)
        .unwrap();
    assert_eq!(resp.status(), 201);
    let mut listed = client
        .get(format!("{base}/api/tickets"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(listed.status(), 200);
    let list: serde_json::Value =
        serde_json::from_str(&listed.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(list[0]["id"], "cli-pg-0001", "{list}");
}

#[test]
fn an_unreachable_database_is_named_in_the_error() {
    let out = deflect(
        &["token", "list"],
        Some("postgres://ops:s3cret@127.0.0.1:1/inbox"),
        "",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("could not connect to PostgreSQL at 127.0.0.1:1/inbox as ops"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}
