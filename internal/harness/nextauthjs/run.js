'use strict';
// Runs NextAuth.js 2.0.0-beta.73 itself against PostgreSQL, for gormauth's
// tests: its TypeORM adapter (TypeORM 0.2.25) opened the way a NextAuth.js
// application configured with `database: DATABASE_URL` opens it
// (Adapters.Default(url).getAdapter(appOptions): NextAuth.js parses the URL,
// applies its SnakeNamingStrategy and entity schemas, and opens TypeORM's
// "default" connection), and its request handler (require('next-auth')).
// Nothing here rebuilds what those do.
//
// Usage (the Go package in this folder runs it):
//
//   DATABASE_URL=postgres://… node run.js sync
//     1. opens the adapter with ?synchronize=false and asks TypeORM what its
//        schema synchronisation would run
//        (connection.driver.createSchemaBuilder().log(), up queries);
//     2. opens the adapter again with ?synchronize=true, as an application
//        does, so that TypeORM really synchronises on connect;
//     3. asks again what synchronisation would run now.
//     Prints {"versions", "wouldRun", "afterSync", "ms"} as JSON.
//
//   DATABASE_URL=postgres://… node run.js ops < input.json
//     runs input.ops in order, each an adapter method or a request to
//     NextAuth.js's handler (see OPS below), and prints
//     {"versions", "timeZone", "results": [{"ok": …} or {"error": "…"}, …]}.
//     input: {"secret", "site", "maxAge", "updateAge" (seconds),
//     "oauthProfiles": {code: profile}, "ops": [{"op": name, …args}]}. An
//     argument {"$result": i, "field": f} stands for field f of what op i
//     returned.
//     Dates are printed as JSON does (ISO 8601, UTC, milliseconds). The
//     process's TZ is the zone NextAuth.js runs in.
//
// Any other error exits non-zero, with the error on stderr.

const http = require('http');
const NextAuth = require('next-auth').default;
const Providers = require('next-auth/providers');
const Adapters = require('next-auth/adapters');
const { getConnection, getConnectionManager } = require('typeorm');

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

// openAdapter opens next-auth's adapter on url with appOptions and returns
// its methods and TypeORM's connection, failing when the connection did not
// open.
async function openAdapter(url, appOptions) {
  const before = logged.length;
  const adapter = await Adapters.Default(url).getAdapter(appOptions);
  const manager = getConnectionManager();
  const conn = manager.has('default') ? getConnection('default') : null;
  if (!conn || !conn.isConnected) {
    throw new Error('next-auth could not open its TypeORM connection: ' + (logged.slice(before).join('\n') || 'no error logged'));
  }
  return { adapter, conn };
}

// The defaults NextAuth.js passes to getAdapter (session.maxAge 30 days,
// session.updateAge 24 hours).
const defaultAppOptions = {
  debug: false,
  session: { maxAge: 30 * 24 * 60 * 60, updateAge: 24 * 60 * 60 },
};

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
  const plan = await openAdapter(withParam(url, 'synchronize', 'false'), defaultAppOptions);
  const wouldRun = await upQueries(plan.conn);
  await plan.conn.close();
  ms.plan = Date.now() - t;

  t = Date.now();
  const app = await openAdapter(withParam(url, 'synchronize', 'true'), defaultAppOptions);
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

// fakeOAuthServer is an OAuth 2.0 provider on 127.0.0.1 for NextAuth.js's
// OAuth callback: POST /token answers any code listed in profiles with an
// access token, GET /profile answers that token with the code's profile.
function fakeOAuthServer(profiles) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/token') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const code = new URLSearchParams(body).get('code');
        res.setHeader('Content-Type', 'application/json');
        if (!profiles[code]) {
          res.statusCode = 400;
          res.end(JSON.stringify({ error: 'invalid_grant' }));
          return;
        }
        res.end(JSON.stringify({ access_token: 'at-' + code, refresh_token: 'rt-' + code, token_type: 'bearer' }));
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/profile') {
      const auth = req.headers.authorization || '';
      const code = auth.replace(/^Bearer at-/, '');
      res.setHeader('Content-Type', 'application/json');
      if (!profiles[code]) {
        res.statusCode = 401;
        res.end('{}');
        return;
      }
      res.end(JSON.stringify(profiles[code]));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// handle runs one request through NextAuth.js's handler, as Next.js's API
// route /api/auth/[...nextauth] would, and returns the response.
function handle(options, { method, action, query, cookies }) {
  const req = {
    method,
    url: '/api/auth/' + action + (query ? '?' + new URLSearchParams(query) : ''),
    query: { ...(query || {}), nextauth: action.split('/') },
    body: {},
    cookies: cookies || {},
    headers: { host: new URL(options.site).host },
  };
  return new Promise((resolve, reject) => {
    const headers = {};
    const res = {
      statusCode: 200,
      status(code) {
        this.statusCode = code;
        return this;
      },
      setHeader(k, v) {
        headers[k.toLowerCase()] = v;
      },
      getHeader(k) {
        return headers[k.toLowerCase()];
      },
      end(body) {
        resolve({ status: this.statusCode, location: headers.location || null, setCookie: [].concat(headers['set-cookie'] || []), body: body ? String(body) : '' });
      },
      send(body) {
        this.end(body);
      },
      json(obj) {
        this.end(JSON.stringify(obj));
      },
    };
    NextAuth(req, res, options).catch(reject);
  });
}

// OPS are the operations an ops run can ask for. Each returns what
// NextAuth.js returned (Dates are printed as ISO strings).
const OPS = {
  createUser: ({ adapter }, a) => adapter.createUser(a.profile),
  getUser: ({ adapter }, a) => adapter.getUser(a.id),
  getUserByEmail: ({ adapter }, a) => adapter.getUserByEmail(a.email),
  getUserByProviderAccountId: ({ adapter }, a) => adapter.getUserByProviderAccountId(a.providerId, a.providerAccountId),
  linkAccount: ({ adapter }, a) =>
    adapter.linkAccount(a.userId, a.providerId, a.providerType, a.providerAccountId, a.refreshToken, a.accessToken, a.accessTokenExpires),
  // createSession opens a session for the user; with maxAge (seconds, may
  // be negative) it asks an adapter opened with that session.maxAge, so
  // that NextAuth.js itself writes a session expiring that far from now.
  createSession: async ({ adapter, url, session }, a) => {
    if (a.maxAge === undefined) return adapter.createSession({ id: a.userId });
    const other = await Adapters.Default(url).getAdapter({ debug: false, session: { ...session, maxAge: a.maxAge } });
    return other.createSession({ id: a.userId });
  },
  getSession: ({ adapter }, a) => adapter.getSession(a.sessionToken),
  // updateSession reads the session with getSession, as NextAuth.js's
  // session route does, and calls updateSession(session, force): null means
  // "not due, nothing written".
  updateSession: async ({ adapter }, a) => {
    const session = await adapter.getSession(a.sessionToken);
    if (!session) throw new Error('updateSession: getSession found no session');
    return adapter.updateSession(session, !!a.force);
  },
  deleteSession: async ({ adapter }, a) => {
    const res = await adapter.deleteSession(a.sessionToken);
    return { affected: res.affected };
  },
  createVerificationRequest: ({ adapter, options }, a) =>
    adapter.createVerificationRequest(a.identifier, a.url || options.site, a.token, options.secret, {
      ...options.providers.find((p) => p.id === 'email'),
      maxAge: a.maxAge,
    }),
  getVerificationRequest: ({ adapter, options }, a) => adapter.getVerificationRequest(a.identifier, a.token, options.secret),
  deleteVerificationRequest: ({ adapter, options }, a) => adapter.deleteVerificationRequest(a.identifier, a.token, options.secret),
  // findAccount reads an accounts row through TypeORM's repository, the way
  // the adapter hydrates rows (there is no adapter method for it).
  findAccount: ({ conn }, a) => conn.getRepository('Account').findOne({ providerId: a.providerId, providerAccountId: a.providerAccountId }),
  query: async ({ conn }, a) => conn.query(a.sql),
  handler: ({ options }, a) => handle(options, a),
};

// resolve replaces each {"$result": i, "field": f} in v by field f of the
// result of op i.
function resolve(v, results) {
  if (Array.isArray(v)) return v.map((x) => resolve(x, results));
  if (v === null || typeof v !== 'object') return v;
  if ('$result' in v) {
    const r = results[v.$result];
    if (!r || r.error !== undefined || r.ok === null) throw new Error(`op ${v.$result} has no result to take ${v.field} from`);
    return r.ok[v.field];
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, results)]));
}

async function ops(url) {
  const input = await readStdin();
  const server = await fakeOAuthServer(input.oauthProfiles || {});
  const base = `http://127.0.0.1:${server.address().port}`;
  const session = { jwt: false, maxAge: input.maxAge || defaultAppOptions.session.maxAge, updateAge: input.updateAge || defaultAppOptions.session.updateAge };
  const options = {
    site: input.site,
    secret: input.secret,
    database: url,
    session,
    providers: [
      Providers.Email({ sendVerificationRequest: async () => {} }),
      {
        id: 'testoauth',
        name: 'Test OAuth',
        type: 'oauth',
        version: '2.0',
        scope: 'user',
        params: { grant_type: 'authorization_code' },
        accessTokenUrl: base + '/token',
        authorizationUrl: base + '/authorize?response_type=code',
        profileUrl: base + '/profile',
        profile: (p) => ({ id: p.id, name: p.name, email: p.email, image: p.image }),
        clientId: 'test-client',
        clientSecret: 'test-client-secret',
      },
    ],
  };
  const { adapter, conn } = await openAdapter(url, { debug: false, site: input.site, session });
  const ctx = { adapter, conn, options, url, session };
  const results = [];
  try {
    for (const op of input.ops) {
      const fn = OPS[op.op];
      if (!fn) throw new Error('unknown op ' + op.op);
      try {
        const v = await fn(ctx, resolve(op, results));
        results.push({ ok: v === undefined ? null : v });
      } catch (err) {
        results.push({ error: String(err && err.stack ? err.stack : err) });
      }
    }
  } finally {
    server.close();
    await conn.close();
  }
  return { versions: versions(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, results };
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const mode = process.argv[2];
  let out;
  if (mode === 'sync') out = await sync(url);
  else if (mode === 'ops') out = await ops(url);
  else throw new Error(`usage: node run.js sync|ops (got ${mode})`);
  return JSON.stringify(out) + '\n';
}

// Exit once the result is written: a pipe's writes are asynchronous, and
// exiting at once cuts a long result (one over 64 KB) short.
main().then(
  (out) => process.stdout.write(out, () => process.exit(0)),
  (err) => {
    consoleError(err && err.stack ? err.stack : err);
    process.exit(1);
  },
);
