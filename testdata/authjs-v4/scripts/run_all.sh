#!/bin/sh
# Re-runs every measurement of testdata/authjs-v4 (see ../README.md). Needs Node 20+, npm, the
# PostgreSQL client tools (pg_dump) and a PostgreSQL server at $PG_URL (default
# postgresql://postgres@127.0.0.1:5432, user allowed to CREATE/DROP DATABASE). Each script makes its
# own scratch database with a unique name and drops it. Outputs go to $OUT_DIR (default ..).
set -e
cd "$(dirname "$0")"
# --ignore-scripts: prisma's and @prisma/engines' install scripts would download native engines.
npm ci --ignore-scripts
# prisma generate does not run the schema engine, but the CLI wants a binary path: give it a stub.
PRISMA_SCHEMA_ENGINE_BINARY="$PWD/schema-engine-stub.sh" CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 \
  npx prisma generate --schema prisma/schema.prisma
./run_migrate_diff.sh
node schema_dump.mjs
TZ=UTC node write_rows.mjs
node tz_compare.mjs
TZ=UTC node flows.mjs
# Cross-check: Prisma 6.19's schema engine (wasm) accepts the docs schema verbatim (url lines included).
(cd prisma6 && npm ci --ignore-scripts && {
  echo "-- Prisma schema engine 2ba551f319ab1df4bc874a89965d8b3641056773 (wasm build, @prisma/schema-engine-wasm 6.19.0-26.2ba551f319ab1df4bc874a89965d8b3641056773 = prisma 6.19.0), diff from empty to prisma-v4-schema.prisma verbatim (= prisma migrate diff --from-empty --to-schema-datamodel --script)"
  node migrate_diff.mjs ../../prisma-v4-schema.prisma
} > "${OUT_DIR:-../..}/prisma-v4-migrate-diff.prisma6.sql")
