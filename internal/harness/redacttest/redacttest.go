// Package redacttest checks, for the tests of the types that hold secrets,
// that no way of printing or logging a value shows them.
package redacttest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// Verbs are the fmt verbs Check prints with.
var Verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%10.3v"}

// Check prints v with every verb of Verbs (v, a pointer to it, and v as a
// field of a struct) and logs it with slog's JSON and text handlers, and
// fails t if any output holds one of the secrets (as it is, or in hex), or
// lacks one of the shown strings (the useful fields that must be there).
func Check(t *testing.T, v any, secrets, shown []string) {
	t.Helper()
	var outs []string
	for _, verb := range Verbs {
		outs = append(outs, fmt.Sprintf(verb, v), fmt.Sprintf(verb, struct{ V any }{v}), fmt.Sprintf(verb, []any{v}))
	}
	outs = append(outs, fmt.Sprint(v), fmt.Sprintln(v))
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		var b bytes.Buffer
		slog.New(h(&b)).Info("value", "v", v, slog.Group("g", "v", v))
		outs = append(outs, b.String())
	}
	for _, out := range outs {
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(strings.ToLower(out), hex.EncodeToString([]byte(s))) {
				t.Errorf("%T: the secret %q is in %q", v, s, out)
			}
		}
	}
	for _, out := range outs[:2] {
		for _, s := range shown {
			if !strings.Contains(out, s) {
				t.Errorf("%T: %q lacks %q", v, out, s)
			}
		}
	}
	for _, out := range outs[len(outs)-2:] {
		for _, s := range shown {
			if !strings.Contains(out, s) {
				t.Errorf("%T: the log %q lacks %q", v, out, s)
			}
		}
	}
}

// CheckJSON encodes v with encoding/json, as it is and as a field of a
// struct, and logs that struct with slog's JSON handler (which encodes a
// value that is no slog.LogValuer, or holds one in a field, with
// encoding/json), and fails t if any output holds one of the secrets (as
// it is, or in hex). A value encoding/json cannot encode (a type with a
// func field) passes: nothing of it is written.
func CheckJSON(t *testing.T, v any, secrets []string) {
	t.Helper()
	var outs []string
	for _, j := range []any{v, struct{ V any }{v}} {
		if b, err := json.Marshal(j); err == nil {
			outs = append(outs, string(b))
		}
	}
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("value", "in", struct{ V any }{v})
	outs = append(outs, b.String())
	for _, out := range outs {
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(strings.ToLower(out), hex.EncodeToString([]byte(s))) {
				t.Errorf("%T: the secret %q is in the JSON %q", v, s, out)
			}
		}
	}
}
