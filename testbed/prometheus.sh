#!/usr/bin/env bash
# Carapace testbed: Prometheus for the metrics ITs (examples' MonitorIT starts its own server).
#
# Installs Debian's `prometheus` package (the server binary, /usr/bin/prometheus) and makes sure its
# packaged service neither runs nor listens beyond loopback: the ITs run their own Prometheus on
# 127.0.0.1 with a generated config, a free port and a temporary data folder, and stop it afterwards.
#
#   - during the install, a temporary /usr/sbin/policy-rc.d (only when none exists) keeps the
#     package's maintainer scripts from starting the service (no systemd is assumed);
#   - /etc/default/prometheus binds the packaged service to 127.0.0.1:9090, should anything start it;
#   - the packaged service is stopped when it runs and disabled (update-rc.d, or systemctl when
#     systemd runs).
#
# Idempotent, as root on a fresh Debian 12: a second run changes nothing and takes a second.
set -euo pipefail
log() { printf '[prometheus] %s\n' "$*"; }

if ! command -v prometheus >/dev/null 2>&1; then
  log "installing prometheus"
  export DEBIAN_FRONTEND=noninteractive
  guard=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# carapace testbed: no service starts during this install\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    guard=/usr/sbin/policy-rc.d
  fi
  trap '[ -z "$guard" ] || rm -f "$guard"' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  [ -z "$guard" ] || rm -f "$guard"
  guard=
fi
log "$(prometheus --version 2>&1 | head -1)"

# The packaged service, if anything ever starts it, listens on loopback only.
defaults=/etc/default/prometheus
want_args='ARGS="--web.listen-address=127.0.0.1:9090"'
if [ -f "$defaults" ] && grep -qx "$want_args" "$defaults"; then
  log "$defaults binds the packaged service to 127.0.0.1:9090"
else
  if [ -f "$defaults" ]; then
    sed -i '/^ARGS=/d' "$defaults"
  fi
  printf '%s\n' "$want_args" >> "$defaults"
  log "bound the packaged service to 127.0.0.1:9090 in $defaults"
fi

# ...and is neither running nor enabled.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  log "packaged service disabled (systemd)"
else
  if [ -x /etc/init.d/prometheus ]; then
    if /etc/init.d/prometheus status >/dev/null 2>&1; then
      /etc/init.d/prometheus stop >/dev/null
      log "stopped the packaged service"
    fi
    update-rc.d prometheus disable >/dev/null 2>&1 || true
  fi
  log "packaged service not running, disabled"
fi
