#!/usr/bin/env bash
# Benchmark: `carapace lint` of N Kubernetes manifests (default 1000), the whole process (JVM start, reading,
# judging, the JSON report), against the same files judged through the library (ManifestAudit.lint) in one warm
# JVM (LintBench, after warm-up passes): the ratio is what the command costs over the library. The manifests are
# generated (Deployments of two containers, every tenth privileged, every seventh with a hostPath volume).
# The command's rounds first, then the library's passes (after 5 warm-up passes); medians reported. Needs no engine. Writes bench/results/cli-lint.md. Not part of `mvn verify`.
#
#   bench/run-cli-lint.sh [ROUNDS [FILES]]     defaults: 7 rounds, 1000 files
#   BENCH_SKIP_BUILD=1 bench/run-cli-lint.sh   uses cli/target/carapace as built
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
rounds=${1:-7}
count=${2:-1000}
out=bench/results/cli-lint.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || mvn -B -q -ntp -o -Dstyle.color=never -pl cli -am package -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
home=$repo/cli/target/carapace
carapace=$home/bin/carapace
for i in $(seq 1 "$count"); do
  privileged=false; [ $((i % 10)) -eq 0 ] && privileged=true
  {
    echo "apiVersion: apps/v1"
    echo "kind: Deployment"
    echo "metadata:"
    echo "  name: app-$i"
    echo "spec:"
    echo "  replicas: 2"
    echo "  selector:"
    echo "    matchLabels: {app: app-$i}"
    echo "  template:"
    echo "    metadata:"
    echo "      labels: {app: app-$i}"
    echo "    spec:"
    echo "      securityContext:"
    echo "        runAsNonRoot: true"
    echo "        runAsUser: $((1000 + i))"
    echo "        seccompProfile: {type: RuntimeDefault}"
    echo "      containers:"
    echo "        - name: web"
    echo "          image: registry.example/web:$i"
    echo "          ports: [{containerPort: 8080}]"
    echo "          resources: {limits: {cpu: 500m, memory: 256Mi}}"
    echo "          securityContext:"
    echo "            privileged: $privileged"
    echo "            allowPrivilegeEscalation: false"
    echo "            readOnlyRootFilesystem: true"
    echo "            capabilities: {drop: [ALL]}"
    echo "        - name: sidecar"
    echo "          image: registry.example/sidecar:1"
    echo "          securityContext:"
    echo "            capabilities: {add: [NET_ADMIN]}"
    if [ $((i % 7)) -eq 0 ]; then
      echo "          volumeMounts: [{name: host, mountPath: /host}]"
      echo "      volumes:"
      echo "        - name: host"
      echo "          hostPath: {path: /var/log}"
    fi
  } > "$work/app-$(printf '%04d' "$i").yaml"
done
files=("$work"/*.yaml)
[ "${#files[@]}" -eq "$count" ] || { echo "generated ${#files[@]} files, not $count" >&2; exit 1; }
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

lint() { "$carapace" lint --format json --fail-on never "${files[@]}"; }
judged=$(lint | grep -c '"ruleId"' || true)
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
ms lint >/dev/null # warm-up: the page cache
cli_ms=()
for r in $(seq 1 "$rounds"); do cli_ms+=("$(ms lint)"); done
library=$(java -cp "$home/lib/*" bench/src/main/java/dev/carapace/bench/LintBench.java "$work" "$rounds" 5)
library_median=$(sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' <<<"$library")
library_findings=$(sed -n 's/.*findings=\([0-9]*\).*/\1/p' <<<"$library")
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
cli_median=$(median "${cli_ms[@]}")
ratio=$(awk -v a="$cli_median" -v f="$library_median" 'BEGIN {printf "%.2f", a / f}')
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# carapace lint vs the library in a warm JVM ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Command: \`bench/run-cli-lint.sh${*:+ $*}\`. Machine: $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1);" \
    "load average $load_start at the start, $load_end at the end."
  echo
  echo "$count generated Deployments (two containers each), profile carapace-default; $rounds rounds each."
  echo "Findings: $judged in the command's JSON, $library_findings through the library (they must agree)."
  echo
  echo "| run | median ms | each round, ms |"
  echo "|---|---|---|"
  echo "| \`carapace lint --format json --fail-on never\` on the $count files (whole process) | $cli_median | ${cli_ms[*]} |"
  echo "| \`ManifestAudit.lint\` of the same files in one JVM after 5 warm-up passes (LintBench) | $library_median | $(sed -n 's/.*each_ms=//p' <<<"$library" | tr ',' ' ') |"
  echo
  echo "Ratio, command / warm library: **$ratio**."
} > "$out"
cat "$out"
[ "$judged" -eq "$library_findings" ] || { echo "the command and the library disagree: $judged vs $library_findings findings" >&2; exit 1; }
