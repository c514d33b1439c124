package adapter

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/schema"
)

// statements are the SQL of a flavour's operations, made once from its
// description: the same statements for every flavour, with its table names,
// its id columns and casts, its timestamp type and its clock columns. Every
// read returns the same columns in every flavour (NULL where the flavour has
// none), timestamps as timestamp with time zone.
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
	sessionByToken, sessionWithUser, deleteSession, sessionsByUser, deleteSessionsByUser, deleteExpiredSessions string
	deleteSessionByHandle, deleteOtherSessions                                                                  string
	createSession, extendSession, signInLinked                                                                  stmt
	// verification tokens
	insertToken, findToken, deleteToken, deleteExpiredTokens string
	deleteTokens                                             string
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
			panic("gormauth: adapter: no value for the statement's parameter @" + name)
		}
		out[i] = v
	}
	return out
}

// flavourSQL writes the pieces of SQL that differ between flavours.
type flavourSQL struct {
	f                                 *gormauth.Flavour
	users, accounts, sessions, tokens string // quoted table names
}

func newStatements(f *gormauth.Flavour) statements {
	users, accounts, sessions, tokens := f.Tables()
	w := flavourSQL{f: f, users: schema.QuoteIdent(users), accounts: schema.QuoteIdent(accounts),
		sessions: schema.QuoteIdent(sessions), tokens: schema.QuoteIdent(tokens)}
	userIDs, accountIDs, sessionIDs := f.IDs()
	var q statements

	q.userByID = `SELECT ` + w.userCols("u") + ` FROM ` + w.users + ` u WHERE u."id" = ` + w.uid("$1")
	q.userByEmail = `SELECT ` + w.userCols("u") + ` FROM ` + w.users + ` u WHERE u."email" = $1 LIMIT 1`
	q.userByAccount = `SELECT ` + w.userCols("u") + ` FROM ` + w.users + ` u
		WHERE u."id" = (SELECT a."userId" FROM ` + w.accounts + ` a WHERE a."provider" = $1 AND a."providerAccountId" = $2 LIMIT 1)`
	q.lockUserByEmail = q.userByEmail + ` FOR UPDATE`
	q.lockUser = `SELECT "id"::text FROM ` + w.users + ` WHERE "id" = ` + w.uid("$1") + ` FOR UPDATE`
	q.createUser = named(fmt.Sprintf(`INSERT INTO %s (%s"name", "email", "emailVerified", "image"%s)
		VALUES (%s@name, @email, @verified::%s, @image%s) RETURNING "id"::text`,
		w.users, w.idColumn(userIDs), w.clockColumns(), w.idValue(userIDs), w.ts(), w.clockValues()))
	q.updateUser = named(fmt.Sprintf(`UPDATE %s SET "name" = @name, "email" = @email, "emailVerified" = @verified::%s,
		"image" = @image%s WHERE "id" = %s`, w.users, w.ts(), w.updatedAt(), w.uid("@id")))
	// updateUserKept is updateUser for a user some of whose values are over
	// their limits: it writes the row only where each such value (keep_…)
	// equals the one stored, and says whether it wrote and whether the user
	// exists.
	q.updateUserKept = named(fmt.Sprintf(`WITH u AS (UPDATE %s SET "name" = @name, "email" = @email,
			"emailVerified" = @verified::%s, "image" = @image%s
		WHERE "id" = %s AND (NOT @keep_name::boolean OR "name" = @name)
			AND (NOT @keep_email::boolean OR "email" = @email) AND (NOT @keep_image::boolean OR "image" = @image)
		RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM %s WHERE "id" = %s)`,
		w.users, w.ts(), w.updatedAt(), w.uid("@id"), w.users, w.uid("@id")))
	q.verifyUser = named(fmt.Sprintf(`UPDATE %s u SET "emailVerified" = @verified::%s%s WHERE u."id" = %s
		RETURNING %s`, w.users, w.ts(), w.updatedAt(), w.uid("@id"), w.userCols("u")))
	q.deleteUser = named(fmt.Sprintf(`WITH a AS (DELETE FROM %s WHERE "userId" = %s),
		s AS (DELETE FROM %s WHERE "userId" = %s)
		DELETE FROM %s WHERE "id" = %s`, w.accounts, w.uid("@id"), w.sessions, w.uid("@id"), w.users, w.uid("@id")))

	q.accountByKey = `SELECT ` + w.accountCols("a") + ` FROM ` + w.accounts + ` a
		WHERE a."provider" = $1 AND a."providerAccountId" = $2 LIMIT 1`
	q.accountsByUser = `SELECT ` + w.accountCols("a") + ` FROM ` + w.accounts + ` a
		WHERE a."userId" = ` + w.uid("$1") + ` ORDER BY a."provider", a."providerAccountId"`
	q.deleteOrphanAccounts = `DELETE FROM ` + w.accounts + ` a WHERE a."provider" = $1 AND a."providerAccountId" = $2
		AND NOT EXISTS (SELECT 1 FROM ` + w.users + ` u WHERE u."id" = a."userId")`
	// dropLinks deletes the accounts of the user $1 but those of the
	// providers $2 (EmailVerifyingProviders) and, if it deleted any, all
	// its sessions, and returns the deleted accounts' providers, sorted.
	q.dropLinks = `WITH a AS (DELETE FROM ` + w.accounts + ` WHERE "userId" = ` + w.uid("$1") + ` AND "provider" <> ALL($2::text[]) RETURNING "provider"),
			s AS (DELETE FROM ` + w.sessions + ` WHERE "userId" = ` + w.uid("$1") + ` AND EXISTS (SELECT 1 FROM a))
		SELECT "provider" FROM a ORDER BY "provider"`
	q.unlinkAccount = `DELETE FROM ` + w.accounts + ` WHERE "provider" = $1 AND "providerAccountId" = $2`
	q.linkAccount = named(fmt.Sprintf(`INSERT INTO %s (%s"userId", "type", "provider", "providerAccountId", "refresh_token",
			"access_token", "expires_at", "id_token", "scope", "session_state", "token_type"%s)
		SELECT %s%s, @type, @provider::text, @account::text, @refresh::text, @access::text, @expires_at::bigint, @id_token::text,
			@scope::text, @session_state::text, @token_type::text%s
		WHERE EXISTS (SELECT 1 FROM %s WHERE "id" = %s FOR KEY SHARE)%s
		RETURNING %s`,
		w.accounts, w.idColumn(accountIDs), w.clockColumns(), w.idValue(accountIDs), w.uid("@user"), w.clockValues(),
		w.users, w.uid("@user"), w.unlessLinked("@provider", "@account"), w.idRead(accountIDs, "")))
	q.updateTokens = named(fmt.Sprintf(`UPDATE %s a SET "access_token" = @access, "expires_at" = @expires_at::bigint,
			"refresh_token" = COALESCE(@refresh::text, a."refresh_token"), "id_token" = COALESCE(@id_token::text, a."id_token")%s
		WHERE a."provider" = @provider AND a."providerAccountId" = @account
		RETURNING %s`, w.accounts, w.updatedAt(), w.accountCols("a")))

	q.sessionByToken = `SELECT ` + w.sessionCols("s") + ` FROM ` + w.sessions + ` s WHERE s."sessionToken" = $1 LIMIT 1`
	q.sessionWithUser = `SELECT ` + w.sessionCols("s") + `, ` + w.userCols("u") + `
		FROM ` + w.sessions + ` s JOIN ` + w.users + ` u ON u."id" = s."userId"
		WHERE s."sessionToken" = $1 LIMIT 1`
	q.deleteSession = `DELETE FROM ` + w.sessions + ` WHERE "sessionToken" = $1`
	newestFirst := `s."expires" DESC`
	if f.ClockColumns() {
		newestFirst = `s."createdAt" DESC, s."expires" DESC`
	}
	q.sessionsByUser = `SELECT ` + w.sessionCols("s") + ` FROM ` + w.sessions + ` s
		WHERE s."userId" = ` + w.uid("$1") + ` AND s."expires" >= $2::` + w.ts() + ` ORDER BY ` + newestFirst
	q.deleteSessionByHandle = `DELETE FROM ` + w.sessions + ` WHERE "userId" = ` + w.uid("$1") + `
		AND left(encode(sha256(convert_to('` + handlePrefix + `' || "sessionToken", 'UTF8')), 'hex'), 32) = $2`
	q.deleteOtherSessions = `DELETE FROM ` + w.sessions + ` WHERE "userId" = ` + w.uid("$1") + ` AND "sessionToken" <> $2`
	q.deleteSessionsByUser = fmt.Sprintf(`WITH d AS (DELETE FROM %s
			WHERE "userId" = %s AND EXISTS (SELECT 1 FROM %s WHERE "id" = %s) RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM %s WHERE "id" = %s), (SELECT count(*) FROM d)`,
		w.sessions, w.uid("$1"), w.users, w.uid("$1"), w.users, w.uid("$1"))
	q.deleteExpiredSessions = w.deleteExpired(w.sessions)
	q.createSession = named(fmt.Sprintf(`INSERT INTO %s (%s"sessionToken", "userId", "expires"%s)
		SELECT %s@token, %s, @expires::%s%s
		WHERE EXISTS (SELECT 1 FROM %s WHERE "id" = %s FOR KEY SHARE)
		RETURNING %s`,
		w.sessions, w.idColumn(sessionIDs), w.clockColumns(), w.idValue(sessionIDs), w.uid("@user"), w.ts(), w.clockValues(),
		w.users, w.uid("@user"), w.idRead(sessionIDs, "")))
	q.extendSession = named(fmt.Sprintf(`UPDATE %s s SET "expires" = @expires::%s%s
		WHERE s."sessionToken" = @token AND s."expires" = @old::%s
		RETURNING %s`, w.sessions, w.ts(), w.updatedAt(), w.ts(), w.sessionCols("s")))
	// signInLinked locks the user's row, then the account's: a sign-in that
	// waits for the user's row while SignInEmail unlinks the account
	// (holding the user's row FOR UPDATE) finds the account deleted and
	// signs no one in.
	q.signInLinked = named(fmt.Sprintf(`WITH u AS (
			SELECT %s FROM %s u JOIN %s a ON a."userId" = u."id"
			WHERE a."provider" = @provider AND a."providerAccountId" = @account
			LIMIT 1 FOR KEY SHARE OF u, a),
		s AS (
			INSERT INTO %s (%s"sessionToken", "userId", "expires"%s)
			SELECT %s@token, %s, @expires::%s%s FROM u
			RETURNING %s AS session_id)
		SELECT u.*, s.session_id FROM u, s`,
		w.userCols("u"), w.users, w.accounts,
		w.sessions, w.idColumn(sessionIDs), w.clockColumns(), w.idValue(sessionIDs), w.uidExpr("u.id"), w.ts(), w.clockValues(),
		w.idRead(sessionIDs, "")))

	q.insertToken = fmt.Sprintf(`INSERT INTO %s ("identifier", "token", "expires") VALUES ($1, $2, $3::%s)`, w.tokens, w.ts())
	q.findToken = `SELECT ` + w.tokenCols() + ` FROM ` + w.tokens + ` WHERE "identifier" = $1 AND "token" = $2 LIMIT 1`
	q.deleteToken = `DELETE FROM ` + w.tokens + ` WHERE "identifier" = $1 AND "token" = $2 RETURNING ` + w.tokenCols()
	q.deleteExpiredTokens = w.deleteExpired(w.tokens)
	q.deleteTokens = `DELETE FROM ` + w.tokens + ` WHERE "identifier" = $1`

	q.lock = `SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 0))`
	return q
}

// ts is the type of the timestamp columns, to cast parameters to.
func (w flavourSQL) ts() string {
	if w.f.WallClock() {
		return "timestamp"
	}
	return "timestamptz"
}

// readTime returns a timestamp column read as timestamp with time zone: a
// UTC wall clock AT TIME ZONE 'UTC'.
func (w flavourSQL) readTime(col string) string {
	if w.f.WallClock() {
		return col + ` AT TIME ZONE 'UTC'`
	}
	return col
}

// uid returns the parameter p as a user id of the users table's type.
func (w flavourSQL) uid(p string) string { return w.uidExpr(p + "::text") }

// uidExpr converts a text expression into the users table's id type.
func (w flavourSQL) uidExpr(e string) string {
	if w.f.SerialIDs() {
		return e + "::integer"
	}
	return e
}

// idColumn is the id column of an INSERT where the writer makes the id.
func (w flavourSQL) idColumn(k gormauth.IDKind) string {
	if k == gormauth.CUID || k == gormauth.UUID {
		return `"id", `
	}
	return ""
}

// idValue is the id value (@id) of an INSERT where the writer makes the id.
func (w flavourSQL) idValue(k gormauth.IDKind) string {
	if k == gormauth.CUID || k == gormauth.UUID {
		return "@id::text, "
	}
	return ""
}

// idRead reads a table's id as text, or ” for a table without one.
func (w flavourSQL) idRead(k gormauth.IDKind, alias string) string {
	if k == gormauth.NoID {
		return "''::text"
	}
	return alias + `"id"::text`
}

func (w flavourSQL) clockColumns() string {
	if w.f.ClockColumns() {
		return `, "createdAt", "updatedAt"`
	}
	return ""
}

// clockValues is the values (@now) of the clock columns of an INSERT.
func (w flavourSQL) clockValues() string {
	if w.f.ClockColumns() {
		return ", @now::timestamp, @now::timestamp"
	}
	return ""
}

// updatedAt sets the clock column of an UPDATE to @now.
func (w flavourSQL) updatedAt() string {
	if w.f.ClockColumns() {
		return `, "updatedAt" = @now::timestamp`
	}
	return ""
}

// clockRead reads the clock columns, or NULLs.
func (w flavourSQL) clockRead(alias string) string {
	if w.f.ClockColumns() {
		return w.readTime(alias+`"createdAt"`) + `, ` + w.readTime(alias+`"updatedAt"`)
	}
	return "NULL::timestamptz, NULL::timestamptz"
}

// unlessLinked adds, for the flavours whose accounts may have no key on
// (provider, providerAccountId), the condition that the provider account
// is not linked yet; the caller holds the advisory lock of the account.
func (w flavourSQL) unlessLinked(provider, account string) string {
	if w.f.AccountKey() {
		return ""
	}
	return ` AND NOT EXISTS (SELECT 1 FROM ` + w.accounts + ` WHERE "provider" = ` + provider + `::text AND "providerAccountId" = ` + account + `::text)`
}

func (w flavourSQL) userCols(alias string) string {
	a := alias + "."
	clock := strings.SplitN(w.clockRead(a), ", ", 2)
	return strings.Join([]string{
		a + `"id"::text AS id`, a + `"name" AS name`, a + `"email" AS email`,
		w.readTime(a+`"emailVerified"`) + ` AS "emailVerified"`, a + `"image" AS image`,
		clock[0] + ` AS "createdAt"`, clock[1] + ` AS "updatedAt"`,
	}, ", ")
}

func (w flavourSQL) accountCols(alias string) string {
	a := alias + "."
	_, accountIDs, _ := w.f.IDs()
	return strings.Join([]string{
		w.idRead(accountIDs, a), a + `"userId"::text`, a + `"type"`, a + `"provider"`, a + `"providerAccountId"`,
		a + `"refresh_token"`, a + `"access_token"`, a + `"id_token"`, a + `"expires_at"::bigint`, a + `"token_type"`,
		a + `"scope"`, a + `"session_state"`, w.clockRead(a),
	}, ", ")
}

func (w flavourSQL) sessionCols(alias string) string {
	a := alias + "."
	_, _, sessionIDs := w.f.IDs()
	return strings.Join([]string{
		w.idRead(sessionIDs, a), a + `"sessionToken"`, a + `"userId"::text`, w.readTime(a + `"expires"`), w.clockRead(a),
	}, ", ")
}

func (w flavourSQL) tokenCols() string {
	return `"identifier", "token", ` + w.readTime(`"expires"`)
}

// deleteExpired deletes at most $2 rows of table that expired before $1,
// skipping rows another transaction holds; by ctid, which every table has.
func (w flavourSQL) deleteExpired(table string) string {
	return `DELETE FROM ` + table + ` WHERE ctid IN (SELECT ctid FROM ` + table + `
		WHERE "expires" < $1::` + w.ts() + ` LIMIT $2 FOR UPDATE SKIP LOCKED)`
}
