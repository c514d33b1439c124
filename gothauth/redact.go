package gothauth

import (
	"fmt"
	"log/slog"

	"github.com/markbates/goth"

	"github.com/gormauth/gormauth/internal/redact"
)

// providerNames returns the names of the providers, in order.
func providerNames(ps []goth.Provider) []string {
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			names = append(names, p.Name())
		}
	}
	return names
}

// String describes the options by their providers and where a sign-in
// leads, without the secret.
func (o Options) String() string {
	return fmt.Sprintf("Options{Providers:%v Secret:%s AfterSignIn:%q}", providerNames(o.Providers), redact.Secret(string(o.Secret)), o.AfterSignIn)
}

// Format writes String for every verb, so that no verb of fmt prints the
// secret.
func (o Options) Format(f fmt.State, verb rune) { redact.Format(f, verb, o.String()) }

// LogValue is what log/slog records: the providers and where a sign-in
// leads, the secret as "[redacted]".
func (o Options) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("providers", providerNames(o.Providers)), redact.Attr("secret", string(o.Secret)),
		slog.String("afterSignIn", o.AfterSignIn))
}
