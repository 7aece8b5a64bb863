#!/usr/bin/env bash
# Carapace benchmarks: installs the project, builds bench/, runs every benchmark against the local
# Docker Engine and writes bench/results/<date>.md. About 6-8 minutes. Needs testbed/setup.sh first
# (dockerd and the carapace-test/busybox:1 image). Extra arguments are JVM options, e.g.
#   bench/run.sh -Dbench.iterations=10 -Dbench.sections=latency,jmh
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
export BENCH_COMMAND="bench/run.sh${*:+ $*}"
cleanup() { # whatever happens, no benchmark container stays behind
  ids=$(/usr/bin/docker ps -aq --filter label=carapace-bench 2>/dev/null || true)
  [ -z "$ids" ] || /usr/bin/docker rm -f $ids >/dev/null
}
trap cleanup EXIT
[ "${BENCH_SKIP_INSTALL:-}" = 1 ] || (cd "$root" && mvn -B -q -ntp install -DskipTests)
mvn -B -q -ntp -f "$bench/pom.xml" package
cd "$bench"
java -cp "target/carapace-bench-0.2.0-SNAPSHOT.jar:$(cat target/classpath.txt)" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  "$@" dev.carapace.bench.BenchMain
