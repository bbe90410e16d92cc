#!/usr/bin/env bash
# Shared by scripts/run, scripts/test, scripts/bench, scripts/lint and .ci/run:
# installs what is missing (pinned versions, package registries only) and builds.
#
# Build outputs that are slow to make live in a cache outside the clone
# ($SHOPDESK_CACHE, default ~/.cache/shopdesk): cargo's target directory, the
# wasm-bindgen CLI and the npm wasm-opt. The site (bundles + CSS) goes to target/site.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHOPDESK_CACHE="${SHOPDESK_CACHE:-$HOME/.cache/shopdesk}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SHOPDESK_CACHE/target}"
TOOLS="$SHOPDESK_CACHE/tools"
NODE_TOOLS="$SHOPDESK_CACHE/node"
export PATH="$TOOLS/bin:$NODE_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"
SITE="$ROOT/target/site"
SERVER_BIN="$CARGO_TARGET_DIR/debug/shopdesk"
WASM_OUT="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release"
BINARYEN_VERSION=132
TERSER_VERSION=5.36.0

step() { printf '\n==> %s\n' "$*"; }

# Seconds since the epoch, for the build timings printed at the end of each step.
now() { date +%s; }

# The wasm-bindgen crate version in Cargo.lock: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local want have
  want="$(wasm_bindgen_version)"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [ "$have" != "$want" ]; then
    step "Installing wasm-bindgen-cli $want (takes about 4 minutes, once)"
    # Not --locked: with it, 0.2.130 asks for a webpki-roots version the registry lacks.
    cargo install wasm-bindgen-cli --version "$want" --root "$TOOLS"
  fi
  # wasm-opt from npm: Debian's binaryen (108) is too old and breaks the bundles.
  if [ ! -x "$NODE_TOOLS/node_modules/.bin/wasm-opt" ]; then
    step "Installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    mkdir -p "$NODE_TOOLS"
    npm install --prefix "$NODE_TOOLS" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  fi
  # terser (npm) minifies the loader every storefront page downloads.
  if [ ! -x "$NODE_TOOLS/node_modules/.bin/terser" ]; then
    step "Installing terser (npm terser@$TERSER_VERSION)"
    npm install --prefix "$NODE_TOOLS" --no-audit --no-fund "terser@$TERSER_VERSION"
  fi
}

# A Python virtualenv with aiosmtpd (from PyPI): the real SMTP server the email tests
# talk to. Exports SHOPDESK_TEST_PYTHON for them.
AIOSMTPD_VERSION=1.4.6
ensure_test_python() {
  local venv="$SHOPDESK_CACHE/venv"
  if ! "$venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
    step "Installing aiosmtpd $AIOSMTPD_VERSION (PyPI) for the email tests"
    command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv
    if ! python3 -m venv "$venv" 2>/dev/null; then
      apt_install python3-venv
      python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet "aiosmtpd==$AIOSMTPD_VERSION"
  fi
  export SHOPDESK_TEST_PYTHON="$venv/bin/python"
}

optimise_wasm() {
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-reference-types --enable-multivalue --enable-sign-ext "$1" -o "$1"
}

# Cargo keeps every incremental session of our own crates: tens of GB after a few days
# of builds here. Sessions untouched for two days go (dependencies stay compiled).
prune_build_cache() {
  local dir
  for dir in "$CARGO_TARGET_DIR"/*/incremental "$CARGO_TARGET_DIR"/*/*/incremental; do
    [ -d "$dir" ] || continue
    find "$dir" -mindepth 2 -maxdepth 2 -type d -mtime +2 -exec rm -rf {} + 2>/dev/null || true
  done
}

# Builds both front-ends into $SITE: the helpdesk hydrate bundle (pkg/) and the widget
# (widget/widget.js loader + widget/pkg/ bundle).
build_frontends() {
  prune_build_cache
  ensure_wasm_tools
  local started
  started=$(now)
  step "Building the widget bundle (WASM, CSR)"
  cargo build -p widget --lib --target wasm32-unknown-unknown --profile wasm-release
  echo "widget WASM built in $(($(now) - started)) s"
  started=$(now)
  step "Building the helpdesk bundle (WASM, hydrate)"
  cargo build -p app --lib --target wasm32-unknown-unknown --profile wasm-release --features hydrate
  echo "helpdesk WASM built in $(($(now) - started)) s"

  # Packaging (wasm-bindgen, wasm-opt -Oz, gzip) takes about a minute: skipped when what
  # goes in is what went in last time (the site's stamp names it).
  local stamp
  stamp="$(cat "$WASM_OUT/app.wasm" "$WASM_OUT/widget.wasm" "$ROOT/style/helpdesk.css" \
    "$ROOT/widget/loader/widget.js" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
  if [ -f "$SITE/.inputs" ] && [ "$(cat "$SITE/.inputs")" = "$stamp" ]; then
    step "Front-ends in target/site are current (packaging skipped)"
    return
  fi
  step "Packaging front-ends into target/site"
  rm -rf "$SITE"
  mkdir -p "$SITE/pkg" "$SITE/widget/pkg"
  wasm-bindgen --target web --no-typescript --remove-name-section \
    --out-dir "$SITE/pkg" --out-name helpdesk "$WASM_OUT/app.wasm"
  # Leptos, built with LEPTOS_OUTPUT_NAME set, asks for `helpdesk.wasm`.
  mv "$SITE/pkg/helpdesk_bg.wasm" "$SITE/pkg/helpdesk.wasm"
  wasm-bindgen --target web --no-typescript --remove-name-section \
    --out-dir "$SITE/widget/pkg" --out-name widget "$WASM_OUT/widget.wasm"
  optimise_wasm "$SITE/pkg/helpdesk.wasm"
  optimise_wasm "$SITE/widget/pkg/widget_bg.wasm"
  cp "$ROOT/style/helpdesk.css" "$SITE/pkg/helpdesk.css"
  # The loader asks for the bundle with a content version, so caches refresh on deploy.
  local version
  version="$(cat "$SITE/widget/pkg/widget_bg.wasm" "$SITE/widget/pkg/widget.js" | sha256sum | cut -c1-12)"
  sed "s/__SHOPDESK_VERSION__/$version/" "$ROOT/widget/loader/widget.js" |
    terser --compress passes=2 --mangle --comments false -o "$SITE/widget/widget.js"
  # Compressed once here, served as they are (the server never gzips them per request).
  find "$SITE" -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' \) -exec gzip -9kf {} +
  echo "$stamp" >"$SITE/.inputs"
}

build_server() {
  local started
  started=$(now)
  step "Building the server"
  cargo build -p server --bin shopdesk
  echo "server built in $(($(now) - started)) s"
}

# Installs Debian packages (as root directly, otherwise through sudo).
apt_install() {
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# Debian's Chromium for the browser tests (never a browser download from elsewhere).
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    step "Installing Chromium from Debian's packages"
    apt_install chromium
  fi
  # Emoji in screenshots (the composer's picker) need a colour emoji font.
  if [ ! -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
    step "Installing the emoji font from Debian's packages"
    apt_install fonts-noto-color-emoji
  fi
}

ensure_e2e_packages() {
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ]; then
    step "Installing the browser-test packages (npm ci)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

# The PostgreSQL server binaries (Debian puts them outside PATH).
postgres_bin() {
  local dir
  for dir in $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)") /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  done
  return 1
}

ensure_postgres() {
  if ! postgres_bin >/dev/null; then
    step "Installing PostgreSQL from Debian's packages"
    apt_install postgresql
  fi
}

# Starts a throwaway PostgreSQL cluster on a random loopback port for the test run and
# exports SHOPDESK_TEST_PG_URL; it is stopped and deleted when the calling script exits.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
start_test_postgres() {
  ensure_postgres
  local bin run_as=()
  bin="$(postgres_bin)"
  PG_TMP="$(mktemp -d -t shopdesk-pg-XXXXXX)"
  chmod 755 "$PG_TMP"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_TMP"
    run_as=(runuser -u postgres --)
  fi
  PG_PORT="$(free_port)"
  step "Starting a throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
  "${run_as[@]}" "$bin/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --no-instructions >/dev/null
  "${run_as[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w \
    -o "-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  PG_STOP=("${run_as[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -m immediate stop)
  trap 'stop_test_postgres' EXIT
  export SHOPDESK_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

stop_test_postgres() {
  if [ -n "${PG_TMP:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
    PG_TMP=""
  fi
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
