#!/bin/sh
# Prisma's CLI wants a native schema engine, which it would download; `prisma generate` does not
# run it, so generate.js points PRISMA_SCHEMA_ENGINE_BINARY here.
echo "schema engine stub: not available offline (only prisma generate is supported here)" >&2
exit 1
