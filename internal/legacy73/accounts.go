package repository

import (
	"context"
	"time"

	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/models"
)

// AccountKey names a provider account: the provider's id (such as "github")
// and the user's id at that provider. A struct, so the two strings cannot be
// swapped by mistake.
type AccountKey struct {
	ProviderID        string
	ProviderAccountID string
}

// CompoundID returns the key's accounts.compound_id (models.CompoundID).
func (k AccountKey) CompoundID() string {
	return models.CompoundID(k.ProviderID, k.ProviderAccountID)
}

func (k AccountKey) check(op string) error {
	return check(op,
		field{Name: "provider id", Value: k.ProviderID, Max: MaxProviderFieldLen},
		field{Name: "provider account id", Value: k.ProviderAccountID, Max: MaxProviderFieldLen})
}

// Accounts reads and writes the accounts table. Get it from
// Repository.Accounts.
type Accounts struct{ c *core }

func (s *Accounts) check(op string, a *models.Account) error {
	if a == nil {
		return invalid(op, "nil account")
	}
	if err := checkID(op, "user id", a.UserID); err != nil {
		return err
	}
	if err := (AccountKey{a.ProviderID, a.ProviderAccountID}).check(op); err != nil {
		return err
	}
	if err := check(op,
		field{Name: "provider type", Value: a.ProviderType, Max: MaxProviderFieldLen},
		opt("refresh token", a.RefreshToken, MaxProviderTokenLen),
		opt("access token", a.AccessToken, MaxProviderTokenLen)); err != nil {
		return err
	}
	return s.c.checkTime(op, "access token expiry", a.AccessTokenExpires)
}

// Link links the provider account a to the user a.UserID: it sets a.ID,
// a.CompoundID, a.Created and a.Updated and inserts the row in one
// statement; a.AccessTokenExpires is given the value as it reads back. a.ID
// must be 0. It returns ErrNotFound if the user does not
// exist and ErrAlreadyExists if the provider account is already linked (to
// this user or another). Linking is always explicit: nothing links an
// account because an email matches.
func (s *Accounts) Link(ctx context.Context, a *models.Account) error {
	const op = "Accounts.Link"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if err := s.check(op, a); err != nil {
		return err
	}
	if a.ID != 0 {
		return invalid(op, "account already has id %d", a.ID)
	}
	row := *a
	row.User = nil
	row.CompoundID = models.CompoundID(a.ProviderID, a.ProviderAccountID)
	now, err := s.c.clock(op)
	if err != nil {
		return err
	}
	if err := link(ctx, s.c, s.c.x.On(sqlexec.Primary), &row, now); err != nil {
		return dbError(op, err)
	}
	if row.ID == 0 {
		return notFound(op + ": user")
	}
	*a = row
	return nil
}

// ByCompoundID returns the account whose compound_id is id, or ErrNotFound.
func (s *Accounts) ByCompoundID(ctx context.Context, id string) (*models.Account, error) {
	const op = "Accounts.ByCompoundID"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := check(op, field{Name: "compound id", Value: id, Max: MaxProviderFieldLen}); err != nil {
		return nil, err
	}
	return s.byCompoundID(ctx, op, id)
}

func (s *Accounts) byCompoundID(ctx context.Context, op, id string) (*models.Account, error) {
	var a models.Account
	found, err := s.c.x.QueryRow(ctx, sqlexec.ReplicaOrPrimary, `SELECT `+accountColumns+` FROM accounts WHERE compound_id = $1`,
		[]any{id}, accountFields(&a)...)
	if err != nil {
		return nil, dbError(op, err)
	}
	if !found {
		return nil, notFound(op)
	}
	return s.c.readAccount(&a), nil
}

// ByKey returns the provider account key, or ErrNotFound.
func (s *Accounts) ByKey(ctx context.Context, key AccountKey) (*models.Account, error) {
	const op = "Accounts.ByKey"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := key.check(op); err != nil {
		return nil, err
	}
	return s.byCompoundID(ctx, op, key.CompoundID())
}

// ListByUser returns the accounts linked to the user, oldest first. A user
// with no accounts, or no user, gives an empty list.
func (s *Accounts) ListByUser(ctx context.Context, userID int32) ([]models.Account, error) {
	const op = "Accounts.ListByUser"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := checkID(op, "user id", userID); err != nil {
		return nil, err
	}
	accounts := []models.Account{}
	err := s.c.x.Query(ctx, sqlexec.Replica, `SELECT `+accountColumns+` FROM accounts WHERE user_id = $1 ORDER BY id`,
		[]any{userID}, func(r sqlexec.Scanner) error {
			var a models.Account
			if err := r.Scan(accountFields(&a)...); err != nil {
				return err
			}
			accounts = append(accounts, *s.c.readAccount(&a))
			return nil
		})
	if err != nil {
		return nil, dbError(op, err)
	}
	return accounts, nil
}

// Unlink deletes the provider account key, or returns ErrNotFound.
func (s *Accounts) Unlink(ctx context.Context, key AccountKey) error {
	const op = "Accounts.Unlink"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if err := key.check(op); err != nil {
		return err
	}
	n, err := s.c.x.Exec(ctx, `DELETE FROM accounts WHERE compound_id = $1`, key.CompoundID())
	if err != nil {
		return dbError(op, err)
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

// Tokens are a provider's OAuth tokens after a refresh.
type Tokens struct {
	// AccessToken is the new access token. Required.
	AccessToken string `json:"-"`
	// AccessTokenExpires is when it expires; nil stores NULL (unknown). It
	// is stored at microsecond precision.
	AccessTokenExpires *time.Time
	// RefreshToken is the new refresh token; nil keeps the stored one, since
	// providers often issue none on a refresh.
	RefreshToken *string `json:"-"`
}

// UpdateTokens stores the provider tokens of the account key after a
// refresh, in one statement, and returns the updated account. It returns
// ErrNotFound if the account is not linked.
func (s *Accounts) UpdateTokens(ctx context.Context, key AccountKey, t Tokens) (*models.Account, error) {
	const op = "Accounts.UpdateTokens"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := key.check(op); err != nil {
		return nil, err
	}
	if err := check(op,
		field{Name: "access token", Value: t.AccessToken, Max: MaxProviderTokenLen},
		opt("refresh token", t.RefreshToken, MaxProviderTokenLen)); err != nil {
		return nil, err
	}
	if err := s.c.checkTime(op, "access token expiry", t.AccessTokenExpires); err != nil {
		return nil, err
	}
	c := s.c
	now, err := c.clock(op)
	if err != nil {
		return nil, err
	}
	var a models.Account
	found, err := c.x.QueryRow(ctx, sqlexec.Primary, `UPDATE accounts SET access_token = $1,
		access_token_expires = $2::timestamp, refresh_token = COALESCE($3::text, refresh_token), updated = $4::timestamp
		WHERE compound_id = $5 RETURNING `+accountColumns,
		[]any{t.AccessToken, c.wallPtr(t.AccessTokenExpires), t.RefreshToken, c.wall(now), key.CompoundID()},
		accountFields(&a)...)
	if err != nil {
		return nil, dbError(op, err)
	}
	if !found {
		return nil, notFound(op)
	}
	return c.readAccount(&a), nil
}
