package jsstring_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/jsstring"
)

// marks40 is 40 combining acute accents, all case-ignorable.
var marks40 = strings.Repeat("\u0301", 40)

// The expected values are what Node.js's toLowerCase returns.
func TestLower(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Alice@Example.COM", "alice@example.com"},
		{"İSTANBUL@x.tr", "i\u0307stanbul@x.tr"},
		{"ΟΔΟΣ@x.gr", "οδος@x.gr"},
		{"Σ@x", "σ@x"},
		{"ΣΑΣ.ΣΑΣ@x", "σασ.σας@x"},
		{"AΣ", "aς"},
		{"AΣb", "aσb"},
		{"A\u0301Σ", "a\u0301ς"},
		{"Α\u055FΣ", "α\u055Fς"}, // U+055F is case-ignorable
		{"KELVIN\u212a@x", "kelvink@x"},
		{"ǅ@x", "ǆ@x"},
		{"ΑΣ\u0301@x", "ας\u0301@x"},
		{"\u1E9E", "ß"},
		{"ʰΣ", "ʰσ"},                                 // ʰ is cased and case-ignorable: skipped, as V8 does
		{"Aʰ\u0301Σ", "aʰ\u0301ς"},                   // …so the letter before it counts
		{"ΑΣ" + marks40 + "Β", "ασ" + marks40 + "β"}, // any number of case-ignorables skipped
		{"ΑΣ" + marks40, "ας" + marks40},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, jsstring.Lower(tt.in), "Lower(%q)", tt.in)
	}
}

// contexts are lower.js's CONTEXTS: every code point alone and in the
// contexts of the Final_Sigma rule.
var contexts = []string{"X", "XΣ", "ΑXΣ", "ΑΣX", "ΑΣXΒ"}

// TestLowerAgreesWithNode compares Lower with Node.js's toLowerCase on every
// Unicode scalar value, alone and in each Final_Sigma context
// (testdata/lower.js prints Node's results). A difference is allowed only on
// a code point that is unassigned in the Unicode version of our tables while
// Node's is newer (such characters are left unchanged here), or on one whose
// case properties that newer version changed (changedLater).
func TestLowerAgreesWithNode(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH: install Node.js (Debian/Ubuntu: apt-get install nodejs, or run scripts/setup.sh)")
	}
	var stderr strings.Builder
	cmd := exec.CommandContext(t.Context(), "node", "testdata/lower.js")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node testdata/lower.js: %s", stderr.String())
	header, text, _ := strings.Cut(string(out), "\n")
	var node struct{ Unicode, Node string }
	require.NoError(t, json.Unmarshal([]byte(header), &node))
	t.Logf("Node.js %s, Unicode %s; Go tables: Unicode %s (unicode package %s)", node.Node, node.Unicode, jsstring.UnicodeVersion, unicode.Version)
	nodeNewer := versionLess(jsstring.UnicodeVersion, node.Unicode)

	// Node's lines for each context, without a slice of millions of strings
	// for the garbage collector to scan.
	xs := scalars()
	blocks := make([]string, len(contexts))
	for i := range contexts {
		end := 0
		for range xs {
			n := strings.IndexByte(text[end:], '\n')
			if n < 0 {
				t.Fatal("Node's output ended early")
			}
			end += n + 1
		}
		blocks[i], text = text[:end], text[end:]
	}
	require.Empty(t, text, "Node printed more lines than there are strings")

	type result struct {
		newer int
		wrong []string
	}
	results := make([]result, len(contexts))
	var wg sync.WaitGroup
	for i, ctx := range contexts {
		wg.Go(func() {
			res := &results[i]
			rest := blocks[i]
			for _, x := range xs {
				var want string
				want, rest, _ = strings.Cut(rest, "\n")
				got := jsstring.Lower(strings.ReplaceAll(ctx, "X", string(x)))
				switch {
				case got == want:
				case nodeNewer && (!assigned(x) || slices.Contains(changedLater[jsstring.UnicodeVersion], x)):
					res.newer++ // a character added or changed after our tables' Unicode version
				default:
					res.wrong = append(res.wrong, fmt.Sprintf("U+%04X in %q: Node %q, Go %q", x, ctx, want, got))
				}
			}
		})
	}
	wg.Wait()
	var newer int
	for i, res := range results {
		newer += res.newer
		assert.Empty(t, res.wrong, "Lower disagrees with Node.js's toLowerCase in context %q", contexts[i])
	}
	t.Logf("compared %d strings; %d differ only on characters added or changed after Unicode %s", len(contexts)*len(xs), newer, jsstring.UnicodeVersion)
}

// scalars returns every Unicode scalar value but "\n", ascending, as
// lower.js enumerates them.
func scalars() []rune {
	var xs []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r != '\n' && (r < 0xD800 || r > 0xDFFF) {
			xs = append(xs, r)
		}
	}
	return xs
}

// changedLater lists, by the Unicode version of our tables, the characters
// whose case properties a later version changed (Unicode 16.0: U+0295 from
// Ll to Lo, so no longer cased; U+1171E from Mn to Mc, so no longer
// case-ignorable).
var changedLater = map[string][]rune{"15.0.0": {0x0295, 0x1171E}}

// assigned reports whether r is assigned a character in the unicode
// package's tables (not General_Category Cn).
func assigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z,
		unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
}

// versionLess compares dotted version numbers: "15.0.0" < "17.0".
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			fmt.Sscan(as[i], &x)
		}
		if i < len(bs) {
			fmt.Sscan(bs[i], &y)
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// TestTrimAgreesWithNode compares Trim with Node.js's String.prototype.trim
// on every Unicode scalar value (testdata/trim.js).
func TestTrimAgreesWithNode(t *testing.T) {
	t.Parallel()
	var stderr strings.Builder
	cmd := exec.CommandContext(t.Context(), "node", "testdata/trim.js")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node testdata/trim.js: %s", stderr.String())
	var node struct {
		Unicode string
		Trimmed []rune
	}
	require.NoError(t, json.Unmarshal(out, &node))
	var got []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if (r < 0xD800 || r > 0xDFFF) && jsstring.Trim(string(r)+"a"+string(r)) == "a" {
			got = append(got, r)
		}
	}
	assert.Equal(t, node.Trimmed, got)
	assert.Contains(t, got, '\ufeff')
	assert.NotContains(t, got, '\u0085', "JavaScript keeps NEL, which strings.TrimSpace removes")
	assert.Equal(t, "a b", jsstring.Trim("\u3000\t a b\u2029\ufeff"))
}
