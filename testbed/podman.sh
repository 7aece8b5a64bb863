#!/usr/bin/env bash
# Carapace testbed: podman, to run the Kubernetes manifests the cluster module renders for real with
# `podman kube play` (no Kubernetes API server can run here; TESTBED.md "Beyond one engine").
#
# Installs podman and catatonit (its init, which kube play needs), writes
# $CARAPACE_TESTBED_DIR/podman/containers.conf with `[containers] default_ulimits = []` (the ITs run podman
# with CONTAINERS_CONF pointing at it: podman's default RLIMIT_NPROC ulimit makes runc fail here with
# `error setting rlimit type 7`), and loads the local test images from dockerd into podman's own store
# (`docker save IMG | podman load`), where they are named localhost/IMG. Run as root, after setup.sh built
# the images. Idempotent: an image already loaded with the same id is not loaded again.
set -euo pipefail
log() { printf '[testbed podman] %s\n' "$*"; }
tb=${CARAPACE_TESTBED_DIR:-/var/lib/carapace-testbed}

need_pkgs=()
command -v podman >/dev/null 2>&1 || need_pkgs+=(podman)
{ command -v catatonit >/dev/null 2>&1 || [ -x /usr/libexec/podman/catatonit ]; } || need_pkgs+=(catatonit)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

mkdir -p "$tb/podman"
conf="$tb/podman/containers.conf"
want='[containers]
default_ulimits = []'
if [ "$(cat "$conf" 2>/dev/null || true)" != "$want" ]; then
  printf '%s\n' "$want" > "$conf"
  log "wrote $conf"
fi
export CONTAINERS_CONF="$conf"

DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)
for img in carapace-test/busybox:1 carapace-test/busybox-user:1; do
  id=$("$DOCKER" image inspect -f '{{.Id}}' "$img")
  have=$(podman image inspect -f '{{.Id}}' "localhost/$img" 2>/dev/null || true)
  if [ "sha256:$have" = "$id" ] || [ "$have" = "$id" ]; then
    log "image localhost/$img up to date"
    continue
  fi
  "$DOCKER" save "$img" | podman load -q >/dev/null
  log "loaded $img into podman as localhost/$img"
done
log "podman $(podman version --format '{{.Client.Version}}') ready; CONTAINERS_CONF=$conf"
