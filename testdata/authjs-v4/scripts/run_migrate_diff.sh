#!/bin/sh
# Writes ../prisma-v4-migrate-diff.sql: the DDL of the v4 docs schema (prisma/schema.prisma = ../prisma-v4-schema.prisma
# without the datasource's url/shadowDatabaseUrl lines, which Prisma 7 rejects) from an empty database.
set -e
cd "$(dirname "$0")"
OUT=${OUT_DIR:-..}/prisma-v4-migrate-diff.sql
ENGINE=$(node -p "require('@prisma/schema-engine-wasm/package.json').version" 2>/dev/null || grep '"version"' node_modules/@prisma/schema-engine-wasm/package.json | cut -d'"' -f4)
{
  echo "-- Prisma schema engine ${ENGINE#*.*.*-*.} (wasm build, @prisma/schema-engine-wasm $ENGINE), diff from empty to prisma/schema.prisma (= prisma migrate diff --from-empty --to-schema --script)"
  node migrate_diff.mjs prisma/schema.prisma
} > "$OUT"
echo "wrote $OUT" >&2
