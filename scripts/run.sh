#!/usr/bin/env bash
# Set up and serve the app on the embedded default (SQLite in instance/) with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_APP=wsgi.py
.venv/bin/flask db upgrade
.venv/bin/flask courses sync || echo "Some courses have errors: see above (they are not published)."
.venv/bin/flask demo
echo "Serving Aula REFICOOP on http://127.0.0.1:${PORT:-5000}/"
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
