#!/usr/bin/env bash
# Carapace testbed: a Docker Registry v2 (Debian's docker-registry package) on 127.0.0.1:5443 with
# TLS and htpasswd (bcrypt) basic auth, holding the test images, for the registry ITs.
#
# Run by setup.sh after dockerd and the test images are ready; idempotent: existing material is
# kept, the registry is started only when it does not answer, and images are pushed only when the
# registry's manifest does not name the local image. Runs as root on Debian, with or without systemd.
#
# Images in the registry: carapace-test/busybox:1 and carapace-test/busybox-user:1 (the engine's own,
# pushed again when they change), and carapace-test/registry-only:1 (a 1 MiB layer of random bytes on
# busybox, which only the registry holds: pulling it downloads that layer).
#
# Layout, under $CARAPACE_TESTBED_DIR (default /var/lib/carapace-testbed, mode 0700):
#   registry/ca.pem ca-key.pem          a CA made by openssl for this registry only
#   registry/server-cert.pem server-key.pem   the registry's certificate: SANs 127.0.0.1 and localhost
#   registry/user                       the test user (carapace)
#   registry/password                   its password (0600), read by the ITs; never printed
#   registry/htpasswd                   bcrypt (htpasswd -B)
#   registry/config.yml data/ registry.log registry.pid
# The engine trusts the CA through /etc/docker/certs.d/127.0.0.1:5443/ca.crt (and localhost:5443),
# which dockerd reads at each pull: no restart.
#
# The package's own service (config /etc/docker/registry/config.yml, port 5000 on every address) is
# stopped and disabled, and its config is moved to 127.0.0.1:5000 should anything start it again.
set -euo pipefail
tb=${CARAPACE_TESTBED_DIR:-/var/lib/carapace-testbed}
port=${CARAPACE_REGISTRY_PORT:-5443}
user=carapace
r=$tb/registry
log() { printf '[registry] %s\n' "$*"; }
umask 077

DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)

need=()
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v jq >/dev/null 2>&1 || need+=(jq)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${need[@]}" >/dev/null
fi

# The package's own service: never listening on a non-loopback address.
pkg_conf=/etc/docker/registry/config.yml
if [ -f "$pkg_conf" ] && grep -qE '^\s*addr:\s*:5000\s*$' "$pkg_conf"; then
  sed -i -E 's/^(\s*addr:\s*):5000\s*$/\1127.0.0.1:5000/' "$pkg_conf"
  log "moved the package's registry service to 127.0.0.1:5000 in $pkg_conf"
fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  if systemctl is-enabled --quiet docker-registry 2>/dev/null || systemctl is-active --quiet docker-registry 2>/dev/null; then
    systemctl disable --now docker-registry >/dev/null 2>&1 || true
    log "stopped and disabled the package's docker-registry service"
  fi
elif [ -s /var/run/docker-registry.pid ] && kill -0 "$(cat /var/run/docker-registry.pid)" 2>/dev/null; then
  /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  log "stopped the package's docker-registry service"
fi

mkdir -p "$tb" "$r/data"
chmod 0700 "$tb" "$r"
rm -rf "$r"/.tmp.*

serial() { printf '0x%s' "$(openssl rand -hex 16)"; }

# The CA and the server certificate (openssl; ECDSA P-256; the CA has pathlen 0).
if ! { [ -s "$r/ca.pem" ] && [ -s "$r/ca-key.pem" ] && [ -s "$r/server-cert.pem" ] && [ -s "$r/server-key.pem" ]; }; then
  tmp=$(mktemp -d "$r/.tmp.XXXXXX")
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ca-key.pem"
  printf '%s\n' '[req]' 'distinguished_name = dn' 'x509_extensions = v3ca' 'prompt = no' '[dn]' \
    'CN = carapace-testbed-registry-ca' '[v3ca]' 'basicConstraints = critical,CA:TRUE,pathlen:0' \
    'keyUsage = critical,keyCertSign,cRLSign' 'subjectKeyIdentifier = hash' >"$tmp/ca.cnf"
  openssl req -x509 -new -key "$tmp/ca-key.pem" -config "$tmp/ca.cnf" -days 3650 -sha256 \
    -set_serial "$(serial)" -out "$tmp/ca.pem"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/server-key.pem"
  openssl req -new -key "$tmp/server-key.pem" -subj /CN=127.0.0.1 -out "$tmp/server.csr"
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
    'extendedKeyUsage=serverAuth' 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
    'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid' >"$tmp/server.ext"
  openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca-key.pem" \
    -set_serial "$(serial)" -days 825 -sha256 -extfile "$tmp/server.ext" -out "$tmp/server-cert.pem" 2>/dev/null
  mv "$tmp/ca.pem" "$tmp/ca-key.pem" "$tmp/server-cert.pem" "$tmp/server-key.pem" "$r/"
  rm -rf "$tmp"
  log "made the registry's CA and server certificate (127.0.0.1, localhost) in $r"
fi

# The test user: a random password, bcrypt in htpasswd (read from stdin: never on a command line).
if [ ! -s "$r/password" ] || [ ! -s "$r/htpasswd" ] || [ "$(cat "$r/user" 2>/dev/null)" != "$user" ]; then
  openssl rand -hex 16 >"$r/password"
  htpasswd -iBc "$r/htpasswd" "$user" <"$r/password" 2>/dev/null
  printf '%s\n' "$user" >"$r/user"
  chmod 0600 "$r/password" "$r/htpasswd" "$r/user"
  log "wrote registry user $user to $r/htpasswd (password in $r/password)"
  restart=1
fi

# The engine trusts the registry's CA (dockerd reads certs.d at each pull).
for name in "127.0.0.1:$port" "localhost:$port"; do
  d=/etc/docker/certs.d/$name
  if ! cmp -s "$r/ca.pem" "$d/ca.crt" 2>/dev/null; then
    mkdir -p "$d"
    install -m 0644 "$r/ca.pem" "$d/ca.crt"
    log "the engine trusts the registry's CA: $d/ca.crt"
  fi
done

registry_conf() {
  cat <<EOF
# Written by testbed/registry.sh; changes are overwritten.
version: 0.1
log:
  level: info
  fields:
    service: carapace-testbed-registry
storage:
  filesystem:
    rootdirectory: $r/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  host: https://127.0.0.1:$port
  secret: $(cat "$r/http-secret")
  tls:
    certificate: $r/server-cert.pem
    key: $r/server-key.pem
    minimumtls: tls1.2
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: carapace-testbed-registry
    path: $r/htpasswd
EOF
}
[ -s "$r/http-secret" ] || openssl rand -hex 24 >"$r/http-secret"
if [ "$(registry_conf)" != "$(cat "$r/config.yml" 2>/dev/null)" ]; then
  registry_conf >"$r/config.yml"
  restart=1
fi
if grep -E '^\s*addr:' "$r/config.yml" | grep -vqE "addr: 127\.0\.0\.1:"; then
  log "refusing a registry listener off 127.0.0.1"; exit 1
fi

running() {
  local pid
  pid=$(cat "$r/registry.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q docker-registry "/proc/$pid/cmdline" 2>/dev/null
}
# 401 from /v2/ without credentials: the registry answers, with TLS from our CA, and asks for a login
answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$r/ca.pem" "https://127.0.0.1:$port/v2/" || true)" = 401 ]
}
if running && [ "${restart:-0}" = 1 ]; then
  pid=$(cat "$r/registry.pid")
  log "stopping the registry (pid $pid): its config or users changed"
  kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
fi
if ! running; then
  rm -f "$r/registry.pid"
  setsid nohup /usr/bin/docker-registry serve "$r/config.yml" >>"$r/registry.log" 2>&1 </dev/null &
  echo $! >"$r/registry.pid"
  log "started the registry on https://127.0.0.1:$port (pid $(cat "$r/registry.pid"), log $r/registry.log)"
fi
for _ in $(seq 1 40); do answers && break; sleep 0.25; done
answers || { log "the registry does not answer 401 on https://127.0.0.1:$port/v2/; see $r/registry.log"; tail -5 "$r/registry.log"; exit 1; }

# curl with the test user's credentials from a config on stdin (never on the command line)
registry_get() { # path accept
  printf 'user = "%s:%s"\n' "$user" "$(cat "$r/password")" \
    | curl -fsS --max-time 10 --cacert "$r/ca.pem" -K - -H "Accept: $2" "https://127.0.0.1:$port$1"
}
code=$(printf 'user = "%s:%s"\n' "$user" "$(cat "$r/password")" \
  | curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$r/ca.pem" -K - "https://127.0.0.1:$port/v2/" || true)
[ "$code" = 200 ] || { log "the registry refused the test user: HTTP $code; see $r/registry.log"; exit 1; }

# Push the test images, each only when the registry's manifest does not name the local image.
images=(carapace-test/busybox:1 carapace-test/busybox-user:1)
to_push=()
for image in "${images[@]}"; do
  local_id=$("$DOCKER" image inspect -f '{{.Id}}' "$image" 2>/dev/null) \
    || { log "image $image is missing (setup.sh builds it)"; exit 1; }
  remote_id=$(registry_get "/v2/${image%%:*}/manifests/${image##*:}" \
    application/vnd.docker.distribution.manifest.v2+json 2>/dev/null | jq -r '.config.digest // empty' || true)
  if [ "$remote_id" = "$local_id" ]; then
    log "127.0.0.1:$port/$image up to date"
  else
    to_push+=("$image")
  fi
done
# An image only the registry holds: a 1 MiB layer of random bytes over carapace-test/busybox:1,
# pushed and then removed from the engine, so that pulling it downloads a layer (progress with bytes);
# the ITs remove it from the engine again after pulling it.
only=carapace-test/registry-only:1
have_only=0
registry_get "/v2/${only%%:*}/manifests/${only##*:}" application/vnd.docker.distribution.manifest.v2+json \
  >/dev/null 2>&1 && have_only=1
[ $have_only = 1 ] && log "127.0.0.1:$port/$only present"
if [ ${#to_push[@]} -gt 0 ] || [ $have_only = 0 ]; then
  # a throwaway client config: root's ~/.docker stays untouched, and the login is gone afterwards
  DOCKER_CONFIG=$(mktemp -d)
  export DOCKER_CONFIG
  trap 'rm -rf "$DOCKER_CONFIG"' EXIT
  if ! out=$("$DOCKER" login -u "$user" --password-stdin "127.0.0.1:$port" <"$r/password" 2>&1); then
    log "docker login 127.0.0.1:$port failed: $out"; exit 1
  fi
  for image in "${to_push[@]}"; do
    "$DOCKER" tag "$image" "127.0.0.1:$port/$image"
    "$DOCKER" push -q "127.0.0.1:$port/$image" >/dev/null
    "$DOCKER" rmi "127.0.0.1:$port/$image" >/dev/null
    log "pushed $image to 127.0.0.1:$port"
  done
  if [ $have_only = 0 ]; then
    ctx=$(mktemp -d)
    printf '%s\n' 'FROM carapace-test/busybox:1' 'RUN head -c 1048576 /dev/urandom > /data/blob' >"$ctx/Dockerfile"
    DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "127.0.0.1:$port/$only" "$ctx" >/dev/null
    rm -rf "$ctx"
    "$DOCKER" push -q "127.0.0.1:$port/$only" >/dev/null
    "$DOCKER" rmi "127.0.0.1:$port/$only" >/dev/null
    log "pushed $only to 127.0.0.1:$port (and removed it from the engine)"
  fi
  "$DOCKER" logout "127.0.0.1:$port" >/dev/null
  rm -rf "$DOCKER_CONFIG"
  trap - EXIT
  unset DOCKER_CONFIG
fi
log "registry ready on https://127.0.0.1:$port (user $user, password in $r/password)"
