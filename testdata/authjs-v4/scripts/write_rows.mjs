// Writes rows through the real @next-auth/prisma-adapter 1.0.7 (Prisma client 7 on @prisma/adapter-pg)
// into a scratch database made from ../prisma-v4-migrate-diff.sql, calling all 14 adapter methods with
// the arguments next-auth 4.24.15 gives them (createUser without `id`, account type "oauth", ...), then
// a set of probes (constraint and argument checks) whose rows are removed again.
// Outputs (ROWS_OUT, default ../prisma-v4-rows): .json (every call, plain tokens, secret) and .sql
// (pg_dump --data-only --inserts of what is left). STORED_OUT, if set, receives every stored row as
// PostgreSQL prints it (used by tz_compare.mjs).
// env: V4_NOW (fixed "now", default the v5 run's 2026-11-27T00:12:03.123Z), TZ (Node), PG_TIMEZONE
// (the scratch database's TimeZone).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  OUT_DIR, SECRET, createScratchDb, loadDdl, prismaClient, recordingAdapter, nextAuthHashToken,
  plain, stableJson, versions, runSql, require,
} from "./lib.mjs";

const { PrismaAdapter } = require("@next-auth/prisma-adapter");
const NOW = new Date(process.env.V4_NOW ?? "2026-11-27T00:12:03.123Z");
const at = (ms) => new Date(NOW.getTime() + ms);
const H = 3600e3, D = 24 * H;
const rowsOut = process.env.ROWS_OUT ?? join(OUT_DIR, "prisma-v4-rows");

const db = await createScratchDb("v4probe_rows", { timeZone: process.env.PG_TIMEZONE });
let prisma;
try {
  await loadDdl(db.url);
  prisma = await prismaClient(db.url);
  const calls = [];
  const a = recordingAdapter(PrismaAdapter(prisma), calls, { types: true });

  // --- users (next-auth v4 strips `id` before createUser: core/lib/callback-handler.js) -----------
  const alice = await a.createUser({ name: "Alice", email: "alice@example.com", image: "https://example.com/alice.png", emailVerified: null });
  const bob = await a.createUser({ email: "bob@example.com", emailVerified: NOW });
  await a.getUser(alice.id);
  await a.getUserByEmail("alice@example.com");
  await a.getUserByEmail("Alice@Example.com");
  await a.updateUser({ id: alice.id, emailVerified: at(60e3) });

  // --- accounts: v4 passes { provider, type, providerAccountId, ...tokenSet, userId } ---------------
  await a.linkAccount({
    provider: "github", type: "oauth", providerAccountId: "12345",
    access_token: "gho_access_alice", token_type: "bearer", scope: "read:user,user:email",
    refresh_token: "ghr_refresh_alice", expires_at: 1795767123, userId: alice.id,
  });
  await a.linkAccount({
    provider: "google", type: "oauth", providerAccountId: "117331234567890123456",
    access_token: "ya29.access_bob", expires_at: 1795741922,
    scope: "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
    token_type: "bearer", id_token: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMTczMzEyMzQ1Njc4OTAxMjM0NTYifQ.c2ln",
    userId: bob.id,
  });
  await a.getUserByAccount({ providerAccountId: "12345", provider: "github" });
  await a.getUserByAccount({ providerAccountId: "nobody", provider: "github" });

  // --- sessions ------------------------------------------------------------------------------------
  const live = { sessionToken: "95347991-b3d5-4f4c-9091-ab3dbd527cba", userId: alice.id, expires: at(36500 * D) };
  const expired = { sessionToken: "9033719e-5564-4be1-9084-44ccf2fddc3f", userId: bob.id, expires: at(-H) };
  await a.createSession(live);
  await a.createSession(expired);
  await a.getSessionAndUser(live.sessionToken);
  await a.getSessionAndUser(expired.sessionToken);
  await a.getSessionAndUser("no-such-token");

  // --- verification tokens (stored = next-auth's hashToken(plain) = sha256hex(plain + secret)) ------
  const vtLive = { identifier: "alice@example.com", plain: "a2e0d8ad2726e2100df5e0bc6348a755af51630d0d3bb90e23f4e3d026b9e4b9", expires: at(36500 * D) };
  const vtExpired = { identifier: "bob@example.com", plain: "8b168683ccecf935e30ba9e08b3c635842fd5074b19928f6222eabe5f29abb02", expires: at(-H) };
  for (const t of [vtLive, vtExpired]) {
    t.stored = nextAuthHashToken(t.plain, SECRET);
    await a.createVerificationToken({ identifier: t.identifier, token: t.stored, expires: t.expires });
  }

  // --- a user that goes through every remaining method and is deleted ------------------------------
  const carol = await a.createUser({ name: "Carol", email: "carol@example.com", image: null, emailVerified: null });
  await a.linkAccount({ provider: "github", type: "oauth", providerAccountId: "999", access_token: "gho_access_carol", token_type: "bearer", scope: "read:user", expires_at: 1795741923, userId: carol.id });
  const carolToken = "3229419b-1505-40e1-b9e3-bb5a3a040d7e";
  await a.createSession({ sessionToken: carolToken, userId: carol.id, expires: at(H) });
  await a.updateSession({ sessionToken: carolToken, expires: at(30 * D) });
  await a.getSessionAndUser(carolToken);
  await a.deleteSession(carolToken);
  await a.getSessionAndUser(carolToken);
  const carolVt = nextAuthHashToken("c4a7d0e1b2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9", SECRET);
  await a.createVerificationToken({ identifier: "carol@example.com", token: carolVt, expires: at(D) });
  await a.useVerificationToken({ identifier: "carol@example.com", token: carolVt });
  await a.useVerificationToken({ identifier: "carol@example.com", token: carolVt });
  await a.unlinkAccount({ provider: "github", providerAccountId: "999" });
  await a.getUserByAccount({ providerAccountId: "999", provider: "github" });
  await a.createSession({ sessionToken: carolToken, userId: carol.id, expires: at(H) });
  await a.deleteUser(carol.id);
  await a.getUser(carol.id);
  const carolLeft = (await runSql(db.url, `SELECT
      (SELECT count(*) FROM "Session" WHERE "userId" = '${carol.id}')::int AS sessions,
      (SELECT count(*) FROM "Account" WHERE "userId" = '${carol.id}')::int AS accounts`)).rows[0];

  // --- probes: what the docs schema accepts and rejects; every row they make is removed -------------
  const probeCalls = [];
  const p = recordingAdapter(PrismaAdapter(prisma), probeCalls, { types: true });
  const probes = [];
  const probe = async (name, note, fn) => {
    const from = probeCalls.length;
    try {
      await fn();
    } catch {}
    probes.push({ probe: name, note, calls: probeCalls.slice(from) });
  };
  await probe("createUser-with-id", "next-auth v5 passes a UUID id to createUser; v4 strips it. @next-auth/prisma-adapter passes data through, so a given id is stored as is.", async () => {
    const u = await p.createUser({ id: "0b8e3f0e-6a3c-4f0e-9d55-7b1c2c7a9e10", email: "probe-id@example.com", emailVerified: null });
    await p.deleteUser(u.id);
  });
  await probe("createUser-without-email", "An OAuth profile without e-mail: the v4 docs schema has email String? (nullable).", async () => {
    const u = await p.createUser({ name: "No Mail", image: null, emailVerified: null });
    await p.deleteUser(u.id);
  });
  await probe("createUser-duplicate-email", "User_email_key is unique.", async () => {
    await p.createUser({ email: "alice@example.com", emailVerified: null });
  });
  await probe("createUser-unknown-field", "createUser with a field the User model lacks (a custom profile() returning extra keys).", async () => {
    await p.createUser({ email: "probe-extra@example.com", emailVerified: null, username: "x" });
  });
  await probe("linkAccount-extra-token-field", "next-auth v4 spreads the whole token set into linkAccount; GitHub (and others) return refresh_token_expires_in, which the docs' Account model lacks.", async () => {
    await p.linkAccount({ provider: "github", type: "oauth", providerAccountId: "777", access_token: "gho_x", token_type: "bearer", scope: "", refresh_token: "ghr_x", expires_at: 1795767123, refresh_token_expires_in: 15811200, userId: alice.id });
  });
  await probe("linkAccount-duplicate", "Account_provider_providerAccountId_key is unique.", async () => {
    await p.linkAccount({ provider: "github", type: "oauth", providerAccountId: "12345", access_token: "dup", userId: bob.id });
  });
  await probe("linkAccount-expires_at-after-2038", "expires_at is INTEGER (int4): 2^31 = 2038-01-19T03:14:08Z does not fit.", async () => {
    await p.linkAccount({ provider: "probe", type: "oauth", providerAccountId: "2038", expires_at: 2147483648, userId: bob.id });
  });
  await probe("createVerificationToken-same-token-other-identifier", "VerificationToken_token_key makes the token unique on its own (not only per identifier).", async () => {
    await p.createVerificationToken({ identifier: "someone@example.com", token: vtLive.stored, expires: at(D) });
  });
  await probe("createVerificationToken-duplicate", "VerificationToken_identifier_token_key.", async () => {
    await p.createVerificationToken({ identifier: vtLive.identifier, token: vtLive.stored, expires: at(D) });
  });
  await probe("useVerificationToken-wrong-identifier", "The token exists under another identifier: nothing deleted, null.", async () => {
    await p.useVerificationToken({ identifier: "bob@example.com", token: vtLive.stored });
  });
  await probe("useVerificationToken-without-identifier", "next-auth v4 passes identifier = query.email, which may be missing from a hand-made link.", async () => {
    await p.useVerificationToken({ identifier: undefined, token: vtLive.stored });
  });
  await probe("createSession-duplicate-token", "Session_sessionToken_key is unique.", async () => {
    await p.createSession({ sessionToken: live.sessionToken, userId: bob.id, expires: at(H) });
  });
  await probe("deleteSession-unknown", "The adapter does not catch P2025 here (next-auth's sign-out then fails).", async () => {
    await p.deleteSession("no-such-token");
  });
  await probe("updateSession-unknown", "", async () => {
    await p.updateSession({ sessionToken: "no-such-token", expires: at(D) });
  });
  await probe("unlinkAccount-unknown", "", async () => {
    await p.unlinkAccount({ provider: "github", providerAccountId: "no-such-account" });
  });
  await probe("deleteUser-unknown", "", async () => {
    await p.deleteUser("no-such-user");
  });
  await probe("updateUser-unknown", "", async () => {
    await p.updateUser({ id: "no-such-user", name: "x" });
  });
  await probe("getUserByEmail-undefined", "getUserFromEmail never calls it without an e-mail, but a custom caller might.", async () => {
    await p.getUserByEmail(undefined);
  });

  // --- what is stored -----------------------------------------------------------------------------
  const stored = {};
  for (const t of ["User", "Account", "Session", "VerificationToken"]) {
    stored[t] = (await runSql(db.url, `SELECT row_to_json(t)::text AS j FROM "${t}" t ORDER BY 1`)).rows.map((r) => JSON.parse(r.j));
  }
  const zones = {
    node: Intl.DateTimeFormat().resolvedOptions().timeZone,
    nodeOffsetMin: -NOW.getTimezoneOffset(),
    pg: (await runSql(db.url, "SHOW TimeZone")).rows[0].TimeZone,
  };
  const byId = new Map([[alice.id, "alice"], [bob.id, "bob"]]);
  const users = {};
  for (const u of [alice, bob]) users[byId.get(u.id)] = plain(await prisma.user.findUnique({ where: { id: u.id } }));

  const out = {
    about: "Rows written through the real @next-auth/prisma-adapter 1.0.7 for NextAuth.js v4 (see scripts/write_rows.mjs); plain tokens and the secret included. `calls` made the rows of prisma-v4-rows.sql; `probes` show what the v4 docs schema accepts or rejects (their rows are removed again).",
    adapter: "@next-auth/prisma-adapter",
    versions: versions(),
    now: NOW.toISOString(),
    zones,
    secret: SECRET,
    users,
    sessions: {
      live: { sessionToken: live.sessionToken, user: "alice", expires: live.expires.toISOString() },
      expired: { sessionToken: expired.sessionToken, user: "bob", expires: expired.expires.toISOString() },
    },
    verificationTokens: {
      live: { identifier: vtLive.identifier, token: vtLive.plain, stored: vtLive.stored, expires: vtLive.expires.toISOString() },
      expired: { identifier: vtExpired.identifier, token: vtExpired.plain, stored: vtExpired.stored, expires: vtExpired.expires.toISOString() },
    },
    carolSessionsLeftAfterDeleteUser: carolLeft.sessions,
    carolAccountsLeftAfterDeleteUser: carolLeft.accounts,
    calls,
    probes,
  };
  writeFileSync(`${rowsOut}.json`, stableJson(out));

  const dump = execFileSync("pg_dump", ["--data-only", "--inserts", "--no-owner", "--no-privileges", db.url], { encoding: "utf8" });
  const inserts = dump.split("\n").filter((l) => l.startsWith("INSERT INTO"));
  writeFileSync(`${rowsOut}.sql`,
    `-- Rows written through the real @next-auth/prisma-adapter 1.0.7 (scripts/write_rows.mjs, TZ=${zones.node}, database TimeZone=${zones.pg}). Load after prisma-v4-schema.sql; plain tokens in prisma-v4-rows.json.\n` +
    inserts.join("\n") + "\n");
  if (process.env.STORED_OUT) writeFileSync(process.env.STORED_OUT, stableJson({ zones, stored, calls, users: Object.fromEntries([...byId].map(([id, n]) => [n, id])) }));
  console.error(`wrote ${rowsOut}.json and ${rowsOut}.sql (${calls.length} calls, ${probes.length} probes; zones ${JSON.stringify(zones)})`);
} finally {
  await prisma?.$disconnect();
  await db.drop();
}
