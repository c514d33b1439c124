package gothauth_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/facebook"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/gothauth"
)

// leakedToken is the access token the fake token endpoint issues.
const leakedToken = "EAAB-SECRET-ACCESS-TOKEN"

// tokenThenDown answers the token endpoint with leakedToken and fails every
// other request as a provider that is down does.
type tokenThenDown struct{}

func (tokenThenDown) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost { // the token endpoint
		body := `{"access_token":"` + leakedToken + `","token_type":"Bearer","expires_in":3600}`
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	}
	return nil, errors.New("connection refused")
}

// TestProviderErrorNoToken: goth's Facebook provider (as Google's,
// Instagram's and VK's) sends the access token in the profile URL; when the
// provider is down, net/http's error names that URL. The callback's error,
// logged at ERROR and given to ErrorPage, must not carry the token (it
// carried it in full).
func TestProviderErrorNoToken(t *testing.T) {
	var logs bytes.Buffer
	var pageErr error
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p := facebook.New("client", "client-secret", srv.URL+"/auth/facebook/callback")
	p.HTTPClient = &http.Client{Transport: tokenThenDown{}}
	h, err := gothauth.New(newRepo(t, gormauth.Beta73), gothauth.Options{Providers: []goth.Provider{p}, Secret: secret,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		ErrorPage: func(w http.ResponseWriter, r *http.Request, err error) {
			pageErr = err
			gothauth.DefaultErrorPage(w, r, err)
		}})
	require.NoError(t, err)
	mux.HandleFunc("GET /auth/{provider}", h.Begin)
	mux.HandleFunc("GET /auth/{provider}/callback", h.Callback)

	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(srv.URL + "/auth/facebook")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	to, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/auth/facebook/callback?code=c0de&state="+url.QueryEscape(to.Query().Get("state")), nil)
	require.NoError(t, err)
	for _, ck := range res.Cookies() {
		req.AddCookie(ck)
	}
	res, err = c.Do(req)
	require.NoError(t, err)
	res.Body.Close()

	require.Equal(t, http.StatusBadGateway, res.StatusCode)
	require.ErrorIs(t, pageErr, gothauth.ErrProvider)
	require.Contains(t, pageErr.Error(), `"https://graph.facebook.com/me": connection refused`)
	require.NotContains(t, pageErr.Error(), leakedToken)
	require.Contains(t, logs.String(), "connection refused")
	require.NotContains(t, logs.String(), leakedToken)
}
