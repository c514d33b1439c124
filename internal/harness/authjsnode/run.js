'use strict';
// Runs today's Auth.js flavours themselves against PostgreSQL, for gormauth's tests: each
// flavour's real adapter, opened as its documentation tells an application to open it, and the
// real request handler on top of it. Nothing here rebuilds what those packages do.
//
// Flavours (input "flavour"):
//   prisma           Auth.js v5: @auth/core + @auth/prisma-adapter on a Prisma 7 client generated
//                    from the Auth.js docs schema (prisma/v5.prisma), driver @prisma/adapter-pg.
//   drizzle          @auth/core + @auth/drizzle-adapter with drizzle-orm on postgres.js, given the
//                    docs' table definitions (docsTables below: account and verificationToken
//                    without primary key, as the docs' schema.ts makes them).
//   drizzle-builtin  the same adapter with its own default tables (DrizzleAdapter(db)).
//   pg               @auth/core + @auth/pg-adapter on a pg Pool.
//   prisma-v4        NextAuth.js v4: next-auth 4.24.15's API route handler + @next-auth/prisma-adapter
//                    on a Prisma 7 client generated from the v4 docs schema (prisma/v4.prisma).
//
// Usage (the Go package in this folder runs it; generate.js must have run, see Install):
//
//   DATABASE_URL=postgres://… node run.js ops < input.json
//
// input: {
//   "flavour",
//   "secret": a string, or an array given to @auth/core as setEnvDefaults builds it from
//     AUTH_SECRET_3, AUTH_SECRET_2, AUTH_SECRET_1, AUTH_SECRET (1 to 4 secrets, AUTH_SECRET last;
//     the e-mail token hash then uses them joined by commas); prisma-v4 takes a string only,
//   "site" (e.g. http://localhost:3000; prisma-v4 gets NEXTAUTH_URL from it),
//   "basePath" (default /auth; /api/auth for prisma-v4),
//   "maxAge", "updateAge" (session options, seconds; 0 or absent = 30 days, 24 hours),
//   "emailMaxAge" (seconds; 0 or absent = the email provider's 24 hours),
//   "allowDangerousEmailAccountLinking", "oauthChecks" (default ["state"]): the OAuth provider's,
//   "oauthProfiles": {code: {"id", "name", "email", "image"}}, "tokenResponse": {extra fields},
//   "sessionTokens": [tokens] (optional: the handler's session.generateSessionToken returns them in
//     order, and throws once they are used up; absent = the default, crypto.randomUUID()),
//   "ops": [{"op": name, …args}] }
//
// ops:
//   The 14 adapter methods with Auth.js v5's names and argument shapes (next-auth v4's adapter has
//   the same): createUser{user}, getUser{id}, getUserByEmail{email},
//   getUserByAccount{provider, providerAccountId}, updateUser{user}, deleteUser{id},
//   linkAccount{account}, unlinkAccount{provider, providerAccountId}, createSession{session},
//   getSessionAndUser{sessionToken}, updateSession{session}, deleteSession{sessionToken},
//   createVerificationToken{token}, useVerificationToken{identifier, token}. Any string under a
//   key named expires or emailVerified, at any depth of their arguments, becomes a Date first.
//   A method that returned undefined gives {"ok": null, "undefined": true}.
//
//   handler{method, path, query?, form?, cookies?, headers?, jar?}: one request through the
//   flavour's real handler: @auth/core's Auth(new Request(…), config) (trustHost, database
//   sessions), or for prisma-v4 next-auth 4's NextAuth(req, res, options) with req/res shaped as
//   Next.js gives them to pages/api/auth/[...nextauth].js. path is relative to site, or absolute
//   (an e-mail link); query adds query parameters; form is sent as an
//   application/x-www-form-urlencoded body; cookies {name: value} are sent as a browser sends
//   them (values as Set-Cookie carried them); jar names a cookie jar kept for the whole run: its
//   cookies are sent (cookies override them) and the response's Set-Cookie lines update it.
//   Providers: "email" (@auth/core/providers/email, next-auth/providers/email; no mail is sent,
//   sendVerificationRequest records it) and "testoauth" (below). Returns {status, location,
//   locationQuery (its query parameters), setCookie: [every Set-Cookie line], cookies {name:
//   value of those lines}, body (parsed JSON when JSON, else text), emails (sent during this
//   request), adapterCalls [{method, args, returned | error}], logs ["[error] …", "[warn] …"],
//   jar (after the response, when a jar was named)}.
//
//   parseCookie{parser, header}, serializeCookie{parser, name, value}: a Cookie header parsed, or a
//   cookie serialized ("name=value", no attributes), by the real code of parser: "@auth/core" (its
//   lib/vendored/cookie.js, which Auth() uses) or "cookie" (the cookie package next-auth 4 uses).
//
//   query{sql, parseDates?}: the rows of a SQL query on the same database, through pg (the last
//   statement's rows when sql has several). date, time and timestamp values are returned as
//   PostgreSQL prints them (so that a timestamp without time zone is not read as Node's local
//   time), unless parseDates asks for pg's own parsing; int8 and numeric are strings (pg).
//
// An argument {"$result": i, "field": f} stands for field f of what op i returned: a path of keys
// joined by dots ("body.csrfToken", "emails.0.url", "cookies.authjs.session-token": a key may hold
// dots, the longest matching key wins) or an array of keys; absent or "" = the whole result.
//
// Prints {"flavour", "versions" {package: version, "node"}, "timeZone" (ICU), "results":
// [{"ok": …} or {"error": "Name: message", "code"?, "stack"?}], "emails": [{"identifier", "url",
// "token", "expires"}]}. Dates are printed as JSON prints them (ISO 8601, UTC, milliseconds),
// BigInts as strings. The process's TZ is the zone the packages run in. Any other error exits
// non-zero, with the error on stderr.
//
// The OAuth provider "testoauth" (type "oauth", client test-client / test-client-secret, scope
// "read:user user:email") is an OAuth 2.0 server in this process on 127.0.0.1 (random port):
// POST /token answers a code listed in oauthProfiles with {access_token: "at-<code>", token_type:
// "Bearer", …tokenResponse} (else 400 invalid_grant); GET /userinfo answers "Bearer at-<code>"
// with oauthProfiles[code]; profile() maps it to {id: String(id), name, email, image} (absent =
// null). /authorize is not served: the signin response's Location names it, and the caller then
// requests {basePath}/callback/testoauth?code=…&state=<locationQuery.state> itself with the state
// cookie, as the provider's redirect would have made the browser do.

const fs = require('fs');
const http = require('http');
const path = require('path');
const pg = require('pg');

// testOAuthProvider is the provider "testoauth" (see the header) as both generations configure
// it: the local OAuth server of env, the checks and account linking input asks for.
function testOAuthProvider(input, env, profile) {
  return {
    id: 'testoauth',
    name: 'Test OAuth',
    type: 'oauth',
    clientId: 'test-client',
    clientSecret: 'test-client-secret',
    authorization: { url: env.oauthBase + '/authorize', params: { scope: 'read:user user:email' } },
    token: env.oauthBase + '/token',
    userinfo: env.oauthBase + '/userinfo',
    checks: input.oauthChecks || ['state'],
    allowDangerousEmailAccountLinking: !!input.allowDangerousEmailAccountLinking,
    profile,
  };
}

const FLAVOURS = ['prisma', 'drizzle', 'drizzle-builtin', 'pg', 'prisma-v4'];
const DEFAULT_MAX_AGE = 30 * 24 * 60 * 60;
const DEFAULT_UPDATE_AGE = 24 * 60 * 60;

function pkgVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

function versions() {
  const v = { node: process.version };
  for (const p of ['@auth/core', '@auth/prisma-adapter', '@auth/drizzle-adapter', '@auth/pg-adapter', 'next-auth',
    '@next-auth/prisma-adapter', '@prisma/client', '@prisma/adapter-pg', 'prisma', 'drizzle-orm', 'postgres', 'pg',
    'nodemailer', 'oauth4webapi', 'openid-client']) {
    v[p] = pkgVersion(p);
  }
  return v;
}

// The Prisma clients generate.js wrote (generator output in prisma/*.prisma).
function prismaClientModule(which) {
  const dir = path.join(__dirname, 'node_modules', '.gormauth-prisma', which);
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`the Prisma client ${which} is not generated (${dir}): run the Go package's Install (npm ci, then node generate.js)`);
  }
  return require(dir);
}

// The Drizzle schema of the Auth.js docs (authjs.dev, Drizzle adapter, PostgreSQL schema.ts), as
// testdata/authjs/drizzle-schema.sql was made from it: since the docs wrap each primaryKey() in an
// object inside the array, drizzle makes no primary key on account, verificationToken and
// authenticator. Passed to DrizzleAdapter as the docs' "Passing your own Schemas" does.
function docsTables(core) {
  const { boolean, timestamp, pgTable, text, primaryKey, integer } = core;
  const users = pgTable('user', {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    name: text('name'),
    email: text('email').unique(),
    emailVerified: timestamp('emailVerified', { mode: 'date' }),
    image: text('image'),
  });
  const accounts = pgTable(
    'account',
    {
      userId: text('userId')
        .notNull()
        .references(() => users.id, { onDelete: 'cascade' }),
      type: text('type').$type().notNull(),
      provider: text('provider').notNull(),
      providerAccountId: text('providerAccountId').notNull(),
      refresh_token: text('refresh_token'),
      access_token: text('access_token'),
      expires_at: integer('expires_at'),
      token_type: text('token_type'),
      scope: text('scope'),
      id_token: text('id_token'),
      session_state: text('session_state'),
    },
    (account) => [{ compoundKey: primaryKey({ columns: [account.provider, account.providerAccountId] }) }],
  );
  const sessions = pgTable('session', {
    sessionToken: text('sessionToken').primaryKey(),
    userId: text('userId')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expires: timestamp('expires', { mode: 'date' }).notNull(),
  });
  const verificationTokens = pgTable(
    'verificationToken',
    {
      identifier: text('identifier').notNull(),
      token: text('token').notNull(),
      expires: timestamp('expires', { mode: 'date' }).notNull(),
    },
    (verificationToken) => [{ compositePk: primaryKey({ columns: [verificationToken.identifier, verificationToken.token] }) }],
  );
  return { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens };
}

// openAdapter opens the flavour's adapter on url as an application does; close releases its
// connections.
async function openAdapter(flavour, url) {
  switch (flavour) {
    case 'prisma': {
      const { PrismaClient } = prismaClientModule('v5');
      const { PrismaPg } = require('@prisma/adapter-pg');
      const { PrismaAdapter } = await import('@auth/prisma-adapter');
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
      return { adapter: PrismaAdapter(prisma), close: () => prisma.$disconnect() };
    }
    case 'drizzle':
    case 'drizzle-builtin': {
      const postgres = (await import('postgres')).default;
      const { drizzle } = await import('drizzle-orm/postgres-js');
      const { DrizzleAdapter } = await import('@auth/drizzle-adapter');
      const client = postgres(url, { onnotice: () => {} });
      const db = drizzle(client);
      const adapter = flavour === 'drizzle' ? DrizzleAdapter(db, docsTables(await import('drizzle-orm/pg-core'))) : DrizzleAdapter(db);
      return { adapter, close: () => client.end({ timeout: 5 }) };
    }
    case 'pg': {
      const PostgresAdapter = (await import('@auth/pg-adapter')).default;
      const pool = new pg.Pool({ connectionString: url });
      return { adapter: PostgresAdapter(pool), close: () => pool.end() };
    }
    case 'prisma-v4': {
      const { PrismaClient } = prismaClientModule('v4');
      const { PrismaPg } = require('@prisma/adapter-pg');
      const { PrismaAdapter } = require('@next-auth/prisma-adapter');
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
      return { adapter: PrismaAdapter(prisma), close: () => prisma.$disconnect() };
    }
    default:
      throw new Error(`unknown flavour ${JSON.stringify(flavour)} (want one of ${FLAVOURS.join(', ')})`);
  }
}

// recording wraps each adapter method so that the calls made during one handler request can be
// reported: {method, args, returned} or {method, args, error}.
function recording(adapter, calls) {
  const out = {};
  for (const [name, fn] of Object.entries(adapter)) {
    if (typeof fn !== 'function') {
      out[name] = fn;
      continue;
    }
    out[name] = async (...args) => {
      const entry = { method: name, args: plain(args) };
      calls.current.push(entry);
      try {
        const r = await fn(...args);
        entry.returned = plain(r === undefined ? null : r);
        return r;
      } catch (err) {
        entry.error = errorText(err);
        throw err;
      }
    };
  }
  return out;
}

// plain is v as JSON will print it, taken now (adapters may mutate what they were given).
function plain(v) {
  return JSON.parse(stringify(v === undefined ? null : v));
}

function stringify(v) {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function errorText(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

// oauthServer is the OAuth 2.0 provider "testoauth" (see the top of this file).
function oauthServer(profiles, tokenResponse) {
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url, 'http://127.0.0.1');
    const send = (status, obj) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    if (req.method === 'POST' && url.pathname === '/token') {
      const code = new URLSearchParams(body).get('code');
      if (!code || !Object.prototype.hasOwnProperty.call(profiles, code)) return send(400, { error: 'invalid_grant' });
      return send(200, { access_token: 'at-' + code, token_type: 'Bearer', ...tokenResponse });
    }
    if (req.method === 'GET' && url.pathname === '/userinfo') {
      const m = /^Bearer at-(.*)$/.exec(req.headers.authorization || '');
      if (!m || !Object.prototype.hasOwnProperty.call(profiles, m[1])) return send(401, { error: 'invalid_token' });
      return send(200, profiles[m[1]]);
    }
    send(404, { error: 'not_found' });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// profile maps the provider's userinfo to the user, as a GitHub-like provider's profile() does.
const profile = (p) => ({ id: String(p.id), name: p.name ?? null, email: p.email ?? null, image: p.image ?? null });

// sessionOptions are the session options of both generations: database sessions, input's maxAge and
// updateAge and, when input lists sessionTokens, a generateSessionToken handing them out in order.
function sessionOptions(input) {
  const session = { strategy: 'database', maxAge: input.maxAge || DEFAULT_MAX_AGE, updateAge: input.updateAge || DEFAULT_UPDATE_AGE };
  if (Array.isArray(input.sessionTokens)) {
    const tokens = [...input.sessionTokens];
    session.generateSessionToken = () => {
      if (tokens.length === 0) throw new Error('generateSessionToken: the sessionTokens are used up');
      return tokens.shift();
    };
  }
  return session;
}

// cookieModule returns the cookie parser/serializer named by a parseCookie or serializeCookie op.
async function cookieModule(parser) {
  switch (parser) {
    case '@auth/core':
      return import(require('url').pathToFileURL(path.join(__dirname, 'node_modules', '@auth', 'core', 'lib', 'vendored', 'cookie.js')).href);
    case 'cookie':
      return require('cookie');
    default:
      throw new Error(`unknown cookie parser ${JSON.stringify(parser)} (want "@auth/core" or "cookie")`);
  }
}

// v5Handler returns a function running one request through @auth/core's Auth().
async function v5Handler(input, adapter, env) {
  const { Auth, setEnvDefaults } = await import('@auth/core');
  const Email = (await import('@auth/core/providers/email')).default;
  const config = {
    adapter,
    basePath: input.basePath || '/auth',
    trustHost: true,
    session: sessionOptions(input),
    logger: env.logger,
    providers: [
      Email({
        server: 'smtp://127.0.0.1:9',
        from: 'Auth.js <no-reply@example.com>',
        ...(input.emailMaxAge ? { maxAge: input.emailMaxAge } : {}),
        sendVerificationRequest: env.sendVerificationRequest,
      }),
      testOAuthProvider(input, env, profile),
    ],
  };
  if (Array.isArray(input.secret)) {
    // As an app whose environment sets AUTH_SECRET (the last element) and AUTH_SECRET_1..3 (the
    // ones before it, newest first) gets it from setEnvDefaults.
    const s = input.secret;
    if (s.length < 1 || s.length > 4) throw new Error('secret: an array of 1 to 4 secrets');
    const vars = { AUTH_SECRET: s[s.length - 1] };
    for (let i = 1; i < s.length; i++) vars[`AUTH_SECRET_${i}`] = s[s.length - 1 - i];
    setEnvDefaults(vars, config);
    if (JSON.stringify(config.secret) !== JSON.stringify(s)) throw new Error(`setEnvDefaults made secret ${JSON.stringify(config.secret)} of ${JSON.stringify(s)}`);
  } else {
    config.secret = input.secret;
  }
  return async (a) => {
    const url = new URL(a.path, input.site);
    for (const [k, v] of Object.entries(a.query || {})) url.searchParams.set(k, v);
    const headers = new Headers(a.headers || {});
    const cookie = Object.entries(a.cookies || {}).map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.set('cookie', cookie);
    const init = { method: a.method || 'GET', headers };
    if (a.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      init.body = new URLSearchParams(a.form).toString();
    }
    const res = await Auth(new Request(url, init), config);
    const text = await res.text();
    let body = text;
    if ((res.headers.get('content-type') || '').includes('json') && text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
    }
    return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.getSetCookie(), body };
  };
}

// v4Handler returns a function running one request through next-auth 4's API route handler
// NextAuth(req, res, options) (pages/api/auth/[...nextauth].js), with req and res shaped as
// Next.js gives them to an API route.
function v4Handler(input, adapter, env) {
  const NextAuth = require('next-auth').default;
  const EmailProvider = require('next-auth/providers/email').default;
  if (typeof input.secret !== 'string') throw new Error('prisma-v4: secret must be a string (next-auth v4 takes one secret)');
  const basePath = (input.basePath || '/api/auth').replace(/\/$/, '');
  // next-auth v4 takes its origin and base path from NEXTAUTH_URL (path "/" means /api/auth).
  process.env.NEXTAUTH_URL = basePath === '/api/auth' ? input.site : new URL(basePath, input.site).toString();
  const options = {
    secret: input.secret,
    adapter,
    session: sessionOptions(input),
    logger: {
      error: (code, meta) => env.logger.error(Object.assign(new Error(metaText(meta)), { name: code })),
      warn: (code) => env.logger.warn(code),
      debug: () => {},
    },
    providers: [
      EmailProvider({
        server: 'smtp://127.0.0.1:9',
        from: 'NextAuth <no-reply@example.com>',
        ...(input.emailMaxAge ? { maxAge: input.emailMaxAge } : {}),
        sendVerificationRequest: env.sendVerificationRequest,
      }),
      testOAuthProvider(input, env, profile),
    ],
  };
  return async (a) => {
    const u = new URL(a.path, input.site);
    for (const [k, v] of Object.entries(a.query || {})) u.searchParams.set(k, v);
    if (!u.pathname.startsWith(basePath + '/') && u.pathname !== basePath) throw new Error(`handler: ${u.pathname} is not under basePath ${basePath}`);
    const segments = u.pathname.slice(basePath.length).split('/').filter(Boolean);
    const cookies = {};
    for (const [k, v] of Object.entries(a.cookies || {})) {
      try {
        cookies[k] = decodeURIComponent(v);
      } catch {
        cookies[k] = v;
      }
    }
    const headers = { host: u.host };
    for (const [k, v] of Object.entries(a.headers || {})) headers[k.toLowerCase()] = v;
    const cookie = Object.entries(a.cookies || {}).map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.cookie = cookie;
    if (a.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = {
      method: a.method || 'GET',
      url: u.pathname + u.search,
      query: { ...Object.fromEntries(u.searchParams), nextauth: segments },
      headers,
      cookies,
      body: a.form ? { ...a.form } : {},
    };
    const res = {
      statusCode: 200,
      headers: {},
      body: undefined,
      status(code) {
        this.statusCode = code;
        return this;
      },
      setHeader(k, v) {
        this.headers[k.toLowerCase()] = v;
        return this;
      },
      getHeader(k) {
        return this.headers[k.toLowerCase()];
      },
      end(b) {
        if (b !== undefined) this.body = b;
        return this;
      },
      send(b) {
        this.body = b;
        return this.end();
      },
      json(b) {
        this.setHeader('Content-Type', 'application/json');
        this.body = b;
        return this.end();
      },
      redirect(status, url) {
        if (url === undefined) [status, url] = [307, status];
        this.statusCode = status;
        this.setHeader('Location', url);
        return this.end();
      },
    };
    await NextAuth(req, res, options);
    let body = res.body === undefined ? '' : res.body;
    if (Buffer.isBuffer(body)) body = body.toString('utf8');
    if (typeof body === 'string' && /json/.test(String(res.headers['content-type'] || '')) && body !== '') {
      try {
        body = JSON.parse(body);
      } catch {
        // keep the text
      }
    }
    return { status: res.statusCode, location: res.headers.location ?? null, setCookie: [].concat(res.headers['set-cookie'] ?? []), body };
  };
}

function metaText(meta) {
  const e = meta && meta.error !== undefined ? meta.error : meta;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  if (e && e.message) return String(e.message);
  return JSON.stringify(e);
}

// cookiesOf maps the Set-Cookie lines to {name: value} (later lines win; a cleared cookie is "").
function cookiesOf(lines) {
  const out = {};
  for (const line of lines) {
    const pair = line.split(';')[0];
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}

// takeCookies updates a cookie jar ({name: value}, values as the Set-Cookie lines carry them) as a
// browser would: a line with Max-Age <= 0 or an Expires in the past removes the cookie.
function takeCookies(jar, lines) {
  for (const line of lines) {
    const [pair, ...attrs] = line.split(';').map((x) => x.trim());
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    const name = pair.slice(0, i);
    const maxAge = attrs.find((x) => /^max-age=/i.test(x));
    const expires = attrs.find((x) => /^expires=/i.test(x));
    if ((maxAge && Number(maxAge.split('=')[1]) <= 0) || (!maxAge && expires && new Date(expires.slice(8)) < new Date())) delete jar[name];
    else jar[name] = pair.slice(i + 1);
  }
}

// queryOf returns the query parameters of a Location (absolute or relative), or null.
function queryOf(location) {
  if (!location) return null;
  try {
    return Object.fromEntries(new URL(location, 'http://localhost').searchParams);
  } catch {
    return null;
  }
}

// The adapter ops: Auth.js v5's Adapter method names and argument shapes (next-auth v4's adapter
// has the same 14 methods with the same arguments).
const ADAPTER_OPS = {
  createUser: (ad, a) => ad.createUser(a.user),
  getUser: (ad, a) => ad.getUser(a.id),
  getUserByEmail: (ad, a) => ad.getUserByEmail(a.email),
  getUserByAccount: (ad, a) => ad.getUserByAccount({ provider: a.provider, providerAccountId: a.providerAccountId }),
  updateUser: (ad, a) => ad.updateUser(a.user),
  deleteUser: (ad, a) => ad.deleteUser(a.id),
  linkAccount: (ad, a) => ad.linkAccount(a.account),
  unlinkAccount: (ad, a) => ad.unlinkAccount({ provider: a.provider, providerAccountId: a.providerAccountId }),
  createSession: (ad, a) => ad.createSession(a.session),
  getSessionAndUser: (ad, a) => ad.getSessionAndUser(a.sessionToken),
  updateSession: (ad, a) => ad.updateSession(a.session),
  deleteSession: (ad, a) => ad.deleteSession(a.sessionToken),
  createVerificationToken: (ad, a) => ad.createVerificationToken(a.token),
  useVerificationToken: (ad, a) => ad.useVerificationToken({ identifier: a.identifier, token: a.token }),
};

// Date, time and timestamp columns come back as PostgreSQL prints them (unless parseDates), so
// that a timestamp without time zone is not read as the Node process's local time.
const DATE_OIDS = new Set([1082, 1083, 1114, 1184, 1266]);
const textDates = { getTypeParser: (oid, format) => (DATE_OIDS.has(oid) ? (v) => v : pg.types.getTypeParser(oid, format)) };

// resolve replaces each {"$result": i, "field": f} in v by field f of the result of op i.
function resolve(v, results) {
  if (Array.isArray(v)) return v.map((x) => resolve(x, results));
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  if ('$result' in v) {
    const r = results[v.$result];
    if (!r || r.error !== undefined || r.value === null || r.value === undefined) throw new Error(`op ${v.$result} has no result to take ${JSON.stringify(v.field)} from`);
    const x = pick(r.value, v.field);
    if (x === undefined) throw new Error(`op ${v.$result}'s result has no ${JSON.stringify(v.field)}`);
    return x;
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, results)]));
}

// pick returns field of v: the whole of v when field is absent or "", else the value at a path,
// given as an array of keys or as a string of keys joined by dots. A key may hold dots itself
// ("cookies.authjs.session-token"): at each step the longest run of the remaining parts that is a
// key of the value is taken.
function pick(v, field) {
  if (field === undefined || field === null || field === '') return v;
  if (Array.isArray(field)) {
    for (const k of field) {
      if (v === null || v === undefined) return undefined;
      v = v[k];
    }
    return v;
  }
  const parts = String(field).split('.');
  let i = 0;
  while (i < parts.length) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    let j = parts.length;
    while (j > i + 1 && !Object.prototype.hasOwnProperty.call(v, parts.slice(i, j).join('.'))) j--;
    v = v[parts.slice(i, j).join('.')];
    i = j;
  }
  return v;
}

// withDates turns every string under a key named expires or emailVerified into a Date.
function withDates(v, key) {
  if (typeof v === 'string' && (key === 'expires' || key === 'emailVerified')) return new Date(v);
  if (Array.isArray(v)) return v.map((x) => withDates(x));
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withDates(x, k)]));
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function ops(url) {
  const input = await readStdin();
  if (!FLAVOURS.includes(input.flavour)) throw new Error(`unknown flavour ${JSON.stringify(input.flavour)} (want one of ${FLAVOURS.join(', ')})`);
  if (!input.site) throw new Error('site is not set');
  const server = await oauthServer(input.oauthProfiles || {}, input.tokenResponse || {});
  const emails = [];
  const calls = { current: [] };
  const logs = { current: [] };
  const jars = {};
  const env = {
    oauthBase: `http://127.0.0.1:${server.address().port}`,
    sendVerificationRequest: async ({ identifier, url: link, token, expires }) => {
      emails.push({ identifier, url: link, token, expires });
    },
    logger: {
      error: (e) => logs.current.push(`[error] ${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : String(e)}${e && e.cause && e.cause.err ? ` (cause: ${e.cause.err})` : ''}`),
      warn: (code) => logs.current.push(`[warn] ${code}`),
      debug: () => {},
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  let opened;
  const results = [];
  try {
    opened = await openAdapter(input.flavour, url);
    const adapter = opened.adapter;
    const handle = input.flavour === 'prisma-v4' ? v4Handler(input, recording(adapter, calls), env) : await v5Handler(input, recording(adapter, calls), env);
    for (const op of input.ops || []) {
      try {
        const args = resolve(op, results);
        let v;
        if (ADAPTER_OPS[op.op]) {
          v = await ADAPTER_OPS[op.op](adapter, withDates(args));
        } else if (op.op === 'handler') {
          calls.current = [];
          logs.current = [];
          const sent = emails.length;
          let jar;
          if (args.jar !== undefined && args.jar !== null && args.jar !== '') {
            jar = jars[args.jar] || (jars[args.jar] = {});
            args.cookies = { ...jar, ...(args.cookies || {}) };
          }
          const r = await handle(args);
          if (jar) takeCookies(jar, r.setCookie);
          v = {
            ...r,
            locationQuery: queryOf(r.location),
            cookies: cookiesOf(r.setCookie),
            emails: emails.slice(sent),
            adapterCalls: calls.current,
            logs: logs.current,
          };
          if (jar) v.jar = { ...jar };
        } else if (op.op === 'parseCookie') {
          v = { ...(await cookieModule(args.parser)).parse(args.header) };
        } else if (op.op === 'serializeCookie') {
          v = (await cookieModule(args.parser)).serialize(args.name, args.value);
        } else if (op.op === 'query') {
          const r = await pool.query(args.parseDates ? { text: args.sql } : { text: args.sql, types: textDates });
          v = (Array.isArray(r) ? r[r.length - 1] : r).rows;
        } else {
          throw new Error(`unknown op ${JSON.stringify(op.op)}`);
        }
        results.push(v === undefined ? { value: null, undefined: true } : { value: v });
      } catch (err) {
        const r = { error: errorText(err) };
        if (err && err.code !== undefined) r.code = String(err.code);
        if (err instanceof Error && err.stack) r.stack = err.stack;
        results.push(r);
      }
    }
  } finally {
    server.close();
    await pool.end();
    if (opened) await opened.close();
  }
  return {
    flavour: input.flavour,
    versions: versions(),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    results: results.map((r) => (r.error !== undefined ? r : r.undefined ? { ok: null, undefined: true } : { ok: r.value })),
    emails,
  };
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const mode = process.argv[2];
  if (mode !== 'ops') throw new Error(`usage: node run.js ops < input.json (got ${mode})`);
  return stringify(await ops(url)) + '\n';
}

main().then(
  (out) => process.stdout.write(out, () => process.exit(0)),
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  },
);
