# Shared by scripts/start.sh and scripts/test.sh: install what a fresh machine lacks,
# then build the site. Sourced, not run.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1; fi
}

# The wasm target, wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version, and
# the npm packages.
ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local want
  want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    step "installing wasm-bindgen-cli $want (matches Cargo.lock)"
    cargo install wasm-bindgen-cli --version "=$want" --force
  fi
  if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "installing npm packages"
    npm ci --no-audit --no-fund
  fi
}

# Debian's Chromium and ChromeDriver for the browser tests (never a downloaded browser).
ensure_browser() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    step "installing Debian chromium and chromium-driver"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

# Debian's PostgreSQL server binaries for the store tests, which start their own cluster
# in a temporary folder (tests/common/postgres.rs); no service is started here.
ensure_postgres() {
  if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    step "installing Debian postgresql (its binaries, for the store tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

# wasm-opt (binaryen's npm build, run by node) on the engine. Measured on this engine:
# -Oz and -Os make the raw file ~10% smaller but the gzip/brotli download ~9% *larger*
# (they inline and reorder code so it compresses worse). These cleanup passes alone
# make the gzip download ~2% smaller; the four rewriting passes before them (each
# measured alone and together, gzip -9) save 1.6 KB more: redundant sets, branches and
# instructions go, with nothing inlined or reordered. Passes that made it larger:
# --local-cse, --simplify-locals, --coalesce-locals, --merge-similar-functions,
# --reorder-functions, --inlining. The result is kept only if its gzip size is smaller.
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
shrink_engine() {
  local wasm=$1 opt=$1.$$.opt # per-process: two builds may run at once
  step "shrinking the engine with wasm-opt"
  node node_modules/binaryen/bin/wasm-opt "${WASM_FEATURES[@]}" \
    --rse --remove-unused-brs --optimize-instructions --simplify-locals-nostructure \
    --duplicate-function-elimination --remove-unused-module-elements --dce --vacuum \
    --strip-debug --strip-producers "$wasm" -o "$opt"
  local before after
  before=$(gzip -9c "$wasm" | wc -c)
  after=$(gzip -9c "$opt" | wc -c)
  echo "engine gzip: $before -> $after bytes"
  if [ "$after" -lt "$before" ]; then mv "$opt" "$wasm"; else rm -f "$opt"; fi
}

# Which build of the native CLI builds the site and serves it: release for `npm start`;
# `npm test` uses the debug one `cargo test` has just built (the same code, minutes
# sooner on a fresh machine).
CLI_PROFILE=${CLI_PROFILE:-release}
DEFLECT="target/$CLI_PROFILE/deflect"
export DEFLECT_CLI_PROFILE=$CLI_PROFILE

# The native CLI, the wasm engine, the bundled widget, then the static site in dist/.
build_site() {
  step "building the native CLI ($CLI_PROFILE)"
  if [ "$CLI_PROFILE" = release ]; then cargo build --release -p deflect-cli; else cargo build -p deflect-cli; fi
  # The engine links the stemmers of the KB's languages only (English always).
  local languages features
  languages=$("$DEFLECT" languages)
  features=$(printf '%s\n' $languages | { grep -vx en || true; } | paste -sd, -)
  step "building the wasm engine (for the KB's languages: $languages)"
  cargo build -p deflect-wasm --profile wasm-release --target wasm32-unknown-unknown \
    --no-default-features ${features:+--features "$features"}
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir target/engine-pkg --out-name deflect \
    target/wasm32-unknown-unknown/wasm-release/deflect_wasm.wasm
  echo "$languages" > target/engine-pkg/languages # read by `deflect site`
  shrink_engine target/engine-pkg/deflect_bg.wasm
  step "bundling the widget (esbuild)"
  node scripts/build-widget.mjs
  step "assembling the site in dist/"
  "$DEFLECT" site --out dist
}
