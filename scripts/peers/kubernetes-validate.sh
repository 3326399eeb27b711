#!/usr/bin/env bash
# kubernetes-validate, the validator the Kubernetes manifests (deploy/kubernetes/) are checked with:
# a PyPI package that bundles the Kubernetes JSON schemas, in its own virtualenv, pinned in
# test/peers/requirements-kubernetes.txt.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

requirements="$ROOT/test/peers/requirements-kubernetes.txt"
python="${LOOPGATE_BOOTSTRAP_PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 ||
  unavailable "kubernetes-validate: $python is not installed (install Python 3.9 or newer with venv and pip, then run: bash scripts/peers.sh)"
"$python" -c 'import venv, ensurepip' 2>/dev/null ||
  unavailable "kubernetes-validate: $python has no venv/ensurepip module (on Debian: apt-get install python3-venv, then run: bash scripts/peers.sh)"

dir="$PEERS_DIR/kubernetes-validate"
key="$(cache_key "$("$python" -c 'import sys; print(sys.version)')" "$requirements" "${BASH_SOURCE[0]}")"

if ! cache_fresh "$dir" "$key" || [[ ! -x "$dir/bin/kubernetes-validate" ]]; then
  start=$SECONDS
  rm -rf "$dir"
  log "kubernetes-validate: creating a virtualenv with the pins of test/peers/requirements-kubernetes.txt"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  "$dir/bin/python" -m pip check >&2
  cache_seal "$dir" "$key"
  log "kubernetes-validate: ready in $((SECONDS - start))s"
else
  log "kubernetes-validate: $("$dir/bin/kubernetes-validate" --version) (cached)"
fi
echo "LOOPGATE_KUBERNETES_VALIDATE=$dir/bin/kubernetes-validate"
