#!/usr/bin/env bash
# The whole suite, twice: on the embedded SQLite default and on PostgreSQL.
# Locally a missing PostgreSQL or Redis is a clear skip; on CI (CI=true) it is a failure.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/zaixian}
status=0

echo "== Test run 1 of 2: SQLite (the embedded default) =="
$PY -m pytest "$@" || status=$?

if $PY scripts/service_check.py postgres "$PG_URL"; then
  echo "== Test run 2 of 2: PostgreSQL ($PG_URL) =="
  DATABASE_URL=$PG_URL $PY -m pytest "$@" || status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "FAIL: PostgreSQL is not reachable at $PG_URL, and CI requires it."
  status=1
else
  echo "SKIPPED: the PostgreSQL run — no PostgreSQL at $PG_URL (set PG_URL to use another)."
fi
exit $status
