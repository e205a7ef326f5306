#!/usr/bin/env bash
# Set up and serve the app on the embedded default (SQLite in instance/) with demo data, and run
# the job worker beside it (narration of every published lesson; it stops with the server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_APP=wsgi.py
.venv/bin/flask db upgrade
.venv/bin/flask courses sync || echo "Some courses have errors: see above (they are not published)."
.venv/bin/flask credentials create-key  # signs Open Badges credentials; kept in instance/
.venv/bin/flask demo
# Jobs wait in instance/jobs.sqlite: a publish enqueues them; this enqueues whatever is missing
# (e.g. courses published before the worker existed), and does nothing when all is narrated.
.venv/bin/flask courses narrate
.venv/bin/flask jobs worker --workers 2 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Serving Aula REFICOOP on http://127.0.0.1:${PORT:-5000}/ (the lessons' narration arrives in a few minutes)"
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
