package repository

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gormauth/gormauth/internal/redact"
)

// String describes the sign-in token by its identifier, without the token
// and the secret.
func (t SignInToken) String() string {
	return fmt.Sprintf("SignInToken{Identifier:%q Token:%s Secret:%s}", t.Identifier, redact.Secret(t.Token), redact.Secret(t.Secret))
}

// Format writes String for every verb, so that no verb of fmt prints the
// token or the secret.
func (t SignInToken) Format(f fmt.State, verb rune) { redact.Format(f, verb, t.String()) }

// LogValue is what log/slog records: the identifier, the token and the
// secret as "[redacted]".
func (t SignInToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("identifier", t.Identifier), redact.Attr("token", t.Token), redact.Attr("secret", t.Secret))
}

// String describes the tokens by their expiry, without the tokens.
func (t Tokens) String() string {
	return fmt.Sprintf("Tokens{AccessToken:%s AccessTokenExpires:%s RefreshToken:%s}",
		redact.Secret(t.AccessToken), timePtr(t.AccessTokenExpires), redact.SecretPtr(t.RefreshToken))
}

// Format writes String for every verb, so that no verb of fmt prints the
// tokens.
func (t Tokens) Format(f fmt.State, verb rune) { redact.Format(f, verb, t.String()) }

// LogValue is what log/slog records: the expiry, the tokens as
// "[redacted]".
func (t Tokens) LogValue() slog.Value {
	return slog.GroupValue(redact.Attr("accessToken", t.AccessToken), slog.String("accessTokenExpires", timePtr(t.AccessTokenExpires)),
		redact.AttrPtr("refreshToken", t.RefreshToken))
}

// String describes the sign-in by its provider account and profile email,
// without the provider's tokens.
func (p OAuthSignIn) String() string {
	return fmt.Sprintf("OAuthSignIn{Account:%s/%s ProviderType:%s AccessToken:%s RefreshToken:%s Email:%s}",
		p.Account.ProviderID, p.Account.ProviderAccountID, p.ProviderType,
		redact.SecretPtr(p.AccessToken), redact.SecretPtr(p.RefreshToken), strPtr(p.Email))
}

// Format writes String for every verb, so that no verb of fmt prints the
// provider's tokens.
func (p OAuthSignIn) Format(f fmt.State, verb rune) { redact.Format(f, verb, p.String()) }

// LogValue is what log/slog records: the provider account, the profile's
// name and email, the tokens as "[redacted]".
func (p OAuthSignIn) LogValue() slog.Value {
	return slog.GroupValue(slog.String("providerId", p.Account.ProviderID), slog.String("providerAccountId", p.Account.ProviderAccountID),
		slog.String("providerType", p.ProviderType), redact.AttrPtr("accessToken", p.AccessToken),
		redact.AttrPtr("refreshToken", p.RefreshToken), slog.String("name", strPtr(p.Name)), slog.String("email", strPtr(p.Email)))
}

func strPtr(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func timePtr(t *time.Time) string {
	if t == nil {
		return "<nil>"
	}
	return t.Format(time.RFC3339Nano)
}
