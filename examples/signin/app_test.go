package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/repository"
)

// The tables of the example, NextAuth.js 2.0.0-beta.73's.
var usersTable, accountsTable, sessionsTable, tokensTable = gormauth.Beta73.Tables()

// rows returns how many rows each of the tables holds.
func (s *site) rows(t *testing.T) map[string]int64 {
	t.Helper()
	n := map[string]int64{}
	for _, table := range []string{usersTable, accountsTable, sessionsTable, tokensTable} {
		var c int64
		require.NoError(t, s.db.WithContext(context.Background()).Table(table).Count(&c).Error)
		n[table] = c
	}
	return n
}

// nothingWritten fails the test unless every table is empty and no link
// was mailed.
func (s *site) nothingWritten(t *testing.T) {
	t.Helper()
	for table, n := range s.rows(t) {
		assert.Zero(t, n, "rows in %s", table)
	}
	select {
	case <-s.links:
		t.Error("a sign-in link was mailed")
	default:
	}
}

// get answers a GET of path (with query) by c.
func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	require.NoError(t, err)
	return read(t, res)
}

func read(t *testing.T, res *http.Response) (int, string) {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

// styled fails the test unless page is one of the app's own pages, in its
// layout, and not a bare text or a library's page.
func styled(t *testing.T, page string) {
	t.Helper()
	assert.Contains(t, page, "· gormauth sign-in example</title>", "the app's layout")
	assert.Contains(t, page, `<link rel="stylesheet" href="/style.css">`, "styled")
	assert.Contains(t, page, `id="message"`, "a message page")
}

// TestBadCallback: back from the provider with the right state but no
// code, or one the provider refuses (a stale, reused or hand-made link),
// the visitor gets 400 and a page saying to start again, logged below
// ERROR, and nothing is written. The provider being down stays 502 at
// ERROR.
func TestBadCallback(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	callback := func(t *testing.T, query url.Values) (int, string) {
		t.Helper()
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Get(s.srv.URL + "/auth/github")
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusFound, res.StatusCode)
		to, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		query.Set("state", to.Query().Get("state"))
		return get(t, c, s.srv.URL+"/auth/github/callback?"+query.Encode())
	}
	for name, query := range map[string]url.Values{
		"made-up code": {"code": {"0123456789abcdef0123456789abcdef01234567"}},
		"no code":      {},
	} {
		t.Run(name, func(t *testing.T) {
			s.logs.reset()
			status, page := callback(t, query)
			assert.Equal(t, http.StatusBadRequest, status, page)
			styled(t, page)
			assert.Contains(t, page, "This sign-in link has expired or was already used")
			assert.Contains(t, page, `<a class="button primary" href="/">Start again</a>`)
			assert.Less(t, s.logs.max(), slog.LevelError, "%v", s.logs.messages())
			s.nothingWritten(t)
		})
	}
	t.Run("provider down", func(t *testing.T) {
		s := newSite(t, false)
		s.demoDown.Store(true)
		s.logs.reset()
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Get(s.srv.URL + "/auth/github")
		require.NoError(t, err)
		res.Body.Close()
		to, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		status, page := get(t, c, s.srv.URL+"/auth/github/callback?"+url.Values{"code": {"x"}, "state": {to.Query().Get("state")}}.Encode())
		assert.Equal(t, http.StatusBadGateway, status, page)
		styled(t, page)
		assert.Contains(t, page, "could not sign you in")
		assert.Equal(t, slog.LevelError, s.logs.max())
		s.nothingWritten(t)
	})
}

// TestMagicLinkRefused: an address that is none, or whose domain is not a
// name (an IP address, a domain literal), is refused before anything is
// written or mailed, with 400 and a page saying what is wrong.
func TestMagicLinkRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	for email, says := range map[string]string{
		"":                "Please type your email address",
		"   ":             "Please type your email address",
		"x@":              "is not an email address",
		"alice":           "is not an email address",
		"@example.com":    "is not an email address",
		"a@b@example.com": "is not an email address",
		`"a"@example.com`: "is not an email address",
		"alice@localhost": "is not an email address",
		// The relay would deliver to a host of the sender's choosing.
		"victim@[127.0.0.1]":        "does not end in a domain name",
		"victim@[192.0.2.1]":        "does not end in a domain name",
		"victim@[IPv6:2001:db8::1]": "is not an email address",
		"victim@127.0.0.1":          "does not end in a domain name",
		"victim@10.1":               "does not end in a domain name",
		strings.Repeat("a", repository.MaxEmailLen) + "@example.com": "is too long",
	} {
		t.Run(email, func(t *testing.T) {
			s.logs.reset()
			res, err := http.PostForm(s.srv.URL+"/magic-link", url.Values{"email": {email}})
			require.NoError(t, err)
			status, page := read(t, res)
			assert.Equal(t, http.StatusBadRequest, status)
			styled(t, page)
			assert.Contains(t, page, says)
			assert.Less(t, s.logs.max(), slog.LevelError, "%v", s.logs.messages())
			s.nothingWritten(t)
		})
	}
}

// TestCrossOrigin: a form posted from another site is refused with a
// styled 403 page, and nothing is written.
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	for _, path := range []string{"/magic-link", "/signout", "/sessions/sign-out-others"} {
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader("email=alice%40example.com"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://attacker.example")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		status, page := read(t, res)
		assert.Equal(t, http.StatusForbidden, status, path)
		styled(t, page)
		assert.Contains(t, page, "another site", path)
	}
	s.nothingWritten(t)
}

// TestNotFound: an unknown page is the app's styled 404.
func TestNotFound(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	status, page := get(t, http.DefaultClient, s.srv.URL+"/no-such-page")
	assert.Equal(t, http.StatusNotFound, status)
	styled(t, page)
}

// logRecorder is a slog.Handler that keeps the records it is given.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Clone())
	return nil
}

func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

func (l *logRecorder) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = nil
}

// max returns the highest level logged, or slog.LevelDebug-4 for none.
func (l *logRecorder) max() slog.Level {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := slog.LevelDebug - 4
	for _, r := range l.records {
		m = max(m, r.Level)
	}
	return m
}

func (l *logRecorder) messages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.records {
		out = append(out, r.Level.String()+" "+r.Message)
	}
	return out
}
