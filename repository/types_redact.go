package repository

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gormauth/gormauth/internal/redact"
)

// Format writes String for every verb, so that no verb of fmt prints the
// account's tokens.
func (a Account) Format(f fmt.State, verb rune) { redact.Format(f, verb, a.String()) }

// LogValue is what log/slog records of the account: its ids, provider,
// type, scope and expiry, each token as "[redacted]" when set.
func (a Account) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("id", a.ID), slog.String("userId", a.UserID), slog.String("type", a.Type),
		slog.String("provider", a.Provider), slog.String("providerAccountId", a.ProviderAccountID),
		redact.AttrPtr("access_token", a.AccessToken), redact.AttrPtr("refresh_token", a.RefreshToken),
		redact.AttrPtr("id_token", a.IDToken)}
	if a.ExpiresAt != nil {
		attrs = append(attrs, slog.Int64("expires_at", *a.ExpiresAt))
	}
	if a.Scope != nil {
		attrs = append(attrs, slog.String("scope", *a.Scope))
	}
	return slog.GroupValue(attrs...)
}

// Format writes String for every verb, so that no verb of fmt prints the
// session token.
func (s Session) Format(f fmt.State, verb rune) { redact.Format(f, verb, s.String()) }

// LogValue is what log/slog records of the session: its ids and expiry,
// the session token (and beta.73's access token) as "[redacted]".
func (s Session) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("id", s.ID), slog.String("userId", s.UserID),
		slog.String("expires", s.Expires.Format(time.RFC3339)), redact.Attr("sessionToken", s.SessionToken)}
	if s.AccessToken != nil {
		attrs = append(attrs, redact.AttrPtr("access_token", s.AccessToken))
	}
	return slog.GroupValue(attrs...)
}
