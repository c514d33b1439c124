package pg

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gormauth/gormauth/internal/redact"
)

// String describes the account without its tokens.
func (a Account) String() string {
	return fmt.Sprintf("Account{ID:%d UserID:%d Provider:%s/%s}", a.ID, a.UserID, a.Provider, a.ProviderAccountID)
}

// GoString is String, for %#v.
func (a Account) GoString() string { return a.String() }

// Format writes String for every verb, so that no verb of fmt prints the
// tokens.
func (a Account) Format(f fmt.State, verb rune) { redact.Format(f, verb, a.String()) }

// LogValue is what log/slog records of the account: its ids and provider,
// each token as "[redacted]" when set.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", int64(a.ID)), slog.Int64("userId", int64(a.UserID)),
		slog.String("type", a.Type), slog.String("provider", a.Provider),
		slog.String("providerAccountId", a.ProviderAccountID),
		redact.AttrPtr("access_token", a.AccessToken), redact.AttrPtr("refresh_token", a.RefreshToken),
		redact.AttrPtr("id_token", a.IDToken))
}

// String describes the session without its token.
func (s Session) String() string {
	return fmt.Sprintf("Session{ID:%d UserID:%d Expires:%s}", s.ID, s.UserID, s.Expires.Format(time.RFC3339))
}

// GoString is String, for %#v.
func (s Session) GoString() string { return s.String() }

// Format writes String for every verb, so that no verb of fmt prints the
// token.
func (s Session) Format(f fmt.State, verb rune) { redact.Format(f, verb, s.String()) }

// LogValue is what log/slog records of the session: its ids and expiry,
// the token as "[redacted]".
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", int64(s.ID)), slog.Int64("userId", int64(s.UserID)),
		slog.String("expires", s.Expires.Format(time.RFC3339)), redact.Attr("sessionToken", s.SessionToken))
}

// String describes the sign-in token by its identifier, without the token.
func (v VerificationToken) String() string {
	return fmt.Sprintf("VerificationToken{Identifier:%q Expires:%s}", v.Identifier, v.Expires.Format(time.RFC3339))
}

// GoString is String, for %#v.
func (v VerificationToken) GoString() string { return v.String() }

// Format writes String for every verb, so that no verb of fmt prints the
// token.
func (v VerificationToken) Format(f fmt.State, verb rune) { redact.Format(f, verb, v.String()) }

// LogValue is what log/slog records of the sign-in token: its identifier
// and expiry, the token as "[redacted]".
func (v VerificationToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("identifier", v.Identifier), slog.String("expires", v.Expires.Format(time.RFC3339)),
		redact.Attr("token", v.Token))
}
