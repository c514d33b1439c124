package repository_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/harness/nextauthjs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/internal/wallclock"
	"github.com/gormauth/gormauth/models"
)

// rangeZones are the set-ups TestNextAuthTimeRange runs in: everything in
// UTC; and NextAuth.js in Auckland (Location too) with the database's
// sessions in New York.
var rangeZones = []struct{ name, node, database string }{
	{"UTC", "UTC", "UTC"},
	{"zoned", "Pacific/Auckland", "America/New_York"},
}

// jsISO prints t as JavaScript's toISOString does: milliseconds, UTC, and
// six digits with a sign for a year outside 0000 to 9999.
func jsISO(t time.Time) string {
	t = t.UTC()
	year := fmt.Sprintf("%04d", t.Year())
	if y := t.Year(); y < 0 || y > 9999 {
		year = fmt.Sprintf("%+07d", y)
	}
	return year + t.Format("-01-02T15:04:05.000Z")
}

// TestNextAuthTimeRange: the first and last instants the repository
// accepts, the column's first wall clock in Location and JavaScript's last
// Date, are stored and NextAuth.js 2.0.0-beta.73 reads them back exactly;
// one millisecond outside is refused with ErrInvalidInput. The measurement
// behind it: NextAuth.js reads the whole column as Location's wall clock up
// to the last Date, and an Invalid Date (null) past it.
func TestNextAuthTimeRange(t *testing.T) {
	t.Parallel()
	_, err := nextauthjs.Install(context.Background())
	require.NoError(t, err)
	for _, z := range rangeZones {
		t.Run(z.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			loc, err := time.LoadLocation(z.node)
			require.NoError(t, err)
			dsn := testdb.New(t)
			e := newEnvDSN(t, dsn, repository.Options{Location: loc})
			var name string
			require.NoError(t, e.db.Raw("SELECT current_database()").Scan(&name).Error)
			testdb.Exec(t, e.db, `ALTER DATABASE "`+name+`" SET TimeZone = '`+z.database+`'`)

			first := wallclock.Instant(wallclock.Min, loc) // 4714 BC on Location's wall clock
			last := wallclock.JSMax
			inside := []time.Time{first, last, time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
			outside := []time.Time{first.Add(-time.Millisecond), last.Add(time.Millisecond), last.Add(time.Second),
				time.Date(294276, 6, 1, 0, 0, 0, 0, time.UTC)}
			var ops []nextauthjs.Op
			for i, at := range inside {
				u := &models.User{Email: ptr(fmt.Sprintf("in%d@example.com", i)), EmailVerified: &at}
				require.NoError(t, e.repo.Users.Create(ctx, u), "Go stores %s", jsISO(at))
				ops = append(ops, nextauthjs.Op{"op": "getUser", "id": u.ID})
			}
			for i, at := range outside {
				u := &models.User{Email: ptr(fmt.Sprintf("out%d@example.com", i)), EmailVerified: &at}
				err := e.repo.Users.Create(ctx, u)
				require.ErrorIs(t, err, repository.ErrInvalidInput, "Go stores %s", jsISO(at))
				assert.ErrorContains(t, err, "email verified is outside what a timestamp column holds")
				// What NextAuth.js would read, written by hand where the
				// column holds it.
				w := wallclock.Of(at, loc)
				if wallclock.InRange(w) {
					testdb.Exec(t, e.db, fmt.Sprintf(`INSERT INTO users (email, email_verified, created, updated)
						VALUES ('raw%d@example.com', '%s', now(), now())`, i, w.Format("2006-01-02 15:04:05.999999")))
					ops = append(ops, nextauthjs.Op{"op": "getUserByEmail", "email": fmt.Sprintf("raw%d@example.com", i)})
				}
			}
			out, err := nextauthjs.Ops(ctx, dsn, z.node, nextauthjs.OpsInput{Secret: "s", Site: "http://localhost:3000", Ops: ops})
			require.NoError(t, err)
			require.Equal(t, z.node, out.TimeZone)
			var measured []string
			for i, r := range out.Results {
				var u struct{ EmailVerified *string }
				require.NoError(t, r.Decode(&u), "op %d", i)
				read := "null"
				if u.EmailVerified != nil {
					read = *u.EmailVerified
				}
				if i < len(inside) {
					assert.Equal(t, jsISO(inside[i]), read, "NextAuth.js reads Go's %s", jsISO(inside[i]))
					got, err := e.repo.Users.ByEmail(ctx, fmt.Sprintf("in%d@example.com", i))
					require.NoError(t, err)
					assert.True(t, inside[i].Equal(*got.EmailVerified), "Go reads back %s", jsISO(inside[i]))
				} else {
					assert.Equal(t, "null", read, "past the last Date NextAuth.js reads an Invalid Date")
				}
				measured = append(measured, read)
			}
			t.Logf("NextAuth.js in %s reads %s", z.node, strings.Join(measured, ", "))
			// The wall clock before the column's first is refused by
			// PostgreSQL itself.
			err = e.db.Exec(`INSERT INTO users (email, email_verified, created, updated)
				VALUES ('min@example.com', '4714-11-23 23:59:59.999 BC', now(), now())`).Error
			assert.ErrorContains(t, err, "out of range")
		})
	}
}

// badClocks are values of Options.Now outside what a column holds or a
// JavaScript Date holds.
var badClocks = map[string]time.Time{
	"year 294276":        time.Date(294276, 6, 1, 0, 0, 0, 0, time.UTC),
	"year 300000":        time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC),
	"year -5000":         time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC),
	"just past a Date":   wallclock.JSMax.Add(time.Millisecond),
	"far before":         time.Unix(-1<<62, 0),
	"maximum time":       time.Unix(1<<63-1-62135596800, 999999999),
	"expiry past a Date": wallclock.JSMax.Add(-repository.DefaultMaxAge + time.Millisecond),
}

// clockData are the rows the operations of clockOps work on.
type clockData struct {
	user    *models.User
	session *models.Session
	token   repository.SignInToken
}

// clockOps are the operations that read Options.Now, each called with
// arguments that succeed with a good clock. deriving are those that derive
// now + MaxAge.
var (
	clockOps = map[string]func(ctx context.Context, r *repository.Repository, d *clockData) error{
		"Users.Create": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			return r.Users.Create(ctx, &models.User{Email: ptr("new@example.com")})
		},
		"Users.Update": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			u := *d.user
			u.Name = ptr("Renamed")
			return r.Users.Update(ctx, &u)
		},
		"Accounts.Link": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			return r.Accounts.Link(ctx, &models.Account{UserID: d.user.ID, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "new"})
		},
		"Accounts.UpdateTokens": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Accounts.UpdateTokens(ctx, repository.AccountKey{ProviderID: "github", ProviderAccountID: "clock"}, repository.Tokens{AccessToken: "new"})
			return err
		},
		"Sessions.Create": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Sessions.Create(ctx, d.user.ID)
			return err
		},
		"Sessions.ByToken": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Sessions.ByToken(ctx, d.session.SessionToken)
			return err
		},
		"Sessions.ByAccessToken": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Sessions.ByAccessToken(ctx, d.session.AccessToken)
			return err
		},
		"Sessions.WithUser": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Sessions.WithUser(ctx, d.session.SessionToken)
			return err
		},
		"Sessions.Refresh": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Sessions.Refresh(ctx, d.session)
			return err
		},
		"Sessions.ForceRefresh": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			return r.Sessions.ForceRefresh(ctx, d.session)
		},
		"Sessions.ListByUser": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Sessions.ListByUser(ctx, d.user.ID)
			return err
		},
		"Sessions.DeleteExpired": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Sessions.DeleteExpired(ctx, 0)
			return err
		},
		"Verifications.Create": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Verifications.Create(ctx, repository.SignInToken{Identifier: "new@example.com", Token: "new-token", Secret: "s"}, 0)
			return err
		},
		"Verifications.Replace": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Verifications.Replace(ctx, repository.SignInToken{Identifier: "replaced@example.com", Token: "replace-token", Secret: "s"}, 0)
			return err
		},
		"Verifications.Find": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Verifications.Find(ctx, d.token)
			return err
		},
		"Verifications.Use": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Verifications.Use(ctx, d.token)
			return err
		},
		"Verifications.DeleteExpired": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.Verifications.DeleteExpired(ctx, 0)
			return err
		},
		"SignInOAuth": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "brand-new"},
				Email: ptr("brand-new@example.com")})
			return err
		},
		"SignInOAuth (returning)": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "clock"}})
			return err
		},
		"SignInEmail": func(ctx context.Context, r *repository.Repository, d *clockData) error {
			_, err := r.SignInEmail(ctx, d.token)
			return err
		},
	}
	deriving = []string{"Sessions.Create", "Sessions.Refresh", "Sessions.ForceRefresh", "SignInOAuth", "SignInOAuth (returning)", "SignInEmail"}
)

// noClockOps are the operations that do not read the clock. Due compares
// with it and sends nothing.
var noClockOps = []string{"Users.ByID", "Users.ByEmail", "Users.ByAccount", "Users.Delete",
	"Accounts.ByCompoundID", "Accounts.ByKey", "Accounts.ListByUser", "Accounts.Unlink",
	"Sessions.Delete", "Sessions.DeleteByUser", "Sessions.DeleteByHandle", "Sessions.DeleteOthers", "Sessions.Due",
	"Verifications.Delete",
	"WithTx", "Transaction", "Strict", "Options"}

// TestEveryOperationListed: every method of the repository is in clockOps
// or noClockOps, so that a new operation cannot go untested by
// TestClockOutOfRange.
func TestEveryOperationListed(t *testing.T) {
	listed := map[string]bool{}
	for name := range clockOps {
		listed[strings.TrimSuffix(name, " (returning)")] = true
	}
	for _, name := range noClockOps {
		listed[name] = true
	}
	r := &repository.Repository{}
	groups := map[string]any{"": r, "Users.": r.Users, "Accounts.": r.Accounts, "Sessions.": r.Sessions, "Verifications.": r.Verifications}
	for prefix, v := range groups {
		typ := reflect.TypeOf(v)
		for i := range typ.NumMethod() {
			name := prefix + typ.Method(i).Name
			assert.True(t, listed[name], "%s is in neither clockOps nor noClockOps", name)
		}
	}
}

// TestClockOutOfRange: with Options.Now at a time a column or a JavaScript
// Date cannot hold (or now + MaxAge past the last Date), every operation
// that reads the clock returns ErrInvalidInput and sends no statement, in
// UTC and in Auckland; with a good clock the same calls succeed.
func TestClockOutOfRange(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"UTC", "Pacific/Auckland"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			loc, err := time.LoadLocation(zone)
			require.NoError(t, err)
			e := newEnvDSN(t, testdb.New(t), repository.Options{Location: loc})
			d := &clockData{user: e.mustUser(t, "clock@example.com")}
			e.mustAccount(t, d.user, "clock")
			d.session = e.mustSession(t, d.user)
			d.token = repository.SignInToken{Identifier: "clock@example.com", Token: "clock-token", Secret: "s"}
			_, err = e.repo.Verifications.Create(ctx, d.token, 0)
			require.NoError(t, err)
			before := e.counts(t)
			clocks := map[string]time.Time{"before the column": wallclock.Instant(wallclock.Min, loc).Add(-time.Millisecond)}
			for clock, at := range badClocks {
				clocks[clock] = at
			}
			for clock, at := range clocks {
				bad := repository.New(e.db, repository.Options{Location: loc, Now: func() time.Time { return at }})
				for name, call := range clockOps {
					if clock == "expiry past a Date" && !contains(deriving, name) {
						continue
					}
					e.tracer.Reset()
					err := call(ctx, bad, d)
					assert.ErrorIs(t, err, repository.ErrInvalidInput, "%s with the clock at %s", name, clock)
					assert.ErrorContains(t, err, "Options.Now", "%s with the clock at %s", name, clock)
					assert.Empty(t, e.tracer.Statements(), "%s with the clock at %s sends nothing", name, clock)
				}
			}
			assert.Equal(t, before, e.counts(t), "nothing written")
			for _, name := range []string{"Users.Create", "Users.Update", "Accounts.Link", "Accounts.UpdateTokens", "Sessions.Create",
				"Sessions.ByToken", "Sessions.ByAccessToken", "Sessions.WithUser", "Sessions.Refresh", "Sessions.ForceRefresh",
				"Sessions.ListByUser", "Sessions.DeleteExpired", "Verifications.Create", "Verifications.Replace", "Verifications.Find", "SignInOAuth",
				"SignInOAuth (returning)", "SignInEmail", "Verifications.Use", "Verifications.DeleteExpired"} {
				err := clockOps[name](ctx, e.repo, d)
				if name == "Verifications.Use" {
					assert.ErrorIs(t, err, repository.ErrNotFound, "SignInEmail used the token")
					continue
				}
				assert.NoError(t, err, name)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
