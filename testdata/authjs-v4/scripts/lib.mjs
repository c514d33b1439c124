// Shared helpers for the NextAuth.js v4 + @next-auth/prisma-adapter measurements.
// Every script makes its own scratch database (unique name), loads the DDL of the v4 docs schema
// (../prisma-v4-migrate-diff.sql) into it, and drops it at the end.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const here = dirname(fileURLToPath(import.meta.url));
export const require = createRequire(import.meta.url);
export const PG_BASE = process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
export const OUT_DIR = process.env.OUT_DIR ?? join(here, "..");
export const DDL_PATH = process.env.DDL_PATH ?? join(OUT_DIR, "prisma-v4-migrate-diff.sql");

// The secret and the fixed "now" of the v5 measurements (../../shared/spec/authjs/prisma-rows.json),
// so that values computed from them can be compared one to one.
export const SECRET = "9QMbdHsL22K1zug/Dl3MInzVgP2LI1vZPuo1Fe83RKE=";

/** Creates an empty database with a unique name; `timeZone` sets its default TimeZone. */
export async function createScratchDb(prefix, { timeZone } = {}) {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  if (timeZone) await admin.query(`ALTER DATABASE "${name}" SET TimeZone TO '${timeZone}'`);
  await admin.end();
  return {
    name,
    url: `${PG_BASE}/${name}`,
    async drop() {
      const a = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

export async function runSql(url, sql) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function loadDdl(url) {
  await runSql(url, readFileSync(DDL_PATH, "utf8"));
}

/** The Prisma client generated from prisma/schema.prisma, on @prisma/adapter-pg (no native engine). */
export async function prismaClient(url) {
  const { PrismaClient } = require("@prisma/client");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}

/** The real next-auth 4.24.15 hashToken (core/lib/utils.js; not exported by the package's "exports"). */
export function nextAuthHashToken(token, secret) {
  const utils = require(join(dirname(require.resolve("next-auth")), "core/lib/utils.js"));
  return utils.hashToken(token, { provider: {}, secret });
}

/** JSON-safe copy: Dates become ISO strings, undefined members are dropped, keys keep their order. */
export function plain(v) {
  if (v instanceof Date) return isNaN(v) ? "Invalid Date" : v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = plain(x);
    return o;
  }
  return v;
}

export function typeOf(v) {
  if (v === null) return "null";
  if (v instanceof Date) return "Date";
  return typeof v;
}

export function typesOf(v) {
  if (v === null || typeof v !== "object" || v instanceof Date) return typeOf(v);
  const o = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    o[k] = x && typeof x === "object" && !(x instanceof Date) ? typesOf(x) : typeOf(x);
  }
  return o;
}

/** Short, stable text of an error thrown by Prisma or the adapter. */
export function errorText(e) {
  const msg = String(e?.message ?? e).trim();
  // Prisma validation errors print the whole call; keep their last line, which names the problem.
  const lines = msg.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1];
}

/**
 * Wraps every method of an adapter so that each call is recorded as
 * { method, args, returned } or { method, args, error, errorName, errorCode }.
 */
export function recordingAdapter(adapter, calls, { types = false } = {}) {
  const out = {};
  for (const [name, fn] of Object.entries(adapter)) {
    out[name] = async (...args) => {
      const entry = { method: name, args: plain(args) };
      calls.push(entry);
      try {
        const r = await fn(...args);
        entry.returned = plain(r ?? null);
        if (types) entry.returnedTypes = typesOf(r ?? null);
        return r;
      } catch (e) {
        entry.error = errorText(e);
        entry.errorName = e?.name;
        if (e?.code) entry.errorCode = e.code;
        throw e;
      }
    };
  }
  return out;
}

/** JSON with object keys sorted (arrays keep their order), two-space indent, final newline. */
export function stableJson(v) {
  const sort = (x) => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === "object") {
      const o = {};
      for (const k of Object.keys(x).sort()) o[k] = sort(x[k]);
      return o;
    }
    return x;
  };
  return JSON.stringify(sort(v), null, 2) + "\n";
}

export function versions() {
  const v = (p) => require(`${p}/package.json`).version;
  const pkgVersion = (p) => {
    try {
      return v(p);
    } catch {
      return JSON.parse(readFileSync(join(here, "node_modules", p, "package.json"), "utf8")).version;
    }
  };
  return {
    node: process.version,
    "next-auth": pkgVersion("next-auth"),
    "@next-auth/prisma-adapter": pkgVersion("@next-auth/prisma-adapter"),
    "@prisma/client": pkgVersion("@prisma/client"),
    "@prisma/adapter-pg": pkgVersion("@prisma/adapter-pg"),
    prisma: pkgVersion("prisma"),
    pg: pkgVersion("pg"),
    "openid-client": pkgVersion("openid-client"),
  };
}
