// Package redact prints values that hold secrets (tokens, secrets) without
// them. The String, Format and LogValue methods of the repositories' types
// use it, so that fmt with any verb and log/slog with any handler show
// the useful fields of such a value and never the secret.
package redact

import (
	"fmt"
	"io"
	"log/slog"
)

// Redacted stands in for a secret that is set.
const Redacted = "[redacted]"

// Format writes s, a description of a value that leaves its secrets out,
// for any verb: %q quotes it, every other verb (%v, %+v, %#v, %s, %d, %x, …)
// writes it as it is, so that no verb falls back to printing the fields.
func Format(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s)
		return
	}
	io.WriteString(f, s) //nolint:errcheck // fmt ignores write errors too
}

// Secret returns what stands in for a secret: Redacted when it is set, ""
// when it is empty.
func Secret(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}

// SecretPtr returns what stands in for an optional secret: "<nil>" for
// nil, otherwise as Secret.
func SecretPtr(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return Secret(*s)
}

// Attr returns the slog attribute that stands in for the secret named key.
func Attr(key, secret string) slog.Attr { return slog.String(key, Secret(secret)) }

// AttrPtr returns the slog attribute that stands in for the optional
// secret named key.
func AttrPtr(key string, secret *string) slog.Attr { return slog.String(key, SecretPtr(secret)) }
