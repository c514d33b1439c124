package repository_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/harness/authjsnode"
	"github.com/gormauth/gormauth/internal/jsstring"
	"github.com/gormauth/gormauth/repository"
)

// normaliserSeeds are the inputs the real packages' normalisers were given
// (testdata/authjs*/…-flows.json), with what they returned ("Error:…" for
// a refusal), keyed by the flows file.
func normaliserSeeds(f *testing.F, file string) map[string]string {
	f.Helper()
	seeds := map[string]string{}
	for _, v := range readVectors(f, file).NormalizeIdentifier {
		seeds[v.Input] = v.Output
	}
	return seeds
}

// fuzzNormaliser: normalize never panics; it refuses with ErrInvalidEmail
// only; what it returns is one address (a non-empty local part and domain
// around the only "@", no '"', no "," in the domain), valid UTF-8 for valid
// input, and normalising it again gives it back where Auth.js's does (not
// for an address that ends in white space before a ","); on the real
// packages' inputs it returns what they returned.
func fuzzNormaliser(f *testing.F, normalize func(string) (string, error), files ...string) {
	want := map[string]string{}
	for _, file := range files {
		for in, out := range normaliserSeeds(f, file) {
			want[in] = out
			f.Add(in)
		}
	}
	for _, s := range []string{"", "@", "a@", "@b", "a@b@c", "ＡＢ@ｅｘａｍｐｌｅ.ｃｏｍ", "İ@x.io", "\u212a@x.io", "ΑΣ@x.io", "\u00a0a@b.c\u3000", "a@b,", "a\xff@b.c", "ﬀ@x.io"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, email string) {
		got, err := normalize(email)
		if out, ok := want[email]; ok {
			if strings.HasPrefix(out, "Error:") != (err != nil) || err == nil && got != out {
				t.Fatalf("normalize(%+q) = %+q, %v; the real package: %+q", email, got, err, out)
			}
		}
		if err != nil {
			if !errors.Is(err, repository.ErrInvalidEmail) {
				t.Fatalf("normalize(%+q): %v is not ErrInvalidEmail", email, err)
			}
			return
		}
		local, domain, ok := strings.Cut(got, "@")
		switch {
		case !ok || local == "" || domain == "" || strings.Contains(domain, "@"):
			t.Fatalf("normalize(%+q) = %+q: not one address", email, got)
		case strings.Contains(got, `"`) || strings.Contains(domain, ","):
			t.Fatalf("normalize(%+q) = %+q: a quote or a comma in the domain", email, got)
		case utf8.ValidString(email) && !utf8.ValidString(got):
			t.Fatalf("normalize(%+q) = %+q: invalid UTF-8", email, got)
		}
		if jsstring.Trim(got) != got {
			return // "a@ ," gives "a@ ", which Auth.js refuses when given it (trimmed: "a@")
		}
		again, err := normalize(got)
		if err != nil || again != got {
			t.Fatalf("normalize(%+q) = %+q, normalised again %+q, %v", email, got, again, err)
		}
	})
}

func FuzzNormalizeIdentifier(f *testing.F) {
	fuzzNormaliser(f, repository.NormalizeIdentifier, "authjs/pg-flows.json", "authjs/prisma-flows.json", "authjs/drizzle-flows.json")
}

func FuzzNormalizeIdentifierV4(f *testing.F) {
	fuzzNormaliser(f, repository.NormalizeIdentifierV4, "authjs-v4/prisma-v4-flows.json")
}

// FuzzLowerEmail: LowerEmail never panics, keeps valid UTF-8 valid,
// lower-cases ASCII as strings.ToLower does, and lower-casing again changes
// nothing (as for JavaScript's toLowerCase).
func FuzzLowerEmail(f *testing.F) {
	for _, s := range []string{"", "Alice@Example.COM", "İ@x.io", "\u212a@x.io", "ΑΣ@x.io", "ΑΣ.Β@x.io", "ǅ@x.io", "ẞ@x.io", "a\xffb", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, email string) {
		got := repository.LowerEmail(email)
		switch {
		case utf8.ValidString(email) && !utf8.ValidString(got):
			t.Fatalf("LowerEmail(%+q) = %+q: invalid UTF-8", email, got)
		case isASCII(email) && got != strings.ToLower(email):
			t.Fatalf("LowerEmail(%+q) = %+q, not %+q", email, got, strings.ToLower(email))
		case repository.LowerEmail(got) != got:
			t.Fatalf("LowerEmail(%+q) = %+q, lower-cased again %+q", email, got, repository.LowerEmail(got))
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// nodeNormalizer runs @auth/core's own defaultNormalizer (the real one,
// from the installed package) on each input: the output, or "Error: …".
const nodeNormalizer = `
import { defaultNormalizer } from './node_modules/@auth/core/lib/actions/signin/send-token.js';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((s) => { try { return defaultNormalizer(s); } catch (e) { return 'Error: ' + e.message; } });
process.stdout.write(JSON.stringify(out), () => process.exit(0));
`

// NormalizeIdentifier gives what Auth.js's defaultNormalizer gives, run by
// Node.js, on the fuzz targets' seeds and corpus and on 3 000 strings made
// of the characters that matter to it (white space, "@" and its full-width
// form, ",", '"', ".", letters whose case mapping or NFKC form is special).
func TestNormalizeIdentifierMatchesNode(t *testing.T) {
	t.Parallel()
	installNode(t)
	inputs := []string{"", "@", "a@", "0@ ,", "ＡＢ@ｅｘａｍｐｌｅ.ｃｏｍ", "İ@x.io", "\u212a@x.io", "ΑΣ@x.io", "\u00a0a@b.c\u3000", "ﬀ@x.io"}
	for _, file := range []string{"authjs/pg-flows.json", "authjs/prisma-flows.json", "authjs/drizzle-flows.json"} {
		for _, v := range readVectors(t, file).NormalizeIdentifier {
			inputs = append(inputs, v.Input)
		}
	}
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzNormalizeIdentifier/*")
	for _, name := range corpus {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		for _, line := range strings.Split(string(b), "\n") {
			if q, ok := strings.CutPrefix(line, "string("); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
				require.NoError(t, err, name)
				inputs = append(inputs, s)
			}
		}
	}
	alphabet := []string{"a", "B", "0", "@", "＠", ",", ".", "\"", " ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\ufeff",
		"İ", "\u212a", "Σ", "ς", "ﬀ", "ß", "ǅ", "é", "e\u0301", "ᾼ", "\u0345", "ｅ", "①", "\u00b5"}
	r := rand.New(rand.NewPCG(14, 14))
	for range 3000 {
		var b strings.Builder
		for range 1 + r.IntN(10) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	var valid []string
	for _, s := range inputs {
		if utf8.ValidString(s) { // JSON carries valid UTF-8 only
			valid = append(valid, s)
		}
	}
	in, err := json.Marshal(valid)
	require.NoError(t, err)
	cmd := exec.Command("node", "--input-type=module", "-e", nodeNormalizer)
	cmd.Dir, cmd.Stdin = authjsnode.Dir(), bytes.NewReader(in)
	out, err := cmd.Output()
	require.NoError(t, err)
	var want []string
	require.NoError(t, json.Unmarshal(out, &want))
	require.Len(t, want, len(valid))
	for i, s := range valid {
		got, err := repository.NormalizeIdentifier(s)
		if strings.HasPrefix(want[i], "Error: ") {
			assert.ErrorIs(t, err, repository.ErrInvalidEmail, "%+q: Auth.js says %s", s, want[i])
		} else if assert.NoError(t, err, "%+q: Auth.js gives %+q", s, want[i]) {
			assert.Equal(t, want[i], got, "%+q", s)
		}
	}
}
