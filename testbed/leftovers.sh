#!/usr/bin/env bash
# After the tests (.ci/run's last step): the engine must hold nothing that Carapace or its tests made.
# Lists, and fails on, any of them:
#   - containers carrying a label of Carapace (dev.carapace.managed: every container a launcher made;
#     dev.carapace.hardened: a Testcontainers container hardened by carapace-testcontainers) or of
#     Testcontainers (org.testcontainers), or made from a test image (carapace-test/..., whatever the
#     registry prefix: the tests' own docker-java calls label nothing);
#   - networks, Swarm services and volumes carrying one of those labels;
#   - anonymous volumes no container uses (a test container removed without its volumes).
# Removes nothing: the list says what to look at. Exit status 0 when nothing is left, 1 otherwise.
set -euo pipefail
DOCKER=/usr/bin/docker # the Debian 20.10 client; /usr/local/bin/docker may be a newer client only
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)
labels=(dev.carapace.managed dev.carapace.hardened org.testcontainers) # OwnerLabels.MANAGED first
left=()

# show WHAT -- COMMAND...: adds the line COMMAND prints about WHAT; nothing when WHAT went meanwhile
show() {
  local out
  shift 2
  if out=$("$@" 2>/dev/null) && [ -n "$out" ]; then
    left+=("$out")
  fi
}

# by_label KIND: the ids of KIND (ps -a, network ls, volume ls, service ls) carrying any of the labels
by_label() {
  local kind=$1 key
  for key in "${labels[@]}"; do
    case $kind in
      container) "$DOCKER" ps -aq --no-trunc --filter "label=$key" ;;
      *) "$DOCKER" "$kind" ls -q --filter "label=$key" ;;
    esac
  done
}

containers=$( {
  by_label container
  # images whose repository path is carapace-test/NAME, with or without a registry in front
  "$DOCKER" images --format '{{.Repository}}:{{.Tag}}' | grep -E '(^|/)carapace-test/[^/]+:' | while read -r image; do
    "$DOCKER" ps -aq --no-trunc --filter "ancestor=$image"
  done
} | sort -u)
for id in $containers; do
  show "container $id" -- "$DOCKER" inspect --type container --format 'container {{printf "%.12s" .Id}} {{.Name}} image={{.Config.Image}} status={{.State.Status}} created={{.Created}} command={{json .Config.Cmd}} labels={{json .Config.Labels}}' "$id"
done

for id in $(by_label network | sort -u); do
  show "network $id" -- "$DOCKER" network inspect --format 'network {{.Name}} {{printf "%.12s" .Id}} created={{.Created}} labels={{json .Labels}}' "$id"
done

if [ "$("$DOCKER" info --format '{{.Swarm.ControlAvailable}}')" = true ]; then
  for id in $(by_label service | sort -u); do
    show "service $id" -- "$DOCKER" service inspect --format 'service {{.Spec.Name}} {{printf "%.12s" .ID}} created={{.CreatedAt}} labels={{json .Spec.Labels}}' "$id"
  done
fi

volumes=$( {
  by_label volume
  "$DOCKER" volume ls -q --filter dangling=true | grep -E '^[0-9a-f]{64}$' || true
} | sort -u)
for name in $volumes; do
  show "volume $name" -- "$DOCKER" volume inspect --format 'volume {{.Name}} created={{.CreatedAt}} labels={{json .Labels}}' "$name"
done

if [ ${#left[@]} -gt 0 ]; then
  printf '[leftovers] the engine holds %d object(s) that Carapace or its tests made:\n' "${#left[@]}" >&2
  printf '  %s\n' "${left[@]}" >&2
  exit 1
fi
printf '[leftovers] nothing left: no container, network, service or volume of Carapace or its tests\n'
