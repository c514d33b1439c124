package repository

import (
	"context"
	"time"

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
		field{name: "provider id", value: k.ProviderID, max: MaxProviderFieldLen},
		field{name: "provider account id", value: k.ProviderAccountID, max: MaxProviderFieldLen})
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
		field{name: "provider type", value: a.ProviderType, max: MaxProviderFieldLen},
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
	if err := link(s.c, s.c.conn(ctx), &row, s.c.now()); err != nil {
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
	if err := check(op, field{name: "compound id", value: id, max: MaxProviderFieldLen}); err != nil {
		return nil, err
	}
	return s.byCompoundID(ctx, op, id)
}

func (s *Accounts) byCompoundID(ctx context.Context, op, id string) (*models.Account, error) {
	var a models.Account
	if err := findOne(s.c.conn(ctx).Raw(`SELECT `+accountColumns+` FROM accounts WHERE compound_id = ?`, id), &a); err != nil {
		return nil, dbError(op, err)
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
	err := s.c.conn(ctx).Raw(`SELECT `+accountColumns+` FROM accounts WHERE user_id = ? ORDER BY id`, userID).Find(&accounts).Error
	if err != nil {
		return nil, dbError(op, err)
	}
	for i := range accounts {
		s.c.readAccount(&accounts[i])
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
	res := s.c.conn(ctx).Where("compound_id = ?", key.CompoundID()).Delete(&models.Account{})
	if res.Error != nil {
		return dbError(op, res.Error)
	}
	if res.RowsAffected == 0 {
		return notFound(op)
	}
	return nil
}

// Tokens are a provider's OAuth tokens after a refresh.
type Tokens struct {
	// AccessToken is the new access token. Required.
	AccessToken string
	// AccessTokenExpires is when it expires; nil stores NULL (unknown). It
	// is stored at microsecond precision.
	AccessTokenExpires *time.Time
	// RefreshToken is the new refresh token; nil keeps the stored one, since
	// providers often issue none on a refresh.
	RefreshToken *string
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
		field{name: "access token", value: t.AccessToken, max: MaxProviderTokenLen},
		opt("refresh token", t.RefreshToken, MaxProviderTokenLen)); err != nil {
		return nil, err
	}
	if err := s.c.checkTime(op, "access token expiry", t.AccessTokenExpires); err != nil {
		return nil, err
	}
	var rows []models.Account
	err := s.c.conn(ctx).Raw(`UPDATE accounts SET access_token = @access, access_token_expires = CAST(@expires AS timestamp),
		refresh_token = COALESCE(CAST(@refresh AS text), refresh_token), updated = CAST(@now AS timestamp)
		WHERE compound_id = @compound RETURNING `+accountColumns, map[string]any{
		"access":   t.AccessToken,
		"expires":  s.c.wallPtr(t.AccessTokenExpires),
		"refresh":  t.RefreshToken,
		"now":      s.c.wall(s.c.now()),
		"compound": key.CompoundID(),
	}).Find(&rows).Error
	if err != nil {
		return nil, dbError(op, err)
	}
	if len(rows) == 0 {
		return nil, notFound(op)
	}
	return s.c.readAccount(&rows[0]), nil
}
