package oauthdemo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCodeExpires: a code is exchanged within a minute of its issue, and
// not a moment after; expired codes are dropped when a new one is issued.
func TestCodeExpires(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := New(People{{ID: 1, Login: "alice", Name: "Alice", Email: "alice@example.com"}})
	s.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	redirect := "http://app.example/cb"
	s.Provider(srv.URL, "github", redirect)
	issue := func(t *testing.T) string {
		t.Helper()
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.PostForm(srv.URL+"/login/oauth/authorize", url.Values{"client_id": {ClientID},
			"redirect_uri": {redirect}, "state": {"st"}, "person": {"0"}})
		require.NoError(t, err)
		res.Body.Close()
		to, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		require.NotEmpty(t, to.Query().Get("code"))
		return to.Query().Get("code")
	}
	exchange := func(t *testing.T, code string) int {
		t.Helper()
		res, err := http.PostForm(srv.URL+"/login/oauth/access_token", url.Values{"client_id": {ClientID},
			"client_secret": {ClientSecret}, "code": {code}, "redirect_uri": {redirect}})
		require.NoError(t, err)
		defer res.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		return res.StatusCode
	}

	code := issue(t)
	advance(codeTTL - time.Nanosecond)
	assert.Equal(t, http.StatusOK, exchange(t, code), "just in time")

	code = issue(t)
	advance(codeTTL)
	assert.Equal(t, http.StatusBadRequest, exchange(t, code), "expired")

	stale := issue(t)
	advance(codeTTL)
	issue(t)
	s.mu.Lock()
	_, kept := s.codes[hash(stale)]
	n := len(s.codes)
	s.mu.Unlock()
	assert.False(t, kept, "the expired code is dropped")
	assert.Equal(t, 1, n)
}
