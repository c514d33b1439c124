'use strict';
// Runs NextAuth.js 2.0.0-beta.73's own TypeORM adapter against PostgreSQL,
// the way a NextAuth.js application configured with
// `database: DATABASE_URL` does: NextAuth.js calls
// Adapters.Default(options.database) and then getAdapter(appOptions), which
// parses the URL (query parameters become TypeORM options), applies its
// SnakeNamingStrategy and entity schemas, and opens TypeORM's "default"
// connection. Nothing here rebuilds that configuration.
//
// Usage (the Go package in this folder runs it):
//
//   DATABASE_URL=postgres://… node sync.js sync
//     1. opens the adapter with ?synchronize=false and asks TypeORM what its
//        schema synchronisation would run
//        (connection.driver.createSchemaBuilder().log(), up queries);
//     2. opens the adapter again with ?synchronize=true, as an application
//        does, so that TypeORM really synchronises on connect;
//     3. asks again what synchronisation would run now.
//     Prints {"versions", "wouldRun", "afterSync", "ms"} as JSON.
//
//   DATABASE_URL=postgres://… node sync.js write < input.json
//     writes rows through the adapter's API (createUser, linkAccount,
//     createSession, createVerificationRequest) and prints what it returned.
//
// Any error exits non-zero, with the error on stderr.

const Adapters = require('next-auth/adapters');
const { getConnection, getConnectionManager } = require('typeorm');

// The defaults NextAuth.js passes to getAdapter (session.maxAge 30 days,
// session.updateAge 24 hours).
const appOptions = {
  debug: false,
  session: { maxAge: 30 * 24 * 60 * 60, updateAge: 24 * 60 * 60 },
};

// next-auth's adapter logs a failed connection (including a failed
// synchronize) with console.error and carries on; keep what it logged so
// that the failure can be reported.
const logged = [];
const consoleError = console.error;
console.error = (...args) => {
  logged.push(args.map((a) => (a instanceof Error ? a.stack : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  consoleError(...args);
};

function withParam(url, key, value) {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}

// openAdapter opens next-auth's adapter on url and returns its methods and
// TypeORM's connection, failing when the connection did not open.
async function openAdapter(url) {
  const before = logged.length;
  const adapter = await Adapters.Default(url).getAdapter(appOptions);
  const manager = getConnectionManager();
  const conn = manager.has('default') ? getConnection('default') : null;
  if (!conn || !conn.isConnected) {
    throw new Error('next-auth could not open its TypeORM connection: ' + (logged.slice(before).join('\n') || 'no error logged'));
  }
  return { adapter, conn };
}

// upQueries returns the SQL TypeORM's synchronize would run on conn now.
async function upQueries(conn) {
  const sql = await conn.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => (q.parameters && q.parameters.length ? `${q.query} -- parameters: ${JSON.stringify(q.parameters)}` : q.query));
}

function versions() {
  return {
    nextAuth: require('next-auth/package.json').version,
    typeorm: require('typeorm/package.json').version,
    pg: require('pg/package.json').version,
    node: process.version,
  };
}

async function sync(url) {
  const ms = {};
  let t = Date.now();
  const plan = await openAdapter(withParam(url, 'synchronize', 'false'));
  const wouldRun = await upQueries(plan.conn);
  await plan.conn.close();
  ms.plan = Date.now() - t;

  t = Date.now();
  const app = await openAdapter(withParam(url, 'synchronize', 'true'));
  ms.sync = Date.now() - t;
  if (!app.conn.options.synchronize) {
    throw new Error('the connection next-auth opened does not synchronize');
  }
  const afterSync = await upQueries(app.conn);
  await app.conn.close();
  return { versions: versions(), wouldRun, afterSync, ms };
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function write(url) {
  const input = await readStdin();
  const { adapter, conn } = await openAdapter(url);
  const user = await adapter.createUser(input.user);
  const a = input.account;
  const account = await adapter.linkAccount(user.id, a.providerId, a.providerType, a.providerAccountId,
    a.refreshToken, a.accessToken, a.accessTokenExpires);
  const session = await adapter.createSession(user);
  const v = input.verification;
  const provider = { id: 'email', type: 'email', maxAge: v.maxAge, sendVerificationRequest: async () => {} };
  const verification = await adapter.createVerificationRequest(v.identifier, v.url, v.token, input.secret, provider);
  await conn.close();
  return { versions: versions(), user, account, session, verification };
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const mode = process.argv[2];
  let out;
  if (mode === 'sync') out = await sync(url);
  else if (mode === 'write') out = await write(url);
  else throw new Error(`usage: node sync.js sync|write (got ${mode})`);
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    consoleError(err && err.stack ? err.stack : err);
    process.exit(1);
  },
);
