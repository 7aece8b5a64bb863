#!/usr/bin/env bash
# Carapace testbed: skopeo, the independent second verifier of image signatures (issue 20).
#
# skopeo reads a containers-policy.json with a `sigstoreSigned` requirement and a registries.d file
# with `use-sigstore-attachments: true`, and then verifies cosign-style key-based signatures stored
# under the tag `sha256-<hex>.sig`: the scheme Carapace's own verifier follows. The core IT
# SignatureAgreementIT (formerly SkopeoAgreementIT) runs it on a corpus in the testbed's registry with a policy, a registries.d, an
# authfile and the registry's CA of its own (a temporary directory): nothing under /etc/containers
# is changed here.
#
# Debian 12's skopeo 1.9.3 (installed too, for the record) and podman 4.3.1 are built with Debian's
# disable-sigstore.patch of golang-github-containers-image (5.23.1-4): every sigstore signature is
# refused with "Debian-local change: sigstore disabled", signed or not, and
# `--sign-by-sigstore-private-key` fails the same way. The patch's stated purpose is "to avoid
# dependency on sigstore/cosign": bookworm main has no github.com/sigstore/sigstore nor
# theupdateframework/go-tuf; bookworm-backports has both.
#
# So this script builds skopeo from Debian's own sources, from deb.debian.org only (no GitHub, no
# Go module proxy), the way dh-golang does (GOPATH mode, GO111MODULE=off, Debian's Go 1.19):
#   - skopeo's Debian source package (pinned version, with its debian/patches applied);
#   - the Go libraries it build-depends on (and theirs), as bookworm's -dev .debs, unpacked into a
#     temporary GOPATH (never installed: /usr/share/gocode and the machine's apt config are not
#     touched; apt runs on a sources list, lists, cache and dpkg status of its own in the temp dir);
#   - golang-github-containers-image-dev with Debian's disable-sigstore.patch reverted (the patch
#     comes from that package's pinned Debian source), i.e. containers/image 5.23.1's own code;
#   - sigstore/sigstore, go-tuf, go-securesystemslib and go-containerregistry (pkg/name) -dev .debs
#     from bookworm-backports, which that code imports.
# Before installing, containers/image's own sigstore unit tests (policy_eval_sigstore_test.go,
# sigstore_payload_test.go, on its cosign fixtures) must pass on that tree, and the binary must not
# contain Debian's refusal message. The result goes to $tb/skopeo/skopeo (atomically: temp name,
# then mv); `skopeo --version` reports the marker below as its commit.
#
# On the testbed registry this binary gave SkopeoAgreementIT's 15 cases (now SignatureAgreementIT's) the same verdicts, with the
# same messages, as upstream skopeo v1.11.2 (containers/image 5.24.1) built from GitHub.
#
# Run as root by setup.sh; idempotent: a binary that reports the marker is kept (seconds). A build
# downloads about 85 MB (some 270 Go -dev packages and two source packages) and unpacks about 600 MB in
# a temporary directory, removed at the end; it runs under nice/ionice.
# Mirrors: CARAPACE_DEBIAN_MIRROR (default http://deb.debian.org/debian) and
# CARAPACE_DEBIAN_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
set -euo pipefail
log() { printf '[testbed skopeo] %s (%ss)\n' "$*" "$SECONDS"; }
tb=${CARAPACE_TESTBED_DIR:-/var/lib/carapace-testbed}
bin=$tb/skopeo/skopeo
mirror=${CARAPACE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${CARAPACE_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

skopeo_src=1.9.3+ds1-1          # source package skopeo (bookworm)
image_ver=5.23.1-4              # golang-github-containers-image(-dev) (bookworm), carries disable-sigstore.patch
backports=(                     # bookworm-backports: what the reverted code imports
  golang-github-sigstore-sigstore-dev=1.4.0-2~bpo12+1
  golang-github-theupdateframework-go-tuf-dev=0.5.2-5~bpo12+1
  golang-github-secure-systems-lab-go-securesystemslib-dev=0.4.0-2~bpo12+1
  golang-github-google-go-containerregistry-dev=0.14.0+ds1-2~bpo12+1
)
tags="exclude_graphdriver_devicemapper exclude_graphdriver_btrfs containers_image_openpgp"
marker="debian-skopeo_${skopeo_src},containers-image_${image_ver}-sigstore-enabled,sigstore_1.4.0-2~bpo12+1"

need=()
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v go >/dev/null 2>&1 || need+=(golang-go)
command -v patch >/dev/null 2>&1 || need+=(patch)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
[ -f "$keyring" ] || need+=(debian-archive-keyring)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${need[@]}" >/dev/null
fi

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -qF "commit: $marker"; then
  log "$("$bin" --version) up to date at $bin"
  exit 0
fi

renice -n 10 -p $$ >/dev/null 2>&1 || true
ionice -c 2 -n 7 -p $$ >/dev/null 2>&1 || true
mkdir -p "$tb/skopeo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/log
fail() { log "$*"; [ -s "$out" ] && tail -n 40 "$out" | sed 's/^/  /'; exit 1; }

# apt with everything of its own: sources, lists, cache, an empty dpkg status (so the dependency
# closure is computed from nothing, whatever this machine has installed).
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$apt/debs" "$apt/src"
: >"$apt/status"
cat >"$apt/sources.list" <<EOF
deb [signed-by=$keyring] $mirror bookworm main
deb [signed-by=$keyring] $mirror bookworm-updates main
deb [signed-by=$keyring] $security bookworm-security main
deb [signed-by=$keyring] $mirror bookworm-backports main
deb-src [signed-by=$keyring] $mirror bookworm main
EOF
A=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/parts"
   -o "Dir::Etc::Preferences=$apt/parts/none" -o "Dir::Etc::PreferencesParts=$apt/parts"
   -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::State::status=$apt/status"
   -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Sandbox::User=root -q)

log "fetching Debian's package lists into $work (the machine's apt config stays as it is)"
apt-get "${A[@]}" update >"$out" 2>&1 || fail "apt-get update on $mirror failed"

# Sources: skopeo (to build) and golang-github-containers-image (for its disable-sigstore.patch).
(cd "$apt/src" && apt-get "${A[@]}" source --download-only "skopeo=$skopeo_src" \
  "golang-github-containers-image=$image_ver") >"$out" 2>&1 \
  || fail "apt-get source skopeo=$skopeo_src golang-github-containers-image=$image_ver failed"

# Binary -dev packages: the closure of skopeo's Go build-dependencies (from its Sources entry),
# as apt resolves it on an empty system, golang-*-dev only (the Go sources under /usr/share/gocode).
build_deps=$(apt-cache "${A[@]}" showsrc skopeo \
  | awk -v v="$skopeo_src" 'BEGIN { RS = "" } index($0 "\n", "\nVersion: " v "\n") { print; exit }' \
  | sed -n 's/^Build-Depends: //p' | tr ',' '\n' | sed 's/([^)]*)//g; s/|.*//; s/[[:space:]]//g' | grep -E '^golang-.+-dev$' \
  | grep -vx golang-github-containers-image-dev || true)
[ -n "$build_deps" ] || fail "no golang build-dependencies found for skopeo=$skopeo_src"
# shellcheck disable=SC2086
apt-get "${A[@]}" install -s --no-install-recommends $build_deps \
  "golang-github-containers-image-dev=$image_ver" >"$out" 2>&1 || fail "resolving skopeo's build-dependencies failed"
mapfile -t closure < <(sed -n 's/^Inst \(golang-[^ ]*-dev\) (\([^ ]*\) .*/\1=\2/p' "$out")
[ ${#closure[@]} -gt 0 ] || fail "empty dependency closure"
log "downloading ${#closure[@]} Go -dev packages from bookworm and ${#backports[@]} from bookworm-backports"
(cd "$apt/debs" && apt-get "${A[@]}" download "${closure[@]}" "${backports[@]}") >"$out" 2>&1 \
  || fail "apt-get download failed"

gopath=$work/gopath
root=$work/root
mkdir -p "$gopath/src/github.com/containers" "$root"
for deb in "$apt"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
gocode=$root/usr/share/gocode

# containers/image with Debian's disable-sigstore.patch reverted, shadowing the unpacked one.
tar -xJf "$apt/src/golang-github-containers-image_${image_ver}.debian.tar.xz" -C "$work" \
  debian/patches/disable-sigstore.patch
cp -a "$gocode/src/github.com/containers/image" "$gopath/src/github.com/containers/image"
(cd "$gopath/src/github.com/containers/image" \
  && patch -R -p1 -s --no-backup-if-mismatch <"$work/debian/patches/disable-sigstore.patch") >"$out" 2>&1 \
  || fail "reverting disable-sigstore.patch on containers/image $image_ver failed"
if grep -rqF 'Debian-local change: sigstore disabled' "$gopath/src/github.com/containers/image"; then
  fail "containers/image still contains Debian's sigstore refusal after reverting the patch"
fi

# skopeo: upstream tarball plus Debian's packaging and patches.
s=$gopath/src/github.com/containers/skopeo
mkdir -p "$s"
tar -xJf "$apt/src/skopeo_${skopeo_src%-*}.orig.tar.xz" -C "$s" --strip-components=1
tar -xJf "$apt/src/skopeo_${skopeo_src}.debian.tar.xz" -C "$s"
if [ -f "$s/debian/patches/series" ]; then
  while read -r p _; do
    case "$p" in ''|'#'*) continue ;; esac
    patch -d "$s" -p1 -s --no-backup-if-mismatch <"$s/debian/patches/$p" >"$out" 2>&1 \
      || fail "applying skopeo's debian/patches/$p failed"
  done <"$s/debian/patches/series"
fi

export GO111MODULE=off GOPROXY=off GOFLAGS= GOENV=off CGO_ENABLED=0 GOPATH="$gopath:$gocode"
export GOCACHE="${GOCACHE:-$work/gocache}"
missing=$(cd "$s" && go list -e -deps -tags "$tags" -f '{{if .Error}}{{.ImportPath}}{{end}}' ./cmd/skopeo 2>&1 || true)
[ -z "$missing" ] || fail "Go packages missing from the unpacked Debian packages: $(echo $missing)"

log "testing containers/image $image_ver's sigstore code (its own unit tests) with $(go version | cut -d' ' -f3)"
(cd "$gopath/src/github.com/containers/image" \
  && go test -count=1 -tags "$tags" -run Sigstore ./signature/ ./signature/internal/) >"$out" 2>&1 \
  || fail "containers/image's sigstore unit tests failed"

log "building skopeo $skopeo_src (GOPATH mode, CGO_ENABLED=0)"
(cd "$s" && go build -tags "$tags" -ldflags "-X main.gitCommit=$marker" -o "$work/skopeo" ./cmd/skopeo) \
  >"$out" 2>&1 || fail "go build of skopeo failed"
"$work/skopeo" --version | grep -qF "commit: $marker" || fail "the built skopeo does not report $marker"
if grep -qF 'Debian-local change: sigstore disabled' "$work/skopeo"; then
  fail "the built skopeo still contains Debian's sigstore refusal"
fi

install -m 0755 "$work/skopeo" "$bin.new.$$"
mv -f "$bin.new.$$" "$bin"
log "$("$bin" --version) installed at $bin (Debian's $(skopeo --version | cut -d' ' -f3) stays at $(command -v skopeo))"
