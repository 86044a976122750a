#!/usr/bin/env bash
# The main job, on a fresh clone: install, migrate, start the API and a worker, run a short
# demo conversation on the scripted model (its streamed events printed), and keep running.
set -euo pipefail
source "$(dirname "$0")/lib/prepare.sh"
prepare
ensure_sandbox_tools
ensure_chromium
cd "$ROOT"
# Settings: .env if present (see .env.example), else local defaults.
exec node --env-file-if-exists=.env scripts/start-stack.mjs "$@"
