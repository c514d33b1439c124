// Runs write_rows.mjs twice at the same fixed "now": Node TZ=UTC with the server's default TimeZone,
// then Node TZ=Pacific/Auckland with the scratch database's TimeZone=America/New_York, and compares
// every stored value and every value the adapter returned. Writes ../prisma-v4-tz.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OUT_DIR, here, stableJson } from "./lib.mjs";

const NOW = process.env.V4_NOW ?? "2026-11-27T00:12:03.123Z";
const work = mkdtempSync(join(tmpdir(), "v4tz-"));
const run = (name, env) => {
  execFileSync(process.execPath, [join(here, "write_rows.mjs")], {
    env: { ...process.env, ...env, V4_NOW: NOW, ROWS_OUT: join(work, name), STORED_OUT: join(work, `${name}.stored.json`) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return JSON.parse(readFileSync(join(work, `${name}.stored.json`), "utf8"));
};
const utc = run("utc", { TZ: "UTC", PG_TIMEZONE: "" });
const tz = run("tz", { TZ: "Pacific/Auckland", PG_TIMEZONE: "America/New_York" });

// Ids are cuids made by the Prisma client and differ between runs: name users by their label and
// replace every other cuid by a placeholder.
const normalizer = (r) => {
  const labels = new Map(Object.entries(r.users).map(([n, id]) => [id, `<user:${n}>`]));
  const norm = (v) => {
    if (typeof v === "string") return labels.get(v) ?? (/^c[a-z0-9]{24}$/.test(v) ? "<cuid>" : v);
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
    return v;
  };
  return norm;
};
const nu = normalizer(utc), nt = normalizer(tz);
const keyOf = {
  User: (r) => `users/${r.email}`,
  Account: (r) => `accounts/${r.provider}/${r.providerAccountId}`,
  Session: (r) => `sessions/${r.sessionToken}`,
  VerificationToken: (r) => `verification_tokens/${r.identifier}/${r.token.slice(0, 12)}…`,
};
const timestampCols = { User: ["emailVerified"], Session: ["expires"], VerificationToken: ["expires"], Account: [] };

// Every instant next-auth's caller passed (ISO strings in the calls' arguments), per run.
const instants = (r) => {
  const set = new Set();
  const walk = (v) => {
    if (typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v)) set.add(v);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  r.calls.forEach((c) => walk(c.args));
  return set;
};
const iu = instants(utc), it = instants(tz);
const storedValueDifferences = [];
const timestamps = [];
for (const t of Object.keys(keyOf)) {
  const a = new Map(utc.stored[t].map((r) => [keyOf[t](r), nu(r)]));
  const b = new Map(tz.stored[t].map((r) => [keyOf[t](r), nt(r)]));
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const ra = a.get(k), rb = b.get(k);
    if (!ra || !rb) { storedValueDifferences.push({ table: t, row: k, utcRun: ra ?? null, tzRun: rb ?? null }); continue; }
    for (const col of Object.keys({ ...ra, ...rb })) {
      if (JSON.stringify(ra[col]) !== JSON.stringify(rb[col])) storedValueDifferences.push({ table: t, row: k, column: col, utcRun: ra[col], tzRun: rb[col] });
    }
    for (const col of timestampCols[t]) {
      if (ra[col] == null && rb[col] == null) continue;
      timestamps.push({
        table: t, row: k, column: col, type: "timestamp(3) without time zone",
        storedUtcRun: ra[col], storedTzRun: rb[col], same: ra[col] === rb[col],
        storedIsUtcWallClockOfPassedInstant: iu.has(`${ra[col]}Z`) && it.has(`${rb[col]}Z`),
      });
    }
  }
}

const adapterReadBackDifferences = [];
const n = Math.max(utc.calls.length, tz.calls.length);
for (let i = 0; i < n; i++) {
  const ca = nu(utc.calls[i] ?? null), cb = nt(tz.calls[i] ?? null);
  if (JSON.stringify(ca) !== JSON.stringify(cb)) adapterReadBackDifferences.push({ call: i, method: ca?.method ?? cb?.method, utcRun: ca, tzRun: cb });
}

const same = storedValueDifferences.length === 0 && adapterReadBackDifferences.length === 0 &&
  timestamps.every((x) => x.same && x.storedIsUtcWallClockOfPassedInstant);
writeFileSync(join(OUT_DIR, "prisma-v4-tz.json"), stableJson({
  about: `@next-auth/prisma-adapter 1.0.7: rows written with Node TZ=${utc.zones.node} / database TimeZone ${utc.zones.pg} versus Node TZ=${tz.zones.node} / database TimeZone ${tz.zones.pg}, same instants (V4_NOW=${NOW}); scripts/tz_compare.mjs.`,
  zones: { utcRun: utc.zones, tzRun: tz.zones },
  comparedCalls: n,
  comparedRows: Object.fromEntries(Object.keys(keyOf).map((t) => [t, utc.stored[t].length])),
  storedValueDifferences,
  adapterReadBackDifferences,
  ormClockColumns: [],
  ormClockColumnsNote: "The v4 docs schema has no createdAt/updatedAt columns, so Prisma writes no clock of its own; every stored timestamp comes from a Date that next-auth (or the caller) passed.",
  timestampColumns: timestamps,
  verdict: same
    ? `same: every stored value and every read-back agrees (${n} calls, ids aside); all ${timestamps.length} stored timestamps hold the UTC wall clock of the instant passed`
    : "DIFFERENT: see storedValueDifferences / adapterReadBackDifferences",
}));
rmSync(work, { recursive: true, force: true });
console.error(same ? "tz: same" : "tz: DIFFERENT");
