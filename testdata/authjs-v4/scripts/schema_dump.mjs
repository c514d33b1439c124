// Loads a DDL file into an empty scratch database and writes
//   <out>.sql  : pg_dump --schema-only (SET lines and comments dropped)
//   <out>.json : every column (information_schema), index and constraint, per table
// usage: node schema_dump.mjs [ddl.sql] [out-basename]
//   defaults: ../prisma-v4-migrate-diff.sql  ../prisma-v4-schema
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { OUT_DIR, DDL_PATH, createScratchDb, runSql, stableJson } from "./lib.mjs";

const ddlPath = process.argv[2] ?? DDL_PATH;
const outBase = process.argv[3] ?? join(OUT_DIR, "prisma-v4-schema");
const header = process.env.DUMP_HEADER ??
  "-- Schema of NextAuth.js v4's @next-auth/prisma-adapter as its docs create it (prisma-v4-schema.prisma through Prisma 7.10's schema engine, prisma-v4-migrate-diff.sql); pg_dump --schema-only, PostgreSQL 15.";

const db = await createScratchDb("v4probe_schema");
try {
  await runSql(db.url, readFileSync(ddlPath, "utf8"));

  const dump = execFileSync("pg_dump", ["--schema-only", "--no-owner", "--no-privileges", db.url], { encoding: "utf8" });
  writeFileSync(`${outBase}.sql`, header + "\n" + cleanDump(dump));

  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const tables = (await c.query(`
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.oid`)).rows.map((r) => r.relname);
  const out = {};
  for (const t of tables) {
    const cols = (await c.query(`
      SELECT column_name, data_type, udt_name, character_maximum_length, datetime_precision,
             is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1
      ORDER BY ordinal_position`, [t])).rows.map((r) => {
      const col = { name: r.column_name, type: r.data_type, udt: r.udt_name };
      if (r.character_maximum_length != null) col.length = r.character_maximum_length;
      if (/^(timestamp|time|date|interval)/.test(r.data_type) && r.datetime_precision != null) col.precision = r.datetime_precision;
      col.nullable = r.is_nullable === "YES";
      col.default = r.column_default;
      return col;
    });
    const indexes = (await c.query(`
      SELECT i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
             array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
      FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname = $1 ORDER BY i.relname`, [t])).rows.map((r) => ({
      name: r.name, columns: r.columns, unique: r.unique, primary: r.primary,
    }));
    const kinds = { p: "primary key", f: "foreign key", u: "unique", c: "check", x: "exclusion" };
    const constraints = (await c.query(`
      SELECT con.conname AS name, con.contype AS type, pg_get_constraintdef(con.oid) AS definition
      FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname = $1 ORDER BY con.contype, con.conname`, [t])).rows.map((r) => ({
      name: r.name, type: kinds[r.type] ?? r.type, definition: r.definition,
    }));
    out[t] = { columns: cols, indexes, constraints };
  }
  await c.end();
  writeFileSync(`${outBase}.json`, stableJson(out));
  console.error(`wrote ${outBase}.sql and ${outBase}.json (${tables.join(", ")})`);
} finally {
  await db.drop();
}

/** pg_dump output without SET/set_config lines, comments and runs of blank lines. */
export function cleanDump(text) {
  const lines = text.split("\n").filter((l) =>
    !l.startsWith("--") && !/^SET /.test(l) && !/^SELECT pg_catalog\.set_config/.test(l) && !/^\\(un)?restrict /.test(l));
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").replace(/^\n+/, "").replace(/\n*$/, "\n\n");
}
