#!/usr/bin/env bash
# Carapace testbed: skopeo, the independent second verifier of image signatures (issue 20).
#
# skopeo reads a containers-policy.json with a `sigstoreSigned` requirement and a registries.d file
# with `use-sigstore-attachments: true`, and then verifies cosign-style key-based signatures stored
# under the tag `sha256-<hex>.sig`: the scheme Carapace's own verifier follows. The core IT
# SkopeoAgreementIT runs it on a corpus in the testbed's registry with a policy, a registries.d, an
# authfile and the registry's CA of its own (a temporary directory): nothing under /etc/containers
# is changed here.
#
# Debian 12's skopeo 1.9.3 (installed too, for the record) and podman 4.3.1 are built with Debian's
# disable-sigstore.patch: every sigstore signature is refused with "Debian-local change: sigstore
# disabled", signed or not, and `--sign-by-sigstore-private-key` fails the same way. So this script
# builds upstream skopeo v1.11.2 (containers/image 5.24.1) from its own vendored sources with Debian's
# Go 1.19 (no module download: GOPROXY=off), pinned by commit, into $tb/skopeo/skopeo. The source is
# fetched from $CARAPACE_SKOPEO_GIT (a git URL or a local clone/mirror; default GitHub).
#
# Run as root by setup.sh; idempotent: a binary that reports the pinned commit is kept (seconds).
set -euo pipefail
log() { printf '[testbed skopeo] %s\n' "$*"; }
tb=${CARAPACE_TESTBED_DIR:-/var/lib/carapace-testbed}
tag=v1.11.2
commit=dc1e14f7a7974d6b4afeee2ba31b090512f493a8
src=${CARAPACE_SKOPEO_GIT:-https://github.com/containers/skopeo}
bin=$tb/skopeo/skopeo

need=()
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v go >/dev/null 2>&1 || need+=(golang-go)
command -v git >/dev/null 2>&1 || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${need[@]}" >/dev/null
fi

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "commit: $commit"; then
  log "$("$bin" --version) up to date at $bin"
  exit 0
fi

mkdir -p "$tb/skopeo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git init -q "$work/git"
git -C "$work/git" fetch -q --depth 1 "$src" "refs/tags/$tag:refs/tags/$tag"
got=$(git -C "$work/git" rev-parse "$tag^{commit}")
[ "$got" = "$commit" ] || { log "$src: tag $tag is commit $got, expected $commit; refusing"; exit 1; }
mkdir "$work/src"
git -C "$work/git" archive "$commit" | tar -x -C "$work/src"
log "building skopeo $tag ($commit) with $(go version | cut -d' ' -f3)"
(cd "$work/src" && CGO_ENABLED=0 GOFLAGS=-mod=vendor GOPROXY=off GOPATH="$work/gopath" \
  GOCACHE="${GOCACHE:-$work/gocache}" nice -n 10 go build -p 1 \
  -tags "exclude_graphdriver_devicemapper exclude_graphdriver_btrfs containers_image_openpgp" \
  -ldflags "-X main.gitCommit=$commit" -o "$work/skopeo" ./cmd/skopeo)
install -m 0755 "$work/skopeo" "$bin"
log "$("$bin" --version) installed at $bin (Debian's $(skopeo --version | cut -d' ' -f3) stays at $(command -v skopeo))"
