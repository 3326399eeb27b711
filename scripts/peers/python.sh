#!/usr/bin/env bash
# A Python virtualenv with the OpenTelemetry Python SDK, its OTLP exporters and a real GenAI producer,
# pinned in test/peers/requirements.txt.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

python_venv python test/peers/requirements.txt bin/python "${BASH_SOURCE[0]}"
echo "LOOPGATE_PYTHON=$VENV_DIR/bin/python"
