package repository

import (
	"strconv"
	"strings"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/schema"
)

// statements are the SQL of a flavour's operations, made once from its
// description (newStatements): the same statements for every flavour,
// written once as templates beside the operations that run them (users.go,
// accounts.go, sessions.go, verifications.go, signin.go) and rendered with
// the flavour's table and column names, its id columns and casts, its
// timestamp type and its clock columns (flavourSQL.render). Every read
// returns the same columns in every flavour (NULL where the flavour has
// none), timestamps as flavourSQL.readTime reads them.
//
// The reads of the request path take positional parameters ($1, …); the
// writes, whose columns differ between flavours, take named ones (@name),
// turned into positional ones once, here.
type statements struct {
	// users
	userByID, userByEmail, userByAccount, lockUser                 string
	createUser, updateUser, updateUserKept, verifyUser, deleteUser stmt
	lockUserByEmail                                                string
	// accounts
	accountByKey, accountsByUser, unlinkAccount, deleteOrphanAccounts string
	linkAccount, updateTokens                                         stmt
	dropLinks                                                         string
	// sessions
	sessionByToken, sessionByAccessToken, sessionWithUser, deleteSession, sessionsByUser, deleteSessionsByUser, deleteExpiredSessions string
	deleteSessionByHandle, deleteOtherSessions                                                                                        string
	createSession, extendSession, signInLinked                                                                                        stmt
	// verification tokens
	findToken, deleteToken, deleteExpiredTokens string
	insertToken                                 stmt
	deleteTokens                                string
	// the advisory lock of the sign-in flows
	lock string
}

// stmt is a statement with named parameters, rewritten into positional ones.
type stmt struct {
	sql   string
	names []string // the name of each positional parameter, in order
}

// named rewrites each @name of sql into $n, the same n for the same name.
func named(sql string) stmt {
	var s stmt
	var b strings.Builder
	for i := 0; i < len(sql); {
		if sql[i] != '@' {
			b.WriteByte(sql[i])
			i++
			continue
		}
		j := i + 1
		for j < len(sql) && (sql[j] == '_' || sql[j] >= 'a' && sql[j] <= 'z' || sql[j] >= 'A' && sql[j] <= 'Z' || sql[j] >= '0' && sql[j] <= '9') {
			j++
		}
		name := sql[i+1 : j]
		n := -1
		for k, have := range s.names {
			if have == name {
				n = k
			}
		}
		if n < 0 {
			s.names = append(s.names, name)
			n = len(s.names) - 1
		}
		b.WriteString("$" + strconv.Itoa(n+1))
		i = j
	}
	s.sql = b.String()
	return s
}

// args orders the values of the named parameters.
func (s stmt) args(values map[string]any) []any {
	out := make([]any, len(s.names))
	for i, name := range s.names {
		v, ok := values[name]
		if !ok {
			panic("gormauth: repository: no value for the statement's parameter @" + name)
		}
		out[i] = v
	}
	return out
}

// flavourSQL renders the statements of one flavour.
type flavourSQL struct {
	f *gormauth.Flavour
}

func newStatements(f *gormauth.Flavour) statements {
	w := flavourSQL{f: f}
	var q statements
	q.userStatements(w)
	q.accountStatements(w)
	q.sessionStatements(w)
	q.tokenStatements(w)
	q.lock = `SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 0))`
	return q
}

// render returns the statement template t for the flavour. In t, {name}
// is the flavour's quoted column that Auth.js's schema calls name
// (gormauth.Flavour.Column), and these are the pieces that differ between
// flavours:
//
//	{users} {accounts} {sessions} {tokens}  the quoted table names
//	{ts}                                    the type of the timestamp columns, for casts
//	{uid X}                                 X, a text parameter, as a user id: X::text, cast to integer for serial ids
//	{uidOf X}                               the text expression X as a user id
//	{userCols A} {accountCols A} {sessionCols A} {tokenCols}
//	                                        the columns a read of that table returns, of the table aliased A
//	{newId T} {newIdValue T}                in an INSERT into table T (users, accounts, sessions), its id
//	                                        column and @id, where the writer makes the id; nothing otherwise
//	{readId T [A]}                          the id of table T (aliased A), as text ('' for none)
//	{clock T} {clockValues T} {touch T}     the clock columns of an INSERT into table T, their @now values,
//	                                        and their update in an UPDATE, where T has them; nothing otherwise
//	{compoundId} {compoundIdValue}          beta.73's accounts.compound_id and its value, the hex SHA-256
//	                                        of "@provider:@account" (models.CompoundID); nothing elsewhere
//	{accessToken} {accessTokenValue}        beta.73's sessions.access_token and its @access_token value
//	{unlessLinked P A}                      where accounts may lack a key on (provider, providerAccountId),
//	                                        the condition that provider account P, A is not linked yet
//
// It panics on what it does not know: the templates are the package's own.
func (w flavourSQL) render(t string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			panic("gormauth: repository: unclosed { in a statement: " + t)
		}
		b.WriteString(t[:i])
		b.WriteString(w.piece(strings.Fields(t[i+1 : i+j])))
		t = t[i+j+1:]
	}
}

// piece renders one {…} of a template, f its words.
func (w flavourSQL) piece(f []string) string {
	arg := func(n int) string {
		if len(f) <= n {
			panic("gormauth: repository: {" + strings.Join(f, " ") + "} lacks an argument")
		}
		return f[n]
	}
	switch f[0] {
	case "users", "accounts", "sessions", "tokens":
		return schema.QuoteIdent(w.table(f[0]))
	case "ts":
		return w.ts()
	case "uid":
		return w.uidOf(arg(1) + "::text")
	case "uidOf":
		return w.uidOf(arg(1))
	case "userCols":
		return w.userCols(arg(1))
	case "accountCols":
		return w.accountCols(arg(1))
	case "sessionCols":
		return w.sessionCols(arg(1))
	case "tokenCols":
		return w.tokenCols()
	case "newId", "newIdValue", "readId":
		return w.idPiece(f[0], arg(1), f[2:])
	case "clock", "clockValues", "touch":
		return w.clockPiece(f[0], arg(1))
	case "compoundId":
		return w.ifHas("accounts", "compound_id", `"compound_id", `)
	case "compoundIdValue":
		return w.ifHas("accounts", "compound_id", `encode(sha256(convert_to(@provider::text || ':' || @account::text, 'UTF8')), 'hex'), `)
	case "accessToken":
		return w.ifHas("sessions", "access_token", `, "access_token"`)
	case "accessTokenValue":
		return w.ifHas("sessions", "access_token", `, @access_token::text`)
	case "unlessLinked":
		if w.f.AccountKey() {
			return ""
		}
		return w.render(` AND NOT EXISTS (SELECT 1 FROM {accounts} WHERE {provider} = ` + arg(1) +
			`::text AND {providerAccountId} = ` + arg(2) + `::text)`)
	}
	if len(f) != 1 {
		panic("gormauth: repository: unknown {" + strings.Join(f, " ") + "} in a statement")
	}
	return w.c(f[0])
}

// idPiece renders {newId table}, {newIdValue table} and {readId table
// [alias]}.
func (w flavourSQL) idPiece(directive, table string, alias []string) string {
	userIDs, accountIDs, sessionIDs := w.f.IDs()
	kinds := map[string]gormauth.IDKind{"users": userIDs, "accounts": accountIDs, "sessions": sessionIDs}
	k, ok := kinds[table]
	if !ok {
		panic("gormauth: repository: no ids for table " + table)
	}
	switch {
	case directive == "readId" && len(alias) > 0:
		return w.readID(k, alias[0])
	case directive == "readId":
		return w.readID(k, "")
	case !writerMade(k):
		return ""
	case directive == "newId":
		return `"id", `
	}
	return "@id::text, "
}

// readTime returns a timestamp column as the statements read it: a wall
// clock AT TIME ZONE 'UTC', which the driver returns as the instant of that
// wall clock in UTC, whatever the session's or the DSN's TimeZone, and
// core.instants reads in the flavour's zone; timestamp with time zone as it
// is.
func (w flavourSQL) readTime(col string) string {
	if w.f.WallClock() {
		return col + ` AT TIME ZONE 'UTC'`
	}
	return col
}

// c returns the flavour's quoted name of the column Auth.js's schema calls
// name (gormauth.Flavour.Column).
func (w flavourSQL) c(name string) string { return schema.QuoteIdent(w.f.Column(name)) }

// ts is the type of the timestamp columns, to cast parameters to.
func (w flavourSQL) ts() string {
	if w.f.WallClock() {
		return "timestamp"
	}
	return "timestamptz"
}

// uidOf converts a text expression into the users table's id type.
func (w flavourSQL) uidOf(e string) string {
	if w.f.SerialIDs() {
		return e + "::integer"
	}
	return e
}

// writerMade reports whether the writer makes the ids of kind k.
func writerMade(k gormauth.IDKind) bool { return k == gormauth.CUID || k == gormauth.UUID }

// readID reads the id of a table aliased alias ("a", or "" for none) as
// text, or ” for a table without one.
func (w flavourSQL) readID(k gormauth.IDKind, alias string) string {
	if k == gormauth.NoID {
		return "''::text"
	}
	return qualify(alias, `"id"`) + "::text"
}

// table returns the flavour's name of the table the templates call name
// (users, accounts, sessions, tokens).
func (w flavourSQL) table(name string) string {
	users, accounts, sessions, tokens := w.f.Tables()
	t, ok := map[string]string{"users": users, "accounts": accounts, "sessions": sessions, "tokens": tokens}[name]
	if !ok {
		panic("gormauth: repository: no table " + name + " in a statement")
	}
	return t
}

// ifHas returns sql where the table the templates call table has column,
// "" otherwise.
func (w flavourSQL) ifHas(table, column, sql string) string {
	if w.f.Has(w.table(table), column) {
		return sql
	}
	return ""
}

// hasClock reports whether the table the templates call table has the
// columns of when a row was created and updated.
func (w flavourSQL) hasClock(table string) bool {
	return w.f.Has(w.table(table), w.f.Column("createdAt"))
}

// clockPiece renders {clock table}, {clockValues table} and {touch table}.
func (w flavourSQL) clockPiece(directive, table string) string {
	if !w.hasClock(table) {
		return ""
	}
	switch directive {
	case "clock":
		return `, ` + w.c("createdAt") + `, ` + w.c("updatedAt")
	case "clockValues":
		return ", @now::timestamp, @now::timestamp"
	}
	return `, ` + w.c("updatedAt") + ` = @now::timestamp`
}

// clockRead reads the clock columns of table, aliased alias, or NULLs.
func (w flavourSQL) clockRead(table, alias string) []string {
	if w.hasClock(table) {
		return []string{w.readTime(qualify(alias, w.c("createdAt"))), w.readTime(qualify(alias, w.c("updatedAt")))}
	}
	return []string{"NULL::timestamptz", "NULL::timestamptz"}
}

// qualify prefixes col with alias and a dot, unless alias is "".
func qualify(alias, col string) string {
	if alias == "" {
		return col
	}
	return alias + "." + col
}

func (w flavourSQL) userCols(a string) string {
	clock := w.clockRead("users", a)
	return strings.Join([]string{
		qualify(a, `"id"`) + `::text AS id`, qualify(a, `"name"`) + ` AS name`, qualify(a, `"email"`) + ` AS email`,
		w.readTime(qualify(a, w.c("emailVerified"))) + ` AS "emailVerified"`, qualify(a, `"image"`) + ` AS image`,
		clock[0] + ` AS "createdAt"`, clock[1] + ` AS "updatedAt"`,
	}, ", ")
}

// optional reads the accounts column Auth.js's schema calls name, of the
// table aliased a, or a NULL of type typ where the flavour has no such
// column (beta.73 keeps no ID token, scope, session state or token type).
func (w flavourSQL) optional(a, name, typ string) string {
	if !w.f.Has(w.table("accounts"), w.f.Column(name)) {
		return "NULL::" + typ
	}
	return qualify(a, w.c(name))
}

func (w flavourSQL) accountCols(a string) string {
	_, accountIDs, _ := w.f.IDs()
	cols := []string{w.readID(accountIDs, a), qualify(a, w.c("userId")) + "::text"}
	for _, name := range []string{"type", "provider", "providerAccountId", "refresh_token", "access_token", "id_token"} {
		cols = append(cols, w.optional(a, name, "text"))
	}
	cols = append(cols, w.optional(a, "expires_at", "bigint")+"::bigint")
	for _, name := range []string{"token_type", "scope", "session_state"} {
		cols = append(cols, w.optional(a, name, "text"))
	}
	cols = append(cols, w.clockRead("accounts", a)...)
	// beta.73's expiry time, which the reader turns into expires_at.
	expires := "NULL::timestamptz"
	if w.f.Has(w.table("accounts"), "access_token_expires") {
		expires = w.readTime(qualify(a, `"access_token_expires"`))
	}
	return strings.Join(append(cols, expires), ", ")
}

func (w flavourSQL) sessionCols(a string) string {
	_, _, sessionIDs := w.f.IDs()
	accessToken := "NULL::text"
	if w.f.Has(w.table("sessions"), "access_token") {
		accessToken = qualify(a, `"access_token"`)
	}
	return strings.Join(append([]string{w.readID(sessionIDs, a), qualify(a, w.c("sessionToken")),
		qualify(a, w.c("userId")) + "::text", w.readTime(qualify(a, w.c("expires"))), accessToken},
		w.clockRead("sessions", a)...), ", ")
}

func (w flavourSQL) tokenCols() string {
	return w.c("identifier") + `, "token", ` + w.readTime(`"expires"`)
}

// deleteExpired deletes at most $2 rows of the table the templates call
// table (sessions, tokens) that expired before $1, skipping rows another
// transaction holds; by ctid, which every table has.
func (w flavourSQL) deleteExpired(table string) string {
	return w.render(`DELETE FROM {` + table + `} WHERE ctid IN (SELECT ctid FROM {` + table + `}
		WHERE "expires" < $1::{ts} LIMIT $2 FOR UPDATE SKIP LOCKED)`)
}
