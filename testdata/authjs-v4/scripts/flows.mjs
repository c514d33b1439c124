// NextAuth.js v4's own request handler (next-auth 4.24.15, the Pages Router API handler
// `NextAuth(req, res, options)`, i.e. pages/api/auth/[...nextauth].js) end to end on
// @next-auth/prisma-adapter 1.0.7 with database sessions. Requests are plain objects shaped as Next.js
// gives them to an API route (req.query.nextauth = path segments, req.cookies, req.body parsed from the
// form); responses are a minimal NextApiResponse. OAuth runs against a small OAuth 2.0 server on
// 127.0.0.1 in this process (token + userinfo endpoints, used by openid-client inside next-auth).
// Every adapter call, redirect and Set-Cookie is recorded. Writes ../prisma-v4-flows.json.
import http from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  OUT_DIR, SECRET, createScratchDb, loadDdl, prismaClient, recordingAdapter, nextAuthHashToken,
  plain, stableJson, versions, runSql, require,
} from "./lib.mjs";

const NextAuth = require("next-auth").default;
const EmailProvider = require("next-auth/providers/email").default;
const { getToken } = require("next-auth/jwt");
const { PrismaAdapter } = require("@next-auth/prisma-adapter");

const MAX_AGE = 30 * 24 * 60 * 60, UPDATE_AGE = 24 * 60 * 60, EMAIL_MAX_AGE = 24 * 60 * 60;
const OAUTH_PORT = Number(process.env.OAUTH_PORT ?? 39787);
const OAUTH = `http://127.0.0.1:${OAUTH_PORT}`;

// ---------------------------------------------------------------------------------------------
// A small OAuth 2.0 provider. Each client gets its own profile; "extra" also returns
// refresh_token_expires_in in the token response, as GitHub Apps do.
const PROFILES = {
  octo: { id: 4242, login: "dora", name: "Dora", email: "Dora.Explorer@Example.com", avatar_url: "https://example.com/dora.png" },
  other: { id: "o-77", login: "alice2", name: "Alice Elsewhere", email: "Alice@example.com", avatar_url: null },
  trusting: { id: "t-88", login: "alice3", name: "Alice Trusted", email: "alice@example.com", avatar_url: null },
  linker: { id: "l-99", login: "dora-work", name: "Dora at Work", email: "dora@work.example", avatar_url: null },
  nomail: { id: "n-11", login: "nomail", name: "No Mail", avatar_url: null },
  extra: { id: 5151, login: "erin", name: "Erin", email: "erin@example.com", avatar_url: null },
};
const tokenRequests = [];
const oauthServer = http.createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  const url = new URL(req.url, OAUTH);
  const send = (status, obj) => { res.writeHead(status, { "content-type": "application/json" }); res.end(JSON.stringify(obj)); };
  if (req.method === "POST" && url.pathname === "/token") {
    const form = Object.fromEntries(new URLSearchParams(body));
    const basic = req.headers.authorization?.startsWith("Basic ")
      ? Buffer.from(req.headers.authorization.slice(6), "base64").toString().split(":").map(decodeURIComponent) : null;
    const clientId = basic?.[0] ?? form.client_id;
    const client = clientId?.replace(/^client-/, "");
    tokenRequests.push({ client: clientId, clientAuth: basic ? "client_secret_basic" : (form.client_secret ? "client_secret_post" : "none"), form });
    if (!PROFILES[client] || form.code !== `code-${client}`) return send(400, { error: "invalid_grant" });
    const tokens = {
      access_token: `at_${client}_${Date.now()}`, token_type: "Bearer", expires_in: 28800,
      refresh_token: `rt_${client}`, scope: "read:user,user:email",
    };
    if (client === "extra") tokens.refresh_token_expires_in = 15811200;
    return send(200, tokens);
  }
  if (req.method === "GET" && url.pathname === "/userinfo") {
    const m = /^Bearer at_([a-z]+)_/.exec(req.headers.authorization ?? "");
    if (!m || !PROFILES[m[1]]) return send(401, { error: "invalid_token" });
    return send(200, PROFILES[m[1]]);
  }
  send(404, { error: "not_found" });
});
await new Promise((r) => oauthServer.listen(OAUTH_PORT, "127.0.0.1", r));

const oauthProvider = (id, extra = {}) => ({
  id, name: id, type: "oauth",
  clientId: `client-${id}`, clientSecret: `secret-${id}`,
  authorization: { url: `${OAUTH}/authorize`, params: { scope: "read:user user:email" } },
  token: `${OAUTH}/token`,
  userinfo: `${OAUTH}/userinfo`,
  // next-auth 4.24.15's GitHub provider's profile()
  profile: (p) => ({ id: p.id.toString(), name: p.name ?? p.login, email: p.email, image: p.avatar_url }),
  ...extra,
});

// ---------------------------------------------------------------------------------------------
const db = await createScratchDb("v4probe_flows");
let prisma;
try {
  await loadDdl(db.url);
  prisma = await prismaClient(db.url);
} catch (e) {
  oauthServer.close();
  await db.drop();
  throw e;
}
let calls = [];
const adapter = recordingAdapter(PrismaAdapter(prisma), { push: (c) => calls.push(c) });
let mails = [];
let logs = [];
const authOptions = {
  secret: SECRET,
  adapter,
  session: { strategy: "database", maxAge: MAX_AGE, updateAge: UPDATE_AGE },
  logger: {
    error: (code, meta) => logs.push(`${code}: ${errText(meta)}`),
    warn: (code) => logs.push(`warn ${code}`),
    debug: () => {},
  },
  providers: [
    EmailProvider({
      server: "smtp://127.0.0.1:9", from: "NextAuth <no-reply@example.com>", maxAge: EMAIL_MAX_AGE,
      sendVerificationRequest: async ({ identifier, url, token, expires }) => { mails.push({ identifier, url, token, expires: expires.toISOString() }); },
    }),
    oauthProvider("octo"),
    oauthProvider("other"),
    oauthProvider("trusting", { allowDangerousEmailAccountLinking: true }),
    oauthProvider("linker"),
    oauthProvider("nomail"),
    oauthProvider("extra"),
  ],
};
function errText(meta) {
  const e = meta?.error ?? meta;
  if (e instanceof Error) return `${e.name}: ${e.message.split("\n").filter(Boolean).pop()}`;
  if (e?.message) return e.message;
  return JSON.stringify(e);
}

// ---------------------------------------------------------------------------------------------
// A browser: a cookie jar and the NEXTAUTH_URL of the app it talks to.
class Browser {
  constructor(appUrl = "http://localhost:3000") { this.appUrl = appUrl; this.jar = new Map(); }
  cookieHeader() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "); }
  take(setCookies) {
    for (const sc of setCookies) {
      const [pair, ...attrs] = sc.split(";").map((s) => s.trim());
      const i = pair.indexOf("=");
      const name = pair.slice(0, i), value = decodeURIComponent(pair.slice(i + 1));
      const maxAge = attrs.find((a) => /^max-age=/i.test(a));
      const expires = attrs.find((a) => /^expires=/i.test(a));
      if ((maxAge && Number(maxAge.split("=")[1]) <= 0) || (expires && new Date(expires.slice(8)) < new Date())) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}

const short = (v) => (v.length > 12 ? `${v.slice(0, 12)}…` : v);
const shortCookie = (sc) => {
  const i = sc.indexOf("="), j = sc.indexOf(";");
  const end = j < 0 ? sc.length : j;
  return `${sc.slice(0, i + 1)}${short(sc.slice(i + 1, end))}${sc.slice(end)}`;
};
const shortUrl = (u) => u?.replace(/([?&](?:token|state|code_challenge|nonce)=)[^&]+/g, "$1…") ?? null;

/** One request through NextAuth's API route handler; returns the recorded request. */
async function request(browser, method, url, form) {
  const u = new URL(url, browser.appUrl);
  process.env.NEXTAUTH_URL = browser.appUrl;
  const segments = u.pathname.replace(/^\/api\/auth\/?/, "").split("/").filter(Boolean);
  const query = { ...Object.fromEntries(u.searchParams), nextauth: segments };
  const headers = { host: u.host, cookie: browser.cookieHeader() };
  if (form) headers["content-type"] = "application/x-www-form-urlencoded";
  const req = { method, url: u.pathname + u.search, query, headers, cookies: Object.fromEntries(browser.jar), body: form };
  const res = {
    statusCode: 200, headers: {}, body: undefined, ended: false,
    status(code) { this.statusCode = code; return this; },
    setHeader(k, v) { this.headers[k.toLowerCase()] = v; return this; },
    getHeader(k) { return this.headers[k.toLowerCase()]; },
    end(b) { this.ended = true; if (b !== undefined) this.body = b; return this; },
    send(b) { this.body = b; return this.end(); },
    json(b) { this.setHeader("Content-Type", "application/json"); this.body = b; return this.end(); },
  };
  const logFrom = logs.length;
  await NextAuth(req, res, authOptions);
  const setCookies = [res.headers["set-cookie"] ?? []].flat();
  browser.take(setCookies);
  const rec = {
    method,
    path: u.origin === new URL(browser.appUrl).origin ? shortUrl(u.pathname + u.search) : shortUrl(u.href),
    status: res.statusCode,
    location: shortUrl(res.headers.location ?? null),
    setCookies: setCookies.map(shortCookie),
    json: res.body !== null && typeof res.body === "object" ? plain(res.body) : null,
  };
  if (typeof res.body === "string") rec.bodyKind = res.body.startsWith("<!DOCTYPE html>") ? "html" : res.body.slice(0, 80);
  if (logs.length > logFrom) rec.loggedErrors = logs.slice(logFrom);
  rec._location = res.headers.location;
  rec._json = res.body;
  return rec;
}

const steps = [];
async function step(name, note, fn) {
  calls = [];
  mails = [];
  const requests = [];
  const s = { step: name, note, requests, adapterCalls: calls };
  const r = async (...args) => { const rec = await request(...args); requests.push(rec); return rec; };
  await fn(r, s);
  for (const q of requests) { delete q._location; delete q._json; }
  s.adapterCalls = calls;
  steps.push(s);
  return s;
}

async function csrf(r, b) {
  return (await r(b, "GET", "/api/auth/csrf"))._json.csrfToken;
}
async function emailSignIn(r, s, b, email, callbackUrl) {
  const csrfToken = await csrf(r, b);
  await r(b, "POST", "/api/auth/signin/email", { email, csrfToken, callbackUrl });
  const mail = mails.at(-1);
  if (!mail) return null;
  const created = calls.find((c) => c.method === "createVerificationToken");
  s.mail = { ...mail, url: shortUrl(mail.url) };
  s.plainToken = mail.token;
  s.storedToken = created?.args[0].token;
  s.storedTokenIsHashTokenOfPlain = created?.args[0].token === nextAuthHashToken(mail.token, SECRET);
  await r(b, "GET", mail.url);
  return mail;
}
async function oauthSignIn(r, s, b, provider, callbackUrl) {
  const csrfToken = await csrf(r, b);
  const form = { csrfToken };
  if (callbackUrl) form.callbackUrl = callbackUrl;
  const signin = await r(b, "POST", `/api/auth/signin/${provider}`, form);
  const authUrl = new URL(signin._location);
  s.authorizationUrl = shortUrl(signin._location);
  const state = authUrl.searchParams.get("state");
  const q = new URLSearchParams({ code: `code-${provider}` });
  if (state) q.set("state", state);
  const cb = await r(b, "GET", `/api/auth/callback/${provider}?${q}`);
  s.tokenRequest = tokenRequests.at(-1) && { ...tokenRequests.at(-1), form: { ...tokenRequests.at(-1).form, code_verifier: tokenRequests.at(-1).form.code_verifier && "…" } };
  return cb;
}
const sessionCookie = (b) => b.jar.get("next-auth.session-token") ?? b.jar.get("__Secure-next-auth.session-token");
const setExpires = (token, d) => runSql(db.url, `UPDATE "Session" SET expires = '${d.toISOString().replace("Z", "")}' WHERE "sessionToken" = '${token}'`);

try {
  const alice = new Browser();
  await step("email-signup", "New user signs in with an e-mail link; the address is typed with spaces and capitals.", async (r, s) => {
    await emailSignIn(r, s, alice, "  Alice@Example.COM ", "http://localhost:3000/dashboard");
  });
  await step("session-fresh", "GET /api/auth/session right after sign-in: not due, so no updateSession.", async (r) => {
    await r(alice, "GET", "/api/auth/session");
  });
  await step("session-due", "The session was last extended 25 hours ago (expires = now + maxAge - 25h): updateSession extends it.", async (r) => {
    await setExpires(sessionCookie(alice), new Date(Date.now() + MAX_AGE * 1000 - 25 * 3600e3));
    await r(alice, "GET", "/api/auth/session");
  });
  await step("session-not-due", "Last extended 23 hours ago: not due yet.", async (r) => {
    await setExpires(sessionCookie(alice), new Date(Date.now() + MAX_AGE * 1000 - 23 * 3600e3));
    await r(alice, "GET", "/api/auth/session");
  });
  await step("session-expired", "expires one second ago: next-auth v4 deletes the row and clears the cookie.", async (r) => {
    await setExpires(sessionCookie(alice), new Date(Date.now() - 1000));
    await r(alice, "GET", "/api/auth/session");
  });
  await step("session-no-cookie", "GET /api/auth/session without any session cookie: no adapter call.", async (r) => {
    await r(alice, "GET", "/api/auth/session");
  });
  await step("session-unknown-token", "A session cookie whose row does not exist: the cookie is cleared.", async (r) => {
    alice.jar.set("next-auth.session-token", "00000000-0000-4000-8000-000000000000");
    await r(alice, "GET", "/api/auth/session");
  });
  await step("email-signin-existing", "The same user signs in again by e-mail: updateUser sets emailVerified, a new session is made.", async (r, s) => {
    await emailSignIn(r, s, alice, "alice@example.com", "http://localhost:3000/dashboard");
  });
  await step("email-link-reused", "The link of the previous step opened a second time: the token is gone.", async (r) => {
    const prev = steps.at(-1);
    await r(alice, "GET", `/api/auth/callback/email?callbackUrl=${encodeURIComponent("http://localhost:3000/dashboard")}&token=${prev.plainToken}&email=alice%40example.com`);
  });
  await step("email-link-expired", "A link whose token row has expired: useVerificationToken deletes it and the sign-in fails.", async (r, s) => {
    const csrfToken = await csrf(r, alice);
    await r(alice, "POST", "/api/auth/signin/email", { email: "alice@example.com", csrfToken, callbackUrl: "http://localhost:3000/dashboard" });
    const mail = mails.at(-1);
    s.plainToken = mail.token;
    await runSql(db.url, `UPDATE "VerificationToken" SET expires = now() AT TIME ZONE 'UTC' - interval '1 second' WHERE token = '${nextAuthHashToken(mail.token, SECRET)}'`);
    await r(alice, "GET", mail.url);
    s.tokenRowsLeft = Number((await runSql(db.url, `SELECT count(*) FROM "VerificationToken" WHERE token = '${nextAuthHashToken(mail.token, SECRET)}'`)).rows[0].count);
  });
  await step("signout", "POST /api/auth/signout deletes the session row.", async (r) => {
    const csrfToken = await csrf(r, alice);
    await r(alice, "POST", "/api/auth/signout", { csrfToken });
  });
  await step("signout-unknown-session", "Sign-out with a session cookie whose row is gone: deleteSession throws (P2025), next-auth logs it and still clears the cookie.", async (r) => {
    alice.jar.set("next-auth.session-token", "00000000-0000-4000-8000-000000000001");
    const csrfToken = await csrf(r, alice);
    await r(alice, "POST", "/api/auth/signout", { csrfToken });
  });

  const dora = new Browser();
  await step("oauth-signup", "New user through OAuth; the profile e-mail has capitals; the token response is the standard one (token_type \"Bearer\").", async (r, s) => {
    await oauthSignIn(r, s, dora, "octo");
  });
  await step("oauth-signin-again", "Same OAuth account again while signed in as that user: nothing is written, the session cookie is sent again.", async (r, s) => {
    await oauthSignIn(r, s, dora, "octo");
  });
  await step("oauth-signin-again-signed-out", "Same OAuth account from a browser without a session: getUserByAccount finds the user, a new session is made.", async (r, s) => {
    await oauthSignIn(r, s, new Browser(), "octo");
  });
  await step("oauth-email-taken", "OAuth account unknown, its e-mail (Alice@example.com) belongs to alice, nobody signed in: OAuthAccountNotLinked; the error route then redirects to the sign-in page.", async (r, s) => {
    const b = new Browser();
    const cb = await oauthSignIn(r, s, b, "other");
    if (cb._location) await r(b, "GET", cb._location);
  });
  await step("oauth-dangerous-linking", "Same, with allowDangerousEmailAccountLinking: the account is linked to alice.", async (r, s) => {
    await oauthSignIn(r, s, new Browser(), "trusting");
  });
  await step("oauth-link-while-signed-in", "dora is signed in and signs in with another provider: the account is linked to dora, whatever its e-mail.", async (r, s) => {
    await oauthSignIn(r, s, dora, "linker");
  });
  await step("oauth-no-email", "OAuth profile without an e-mail: createUser gets no email; the v4 docs schema has email String? so the user is made with email NULL.", async (r, s) => {
    await oauthSignIn(r, s, new Browser(), "nomail");
  });
  await step("oauth-extra-token-fields", "The token response has refresh_token_expires_in (as GitHub Apps send): next-auth v4 spreads it into linkAccount, Prisma rejects the unknown argument; the user row was already created.", async (r, s) => {
    await oauthSignIn(r, s, new Browser(), "extra");
    s.rowsAfter = (await runSql(db.url, `SELECT u.email, (SELECT count(*) FROM "Account" a WHERE a."userId" = u.id)::int AS accounts,
      (SELECT count(*) FROM "Session" x WHERE x."userId" = u.id)::int AS sessions FROM "User" u WHERE u.email = 'erin@example.com'`)).rows;
  });
  await step("oauth-extra-token-fields-again", "The same person tries again: the account is still unknown, the orphan user holds the e-mail: OAuthAccountNotLinked.", async (r, s) => {
    await oauthSignIn(r, s, new Browser(), "extra");
  });

  await step("https-cookie-names", "Over https (NEXTAUTH_URL=https://app.example) the cookies get the __Secure- / __Host- prefixes.", async (r, s) => {
    const b = new Browser("https://app.example");
    await emailSignIn(r, s, b, "frank@example.com", "https://app.example");
    await r(b, "GET", "/api/auth/session");
    const csrfToken = await csrf(r, b);
    const signin = await r(b, "POST", "/api/auth/signin/octo", { csrfToken });
    s.authorizationUrl = shortUrl(signin._location);
  });

  // Middleware: next-auth v4's withAuth (next-auth/middleware) reads the session with getToken() from
  // next-auth/jwt, i.e. as a JWT. A database session cookie is a UUID.
  await step("middleware-getToken", "next-auth/middleware (withAuth) authorizes with getToken() from next-auth/jwt, which only decodes JWT sessions: with a database session cookie it returns null, so withAuth treats the user as signed out.", async (r, s) => {
    const token = sessionCookie(dora);
    const logFrom = logs.length;
    const got = await getToken({ req: { headers: { cookie: `next-auth.session-token=${token}` }, cookies: { "next-auth.session-token": token } }, secret: SECRET });
    s.requests.push({ method: "getToken", path: "next-auth/jwt getToken({ req, secret })", cookie: `next-auth.session-token=${short(token)}`, returned: got, loggedErrors: logs.slice(logFrom) });
  });

  // Identifier normalisation, through the handler: POST /api/auth/signin/email with each input.
  const vectors = { normalizeIdentifier: [], createHash: [] };
  const inputs = ["  Alice@Example.COM ", "alice@example.com,evil@attacker.com", "a,b@example.com", "bob@example.com,",
    "\"bob\"@example.com", "bob@@example.com", "no-at-sign", "ＡＬＩＣＥ＠ｅｘａｍｐｌｅ．ｃｏｍ", "İstanbul@Example.com", "ß@EXAMPLE.com",
    "a@localhost", "bob@example", "bob@example.com, ", "@example.com", "bob@"];
  for (const input of inputs) {
    const b = new Browser();
    mails = []; calls = [];
    const logFrom = logs.length;
    const csrfToken = (await request(b, "GET", "/api/auth/csrf"))._json.csrfToken;
    const res = await request(b, "POST", "/api/auth/signin/email", { email: input, csrfToken });
    const err = logs.slice(logFrom).find((l) => l.startsWith("SIGNIN_EMAIL_ERROR"));
    vectors.normalizeIdentifier.push({
      input,
      output: mails[0]?.identifier ?? (err ? `Error: ${err.replace(/^SIGNIN_EMAIL_ERROR: (Error: )?/, "")}` : null),
      location: res.location,
      adapterCalls: calls.map((c) => c.method),
    });
  }
  for (const [token, secret] of [["a1b2c3", "s3cret"], ["tok", ""], ["a2e0d8ad2726e2100df5e0bc6348a755af51630d0d3bb90e23f4e3d026b9e4b9", SECRET], ["tokén", "sécret-🔑"]]) {
    vectors.createHash.push({ input: token + secret, token, secret, output: nextAuthHashToken(token, secret) });
  }
  // Remove the verification tokens the vectors left (they are not part of any flow).
  await runSql(db.url, `DELETE FROM "VerificationToken"`);

  // Formats seen across all steps.
  const all = steps.flatMap((x) => x.adapterCalls);
  const sessionTokens = all.filter((c) => c.method === "createSession").map((c) => c.args[0].sessionToken);
  const userIds = all.filter((c) => c.method === "createUser" && c.returned).map((c) => c.returned.id);
  const plainTokens = steps.map((x) => x.plainToken).filter(Boolean);
  const cookieNames = [...new Set(steps.flatMap((x) => x.requests.flatMap((q) => (q.setCookies ?? []).map((c) => c.slice(0, c.indexOf("="))))))].sort();
  const summary = {
    sessionTokens: { count: sessionTokens.length, allUuidV4: sessionTokens.every((t) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(t)) },
    userIds: { count: userIds.length, allCuid25: userIds.every((t) => /^c[a-z0-9]{24}$/.test(t)), examples: userIds.slice(0, 2) },
    emailPlainTokens: { count: plainTokens.length, all64LowerHex: plainTokens.every((t) => /^[0-9a-f]{64}$/.test(t)) },
    storedTokensAreHashTokenOfPlain: steps.filter((x) => "storedTokenIsHashTokenOfPlain" in x).every((x) => x.storedTokenIsHashTokenOfPlain),
    cookieNames,
  };
  const finalRows = {};
  for (const t of ["User", "Account", "Session", "VerificationToken"]) {
    finalRows[t] = (await runSql(db.url, `SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n;
  }
  writeFileSync(join(OUT_DIR, "prisma-v4-flows.json"), stableJson({
    about: "The real next-auth 4.24.15 API route handler (NextAuth(req, res, options), as pages/api/auth/[...nextauth].js runs it) over @next-auth/prisma-adapter 1.0.7, database sessions; every adapter call it made. OAuth against a local OAuth 2.0 server (127.0.0.1) through next-auth's openid-client. Tokens in URLs and cookies are shortened with …; full values are in adapterCalls, mail and plainToken.",
    adapter: "@next-auth/prisma-adapter",
    versions: versions(),
    config: {
      secret: SECRET,
      session: { strategy: "database", maxAge: MAX_AGE, updateAge: UPDATE_AGE },
      emailMaxAge: EMAIL_MAX_AGE,
      nextauthUrl: "http://localhost:3000 (https://app.example in https-cookie-names)",
      basePath: "/api/auth",
      oauthServer: OAUTH,
      oauthProviders: "custom type \"oauth\" providers with explicit authorization/token/userinfo URLs, default checks ([\"state\"]), GitHub's profile(); \"trusting\" has allowDangerousEmailAccountLinking",
    },
    steps,
    summary,
    vectors,
    finalRowCounts: finalRows,
  }));
  console.error(`wrote prisma-v4-flows.json (${steps.length} steps)`);
} finally {
  oauthServer.close();
  await prisma?.$disconnect();
  await db.drop();
}
