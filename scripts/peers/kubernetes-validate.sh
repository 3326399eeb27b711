#!/usr/bin/env bash
# kubernetes-validate, the validator the Kubernetes manifests (deploy/kubernetes/) are checked with:
# a PyPI package that bundles the Kubernetes JSON schemas, in its own virtualenv, pinned in
# test/peers/requirements-kubernetes.txt.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

python_venv kubernetes-validate test/peers/requirements-kubernetes.txt bin/kubernetes-validate "${BASH_SOURCE[0]}"
echo "LOOPGATE_KUBERNETES_VALIDATE=$VENV_DIR/bin/kubernetes-validate"
