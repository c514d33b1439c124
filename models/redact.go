package models

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gormauth/gormauth/internal/redact"
)

// Format writes String for every verb, so that no verb of fmt prints the
// account's tokens.
func (a Account) Format(f fmt.State, verb rune) { redact.Format(f, verb, a.String()) }

// LogValue is what log/slog records of the account: its ids and provider,
// each token as "[redacted]" when set.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", int(a.ID)), slog.Int("userId", int(a.UserID)),
		slog.String("providerType", a.ProviderType), slog.String("providerId", a.ProviderID),
		slog.String("providerAccountId", a.ProviderAccountID),
		redact.AttrPtr("accessToken", a.AccessToken), redact.AttrPtr("refreshToken", a.RefreshToken))
}

// Format writes String for every verb, so that no verb of fmt prints the
// session's tokens.
func (s Session) Format(f fmt.State, verb rune) { redact.Format(f, verb, s.String()) }

// LogValue is what log/slog records of the session: its ids and expiry,
// each token as "[redacted]".
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", int(s.ID)), slog.Int("userId", int(s.UserID)),
		slog.String("expires", s.Expires.Format(time.RFC3339)),
		redact.Attr("sessionToken", s.SessionToken), redact.Attr("accessToken", s.AccessToken))
}
