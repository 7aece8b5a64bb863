#!/usr/bin/env bash
# Carapace testbed: Debian's docker-compose (1.29.2, the Python one), which the cluster module's
# ComposeConfigIT runs as `docker-compose -f FILE config -q` to check that the Compose files
# ComposeRenderer writes are accepted by Compose's own schema validation (file format 2.4).
# Nothing is started: `config` only reads and validates the file. Run as root. Idempotent.
set -euo pipefail
log() { printf '[testbed compose] %s\n' "$*"; }
if ! command -v docker-compose >/dev/null 2>&1; then
  log "installing docker-compose"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
log "$(docker-compose version --short 2>/dev/null || docker-compose --version)"
