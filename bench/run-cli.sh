#!/usr/bin/env bash
# Benchmark: `carapace audit` of N running containers (default 50), the whole process (JVM start, the
# engine's /info, the listing, one inspect per container, the report), against the floor of any audit:
# `docker inspect $(docker ps -q ...)` on the same containers (both processes). Both select the
# containers by the label carapace-bench=cli-audit, so other containers on the engine change neither.
# Rounds alternate the two after one warm-up each; medians and the ratio carapace / docker inspect,
# against the target of issue 22 (within 3x). Removes its containers on exit, whatever happens.
# Needs the testbed (testbed/setup.sh). Writes bench/results/cli-audit.md. Not part of `mvn verify`.
#
#   bench/run-cli.sh [ROUNDS [CONTAINERS]]     defaults: 7 rounds, 50 containers
#   BENCH_SKIP_BUILD=1 bench/run-cli.sh        uses cli/target/carapace as built
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
rounds=${1:-7}
count=${2:-50}
label=carapace-bench=cli-audit
docker=/usr/bin/docker
out=bench/results/cli-audit.md
cleanup() {
  ids=$($docker ps -aq --filter "label=$label" 2>/dev/null || true)
  [ -z "$ids" ] || $docker rm -f $ids >/dev/null
}
trap cleanup EXIT
cleanup
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || mvn -B -q -ntp -o -Dstyle.color=never -pl cli -am package -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
carapace=$repo/cli/target/carapace/bin/carapace
for i in $(seq 1 "$count"); do
  $docker run -d --label "$label" --name "carapace-bench-cli-$i" --cap-drop ALL \
    --security-opt no-new-privileges --read-only --pids-limit 64 --memory 64m --network none \
    carapace-test/busybox:1 sleep 3600 >/dev/null
done
listed=$($docker ps -q --filter "label=$label" | wc -l)
[ "$listed" -eq "$count" ] || { echo "expected $count running containers, the engine lists $listed" \
  "($($docker ps -aq --filter "label=$label" | wc -l) with stopped ones)" >&2; exit 1; }
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# the audit must judge exactly these containers: its JSON subject says how many
audit() { "$carapace" audit --label "$label" --format json --fail-on never; }
subject=$(audit | sed -n 's/.*"subject" : "\(.*\)",/\1/p')
case "$subject" in *", $count running containers labelled $label") ;; *)
  echo "carapace audit judged something else: $subject" >&2; exit 1 ;; esac
floor() { $docker inspect $($docker ps -q --filter "label=$label"); }
[ "$(floor | grep -c '"Id": ')" -eq "$count" ] || { echo "docker inspect did not show $count containers" >&2; exit 1; }

ms() { # runs "$@" with output discarded; prints the wall time in ms
  local s e
  s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
  echo $(( (e - s) / 1000000 ))
}
audit_ms=(); floor_ms=()
ms audit >/dev/null; ms floor >/dev/null   # warm-up: page cache, the engine's own caches
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then
    audit_ms+=("$(ms audit)"); floor_ms+=("$(ms floor)")
  else
    floor_ms+=("$(ms floor)"); audit_ms+=("$(ms audit)")
  fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
audit_median=$(median "${audit_ms[@]}")
floor_median=$(median "${floor_ms[@]}")
ratio=$(awk -v a="$audit_median" -v f="$floor_median" 'BEGIN {printf "%.2f", a / f}')
verdict=$(awk -v r="$ratio" 'BEGIN {print (r <= 3.0) ? "met" : "not met"}')
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
# a container gone meanwhile (another process on a shared engine) would make the rounds unequal: refuse
listed=$($docker ps -q --filter "label=$label" | wc -l)
[ "$listed" -eq "$count" ] || { echo "$count containers at the start, $listed at the end: run again" >&2; exit 1; }
{
  echo "# carapace audit vs docker inspect ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Command: \`bench/run-cli.sh${*:+ $*}\`. Machine: $(nproc) CPUs, $(uname -r), Docker Engine" \
    "$($docker version --format '{{.Server.Version}}'), $(java -version 2>&1 | head -1);" \
    "load average $load_start at the start, $load_end at the end."
  echo
  echo "$count running containers labelled \`$label\`; $rounds rounds, alternating, after one warm-up each."
  echo
  echo "| command | median ms | each round, ms |"
  echo "|---|---|---|"
  echo "| \`carapace audit --label $label --format json --fail-on never\` (whole process) | $audit_median | ${audit_ms[*]} |"
  echo "| \`docker inspect \$(docker ps -q --filter label=$label)\` | $floor_median | ${floor_ms[*]} |"
  echo
  echo "| target | measured | verdict |"
  echo "|---|---|---|"
  echo "| \`carapace audit\` within 3x of \`docker inspect\` on the same containers | ${ratio}x | $verdict |"
} > "$out"
cat "$out"
