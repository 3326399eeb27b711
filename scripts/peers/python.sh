#!/usr/bin/env bash
# A Python virtualenv with the OpenTelemetry Python SDK, its OTLP exporters and a real GenAI producer,
# pinned in test/peers/requirements.txt.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

requirements="$ROOT/test/peers/requirements.txt"
python="${LOOPGATE_BOOTSTRAP_PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 ||
  unavailable "python: $python is not installed (install Python 3.9 or newer with venv and pip, then run: bash scripts/peers.sh)"
"$python" -c 'import venv, ensurepip' 2>/dev/null ||
  unavailable "python: $python has no venv/ensurepip module (on Debian: apt-get install python3-venv, then run: bash scripts/peers.sh)"

dir="$PEERS_DIR/python"
key="$(cache_key "$("$python" -c 'import sys; print(sys.version)')" "$requirements" "${BASH_SOURCE[0]}")"

if ! cache_fresh "$dir" "$key" || [[ ! -x "$dir/bin/python" ]]; then
  start=$SECONDS
  rm -rf "$dir"
  log "python: creating a virtualenv with the pins of test/peers/requirements.txt"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  "$dir/bin/python" -m pip check >&2
  cache_seal "$dir" "$key"
  log "python: ready in $((SECONDS - start))s"
else
  log "python: $("$dir/bin/python" --version) with the pinned packages (cached)"
fi
echo "LOOPGATE_PYTHON=$dir/bin/python"
