#!/usr/bin/env bash
# Set up and serve the app on the embedded default (SQLite in instance/) with demo data, and run
# the job worker beside it (narration and books of every published course; it stops with the
# server).
set -euo pipefail
cd "$(dirname "$0")/.."
# SKIP_SETUP=1: the virtual environment is installed already (bench/bench_narration.py).
[ "${SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
export FLASK_APP=wsgi.py
.venv/bin/flask db upgrade
.venv/bin/flask courses sync || echo "Some courses have errors: see above (they are not published)."
.venv/bin/flask credentials create-key  # signs Open Badges credentials; kept in instance/
.venv/bin/flask demo
# Jobs wait in instance/jobs.sqlite: a publish enqueues them; these enqueue whatever is missing
# (e.g. courses published before the worker or the books existed), and do nothing when all is
# made or waiting. The worker runs one thread per processor, the lessons' narration first.
.venv/bin/flask courses narrate
.venv/bin/flask courses books --enqueue
.venv/bin/flask jobs worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Serving Aula REFICOOP on http://127.0.0.1:${PORT:-5000}/ (the lessons' narration arrives in a few minutes)"
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
