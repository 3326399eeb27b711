# Helpers shared by the peer set-up scripts (scripts/peers/<peer>.sh); sourced, never run.
#
# A peer script is run as `bash scripts/peers/<peer>.sh PEERS_DIR`. It logs to stderr and, on success,
# prints the environment lines the tests read (`LOOPGATE_X=/path`) to stdout. When its tool cannot be
# had on this machine (no Go, not root, …) it calls `unavailable`, which prints ONE line saying what is
# missing and how to get it, and exits 3; any other failure (a build that breaks) exits non-zero too.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEERS_DIR="${1:?usage: $0 PEERS_DIR}"
mkdir -p "$PEERS_DIR"

log() { printf 'peers: %s\n' "$*" >&2; }

unavailable() {
  printf 'peers: %s\n' "$*" >&2
  exit 3
}

# A key for a cache entry: the sha256 of the given files' contents and of any extra words (tool
# versions), so editing a manifest or upgrading the toolchain rebuilds.
cache_key() {
  local words="$1"
  shift
  { printf '%s\n' "$words"; cat "$@"; } | sha256sum | cut -d' ' -f1
}

# True when DIR holds a finished entry for KEY (the key file is written last, so an interrupted
# set-up is redone rather than trusted).
cache_fresh() {
  [[ -f "$1/.cache-key" && "$(cat "$1/.cache-key")" == "$2" ]]
}

cache_seal() {
  printf '%s\n' "$2" >"$1/.cache-key"
}
