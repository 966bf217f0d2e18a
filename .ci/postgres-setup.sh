#!/usr/bin/env bash
# What the PostgreSQL tests need, installed into the venv given as $1. Idempotent.
#   - Debian's postgresql server binaries (initdb, pg_ctl): tests/test_store_postgres.py starts its own
#     throw-away cluster with them in a temporary folder (loopback only), so no system service is touched
#   - psycopg 3 (binary wheels): the driver behind postgresql+psycopg:// URLs
# To test against a server of your own instead, export LLMPICK_TEST_POSTGRES_URL=postgresql+psycopg://…
set -euo pipefail
VENV="${1:?usage: postgres-setup.sh VENV}"
PY="$VENV/bin/python"

have_initdb() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
if have_initdb; then
  echo "postgres-setup: postgresql server binaries present"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "postgres-setup: apt-get install postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  # Debian starts a cluster of its own on install; the tests do not use it
else
  echo "postgres-setup: WARNING cannot install postgresql (needs root and apt-get): the PostgreSQL tests will skip"
fi

if "$PY" -c "import psycopg" >/dev/null 2>&1; then
  echo "postgres-setup: psycopg present"
else
  "$PY" -m pip install --quiet "psycopg[binary]>=3.1"
fi
echo "postgres-setup: done"
