#!/usr/bin/env bash
# Sets up the real peers the interop tests run against, so `npm test` runs those suites instead of
# skipping them:
#
#   LOOPGATE_OTELCOL        an OpenTelemetry Collector built with the Collector builder
#                           (test/peers/otelcol-builder.yaml)
#   LOOPGATE_PYTHON         a virtualenv's python with the OTel Python SDK and OTLP exporters
#                           (test/peers/requirements.txt)
#   LOOPGATE_REDIS_SERVER   redis-server
#   LOOPGATE_KUBERNETES_VALIDATE  kubernetes-validate (PyPI, schemas bundled) for deploy/kubernetes/
#
# Everything is cached under .peers/ (git-ignored; LOOPGATE_PEERS_DIR moves it), keyed on the
# manifests and tool versions, so a second run takes seconds. The paths are written to .peers/env,
# which test/support/peers.ts reads; a variable already set in the environment wins over that file.
#
# A peer whose tool this machine lacks (no Go, not root for apt, …) is reported in one line and left
# out; the tests that need it then skip, saying so. With CI=true a missing peer fails this script:
# CI never skips an interop suite.
#
# Adding a peer: write scripts/peers/<peer>.sh (see scripts/peers/lib.sh for its contract), list it
# in PEERS below, and describe it in test/support/peers.ts.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS_DIR="${LOOPGATE_PEERS_DIR:-$ROOT/.peers}"
PEERS=(otelcol python redis kubernetes-validate)

mkdir -p "$PEERS_DIR"
start=$SECONDS
lines=()
missing=()
for peer in "${PEERS[@]}"; do
  rc=0
  out="$(bash "$ROOT/scripts/peers/$peer.sh" "$PEERS_DIR")" || rc=$?
  case $rc in
    0) lines+=("$out") ;;
    3) missing+=("$peer") ;;
    *) echo "peers: setting up $peer failed (exit $rc)" >&2; exit "$rc" ;;
  esac
done

# Written whole and then renamed, so a test never reads half a file.
printf '%s\n' "# Written by scripts/peers.sh; read by test/support/peers.ts." "${lines[@]}" >"$PEERS_DIR/env.tmp"
mv "$PEERS_DIR/env.tmp" "$PEERS_DIR/env"

echo "peers: ready in $((SECONDS - start))s; $PEERS_DIR/env:" >&2
printf '  %s\n' "${lines[@]}" >&2
if ((${#missing[@]} > 0)); then
  echo "peers: not available here: ${missing[*]} (their interop tests will skip)" >&2
  if [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; then
    echo "peers: CI=$CI: every peer is required" >&2
    exit 1
  fi
fi
