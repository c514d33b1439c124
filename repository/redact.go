package repository

import (
	"fmt"
	"log/slog"

	"github.com/gormauth/gormauth/internal/redact"
)

// String describes the sign-in token by its identifier, without the token.
func (t SignInToken) String() string {
	return fmt.Sprintf("SignInToken{Identifier:%q Token:%s}", t.Identifier, redact.Secret(t.Token))
}

// Format writes String for every verb, so that no verb of fmt prints the
// token.
func (t SignInToken) Format(f fmt.State, verb rune) { redact.Format(f, verb, t.String()) }

// LogValue is what log/slog records: the identifier, the token as
// "[redacted]".
func (t SignInToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("identifier", t.Identifier), redact.Attr("token", t.Token))
}

// String describes the sign-in by its identifier and the session it came
// with, without the token.
func (e EmailSignIn) String() string {
	signedIn := "<nil>"
	if e.SignedIn != nil {
		signedIn = e.SignedIn.String()
	}
	return fmt.Sprintf("EmailSignIn{%s SignedIn:%s}", e.SignInToken, signedIn)
}

// Format writes String for every verb, so that no verb of fmt prints the
// token or the session token.
func (e EmailSignIn) Format(f fmt.State, verb rune) { redact.Format(f, verb, e.String()) }

// LogValue is what log/slog records: the identifier and the signed-in
// user's id, the tokens as "[redacted]".
func (e EmailSignIn) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("identifier", e.Identifier), redact.Attr("token", e.Token)}
	if e.SignedIn != nil {
		attrs = append(attrs, slog.Any("signedIn", e.SignedIn.LogValue()))
	}
	return slog.GroupValue(attrs...)
}

// String describes the tokens by their expiry, without the tokens.
func (t Tokens) String() string {
	expires := "<nil>"
	if t.ExpiresAt != nil {
		expires = fmt.Sprint(*t.ExpiresAt)
	}
	return fmt.Sprintf("Tokens{AccessToken:%s ExpiresAt:%s RefreshToken:%s IDToken:%s}",
		redact.Secret(t.AccessToken), expires, redact.SecretPtr(t.RefreshToken), redact.SecretPtr(t.IDToken))
}

// Format writes String for every verb, so that no verb of fmt prints the
// tokens.
func (t Tokens) Format(f fmt.State, verb rune) { redact.Format(f, verb, t.String()) }

// LogValue is what log/slog records: the expiry, the tokens as
// "[redacted]".
func (t Tokens) LogValue() slog.Value {
	attrs := []slog.Attr{redact.Attr("accessToken", t.AccessToken), redact.AttrPtr("refreshToken", t.RefreshToken),
		redact.AttrPtr("idToken", t.IDToken)}
	if t.ExpiresAt != nil {
		attrs = append(attrs, slog.Int64("expiresAt", *t.ExpiresAt))
	}
	return slog.GroupValue(attrs...)
}

// String describes the sign-in by its provider account, profile email and
// the session it came with, without the provider's tokens.
func (p OAuthSignIn) String() string {
	email, signedIn := "<nil>", "<nil>"
	if p.Email != nil {
		email = *p.Email
	}
	if p.SignedIn != nil {
		signedIn = p.SignedIn.String()
	}
	return fmt.Sprintf("OAuthSignIn{%s Email:%s SignedIn:%s}", p.Account, email, signedIn)
}

// Format writes String for every verb, so that no verb of fmt prints the
// provider's tokens or the session token.
func (p OAuthSignIn) Format(f fmt.State, verb rune) { redact.Format(f, verb, p.String()) }

// LogValue is what log/slog records: the account (tokens as "[redacted]"),
// the profile's name and email, and the signed-in session.
func (p OAuthSignIn) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Any("account", p.Account.LogValue())}
	if p.Name != nil {
		attrs = append(attrs, slog.String("name", *p.Name))
	}
	if p.Email != nil {
		attrs = append(attrs, slog.String("email", *p.Email))
	}
	if p.SignedIn != nil {
		attrs = append(attrs, slog.Any("signedIn", p.SignedIn.LogValue()))
	}
	return slog.GroupValue(attrs...)
}

// String describes the options without the secret.
func (o Options) String() string {
	return fmt.Sprintf("Options{MaxAge:%s UpdateAge:%s MaxLifetime:%s Secret:[%d redacted] AllowDangerousEmailAccountLinking:%t StrictRevocation:%t}",
		o.MaxAge, o.UpdateAge, o.MaxLifetime, len(o.Secret), o.AllowDangerousEmailAccountLinking, o.StrictRevocation)
}

// Format writes String for every verb, so that no verb of fmt prints the
// secret.
func (o Options) Format(f fmt.State, verb rune) { redact.Format(f, verb, o.String()) }

// LogValue is what log/slog records: the options, the secret's elements
// counted, not shown.
func (o Options) LogValue() slog.Value {
	return slog.GroupValue(slog.String("maxAge", o.MaxAge.String()), slog.String("updateAge", o.UpdateAge.String()),
		slog.String("maxLifetime", o.MaxLifetime.String()), slog.Int("secrets", len(o.Secret)),
		slog.Bool("allowDangerousEmailAccountLinking", o.AllowDangerousEmailAccountLinking),
		slog.Bool("strictRevocation", o.StrictRevocation))
}
