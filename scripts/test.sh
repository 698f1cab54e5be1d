#!/usr/bin/env bash
# Every test: formatting and lints, native unit/integration/doc tests, the KB's own
# checks, size budgets, and the real-browser tests in headless Debian Chromium.
CLI_PROFILE=debug
# One clean build per run: incremental caches would only take disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
source "$(dirname "$0")/lib.sh"
ensure_build_tools
ensure_browser
ensure_postgres

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy (native, every crate and target)"
cargo clippy --workspace --all-targets -- -D warnings
step "cargo clippy (the browser engine, wasm32)"
cargo clippy -p deflect-wasm -p deflect-engine --target wasm32-unknown-unknown -- -D warnings

step "native tests (the build validates, tests and indexes kb/)"
cargo test --workspace

step "widget unit tests"
node --test tests/js/

build_site
step "knowledge-base checks"
"$DEFLECT" check
step "download sizes and budgets"
"$DEFLECT" sizes --out dist --budget

step "the relay: deflect serve delivering to a real SMTP server and a Standard Webhooks receiver"
node --test --test-concurrency=1 tests/relay/

step "browser tests (headless Chromium)"
node --test --test-concurrency=1 tests/browser/
