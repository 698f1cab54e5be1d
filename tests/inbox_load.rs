//! A smaller run of `crates/server/examples/inbox_load.rs`: concurrent clients, a fifth of the posts
//! repeats, and every unique ticket stored exactly once.

#[path = "../crates/server/examples/inbox_load.rs"]
#[allow(dead_code)]
mod load;

#[test]
fn concurrent_posts_with_duplicates_store_each_ticket_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let (base, store) = load::start_inbox(&dir.path().join("inbox.sqlite"));
    let plan = load::LoadPlan {
        posts: 300,
        duplicate_share: 0.2,
        clients: 8,
    };
    let report = load::run(&base, &store, plan);
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert_eq!(report.posts, 300);
    assert_eq!(report.unique, 240);
    assert_eq!((report.created, report.repeats), (240, 60));
    assert_eq!(report.stored, 240);
}
