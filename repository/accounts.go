package repository

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/sqlexec"
)

// AccountKey names a provider account: the provider's id (such as
// "github") and the user's id at that provider (Auth.js's
// providerAccountId). A struct, so that the two strings cannot be swapped.
type AccountKey struct {
	Provider          string
	ProviderAccountID string
}

func (k AccountKey) check(op string, chars int) error {
	return input.Check(op,
		input.Field{Name: "provider", Value: k.Provider, Max: MaxProviderFieldLen, MaxChars: chars},
		input.Field{Name: "provider account id", Value: k.ProviderAccountID, Max: MaxProviderFieldLen, MaxChars: chars})
}

// Accounts reads and writes the accounts table. Get it from
// Repository.Accounts.
type Accounts struct{ c *core }

func (s *Accounts) check(op string, a *Account) error {
	if a == nil {
		return fail.Invalid(op, "nil account")
	}
	if err := s.c.checkUserID(op, "user id", a.UserID); err != nil {
		return err
	}
	return s.c.checkAccount(op, a)
}

// checkAccount checks what an account row holds but its user id.
func (c *core) checkAccount(op string, a *Account) error {
	if err := (AccountKey{a.Provider, a.ProviderAccountID}).check(op, c.chars()); err != nil {
		return err
	}
	if err := input.Check(op,
		input.Field{Name: "type", Value: a.Type, Max: MaxProviderFieldLen, Optional: true, MaxChars: c.chars()},
		input.Opt("refresh token", a.RefreshToken, MaxProviderTokenLen),
		input.Opt("access token", a.AccessToken, MaxProviderTokenLen),
		input.Opt("id token", a.IDToken, MaxProviderTokenLen),
		input.Opt("token type", a.TokenType, MaxProviderFieldLen),
		input.Opt("scope", a.Scope, MaxProviderTokenLen),
		input.Opt("session state", a.SessionState, MaxProviderTokenLen)); err != nil {
		return err
	}
	return c.checkExpiresAt(op, a.ExpiresAt)
}

// checkExpiresAt rejects an expires_at its column cannot hold (past
// 2147483647, 2038-01-19, where it is an integer: Prisma, Drizzle; a time
// outside the flavour's range where it is beta.73's access_token_expires)
// or that is no time a JavaScript Date holds (seconds × 1000 beyond
// ±8.64e15 ms).
func (c *core) checkExpiresAt(op string, at *int64) error {
	if at == nil {
		return nil
	}
	if *at > maxJSSeconds || *at < -maxJSSeconds {
		return fail.Invalid(op, "expires_at %d is outside the seconds a JavaScript Date holds (±%d)", *at, int64(maxJSSeconds))
	}
	if c.expiresAsTime {
		t := time.Unix(*at, 0)
		return c.checkTime(op, "expires_at", &t)
	}
	if max := c.f.MaxExpiresAt(); *at > max || *at < -max-1 {
		return fail.Invalid(op, "expires_at %d is outside what the column holds (%d at most)", *at, max)
	}
	return nil
}

// maxJSSeconds is the last second of a JavaScript Date since the epoch.
const maxJSSeconds = 8.64e12

// Link links the provider account a to the user a.UserID (Auth.js's
// linkAccount): it inserts the row in one statement, and sets a.ID where
// the table has ids, and a.CreatedAt and a.UpdatedAt where it has those.
// a.Type defaults to "oauth". It returns ErrNotFound if the user does not
// exist and ErrAlreadyExists if the provider account is linked already (to
// this user or another): in the flavours whose schema has no key on it
// (pg, Drizzle's docs), the repository keeps it unique itself, under an
// advisory lock of the provider account.
func (s *Accounts) Link(ctx context.Context, a *Account) error {
	const op = "Accounts.Link"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	if err := s.check(op, a); err != nil {
		return err
	}
	if _, err := s.c.clock(op); err != nil {
		return err
	}
	row := *a
	if row.Type == "" {
		row.Type = "oauth"
	}
	c := s.c
	var linked bool
	err := c.inAccountLock(ctx, AccountKey{a.Provider, a.ProviderAccountID}, func(q sqlexec.Querier) (err error) {
		linked, err = c.link(ctx, q, &row)
		return err
	})
	if err != nil {
		return fail.DB(op, err)
	}
	if !linked {
		// Either the user is gone, or (without a key) the account is
		// linked already: tell which.
		switch _, err := c.user(ctx, op, sqlexec.Primary, c.q.userByID, a.UserID); {
		case errors.Is(err, ErrNotFound):
			return fail.NotFound(op + ": user")
		case err != nil:
			return err
		}
		return fail.DB(op, fail.ErrAlreadyExists)
	}
	*a = row
	return nil
}

// inAccountLock runs f, which writes for the provider account key: on the
// flavours with a key on accounts, as it is (the key settles races); on the
// others, in a transaction holding the advisory lock of the account, so
// that concurrent writers take turns.
func (c *core) inAccountLock(ctx context.Context, key AccountKey, f func(sqlexec.Querier) error) error {
	if c.f.AccountKey() {
		return f(c.x.On(sqlexec.Primary))
	}
	return c.x.Tx(ctx, func(tx *sqlexec.Tx) error {
		if _, err := tx.Exec(ctx, c.q.lock, accountLock(key)); err != nil {
			return err
		}
		return f(tx)
	})
}

// accountLock and emailLock are the keys of the advisory locks of a
// provider account and an email address.
func accountLock(k AccountKey) string {
	return "gormauth:account:" + k.Provider + ":" + k.ProviderAccountID
}
func emailLock(email string) string { return "gormauth:email:" + email }

// link inserts a (with Type set) if its user exists (and, without a key,
// the account is not linked yet), and sets its ID and clock columns. It
// reports whether it inserted.
func (c *core) link(ctx context.Context, q sqlexec.Querier, a *Account) (bool, error) {
	_, accounts, _ := c.f.IDs()
	id, err := c.newID(accounts)
	if err != nil {
		return false, err
	}
	now := c.now()
	tokenType := a.TokenType
	if tokenType != nil && !c.f.V4() {
		lower := strings.ToLower(*tokenType) // as oauth4webapi gives it to Auth.js v5
		tokenType = &lower
	}
	var got string
	found, err := q.QueryRow(ctx, c.q.linkAccount.sql, c.q.linkAccount.args(map[string]any{
		"id": id, "user": a.UserID, "type": a.Type, "provider": a.Provider, "account": a.ProviderAccountID,
		"refresh": a.RefreshToken, "access": a.AccessToken, "expires_at": a.ExpiresAt, "expires_time": c.expiresTime(a.ExpiresAt), "id_token": a.IDToken,
		"scope": a.Scope, "session_state": a.SessionState, "token_type": tokenType, "now": c.bind(now),
	}), &got)
	if err != nil || !found {
		return false, err
	}
	a.ID, a.TokenType = got, tokenType
	if c.f.ClockColumns() {
		at := c.stored(now) // as it reads back
		a.CreatedAt, a.UpdatedAt = &at, &at
	}
	// What the flavour does not keep (beta.73: the ID token, scope,
	// session state and token type) is not in the account linked.
	fields := map[string]**string{"id_token": &a.IDToken, "scope": &a.Scope, "session_state": &a.SessionState, "token_type": &a.TokenType}
	for _, column := range c.unkept {
		*fields[column] = nil
	}
	return true, nil
}

// ByKey returns the provider account key, or ErrNotFound.
func (s *Accounts) ByKey(ctx context.Context, key AccountKey) (*Account, error) {
	const op = "Accounts.ByKey"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	if err := key.check(op, s.c.chars()); err != nil {
		return nil, err
	}
	var a accountRow
	found, err := s.c.x.QueryRow(ctx, sqlexec.ReplicaOrPrimary, s.c.q.accountByKey, []any{key.Provider, key.ProviderAccountID}, a.fields()...)
	if err != nil {
		return nil, fail.DB(op, err)
	}
	if !found {
		return nil, fail.NotFound(op)
	}
	return s.c.readAccount(&a), nil
}

// ListByUser returns the accounts linked to the user, by provider and
// provider account id. A user with no accounts, or no user, gives an empty
// list.
func (s *Accounts) ListByUser(ctx context.Context, userID string) ([]Account, error) {
	const op = "Accounts.ListByUser"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	if err := s.c.checkUserID(op, "user id", userID); err != nil {
		return nil, err
	}
	accounts := []Account{}
	err := s.c.x.Query(ctx, sqlexec.Replica, s.c.q.accountsByUser, []any{userID}, func(r sqlexec.Scanner) error {
		var a accountRow
		if err := r.Scan(a.fields()...); err != nil {
			return err
		}
		accounts = append(accounts, *s.c.readAccount(&a))
		return nil
	})
	if err != nil {
		return nil, fail.DB(op, err)
	}
	return accounts, nil
}

// Unlink deletes the provider account key (Auth.js's unlinkAccount), or
// returns ErrNotFound.
func (s *Accounts) Unlink(ctx context.Context, key AccountKey) error {
	const op = "Accounts.Unlink"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	if err := key.check(op, s.c.chars()); err != nil {
		return err
	}
	n, err := s.c.x.Exec(ctx, s.c.q.unlinkAccount, key.Provider, key.ProviderAccountID)
	if err != nil {
		return fail.DB(op, err)
	}
	if n == 0 {
		return fail.NotFound(op)
	}
	return nil
}

// Tokens are a provider's OAuth tokens after a refresh.
type Tokens struct {
	// AccessToken is the new access token. Required.
	AccessToken string `json:"-"`
	// ExpiresAt is when it expires, in seconds since the Unix epoch; nil
	// stores NULL (unknown).
	ExpiresAt *int64
	// RefreshToken and IDToken, when not nil, replace the stored ones;
	// providers often issue no new refresh token on a refresh.
	RefreshToken, IDToken *string `json:"-"`
}

// UpdateTokens stores the provider tokens of the account key after a
// refresh, in one statement, and returns the updated account. It returns
// ErrNotFound if the account is not linked.
func (s *Accounts) UpdateTokens(ctx context.Context, key AccountKey, t Tokens) (*Account, error) {
	const op = "Accounts.UpdateTokens"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	c := s.c
	if err := key.check(op, c.chars()); err != nil {
		return nil, err
	}
	if err := input.Check(op,
		input.Field{Name: "access token", Value: t.AccessToken, Max: MaxProviderTokenLen},
		input.Opt("refresh token", t.RefreshToken, MaxProviderTokenLen),
		input.Opt("id token", t.IDToken, MaxProviderTokenLen)); err != nil {
		return nil, err
	}
	if err := c.checkExpiresAt(op, t.ExpiresAt); err != nil {
		return nil, err
	}
	now, err := c.clock(op)
	if err != nil {
		return nil, err
	}
	var a accountRow
	found, err := c.x.QueryRow(ctx, sqlexec.Primary, c.q.updateTokens.sql, c.q.updateTokens.args(map[string]any{
		"provider": key.Provider, "account": key.ProviderAccountID, "access": t.AccessToken, "expires_at": t.ExpiresAt,
		"expires_time": c.expiresTime(t.ExpiresAt), "refresh": t.RefreshToken, "id_token": t.IDToken, "now": c.bind(now),
	}), a.fields()...)
	if err != nil {
		return nil, fail.DB(op, err)
	}
	if !found {
		return nil, fail.NotFound(op)
	}
	return s.c.readAccount(&a), nil
}

// accountStatements renders the statements of the accounts table.
func (q *statements) accountStatements(w flavourSQL) {
	q.accountByKey = w.render(`SELECT {accountCols a} FROM {accounts} a
		WHERE a.{provider} = $1 AND a.{providerAccountId} = $2 LIMIT 1`)
	q.accountsByUser = w.render(`SELECT {accountCols a} FROM {accounts} a
		WHERE a.{userId} = {uid $1} ORDER BY a.{provider}, a.{providerAccountId}`)
	q.deleteOrphanAccounts = w.render(`DELETE FROM {accounts} a WHERE a.{provider} = $1 AND a.{providerAccountId} = $2
		AND NOT EXISTS (SELECT 1 FROM {users} u WHERE u."id" = a.{userId})`)
	// dropLinks deletes the accounts of the user $1 and, if it had any,
	// all its sessions, and returns the accounts' providers, sorted.
	q.dropLinks = w.render(`WITH a AS (DELETE FROM {accounts} WHERE {userId} = {uid $1} RETURNING {provider}),
			s AS (DELETE FROM {sessions} WHERE {userId} = {uid $1} AND EXISTS (SELECT 1 FROM a))
		SELECT {provider} FROM a ORDER BY {provider}`)
	q.unlinkAccount = w.render(`DELETE FROM {accounts} WHERE {provider} = $1 AND {providerAccountId} = $2`)
	cols, values, set := w.accountTokens()
	q.linkAccount = named(w.render(`INSERT INTO {accounts} ({newId accounts}{compoundId}{userId}, {type}, {provider}, {providerAccountId}` + cols + `{clock accounts})
		SELECT {newIdValue accounts}{compoundIdValue}{uid @user}, @type, @provider::text, @account::text` + values + `{clockValues accounts}
		WHERE EXISTS (SELECT 1 FROM {users} WHERE "id" = {uid @user} FOR KEY SHARE){unlessLinked @provider @account}
		RETURNING {readId accounts}`))
	q.updateTokens = named(w.render(`UPDATE {accounts} a SET ` + set + `{touch accounts}
		WHERE a.{provider} = @provider AND a.{providerAccountId} = @account
		RETURNING {accountCols a}`))
}

// accountTokens returns, for the token columns the flavour's accounts
// table has, the columns and values of linkAccount (each after a comma) and
// the assignments of updateTokens, which keeps a stored refresh or ID token
// that the update leaves out.
func (w flavourSQL) accountTokens() (cols, values, set string) {
	var sets []string
	for _, t := range []struct{ col, value, set string }{
		{"refresh_token", "@refresh::text", `COALESCE(@refresh::text, a."refresh_token")`},
		{"access_token", "@access::text", "@access"},
		{"expires_at", "@expires_at::bigint", "@expires_at::bigint"},
		// beta.73 keeps the expiry as a time, in the flavour's zone.
		{"access_token_expires", "@expires_time::{ts}", "@expires_time::{ts}"},
		{"id_token", "@id_token::text", `COALESCE(@id_token::text, a."id_token")`},
		{"scope", "@scope::text", ""},
		{"session_state", "@session_state::text", ""},
		{"token_type", "@token_type::text", ""},
	} {
		if !w.f.Has(w.table("accounts"), t.col) {
			continue
		}
		cols += `, "` + t.col + `"`
		values += ", " + t.value
		if t.set != "" {
			sets = append(sets, `"`+t.col+`" = `+t.set)
		}
	}
	return cols, values, strings.Join(sets, ", ")
}
