#!/usr/bin/env bash
# Carapace testbed: make this Debian machine (as root) ready for the build and the integration tests.
# Installs Docker Engine, gVisor's runsc and busybox-static, registers runsc with the engine, starts
# dockerd if it is not answering, and builds the local test images (there is no registry).
# Idempotent: a second run changes nothing and takes seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { printf '[testbed] %s\n' "$*"; }

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
{ [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -x httpd >/dev/null; } || need_pkgs+=(busybox-static)
command -v nginx >/dev/null 2>&1 || need_pkgs+=(nginx)
command -v htpasswd >/dev/null 2>&1 || need_pkgs+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
command -v mvn >/dev/null 2>&1 || need_pkgs+=(maven)
command -v javac >/dev/null 2>&1 || need_pkgs+=(openjdk-17-jdk-headless)
[ -f /usr/share/selinux/devel/Makefile ] || need_pkgs+=(selinux-policy-dev)
[ -x /usr/bin/runsc ] || need_pkgs+=(runsc)
command -v jq >/dev/null 2>&1 || need_pkgs+=(jq)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# The Debian 20.10 client; /usr/local/bin/docker may be a newer client only.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)

# dockerd listens on the unix socket and on tcp://127.0.0.1:2376 with --tlsverify (TESTBED.md: one
# daemon, never a second one). peers.sh makes the TLS material first; a dockerd already running
# without an answering TLS listener (or with older material) is stopped and started again with it.
tb=${CARAPACE_TESTBED_DIR:-/var/lib/carapace-testbed}
"$here/peers.sh" pki
dockerd_flags=(-H unix:///var/run/docker.sock -H tcp://127.0.0.1:2376 --tlsverify
  --tlscacert "$tb/dockerd-ca-bundle.pem" --tlscert "$tb/pki/server-cert.pem" --tlskey "$tb/pki/server-key.pem")
# gVisor (TESTBED.md "Sandboxed runtime"): runsc is registered in /etc/docker/daemon.json, with only
# the keys no dockerd flag sets (the flags above set -H and --tls*; a key set both ways stops dockerd).
# Written before dockerd starts on a fresh machine; a running dockerd reloads it on SIGHUP, no restart.
# runsc runs with --network=none: otherwise it refuses to start in the root network namespace.
daemon_json=/etc/docker/daemon.json
runsc_entry='{"path": "/usr/bin/runsc", "runtimeArgs": ["--network=none"]}'
if [ -f "$daemon_json" ] && jq -e --argjson want "$runsc_entry" '.runtimes.runsc == $want' "$daemon_json" >/dev/null 2>&1; then
  log "$daemon_json registers runsc"
else
  mkdir -p /etc/docker
  current='{}'
  if [ -s "$daemon_json" ]; then
    current=$(jq -e . "$daemon_json") || { log "$daemon_json is not JSON; fix or remove it"; exit 1; }
  fi
  printf '%s' "$current" | jq --argjson want "$runsc_entry" '.runtimes.runsc = $want' > "$daemon_json.tmp"
  mv "$daemon_json.tmp" "$daemon_json"
  log "registered runsc in $daemon_json"
fi
runsc_listed() { "$DOCKER" info --format '{{json .Runtimes}}' 2>/dev/null | jq -e 'has("runsc")' >/dev/null; }
tls_answers() { # both CAs of the bundle are trusted, and the server certificate is the current one
  local client
  for client in "$tb/pki" "$tb/clients/pkcs8"; do
    curl -fsS -o /dev/null --max-time 5 --cacert "$tb/pki/ca.pem" --cert "$client/cert.pem" \
      --key "$client/key.pem" https://127.0.0.1:2376/_ping 2>/dev/null || return 1
  done
}
if "$DOCKER" info >/dev/null 2>&1 && ! tls_answers; then
  pid=$(cat /var/run/docker.pid 2>/dev/null || pgrep -x dockerd || true)
  log "stopping dockerd (pid ${pid:-?}): its TLS listener on 127.0.0.1:2376 does not answer with $tb/pki"
  [ -n "$pid" ] && kill "$pid"
  for _ in $(seq 1 120); do # dockerd stops its containers first (up to 15 s each, in parallel)
    { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } && break
    sleep 0.5
  done
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then log "dockerd (pid $pid) did not stop"; exit 1; fi
  for _ in $(seq 1 20); do [ -S /var/run/docker.sock ] || break; sleep 0.5; done
fi
if ! "$DOCKER" info >/dev/null 2>&1; then
  log "starting dockerd ${dockerd_flags[*]}"
  setsid nohup dockerd "${dockerd_flags[@]}" >>/var/log/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && tls_answers && break
    sleep 0.5
  done
  "$DOCKER" info >/dev/null 2>&1 || { log "dockerd did not answer; see /var/log/dockerd.log"; tail -20 /var/log/dockerd.log; exit 1; }
fi
tls_answers || { log "dockerd does not answer on tcp://127.0.0.1:2376 with TLS; see /var/log/dockerd.log"; exit 1; }
log "dockerd answers: $("$DOCKER" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), unix socket and TLS on 127.0.0.1:2376"
if ! runsc_listed; then
  pid=$(cat /var/run/docker.pid 2>/dev/null || pgrep -x dockerd || true)
  [ -n "$pid" ] || { log "dockerd answers but its pid is unknown: cannot reload $daemon_json"; exit 1; }
  log "reloading dockerd (pid $pid, SIGHUP) to read runsc from $daemon_json"
  kill -HUP "$pid"
  for _ in $(seq 1 40); do runsc_listed && break; sleep 0.25; done
  runsc_listed || { log "dockerd does not list runsc after reload; see /var/log/dockerd.log"; tail -5 /var/log/dockerd.log; exit 1; }
  tls_answers || { log "dockerd stopped answering with TLS after reload; see /var/log/dockerd.log"; exit 1; }
fi
log "dockerd runtimes: $("$DOCKER" info --format '{{json .Runtimes}}' | jq -r 'keys | join(", ")')"

# Test images, pinned by name here and in dev.carapace.core.testing.TestImages.
bb_sum=$(sha256sum /bin/busybox | cut -c1-16)
build_image() { # name dockerfile-body
  local name=$1 body=$2
  local want="$bb_sum-$(printf '%s' "$body" | sha256sum | cut -c1-16)"
  local have
  have=$("$DOCKER" image inspect -f '{{index .Config.Labels "dev.carapace.testbed"}}' "$name" 2>/dev/null || true)
  if [ "$have" = "$want" ]; then log "image $name up to date"; return; fi
  local ctx; ctx=$(mktemp -d)
  cp /bin/busybox "$ctx/busybox"
  printf '%s\nLABEL dev.carapace.testbed=%s\n' "$body" "$want" > "$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$name" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built image $name"
}
base='FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
RUN ["/bin/mkdir","-p","/tmp","/etc","/data","/www"]
RUN ["/bin/sh","-c","chmod 1777 /tmp && echo root:x:0:0:root:/root:/bin/sh > /etc/passwd && echo app:x:1000:1000:app:/home/app:/bin/sh >> /etc/passwd && echo root:x:0: > /etc/group && echo app:x:1000: >> /etc/group && echo hello-from-carapace > /www/index.html"]
CMD ["sh"]'
build_image carapace-test/busybox:1 "$base"
build_image carapace-test/busybox-user:1 "$base
USER 1000:1000
HEALTHCHECK --interval=1s --timeout=1s --retries=3 CMD [\"true\"]"

if [ -f "$here/peers.sh" ]; then
  "$here/peers.sh"
fi
"$here/registry.sh" # Docker Registry v2 on 127.0.0.1:5443 (TLS, htpasswd) holding the test images
"$here/outside-peer.sh"
"$here/prometheus.sh"
"$here/podman.sh"
"$here/skopeo.sh" # skopeo built from Debian's sources with sigstore enabled (Debian's binary refuses sigstore signatures)
"$here/cosign.sh" # cosign 2.5.0, the binary of trixie's .deb (InRelease verified with gpgv): the third verifier and a signer
"$here/compose.sh" # docker-compose 1.29.2: ComposeConfigIT validates rendered Compose files
log "ready"
