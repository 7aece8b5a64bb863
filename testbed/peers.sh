#!/usr/bin/env bash
# Carapace testbed peers: the TLS material for dockerd's TCP listener and the seed's nginx proxies.
# Everything listens on 127.0.0.1 only; all state lives in $CARAPACE_TESTBED_DIR
# (default /var/lib/carapace-testbed, mode 0700), where the integration tests read it.
#
#   peers.sh pki     make the certificates and keys (setup.sh runs this before starting dockerd)
#   peers.sh nginx   write the nginx config and start or reload nginx
#   peers.sh         both
#
# Idempotent: existing material is kept, nginx is reloaded only when its config changed, and a
# second run takes seconds. Delete $CARAPACE_TESTBED_DIR to start over (then restart dockerd).
#
# Layout:
#   pki/                 DockerPkiCommand (examples): ca.pem ca-key.pem server-cert.pem server-key.pem
#                        cert.pem key.pem; server SANs localhost and 127.0.0.1
#   openssl-ca/          an RSA CA made by openssl (ca.pem, ca-key.pem)
#   clients/<kind>/      client folders in the DOCKER_CERT_PATH layout, certificates signed by the
#                        openssl CA with clientAuth; kind = rsa-pkcs1, ec-sec1, pkcs8, pkcs8-encrypted
#                        (passphrase in clients/pkcs8-encrypted/passphrase, 0600). ca.pem is the
#                        tls-module CA (which signed the daemon's certificate) followed by the
#                        openssl CA: Carapace checks that cert.pem chains to ca.pem before dialling.
#   untrusted/ca/        a third CA that dockerd does not trust; untrusted/client/ a client folder
#                        with a certificate from it (ca.pem again a bundle, so that only the daemon
#                        refuses it)
#   wrong-name/          a server certificate for wrong.example only, signed by the tls-module CA
#   dockerd-ca-bundle.pem  --tlscacert for dockerd: the tls-module CA and the openssl CA
#   nginx/               nginx.conf, htpasswd, password (0600, user carapace), pid, logs
#
# nginx listeners (all 127.0.0.1; proxy_pass to unix:/var/run/docker.sock, as in the seed;
#   2383 is TLS with basic auth and no client certificate):
#   2380  plain HTTP + auth_basic
#   2381  TLS (tls-module server certificate) + ssl_verify_client on (tls-module CA) + auth_basic
#   2382  as 2381, but its server certificate names only wrong.example
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
tb=${CARAPACE_TESTBED_DIR:-/var/lib/carapace-testbed}
log() { printf '[peers] %s\n' "$*"; }
umask 077

mkdir -p "$tb"
chmod 0700 "$tb"
# leftovers of an interrupted run
rm -rf "$tb"/.ca.* "$tb"/.client.* "$tb"/.wrong.* "$tb/.pki.tmp" "$tb/.pki.out"

serial() { printf '0x%s' "$(openssl rand -hex 16)"; }

# openssl x509 -req extensions for a client certificate.
client_ext() {
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' \
    'keyUsage=critical,digitalSignature,keyEncipherment' \
    'extendedKeyUsage=clientAuth' \
    'subjectKeyIdentifier=hash' \
    'authorityKeyIdentifier=keyid'
}

# make_ca DIR CN: an RSA 3072 CA, ca.pem + ca-key.pem (PKCS#1), valid 10 years.
make_ca() {
  local dir=$1 cn=$2
  [ -s "$dir/ca.pem" ] && [ -s "$dir/ca-key.pem" ] && return 0
  local tmp; tmp=$(mktemp -d "$tb/.ca.XXXXXX")
  openssl genrsa -traditional -out "$tmp/ca-key.pem" 3072 2>/dev/null
  cat >"$tmp/req.cnf" <<EOF
[req]
distinguished_name = dn
x509_extensions = v3ca
prompt = no
[dn]
CN = $cn
[v3ca]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
EOF
  openssl req -x509 -new -key "$tmp/ca-key.pem" -config "$tmp/req.cnf" -days 3650 -sha256 \
    -set_serial "$(serial)" -out "$tmp/ca.pem"
  rm -f "$tmp/req.cnf"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  mv "$tmp" "$dir"
  log "made CA $cn in $dir"
}

# make_client DIR KIND CA_DIR CA_BUNDLE: key of KIND, certificate signed by CA_DIR with clientAuth.
make_client() {
  local dir=$1 kind=$2 ca=$3 bundle=$4
  [ -s "$dir/ca.pem" ] && [ -s "$dir/cert.pem" ] && [ -s "$dir/key.pem" ] && return 0
  local tmp; tmp=$(mktemp -d "$tb/.client.XXXXXX")
  local pass=()
  case "$kind" in
    rsa-pkcs1) openssl genrsa -traditional -out "$tmp/key.pem" 2048 2>/dev/null ;;
    ec-sec1) openssl ecparam -name prime256v1 -genkey -out "$tmp/key.pem" ;;
    pkcs8) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/key.pem" 2>/dev/null ;;
    pkcs8-encrypted)
      openssl rand -hex 24 >"$tmp/passphrase"
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc \
        -pass "file:$tmp/passphrase" -out "$tmp/key.pem"
      pass=(-passin "file:$tmp/passphrase") ;;
    *) log "unknown key kind $kind"; exit 1 ;;
  esac
  openssl req -new -key "$tmp/key.pem" "${pass[@]}" -subj "/CN=carapace-testbed-client-$kind" \
    -out "$tmp/csr.pem"
  client_ext >"$tmp/ext.cnf"
  openssl x509 -req -in "$tmp/csr.pem" -CA "$ca/ca.pem" -CAkey "$ca/ca-key.pem" \
    -set_serial "$(serial)" -days 825 -sha256 -extfile "$tmp/ext.cnf" -out "$tmp/cert.pem" 2>/dev/null
  cat $bundle >"$tmp/ca.pem"
  rm -f "$tmp/csr.pem" "$tmp/ext.cnf"
  chmod 0600 "$tmp"/*
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  mv "$tmp" "$dir"
  log "made $kind client in $dir"
}

# The examples module's DockerPkiCommand (the tls module's DockerPki), built from this checkout
# (only when pki/ is missing). The reactor compiles examples and the modules it needs; the class path
# printed last, examples', names their target/classes folders, so nothing is installed.
make_module_pki() {
  [ -s "$tb/pki/ca.pem" ] && [ -s "$tb/pki/ca-key.pem" ] && [ -s "$tb/pki/server-cert.pem" ] \
    && [ -s "$tb/pki/key.pem" ] && return 0
  log "building the examples module for DockerPkiCommand"
  local cp; cp=$(mktemp)
  (cd "$repo" && mvn -B -q -ntp -Dstyle.color=never -pl examples -am compile dependency:build-classpath \
    -Dmdep.outputFile="$cp" -Dmdep.includeScope=runtime)
  rm -rf "$tb/.pki.tmp" "$tb/pki"
  java -cp "$repo/examples/target/classes:$(cat "$cp")" dev.carapace.examples.DockerPkiCommand \
    --out "$tb/.pki.tmp" --host localhost --ip 127.0.0.1 --days 825 >"$tb/.pki.out"
  rm -f "$cp"
  mv "$tb/.pki.tmp" "$tb/pki"
  mv "$tb/.pki.out" "$tb/pki/DockerPkiCommand.out"
  log "made the tls-module PKI in $tb/pki"
}

# A server certificate naming only wrong.example, signed by the tls-module CA: a name mismatch and
# nothing else.
make_wrong_name() {
  [ -s "$tb/wrong-name/server-cert.pem" ] && [ -s "$tb/wrong-name/server-key.pem" ] && return 0
  local tmp; tmp=$(mktemp -d "$tb/.wrong.XXXXXX")
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/server-key.pem"
  openssl req -new -key "$tmp/server-key.pem" -subj /CN=wrong.example -out "$tmp/csr.pem"
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
    'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:wrong.example' >"$tmp/ext.cnf"
  openssl x509 -req -in "$tmp/csr.pem" -CA "$tb/pki/ca.pem" -CAkey "$tb/pki/ca-key.pem" \
    -set_serial "$(serial)" -days 825 -sha256 -extfile "$tmp/ext.cnf" -out "$tmp/server-cert.pem" 2>/dev/null
  cp "$tb/pki/ca.pem" "$tmp/ca.pem"
  rm -f "$tmp/csr.pem" "$tmp/ext.cnf"
  rm -rf "$tb/wrong-name"
  mv "$tmp" "$tb/wrong-name"
  log "made the wrong.example server certificate in $tb/wrong-name"
}

pki() {
  command -v openssl >/dev/null || { log "openssl is missing (setup.sh installs it)"; exit 1; }
  make_module_pki
  make_ca "$tb/openssl-ca" carapace-testbed-openssl-ca
  for kind in rsa-pkcs1 ec-sec1 pkcs8 pkcs8-encrypted; do
    make_client "$tb/clients/$kind" "$kind" "$tb/openssl-ca" "$tb/pki/ca.pem $tb/openssl-ca/ca.pem"
  done
  make_ca "$tb/untrusted/ca" carapace-testbed-untrusted-ca
  make_client "$tb/untrusted/client" pkcs8 "$tb/untrusted/ca" "$tb/pki/ca.pem $tb/untrusted/ca/ca.pem"
  make_wrong_name
  local bundle; bundle=$(cat "$tb/pki/ca.pem" "$tb/openssl-ca/ca.pem")
  if [ ! -f "$tb/dockerd-ca-bundle.pem" ] || [ "$(cat "$tb/dockerd-ca-bundle.pem")" != "$bundle" ]; then
    printf '%s\n' "$bundle" >"$tb/dockerd-ca-bundle.pem"
    log "wrote $tb/dockerd-ca-bundle.pem"
  fi
}

nginx_conf() {
  local n=$tb/nginx
  cat <<EOF
# Written by testbed/peers.sh; changes are overwritten. The seed's docker-authenticate proxy.
user root;
worker_processes 1;
pid $n/nginx.pid;
error_log $n/error.log warn;
events { worker_connections 256; }
http {
  access_log $n/access.log;
  client_body_temp_path $n/tmp/body;
  proxy_temp_path $n/tmp/proxy;
  fastcgi_temp_path $n/tmp/fastcgi;
  uwsgi_temp_path $n/tmp/uwsgi;
  scgi_temp_path $n/tmp/scgi;
  server_tokens off;
  client_max_body_size 0;

  upstream docker {
    server unix:/var/run/docker.sock;
  }

  # plain HTTP with basic auth, as in the seed
  server {
    listen 127.0.0.1:2380;
    location / {
      auth_basic "Access restricted";
      auth_basic_user_file $n/htpasswd;
      include $n/proxy.inc;
    }
  }

  # TLS-terminating: client certificate from the tls-module CA, and basic auth
$(tls_server 2381 "$tb/pki/server-cert.pem" "$tb/pki/server-key.pem")

  # as 2381, but the server certificate names only wrong.example
$(tls_server 2382 "$tb/wrong-name/server-cert.pem" "$tb/wrong-name/server-key.pem")

  # TLS (server certificate only, no client certificate asked) and basic auth: the usual HTTPS proxy
$(tls_server 2383 "$tb/pki/server-cert.pem" "$tb/pki/server-key.pem" off)
}
EOF
}

tls_server() { # PORT CERT KEY [VERIFY_CLIENT=on]
  cat <<EOF
  server {
    listen 127.0.0.1:$1 ssl;
    ssl_certificate $2;
    ssl_certificate_key $3;
    ssl_client_certificate $tb/pki/ca.pem;
    ssl_verify_client ${4:-on};
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      auth_basic "Access restricted";
      auth_basic_user_file $tb/nginx/htpasswd;
      include $tb/nginx/proxy.inc;
    }
  }
EOF
}

proxy_inc() {
  cat <<'EOF'
proxy_pass http://docker;
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_set_header Authorization "";
proxy_buffering off;
proxy_request_buffering off;
proxy_read_timeout 3600s;
proxy_send_timeout 3600s;
EOF
}

nginx_peer() {
  command -v nginx >/dev/null && command -v htpasswd >/dev/null \
    || { log "nginx or htpasswd is missing (setup.sh installs them)"; exit 1; }
  local n=$tb/nginx
  mkdir -p "$n/tmp"
  if [ ! -s "$n/password" ] || [ ! -s "$n/htpasswd" ]; then
    openssl rand -hex 16 >"$n/password"
    htpasswd -bc "$n/htpasswd" carapace "$(cat "$n/password")" 2>/dev/null
    chmod 0600 "$n/password" "$n/htpasswd"
    log "wrote basic-auth user carapace to $n/htpasswd (password in $n/password)"
  fi
  local changed=0
  if [ "$(proxy_inc)" != "$(cat "$n/proxy.inc" 2>/dev/null)" ]; then proxy_inc >"$n/proxy.inc"; changed=1; fi
  if [ "$(nginx_conf)" != "$(cat "$n/nginx.conf" 2>/dev/null)" ]; then nginx_conf >"$n/nginx.conf"; changed=1; fi
  if grep -E '^\s*listen' "$n/nginx.conf" | grep -vqE 'listen 127\.0\.0\.1:'; then
    log "refusing an nginx listener off 127.0.0.1"; exit 1
  fi
  nginx -t -q -c "$n/nginx.conf" -g "error_log $n/error.log;" 2>/dev/null \
    || { nginx -t -c "$n/nginx.conf"; exit 1; }
  local pid=""
  [ -s "$n/nginx.pid" ] && pid=$(cat "$n/nginx.pid")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q nginx "/proc/$pid/cmdline" 2>/dev/null; then
    if [ $changed = 1 ]; then
      nginx -c "$n/nginx.conf" -s reload
      log "nginx reloaded (pid $pid)"
    else
      log "nginx already running (pid $pid)"
    fi
  else
    rm -f "$n/nginx.pid"
    nginx -c "$n/nginx.conf"
    log "nginx started on 127.0.0.1:2380 (http), :2381 (tls), :2382 (tls, wrong name), :2383 (tls, no client cert)"
  fi
  local code
  for _ in $(seq 1 20); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 \
      -u "carapace:$(cat "$n/password")" http://127.0.0.1:2380/_ping || true)
    [ "$code" = 200 ] && break
    sleep 0.25
  done
  [ "$code" = 200 ] || { log "nginx on 127.0.0.1:2380 answered HTTP $code to /_ping; see $n/error.log"; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$tb/pki/ca.pem" \
    --cert "$tb/pki/cert.pem" --key "$tb/pki/key.pem" -u "carapace:$(cat "$n/password")" \
    https://127.0.0.1:2381/_ping || true)
  [ "$code" = 200 ] || { log "nginx on 127.0.0.1:2381 answered HTTP $code to /_ping; see $n/error.log"; exit 1; }
  log "nginx proxies answer /_ping on 127.0.0.1:2380 and :2381"
}

case "${1:-all}" in
  pki) pki ;;
  nginx) nginx_peer ;;
  all) pki; nginx_peer ;;
  *) echo "usage: peers.sh [pki|nginx]" >&2; exit 2 ;;
esac
