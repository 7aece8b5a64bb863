#!/usr/bin/env bash
# Carapace testbed: cosign, the third verifier of image signatures (issue 20), and the signer whose
# signatures Carapace must read (`cosign sign --key`).
#
# cosign is not in Debian 12; Debian 13 (trixie) ships cosign 2.5.0 (package cosign, a static Go
# binary: Depends: libc6 (>= 2.34), which bookworm's 2.36 satisfies). This script takes that one
# binary from deb.debian.org only (no GitHub), checked along Debian's own chain of trust:
#   1. trixie's InRelease, verified with gpgv against /usr/share/keyrings/debian-archive-keyring.gpg
#      (bookworm's debian-archive-keyring 2023.3+deb12u2 added trixie's keys: "Debian Archive Automatic
#      Signing Key (13/trixie)" and "Debian Stable Release Key (13/trixie)"; an older one is upgraded
#      from bookworm first);
#   2. main/binary-amd64/Packages.xz, checked against the SHA256 InRelease lists for it;
#   3. the .deb, checked against the SHA256 of the pinned version's Packages entry, and against the
#      SHA256 pinned below (so a rebuild that Debian publishes changes nothing here unnoticed);
#   4. `dpkg-deb -x` into a temporary directory: nothing is installed through dpkg or apt (no trixie
#      package enters this bookworm machine's package database), only usr/bin/cosign is copied to
#      $tb/cosign/cosign (atomically: temp name, then mv).
# The core IT SignatureAgreementIT runs it as a verifier and a signer against the testbed's registry,
# offline (--insecure-ignore-tlog, --tlog-upload=false, a key file: no Rekor, Fulcio or TUF).
#
# When Debian replaces 2.5.0-2+b5 in trixie (a point release or a binNMU), the pool file goes and this
# script fails naming the version: update `version` and `deb_sha256` after checking the new entry.
#
# Run as root by setup.sh; idempotent: a binary whose SHA256 is recorded next to it and that answers
# `cosign version` is kept (well under a second). A fresh run downloads about 24 MB (InRelease,
# Packages.xz 9.7 MB, the .deb 14.9 MB). Mirror: CARAPACE_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
log() { printf '[testbed cosign] %s (%ss)\n' "$*" "$SECONDS"; }
tb=${CARAPACE_TESTBED_DIR:-/var/lib/carapace-testbed}
bin=$tb/cosign/cosign
stamp=$tb/cosign/cosign.sha256
mirror=${CARAPACE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

suite=trixie
version=2.5.0-2+b5
pool=pool/main/c/cosign/cosign_${version}_amd64.deb
deb_sha256=3b6eadd27f3c4c00bfa7eab5c2397a6a15a763630c7a1d40d06ff60d24799eef

need=()
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v gpgv >/dev/null 2>&1 || need+=(gpgv)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
# 2023.3+deb12u2 is the first bookworm keyring with trixie's keys
keyring_version=$(dpkg-query -W -f '${Version}' debian-archive-keyring 2>/dev/null || true)
if [ ! -f "$keyring" ] || ! dpkg --compare-versions "${keyring_version:-0}" ge 2023.3+deb12u2; then
  need+=(debian-archive-keyring)
fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${need[@]}" >/dev/null
fi

# The binary's own hash is recorded at install: the kept binary is the one extracted from the checked .deb.
if [ -x "$bin" ] && [ -f "$stamp" ] && (cd "$tb/cosign" && sha256sum --quiet -c "$stamp") >/dev/null 2>&1 \
  && "$bin" version >/dev/null 2>&1; then
  log "cosign (Debian $version, $("$bin" version 2>/dev/null | sed -n "s/^GoVersion: *//p")) up to date at $bin"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { log "$*"; exit 1; }
get() { curl -fsS --retry 3 --max-time 300 -o "$2" "$mirror/$1" || fail "download of $mirror/$1 failed"; }

log "fetching $suite's InRelease from $mirror"
get "dists/$suite/InRelease" "$work/InRelease"
gpgv --keyring "$keyring" --output "$work/Release" "$work/InRelease" >"$work/gpgv.log" 2>&1 \
  || { sed 's/^/  /' "$work/gpgv.log"; fail "$suite's InRelease does not verify with $keyring (debian-archive-keyring $(dpkg-query -W -f '${Version}' debian-archive-keyring 2>/dev/null))"; }
grep -q '^Codename: '"$suite"'$' "$work/Release" || fail "the verified Release is not $suite's"

want=$(awk '/^SHA256:/ { s = 1; next } /^[^ ]/ { s = 0 } s && $3 == "main/binary-amd64/Packages.xz" { print $1 }' "$work/Release")
[ -n "$want" ] || fail "$suite's Release lists no SHA256 for main/binary-amd64/Packages.xz"
log "fetching main/binary-amd64/Packages.xz"
get "dists/$suite/main/binary-amd64/Packages.xz" "$work/Packages.xz"
echo "$want  $work/Packages.xz" | sha256sum --quiet -c - || fail "Packages.xz does not match $suite's Release"

# (awk reads to the end: an early exit would make xz fail with SIGPIPE under pipefail)
entry=$(xz -dc "$work/Packages.xz" | awk -v v="$version" 'BEGIN { RS = "" }
  !done && /(^|\n)Package: cosign\n/ && index($0 "\n", "\nVersion: " v "\n") { print; done = 1 }')
[ -n "$entry" ] || fail "$suite no longer has cosign $version: update version and deb_sha256 in $0"
listed=$(printf '%s\n' "$entry" | sed -n 's/^SHA256: //p')
file=$(printf '%s\n' "$entry" | sed -n 's/^Filename: //p')
[ "$file" = "$pool" ] || fail "cosign $version is at $file, not $pool"
[ "$listed" = "$deb_sha256" ] || fail "cosign $version's SHA256 in $suite's Packages is $listed, pinned $deb_sha256"

log "fetching $pool"
get "$pool" "$work/cosign.deb"
echo "$deb_sha256  $work/cosign.deb" | sha256sum --quiet -c - || fail "$pool does not match its SHA256 $deb_sha256"
dpkg-deb -x "$work/cosign.deb" "$work/root" || fail "dpkg-deb -x $pool failed"
[ -x "$work/root/usr/bin/cosign" ] || fail "$pool has no usr/bin/cosign"
"$work/root/usr/bin/cosign" version >"$work/version" 2>&1 || { cat "$work/version"; fail "the extracted cosign does not run"; }

mkdir -p "$tb/cosign"
install -m 0755 "$work/root/usr/bin/cosign" "$bin.new.$$"
mv -f "$bin.new.$$" "$bin"
(cd "$tb/cosign" && sha256sum cosign >"$stamp.new.$$" && mv -f "$stamp.new.$$" "$stamp")
log "cosign (Debian $version from $suite, $(sed -n "s/^GoVersion: *//p" "$work/version")) installed at $bin"
