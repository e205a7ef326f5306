#!/usr/bin/env bash
# Install everything the tests need and run the whole suite: once on SQLite (every test,
# browser tests included) and once on PostgreSQL (every test that touches the database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/setup.sh --dev
.venv/bin/ruff check app tests bench
.venv/bin/ruff format --check app tests bench
# Security linter: any high-severity finding fails the run.
.venv/bin/bandit --quiet --recursive app --severity-level high

PGDIR=$(mktemp -d /tmp/aula-pg.XXXXXX)
PGPORT=${PGPORT:-54329}
while (echo > /dev/tcp/127.0.0.1/$PGPORT) 2>/dev/null; do PGPORT=$((PGPORT + 1)); done
bash scripts/pg-test-server.sh start "$PGDIR" "$PGPORT"
trap 'bash scripts/pg-test-server.sh stop "$PGDIR"; rm -rf "$PGDIR"' EXIT

echo "== SQLite: the whole suite"
AULA_REQUIRE_BROWSER=1 AULA_REQUIRE_POSTGRES=1 AULA_REQUIRE_REDIS=1 \
  TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PGPORT/aula_test" \
  TEST_MIGRATIONS_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PGPORT/aula_migrations" \
  .venv/bin/pytest -p no:cacheprovider "$@"

echo "== PostgreSQL: every test that uses the database"
AULA_REQUIRE_POSTGRES=1 \
  TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/aula_test" \
  TEST_MIGRATIONS_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PGPORT/aula_migrations" \
  .venv/bin/pytest -p no:cacheprovider -m "not browser and not nodb" "$@"
