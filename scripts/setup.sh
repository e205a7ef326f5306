#!/usr/bin/env bash
# Create the virtual environment and install the app (and, with --dev, the test tools).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# setuptools too: a new venv keeps an old one with known CVEs (it builds our editable install).
.venv/bin/python -m pip install --quiet --upgrade pip setuptools
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/python -m pip install --quiet -e '.[dev]'
else
  .venv/bin/python -m pip install --quiet -e .
fi
# Compiled message catalogues are build output, not source.
if [ -d app/translations ]; then
  .venv/bin/pybabel compile --statistics -d app/translations
fi
