package gothauth

import (
	"testing"

	"github.com/gormauth/gormauth/internal/harness/redacttest"
)

// Options print and log without the secret, whatever the verb or handler.
func TestOptionsRedaction(t *testing.T) {
	o := Options{Secret: []byte("state-signing-secret-1"), AfterSignIn: "/account"}
	redacttest.Check(t, o, []string{"state-signing-secret-1"}, []string{"/account"})
	redacttest.Check(t, &o, []string{"state-signing-secret-1"}, []string{"/account"})
}
