#!/usr/bin/env bash
# Carapace testbed: an "outside" host for the network ITs (NetworksIT), on a machine whose only
# networking is loopback. A network namespace, carapace-outside, joined to the host by a veth pair
# (host cara-out0 198.18.0.1/30, namespace cara-out1 198.18.0.2/30; 198.18.0.0/15 is reserved for
# benchmarks, RFC 2544, and in none of Docker's address pools), runs busybox httpd on
# 198.18.0.2:8080, serving "outside". Reaching it from a container is traffic the host forwards out of
# the container's network: a non-internal network gets there, an internal one (--internal) must not.
# Idempotent; run as root. Needs ip (iproute2) and busybox-static (setup.sh installs it).
set -euo pipefail
# (grep without -q below: under pipefail, grep -q may exit before ip has written everything, and the
# SIGPIPE ip then gets fails the pipeline although the line was there)
log() { printf '[testbed] %s\n' "$*"; }
ns=carapace-outside
www=/var/lib/carapace-testbed/outside-www

command -v ip >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq;
  apt-get install -y -qq --no-install-recommends iproute2 >/dev/null; }

ip netns list | grep -x "$ns\( .*\)\?" >/dev/null || ip netns add "$ns"
if ! ip link show cara-out0 >/dev/null 2>&1; then
  ip link add cara-out0 type veth peer name cara-out1 netns "$ns"
fi
ip addr show dev cara-out0 | grep '198.18.0.1/30' >/dev/null || ip addr add 198.18.0.1/30 dev cara-out0
ip link set cara-out0 up
ip netns exec "$ns" sh -c '
  ip addr show dev cara-out1 | grep -q "198.18.0.2/30" || ip addr add 198.18.0.2/30 dev cara-out1
  ip link set cara-out1 up
  ip link set lo up
  ip route show | grep -q "^default" || ip route add default via 198.18.0.1'
sysctl -qw net.ipv4.ip_forward=1

mkdir -p "$www"
echo outside > "$www/index.html"
if ! ip netns exec "$ns" ss -Hltn 'sport = :8080' | grep '198.18.0.2:8080' >/dev/null; then
  ip netns exec "$ns" /bin/busybox httpd -p 198.18.0.2:8080 -h "$www"
  log "outside peer: httpd started on 198.18.0.2:8080 in netns $ns"
else
  log "outside peer: up to date"
fi
