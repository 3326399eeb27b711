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

# A Python virtualenv in $PEERS_DIR/NAME with the pins of REQUIREMENTS (a repo-relative path), made
# once per Python version and pin set. NAME labels the log lines; CHECK is the file inside the venv
# that must exist for a cached venv to be trusted (bin/python, or the tool the venv is for).
python_venv() {
  local name="$1" requirements="$ROOT/$2" check="$3" caller="$4"
  local python="${LOOPGATE_BOOTSTRAP_PYTHON:-python3}"
  command -v "$python" >/dev/null 2>&1 ||
    unavailable "$name: $python is not installed (install Python 3.9 or newer with venv and pip, then run: bash scripts/peers.sh)"
  "$python" -c 'import venv, ensurepip' 2>/dev/null ||
    unavailable "$name: $python has no venv/ensurepip module (on Debian: apt-get install python3-venv, then run: bash scripts/peers.sh)"

  VENV_DIR="$PEERS_DIR/$name"
  local key start
  key="$(cache_key "$("$python" -c 'import sys; print(sys.version)')" "$requirements" "$caller" "${BASH_SOURCE[0]}")"
  if ! cache_fresh "$VENV_DIR" "$key" || [[ ! -x "$VENV_DIR/$check" ]]; then
    start=$SECONDS
    rm -rf "$VENV_DIR"
    log "$name: creating a virtualenv with the pins of $2"
    "$python" -m venv "$VENV_DIR"
    "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
    "$VENV_DIR/bin/python" -m pip check >&2
    cache_seal "$VENV_DIR" "$key"
    log "$name: ready in $((SECONDS - start))s"
  else
    log "$name: $("$VENV_DIR/bin/python" --version) with the pinned packages (cached)"
  fi
}
