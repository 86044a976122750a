#!/usr/bin/env bash
# Makes a fresh machine ready to build, test and run the stack: Node >= 22, pnpm, the
# workspace's dependencies, and Postgres and Redis answering on their local ports.
# Sourced by scripts/start.sh and scripts/test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PNPM_VERSION="$(node -p "require('$ROOT/package.json').packageManager.split('@')[1]" 2>/dev/null || echo 10.34.9)"
PG_HOST="${PGHOST:-127.0.0.1}"
PG_PORT="${PGPORT:-5432}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ "$(node_major)" -ge 22 ]; then return; fi
  command -v npm >/dev/null || die "Node.js >= 22 is required (found none). Install it from nodejs.org or your package manager."
  log "Node $(node --version 2>/dev/null || echo none) is too old; installing Node 24 from the npm registry"
  # The official binary is published as the npm package "node"; --prefix puts it ahead of /usr/bin.
  npm install -g --prefix /usr/local node@24 >/dev/null || die "Could not install Node 24 (try as root, or install Node >= 22 yourself)"
  hash -r
  [ "$(node_major)" -ge 22 ] || die "Node 24 was installed to /usr/local/bin but $(command -v node) still comes first on PATH"
}

pnpm_ok() { command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; }

ensure_pnpm() {
  pnpm_ok && return
  log "Installing pnpm $PNPM_VERSION"
  # npm's global prefix is not on PATH when Node came from the npm registry: prefer /usr/local.
  npm install -g --prefix /usr/local "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || true
  hash -r
  if ! pnpm_ok; then
    npm install -g "pnpm@$PNPM_VERSION" >/dev/null || die "Could not install pnpm $PNPM_VERSION"
    export PATH="$(npm prefix -g)/bin:$PATH"
    hash -r
  fi
  pnpm_ok || die "pnpm $PNPM_VERSION was installed but is not the one on PATH ($(command -v pnpm || echo none))"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 50); do port_open "$1" "$2" && return 0; sleep 0.2; done
  return 1
}

ensure_postgres() {
  port_open "$PG_HOST" "$PG_PORT" && return
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    log "Starting the local PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  wait_port "$PG_HOST" "$PG_PORT" || die "PostgreSQL is not reachable on $PG_HOST:$PG_PORT (start it, or set DATABASE_URL / TEST_DATABASE_URL)"
}

ensure_redis() {
  port_open "$REDIS_HOST" "$REDIS_PORT" && return
  if command -v redis-server >/dev/null; then
    log "Starting a local Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null || true
  fi
  wait_port "$REDIS_HOST" "$REDIS_PORT" || die "Redis is not reachable on $REDIS_HOST:$REDIS_PORT (start it, or set REDIS_URL)"
}

# Video thumbnails spawn ffmpeg; the tests make and thumbnail a real video.
ensure_ffmpeg() {
  command -v ffmpeg >/dev/null && return
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    log "Installing ffmpeg (Debian package)"
    (apt-get update -qq && apt-get install -y -qq ffmpeg) >/dev/null 2>&1 || die "Could not install ffmpeg with apt-get"
  else
    die "ffmpeg is required for the video thumbnail tests: install it with your package manager"
  fi
}

# The agent's sandbox: bubblewrap confines every command it runs, prlimit (util-linux) applies the
# limits, python3 runs python_execution, pdftotext (poppler-utils) gives ReadMedia and knowledge PDFs
# their text, vipsthumbnail (libvips-tools) makes image thumbnails, both in the sandbox. Installed
# where apt-get can; `required` makes a missing bwrap, pdftotext and vipsthumbnail fatal (the test
# suite runs real sandboxes), otherwise the stack says what it falls back to.
ensure_sandbox_tools() {
  local required="${1:-}" missing=()
  command -v bwrap >/dev/null || missing+=(bubblewrap)
  command -v prlimit >/dev/null || missing+=(util-linux)
  [ -x /usr/bin/python3 ] || [ -x /usr/local/bin/python3 ] || missing+=(python3)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v vipsthumbnail >/dev/null || missing+=(libvips-tools)
  if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    log "Installing ${missing[*]} (Debian packages) for the agent's sandbox"
    (apt-get update -qq && apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 || log "Could not install ${missing[*]} with apt-get"
  fi
  if [ -n "$required" ]; then
    command -v bwrap >/dev/null || die "bubblewrap is required for the sandbox tests: install it (apt-get install bubblewrap)"
    [ -x /usr/bin/python3 ] || [ -x /usr/local/bin/python3 ] || die "python3 is required for the python_execution tests: install it (apt-get install python3)"
    command -v pdftotext >/dev/null || die "pdftotext is required for the ReadMedia tests: install it (apt-get install poppler-utils)"
    command -v vipsthumbnail >/dev/null || die "vipsthumbnail is required for the thumbnail tests: install it (apt-get install libvips-tools)"
  fi
  return 0
}

# The agent's browser (browser_* tools): Debian's Chromium, driven headless by playwright-core.
# `required` makes a missing browser fatal (the test suite drives a real one); otherwise the
# stack starts and the browser tools say no browser is installed.
ensure_chromium() {
  local required="${1:-}"
  command -v chromium >/dev/null && return
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    log "Installing chromium (Debian package) for the agent's browser"
    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || log "Could not install chromium with apt-get"
  fi
  if [ -n "$required" ]; then
    command -v chromium >/dev/null || die "chromium is required for the browser tests: install it (apt-get install chromium)"
  fi
  return 0
}

install_and_build() {
  log "Installing dependencies (pnpm install --frozen-lockfile)"
  (cd "$ROOT" && CI=true pnpm install --frozen-lockfile --reporter=append-only >/dev/null)
  log "Building (turbo)"
  (cd "$ROOT" && pnpm turbo run build --output-logs=errors-only)
}

prepare() {
  export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1
  ensure_node
  ensure_pnpm
  ensure_postgres
  ensure_redis
  install_and_build
}
