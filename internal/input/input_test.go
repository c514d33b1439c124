package input_test

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/jsstring"
)

// README's "Limits" table is Limits: the same rows, in the same order, with
// the same values, numbers and reasons.
func TestLimitsMatchREADME(t *testing.T) {
	f, err := os.Open("../../README.md")
	require.NoError(t, err)
	defer f.Close()
	var rows []input.Limit
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "## Limits":
			in = true
		case in && strings.HasPrefix(line, "## "):
			in = false
		case in && strings.HasPrefix(line, "| ") && strings.Contains(line, "| `Max"):
			cells := strings.Split(strings.Trim(line, "| "), " | ")
			require.Len(t, cells, 4, line)
			n, err := strconv.Atoi(strings.ReplaceAll(cells[2], " ", ""))
			require.NoError(t, err, line)
			rows = append(rows, input.Limit{Const: strings.Trim(cells[1], "`"), Bytes: n, Values: cells[0], Why: cells[3]})
		}
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, input.Limits, rows)
}

// Each constant appears in Limits once, with its value.
func TestLimitsTable(t *testing.T) {
	want := map[string]int{
		"MaxTokenLen": input.MaxTokenLen, "MaxSecretLen": input.MaxSecretLen, "MaxEmailLen": input.MaxEmailLen,
		"MaxNameLen": input.MaxNameLen, "MaxImageLen": input.MaxImageLen, "MaxProviderFieldLen": input.MaxProviderFieldLen,
		"MaxProviderTokenLen": input.MaxProviderTokenLen,
	}
	got := map[string]int{}
	for _, l := range input.Limits {
		assert.NotContains(t, got, l.Const)
		got[l.Const] = l.Bytes
		assert.NotEmpty(t, l.Values, l.Const)
		assert.NotEmpty(t, l.Why, l.Const)
	}
	assert.Equal(t, want, got)
	// Keys fit a PostgreSQL B-tree entry (about 2 690 bytes), the two of an
	// account key together.
	assert.Less(t, input.MaxTokenLen, 2690)
	assert.Less(t, input.MaxEmailLen+64, 2690, "an identifier beside its hash")
	assert.Less(t, 2*input.MaxProviderFieldLen, 2690, "a provider id beside its account id")
}

// checkSeeds are values near the edges that matter to Check and Lower.
var checkSeeds = []string{
	"", "a", "a\x00b", "a\xffb", "İ", "\u212a", "Σ", "ΑΣ", "alice@example.com", " Bob@Example.COM ",
	strings.Repeat("İ", 7), strings.Repeat("\u212a", 7), "\xf4\x90\x80\x80", "\xed\xa0\x80",
}

// FuzzCheck: Check never panics, accepts exactly what obeys every rule of
// the field (refusing more would make Go stricter than the JavaScript
// side), and refuses only with ErrInvalidInput.
func FuzzCheck(f *testing.F) {
	for _, s := range checkSeeds {
		f.Add(s, 8, 0, false)
		f.Add(s, 2, 1, true)
	}
	f.Fuzz(func(t *testing.T, value string, max, maxChars int, optional bool) {
		field := input.Field{Name: "value", Value: value, Max: max, MaxChars: maxChars, Optional: optional}
		err := input.Check("Fuzz", field)
		valid := (value != "" || optional) && len(value) <= max && strings.IndexByte(value, 0) < 0 &&
			utf8.ValidString(value) && (maxChars <= 0 || utf8.RuneCountInString(value) <= maxChars)
		if err != nil && valid {
			t.Fatalf("Check(%+q, max %d, chars %d, optional %v) refused a valid value: %v", value, max, maxChars, optional, err)
		}
		if err != nil {
			if !errors.Is(err, fail.ErrInvalidInput) {
				t.Fatalf("Check(%+q): %v is not ErrInvalidInput", value, err)
			}
			if len(value) >= 16 && strings.Contains(err.Error(), value) {
				t.Fatalf("Check(%+q): the error shows the value: %v", value, err)
			}
			return
		}
		switch {
		case value == "" && !optional:
			t.Fatal("an empty value accepted")
		case len(value) > max:
			t.Fatalf("%d bytes accepted, max %d", len(value), max)
		case strings.IndexByte(value, 0) >= 0:
			t.Fatal("a NUL byte accepted")
		case !utf8.ValidString(value):
			t.Fatal("invalid UTF-8 accepted")
		case maxChars > 0 && utf8.RuneCountInString(value) > maxChars:
			t.Fatalf("%d characters accepted, max %d", utf8.RuneCountInString(value), maxChars)
		}
	})
}

// FuzzLower: Lower never panics; it returns JavaScript's toLowerCase of
// the address, within the limit, or ErrInvalidInput, and refuses only an
// address that is empty, holds a NUL byte, is invalid UTF-8 or is over
// the limit lower-cased; lower-casing again changes nothing.
func FuzzLower(f *testing.F) {
	for _, s := range checkSeeds {
		f.Add(s, 16)
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, email string, max int) {
		got, err := input.Lower("Fuzz", "email", email, max)
		if err != nil && email != "" && strings.IndexByte(email, 0) < 0 && utf8.ValidString(email) && len(jsstring.Lower(email)) <= max {
			t.Fatalf("Lower(%+q, %d) refused an address within the limit: %v", email, max, err)
		}
		if err != nil {
			if !errors.Is(err, fail.ErrInvalidInput) {
				t.Fatalf("Lower(%+q): %v is not ErrInvalidInput", email, err)
			}
			return
		}
		switch {
		case email == "" || strings.IndexByte(email, 0) >= 0 || !utf8.ValidString(email):
			t.Fatalf("Lower(%+q) accepted a value Check refuses", email)
		case len(got) > max:
			t.Fatalf("Lower(%+q) = %d bytes, more than %d", email, len(got), max)
		case got != jsstring.Lower(email):
			t.Fatalf("Lower(%+q) = %+q, not toLowerCase", email, got)
		case jsstring.Lower(got) != got:
			t.Fatalf("Lower(%+q) = %+q lower-cases again to %+q", email, got, jsstring.Lower(got))
		}
	})
}

// CheckKept lets only the byte limit pass, and marks the fields over it.
func TestCheckKept(t *testing.T) {
	fields := []input.Field{
		{Name: "name", Value: "abcd", Max: 3},
		{Name: "email", Value: "ab", Max: 3},
		{Name: "image", Value: "abcdef", Max: 3},
	}
	kept, err := input.CheckKept("op", fields...)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true}, kept)
	assert.Equal(t, "name and image", input.Names(fields, kept))
	assert.Equal(t, "name, email and image", input.Names(fields, []bool{true, true, true}))
	assert.Equal(t, "email", input.Names(fields, []bool{false, true, false}))
	for _, f := range []input.Field{
		{Name: "nul", Value: "ab\x00cd", Max: 3},
		{Name: "utf8", Value: "ab\xffcd", Max: 3},
		{Name: "chars", Value: "abcdef", Max: 3, MaxChars: 5},
		{Name: "empty", Value: "", Max: 3},
	} {
		_, err := input.CheckKept("op", f)
		assert.ErrorIs(t, err, fail.ErrInvalidInput, f.Name)
	}
}
