#!/usr/bin/env bash
# Carapace benchmarks: installs the project, builds bench/, runs every benchmark against the local
# Docker Engine and writes bench/results/<date>.md. About 6-8 minutes. Needs testbed/setup.sh first
# (dockerd and the carapace-test/busybox:1 image). Extra arguments are JVM options, e.g.
#   bench/run.sh -Dbench.iterations=10 -Dbench.sections=latency,jmh
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
export BENCH_COMMAND="${BENCH_REACTOR:+BENCH_REACTOR=1 }bench/run.sh${*:+ $*}"
cleanup() { # whatever happens, no benchmark container stays behind
  ids=$(/usr/bin/docker ps -aq --filter label=carapace-bench 2>/dev/null || true)
  [ -z "$ids" ] || /usr/bin/docker rm -f $ids >/dev/null
}
trap cleanup EXIT
if [ "${BENCH_REACTOR:-}" = 1 ]; then
  # no install (a machine others share): the reactor's classes as compiled now, the benchmark compiled by
  # javac against them; only third-party jars come from ~/.m2
  (cd "$root" && mvn -B -q -ntp -o -pl cluster -am compile)
  mvn -B -q -ntp -o -f "$bench/pom.xml" dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$bench/target/deps.txt"
  deps=$(tr ':' '\n' < "$bench/target/deps.txt" | grep -v '/dev/carapace/' | paste -sd:)
  mods=$root/tls/target/classes:$root/core/target/classes:$root/policy/target/classes:$root/cluster/target/classes
  jmh=$(tr ':' '\n' <<<"$deps" | grep -E '/jmh-core-' | head -1)
  apt=$(find ~/.m2/repository/org/openjdk/jmh/jmh-generator-annprocess -name '*.jar' | head -1)
  rm -rf "$bench/target/reactor-classes"
  javac -nowarn -d "$bench/target/reactor-classes" -cp "$deps:$mods" -processorpath "$apt:$jmh" \
    $(find "$bench/src/main/java" -name '*.java')
  cp="$bench/target/reactor-classes:$mods:$deps"
else
  [ "${BENCH_SKIP_INSTALL:-}" = 1 ] || (cd "$root" && mvn -B -q -ntp install -DskipTests)
  mvn -B -q -ntp -f "$bench/pom.xml" package
  cp="$bench/target/carapace-bench-0.2.0-SNAPSHOT.jar:$(cat "$bench/target/classpath.txt")"
fi
cd "$bench"
java -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@" dev.carapace.bench.BenchMain
