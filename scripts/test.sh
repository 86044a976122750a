#!/usr/bin/env bash
# The whole test suite, on a fresh clone: install, then typecheck, lint, the format check and
# every package's tests against the local Postgres and Redis (each test file makes its own
# database and Redis prefix). Ends with one "N passed, N failed" line.
set -euo pipefail
source "$(dirname "$0")/lib/prepare.sh"
prepare
ensure_ffmpeg
ensure_sandbox_tools required
ensure_chromium required
cd "$ROOT"
export JEST_SUMMARY_DIR="$ROOT/.turbo/jest-summary"
rm -rf "$JEST_SUMMARY_DIR" && mkdir -p "$JEST_SUMMARY_DIR"
status=0
pnpm turbo run typecheck lint --output-logs=errors-only || status=$?
[ "$status" -eq 0 ] && { pnpm format:check || status=$?; }
[ "$status" -eq 0 ] && { pnpm turbo run test --concurrency=1 || status=$?; }
# The pipeline's test files again on a Redis Cluster of their own (scripts/lib/cluster-pass.mjs).
[ "$status" -eq 0 ] && { node scripts/lib/cluster-pass.mjs || status=$?; }
# The set-up scripts' own tests (node:test; jest covers the packages).
[ "$status" -eq 0 ] && { node --test scripts/lib/*.test.mjs || status=$?; }
# The Kubernetes manifests (deploy/kubernetes), checked offline against their schemas and invariants.
[ "$status" -eq 0 ] && { node --test deploy/test/*.test.mjs || status=$?; }
node scripts/lib/jest-summary.mjs "$JEST_SUMMARY_DIR"
exit "$status"
