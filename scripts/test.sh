#!/usr/bin/env bash
# Every test: formatting and lints, native unit/integration/doc tests, the KB's own
# checks, size budgets, and the real-browser tests in headless Debian Chromium.
source "$(dirname "$0")/lib.sh"
ensure_build_tools
ensure_browser

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --all-targets -- -D warnings

step "native tests"
cargo test

build_site
step "knowledge-base checks"
target/release/deflect check
step "download sizes and budgets"
target/release/deflect sizes --out dist --budget

step "browser tests (headless Chromium)"
node --test --test-concurrency=1 tests/browser/
