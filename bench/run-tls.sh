#!/usr/bin/env bash
# Benchmark: Engine API calls per second over mutual TLS (dockerd on 127.0.0.1:2376) against the
# unix socket, interleaved after warm-up, with the TCP connections each client opened; and the time
# DockerPki takes to generate a CA + server + client set (EC P-256 and RSA 2048).
# Needs the testbed (testbed/setup.sh). Writes bench/results/tls.md. Not part of `mvn verify`.
#
#   bench/run-tls.sh [ROUNDS [CALLS_PER_ROUND]]     defaults: 15 rounds of 300 calls
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
mvn -B -q -ntp -Dstyle.color=never -pl bom,core -am install -DskipTests
mvn -B -q -ntp -Dstyle.color=never -f bench/pom.xml compile exec:java \
  -Dexec.mainClass=dev.carapace.bench.TlsBench -Dexec.cleanupDaemonThreads=false \
  -Dexec.args="--out $repo/bench/results/tls.md --command 'bench/run-tls.sh${*:+ $*}' ${1:+--rounds $1} ${2:+--calls $2}"
