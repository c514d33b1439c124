// Computes `prisma migrate diff --from-empty --to-schema <schema> --script` with the wasm build of
// Prisma's schema engine (@prisma/schema-engine-wasm, the same .wasm that the prisma CLI ships in
// build/schema_engine_bg.wasm). No database is contacted.
// usage: node migrate_diff.mjs <schema.prisma> > out.sql
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

// Node 20 cannot `import` a .wasm file (schema_engine.js does), so instantiate it by hand the same way.
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message(m) { process.stderr.write("wasm panic: " + m + "\n"); } };
const require = createRequire(import.meta.url);
const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { "./schema_engine_bg.js": bg });
bg.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start();
const { SchemaEngine, version } = bg;

const path = process.argv[2];
const content = readFileSync(path, "utf8");
const logs = [];
// The engine wants a driver adapter factory (the CLI passes the one from prisma.config.ts) and connects
// to it when constructed, although a diff from empty to a schema reads nothing from the database: give
// it a scratch database, empty, made here and dropped at the end.
const base = process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
const scratch = `v4probe_diff_${process.pid}_${Date.now()}`;
const admin = new pg.Client({ connectionString: `${base}/postgres` });
await admin.connect();
await admin.query(`CREATE DATABASE "${scratch}"`);
const factory = new PrismaPg({ connectionString: `${base}/${scratch}` });
const adapter = bindMigrationAwareSqlAdapterFactory(factory); // as the CLI does
const engine = await SchemaEngine.new({ datamodels: [[path, content]] }, (msg) => logs.push(msg), adapter);
try {
  const res = await engine.diff({
    from: { tag: "empty" },
    to: { tag: "schemaDatamodel", files: [{ path, content }] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  process.stderr.write(`engine ${version()} exitCode=${res.exitCode}\n`);
  process.stdout.write(res.stdout ?? "");
} catch (e) {
  process.stderr.write("ERROR: " + (e?.message ?? String(e)) + "\n" + JSON.stringify(e, null, 2) + "\n");
  process.exitCode = 1;
}
engine.free();
await new Promise((r) => setTimeout(r, 200));
await admin.query(`DROP DATABASE "${scratch}" WITH (FORCE)`);
await admin.end();
if (process.env.DEBUG_LOGS) process.stderr.write(logs.join("\n") + "\n");
