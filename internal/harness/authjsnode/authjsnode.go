// Package authjsnode runs today's Auth.js flavours for real against a
// PostgreSQL database, for tests: each flavour's adapter and its request
// handler, as an application configures them.
//
// Flavours (OpsInput.Flavour), each on its documented schema (SchemaFile):
//
//   - "prisma": Auth.js v5, @auth/core 0.41.3 + @auth/prisma-adapter 2.11.3
//     on a Prisma 7.10 client generated from the Auth.js docs schema
//     (prisma/v5.prisma) with @prisma/adapter-pg.
//   - "drizzle": @auth/drizzle-adapter 1.11.3 with drizzle-orm on postgres.js,
//     given the docs' table definitions (account and verificationToken
//     without primary key).
//   - "drizzle-builtin": the same adapter with its own default tables.
//   - "pg": @auth/pg-adapter 1.11.3 on a pg Pool.
//   - "prisma-v4": NextAuth.js v4, next-auth 4.24.15's API route handler +
//     @next-auth/prisma-adapter 1.0.7 on its own Prisma 7.10 client
//     (prisma/v4.prisma).
//
// Everything comes from npm: package.json and package-lock.json in this
// folder pin every version. Install runs `npm ci` here (no install scripts:
// .npmrc sets ignore-scripts, since Prisma's would download native engines)
// and then generate.js, which generates both Prisma clients offline into
// node_modules/.gormauth-prisma; node_modules is not committed. Ops then runs
// run.js with Node.js; its header comment is the reference for the protocol
// that OpsInput and OpsOutput carry.
//
// Node.js and npm must be installed (Debian/Ubuntu: apt-get install nodejs
// npm, or scripts/setup.sh), and npm ci needs the npm registry.
package authjsnode

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gormauth/gormauth/internal/harness/npm"
)

// InstallHint says how to get Node.js and npm.
const InstallHint = npm.InstallHint

// The flavours.
const (
	Prisma         = "prisma"
	Drizzle        = "drizzle"
	DrizzleBuiltin = "drizzle-builtin"
	PG             = "pg"
	PrismaV4       = "prisma-v4"
)

// Flavours lists every flavour.
var Flavours = []string{Prisma, Drizzle, DrizzleBuiltin, PG, PrismaV4}

// Dir returns the folder that holds package.json, run.js and, once Install
// has run, node_modules: the folder of this source file.
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "internal/harness/authjsnode"
	}
	return filepath.Dir(file)
}

// SchemaFile returns the path of the SQL file (in the repository's testdata)
// that creates flavour's documented schema in an empty database.
func SchemaFile(flavour string) (string, error) {
	root := filepath.Join(Dir(), "..", "..", "..", "testdata")
	switch flavour {
	case Prisma:
		return filepath.Join(root, "authjs", "prisma-schema.sql"), nil
	case Drizzle:
		return filepath.Join(root, "authjs", "drizzle-schema.sql"), nil
	case DrizzleBuiltin:
		return filepath.Join(root, "authjs", "drizzle-builtin-tables.sql"), nil
	case PG:
		return filepath.Join(root, "authjs", "pg-schema.sql"), nil
	case PrismaV4:
		return filepath.Join(root, "authjs-v4", "prisma-v4-schema.sql"), nil
	}
	return "", fmt.Errorf("authjsnode: unknown flavour %q", flavour)
}

// generateInputs are the files generate.js makes the Prisma clients from.
var generateInputs = []string{"generate.js", "prisma/v5.prisma", "prisma/v4.prisma"}

// Install runs `npm ci` in Dir, then `node generate.js` (both Prisma
// clients), unless node_modules already holds what package-lock.json pins
// and clients generated from the current schemas; it reports how long it
// took (0 when there was nothing to do). Processes that install at once take
// turns: the first installs, the others find it done. It fails (never
// skips) when node or npm is missing, with InstallHint in the error.
func Install(ctx context.Context) (time.Duration, error) {
	h := sha256.New()
	for _, name := range generateInputs {
		b, err := os.ReadFile(filepath.Join(Dir(), name))
		if err != nil {
			return 0, fmt.Errorf("authjsnode: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	// The digest only makes a changed schema generate again (npm.Install
	// keeps the commands in its stamp); generate.js ignores it.
	gen := []string{"node", "generate.js", "--inputs-sha256=" + hex.EncodeToString(h.Sum(nil))}
	d, err := npm.Install(ctx, Dir(), gen)
	if err != nil {
		return d, fmt.Errorf("authjsnode: %w", err)
	}
	return d, nil
}

// Op is one operation of an Ops run: "op" names it (an adapter method such
// as "createUser", or "handler", or "query"), the other keys are its
// arguments (see run.js). Ref stands for a value an earlier op returned.
type Op map[string]any

// Ref stands, as an argument of an Op, for field of what op i returned: a
// path of keys joined by dots ("body.csrfToken", "emails.0.url",
// "cookies.authjs.session-token": a key may hold dots itself), or "" for the
// whole result.
func Ref(i int, field string) map[string]any {
	return map[string]any{"$result": i, "field": field}
}

// OpsInput is what an Ops run does.
type OpsInput struct {
	// Flavour is one of Flavours.
	Flavour string `json:"flavour"`
	// Secret is the secret option. Secrets, when set, is given instead as
	// the array @auth/core's setEnvDefaults builds from AUTH_SECRET_3,
	// AUTH_SECRET_2, AUTH_SECRET_1 and AUTH_SECRET (at most 4, oldest first,
	// AUTH_SECRET last); the e-mail token hash then uses them joined with
	// commas. Not for "prisma-v4", which takes one secret.
	Secret  string   `json:"-"`
	Secrets []string `json:"-"`
	// Site is the app's origin, e.g. http://localhost:3000.
	Site string `json:"site"`
	// BasePath is where the handler is mounted: default "/auth" ("/api/auth"
	// for prisma-v4).
	BasePath string `json:"basePath,omitempty"`
	// MaxAge and UpdateAge are the session options, in seconds; 0 means the
	// defaults (30 days, 24 hours). EmailMaxAge is the e-mail provider's
	// maxAge; 0 means its default (24 hours).
	MaxAge      int `json:"maxAge,omitempty"`
	UpdateAge   int `json:"updateAge,omitempty"`
	EmailMaxAge int `json:"emailMaxAge,omitempty"`
	// AllowDangerousEmailAccountLinking is the OAuth provider's option.
	AllowDangerousEmailAccountLinking bool `json:"allowDangerousEmailAccountLinking,omitempty"`
	// OAuthChecks are the OAuth provider's checks; nil means ["state"].
	OAuthChecks []string `json:"oauthChecks,omitempty"`
	// OAuthProfiles are the profiles of the local OAuth provider
	// "testoauth", by authorization code: the callback with ?code=C signs in
	// the person whose profile is OAuthProfiles[C].
	OAuthProfiles map[string]Profile `json:"oauthProfiles,omitempty"`
	// TokenResponse are extra fields of every token response (e.g.
	// expires_in, refresh_token, scope, id_token; token_type to replace
	// "Bearer").
	TokenResponse map[string]any `json:"tokenResponse,omitempty"`
	// SessionTokens, when set, are the tokens of the sessions the handler
	// opens, in order: its session.generateSessionToken option returns them
	// one by one (and throws once they are used up). Nil means the default,
	// crypto.randomUUID().
	SessionTokens []string `json:"sessionTokens,omitempty"`
	// Ops run in order.
	Ops []Op `json:"ops"`
}

// MarshalJSON writes Secret, or Secrets as an array when set.
func (in OpsInput) MarshalJSON() ([]byte, error) {
	type plain OpsInput
	var secret any = in.Secret
	if in.Secrets != nil {
		secret = in.Secrets
	}
	return json.Marshal(struct {
		plain
		Secret any `json:"secret"`
	}{plain(in), secret})
}

// Profile is what the local OAuth provider says about a person; it becomes
// the user as {id, name, email, image} (absent fields null).
type Profile struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Image string `json:"image,omitempty"`
}

// OpsOutput is what an Ops run printed.
type OpsOutput struct {
	Flavour string `json:"flavour"`
	// Versions are the versions of the packages (by npm name) and of Node.js
	// ("node").
	Versions map[string]string `json:"versions"`
	// TimeZone is the zone Node.js ran in, as ICU names it.
	TimeZone string   `json:"timeZone"`
	Results  []Result `json:"results"`
	// Emails are the verification e-mails the handler sent, in order.
	Emails []Email `json:"emails"`
	// Elapsed is the wall time of the node process.
	Elapsed time.Duration `json:"-"`
}

// Result is what one Op returned, or the error it threw.
type Result struct {
	OK json.RawMessage `json:"ok"`
	// Undefined tells that the method returned undefined (OK is null).
	Undefined bool `json:"undefined"`
	// Error is the error's "Name: message"; Code its code property if any
	// (Prisma's P2025, PostgreSQL's SQLSTATE); Stack its stack.
	Error string `json:"error"`
	Code  string `json:"code"`
	Stack string `json:"stack"`
}

// Decode decodes the result into v, or returns the error the op threw.
func (r Result) Decode(v any) error {
	if r.Error != "" {
		return errors.New(r.Error)
	}
	return json.Unmarshal(r.OK, v)
}

// Email is a verification e-mail the handler sent: what the email
// provider's sendVerificationRequest was given.
type Email struct {
	Identifier string    `json:"identifier"`
	URL        string    `json:"url"`
	Token      string    `json:"token"`
	Expires    time.Time `json:"expires"`
}

// Response is the result of a "handler" op.
type Response struct {
	Status   int    `json:"status"`
	Location string `json:"location"`
	// LocationQuery are the query parameters of Location.
	LocationQuery map[string]string `json:"locationQuery"`
	// SetCookie are all Set-Cookie lines; Cookies maps their names to their
	// values (as sent; "" for a cleared cookie).
	SetCookie []string          `json:"setCookie"`
	Cookies   map[string]string `json:"cookies"`
	// Body is the parsed JSON body, or the text as a JSON string.
	Body json.RawMessage `json:"body"`
	// Emails are the e-mails sent while handling the request.
	Emails []Email `json:"emails"`
	// AdapterCalls are the adapter calls the handler made.
	AdapterCalls []AdapterCall `json:"adapterCalls"`
	// Logs are what the handler logged as errors ("[error] …") and
	// warnings ("[warn] …").
	Logs []string `json:"logs"`
	// Jar is the cookie jar named by the op's "jar", after the response.
	Jar map[string]string `json:"jar"`
}

// AdapterCall is one call the handler made to the adapter.
type AdapterCall struct {
	Method   string            `json:"method"`
	Args     []json.RawMessage `json:"args"`
	Returned json.RawMessage   `json:"returned"`
	Error    string            `json:"error"`
}

// Ops runs in's operations on dsn, in a Node.js process whose TZ is tz (its
// own if empty). Call Install first.
func Ops(ctx context.Context, dsn, tz string, in OpsInput) (*OpsOutput, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	for _, p := range []string{"@auth/core", ".gormauth-prisma/v5", ".gormauth-prisma/v4"} {
		if _, err := os.Stat(filepath.Join(Dir(), "node_modules", p)); err != nil {
			return nil, errors.New("authjsnode: node_modules is not installed: call Install first")
		}
	}
	var env []string
	if tz != "" {
		env = append(env, "TZ="+tz)
	}
	var out OpsOutput
	elapsed, err := npm.Run(ctx, Dir(), dsn, env, b, &out, "run.js", "ops")
	if err != nil {
		return nil, fmt.Errorf("authjsnode: %w", err)
	}
	if len(out.Results) != len(in.Ops) {
		return nil, fmt.Errorf("authjsnode: %d ops, %d results", len(in.Ops), len(out.Results))
	}
	out.Elapsed = elapsed
	return &out, nil
}
