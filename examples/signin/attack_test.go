package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/repository"
)

// browser returns a client with its own cookies that does not follow
// redirects, as a person's browser tab seen one answer at a time.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// askLink asks for a sign-in link for email and returns the link mailed.
func (s *site) askLink(t *testing.T, email string) string {
	t.Helper()
	res, err := http.PostForm(s.srv.URL+"/magic-link", url.Values{"email": {email}})
	require.NoError(t, err)
	status, page := read(t, res)
	require.Equal(t, http.StatusOK, status, page)
	select {
	case link := <-s.links:
		return link
	default:
		t.Fatal("no sign-in link was mailed")
		return ""
	}
}

// tokenOf returns the sign-in token a link carries, as the repository
// takes it.
func (s *site) tokenOf(t *testing.T, link string) repository.SignInToken {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	return repository.SignInToken{Identifier: u.Query().Get("email"), Token: u.Query().Get("token")}
}

// live reports whether the sign-in token of link can still be redeemed.
func (s *site) live(t *testing.T, link string) bool {
	t.Helper()
	_, err := s.repo.Verifications.Find(context.Background(), s.tokenOf(t, link))
	if err != nil {
		require.ErrorIs(t, err, repository.ErrNotFound)
		return false
	}
	return true
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`)

// confirm opens link in c, as a person's click does, and returns the
// confirmation page's form.
func confirm(t *testing.T, c *http.Client, link string) (page string, form url.Values) {
	t.Helper()
	status, page := get(t, c, link)
	require.Equal(t, http.StatusOK, status, page)
	form = url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], htmlUnescape(m[2]))
	}
	require.NotEmpty(t, form.Get("token"), "the page's form carries the token: %s", page)
	return page, form
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// signIn posts the confirmation form in c and returns where it led.
func (s *site) signIn(t *testing.T, c *http.Client, form url.Values) (int, string, *http.Response) {
	t.Helper()
	res, err := c.PostForm(s.srv.URL+"/magic", form)
	require.NoError(t, err)
	status, page := read(t, res)
	return status, page, res
}

// signedInAs returns the email of the user c is signed in as, or "".
func (s *site) signedInAs(t *testing.T, c *http.Client) string {
	t.Helper()
	status, page := get(t, c, s.srv.URL+"/account")
	if status != http.StatusOK {
		return ""
	}
	m := regexp.MustCompile(`id="user-email">([^<]*)<`).FindStringSubmatch(page)
	require.NotNil(t, m, page)
	return m[1]
}

// TestMagicLinkScanner: a mail scanner that fetches a sign-in link (GET or
// HEAD, without cookies) gets a confirmation page: no session, nothing
// written, and the link still works; the person's click shows the page,
// and its button signs them in.
func TestMagicLinkScanner(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	link := s.askLink(t, "alice@example.com")
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, err := http.NewRequest(method, link, nil)
		require.NoError(t, err)
		res, err := browser(t).Do(req)
		require.NoError(t, err)
		status, page := read(t, res)
		assert.Equal(t, http.StatusOK, status, "%s: %s", method, page)
		assert.Empty(t, res.Cookies(), "%s sets no cookie", method)
		assert.Equal(t, "same-origin", res.Header.Get("Referrer-Policy"), "%s: the page's URL holds the token", method)
		if method == http.MethodGet {
			assert.Contains(t, page, "Continue as alice@example.com?")
		}
	}
	n := s.rows(t)
	assert.Zero(t, n[sessionsTable], "no session")
	assert.Zero(t, n[usersTable], "no user")
	assert.True(t, s.live(t, link), "the link still works")

	c := browser(t)
	_, form := confirm(t, c, link)
	assert.Equal(t, "alice@example.com", form.Get("email"))
	assert.True(t, s.live(t, link), "showing the page redeems nothing")
	status, page, res := s.signIn(t, c, form)
	require.Equal(t, http.StatusSeeOther, status, page)
	assert.Equal(t, "/account", res.Header.Get("Location"))
	assert.Equal(t, "alice@example.com", s.signedInAs(t, c))
	n = s.rows(t)
	assert.EqualValues(t, 1, n[sessionsTable])
	assert.False(t, s.live(t, link), "used up")

	// The same form again, as a second click: the link is spent.
	status, page, _ = s.signIn(t, browser(t), form)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, page, "This link does not work")
	assert.EqualValues(t, 1, s.rows(t)[sessionsTable])
}

// TestMagicLinkOtherPersonSignedIn: opening Alice's link in a browser
// where Bob is signed in says so before anything happens; continuing
// signs Alice in there and ends Bob's session of that browser.
func TestMagicLinkOtherPersonSignedIn(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	c := browser(t)
	_, form := confirm(t, c, s.askLink(t, "bob@example.com"))
	status, page, _ := s.signIn(t, c, form)
	require.Equal(t, http.StatusSeeOther, status, page)
	require.Equal(t, "bob@example.com", s.signedInAs(t, c))

	link := s.askLink(t, "alice@example.com")
	page, form = confirm(t, c, link)
	assert.Contains(t, page, "You are signed in as <strong>bob@example.com</strong>")
	assert.Contains(t, page, "Continue as <strong>alice@example.com</strong>?")
	assert.Equal(t, "bob@example.com", s.signedInAs(t, c), "still Bob until the button")
	assert.True(t, s.live(t, link))

	status, page, _ = s.signIn(t, c, form)
	require.Equal(t, http.StatusSeeOther, status, page)
	assert.Equal(t, "alice@example.com", s.signedInAs(t, c))
	assert.EqualValues(t, 1, s.rows(t)[sessionsTable], "Bob's session in this browser ended")
}

// TestMagicLinkCrossOrigin: another site's page cannot post a link's form
// (login CSRF: signing the visitor in as the attacker): 403, and the link
// stays valid and unused.
func TestMagicLinkCrossOrigin(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	link := s.askLink(t, "mallory@example.com")
	tok := s.tokenOf(t, link)
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/magic",
		strings.NewReader(url.Values{"email": {tok.Identifier}, "token": {tok.Token}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://attacker.example")
	res, err := browser(t).Do(req)
	require.NoError(t, err)
	status, page := read(t, res)
	assert.Equal(t, http.StatusForbidden, status, page)
	assert.Empty(t, res.Cookies())
	assert.Zero(t, s.rows(t)[sessionsTable])
	assert.True(t, s.live(t, link))
}

// TestMagicLinkHeaderInjection: addresses with line breaks or other
// control characters, or that net/mail reads as something else than the
// whole input (a display name, several addresses), are refused: nothing is
// stored and nothing reaches the mailer.
func TestMagicLinkHeaderInjection(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	for _, email := range []string{
		"alice@example.com\r\nbcc: x@y.z",
		"alice@example.com\r\nbcc: x",
		"alice@example.com\nbcc: x",
		"alice@exa\rmple.com",
		"alice@example.com\x00",
		"alice@example.com\t",
		"alice@example.com\u0085",
		"alice@example.com\u2028x",
		"Alice <alice@example.com>",
		"<alice@example.com>",
		"alice@example.com,x",
		"alice@example.com;x",
		"alice@ex ample.com",
		"(comment)alice@example.com",
	} {
		t.Run(strconv.Quote(email), func(t *testing.T) {
			res, err := http.PostForm(s.srv.URL+"/magic-link", url.Values{"email": {email}})
			require.NoError(t, err)
			status, page := read(t, res)
			assert.Equal(t, http.StatusBadRequest, status)
			styled(t, page)
			assert.Contains(t, page, "Please check the address")
			s.nothingWritten(t)
		})
	}
}

// TestMagicLinkRateLimited: 20 requests for one address in a row: the
// first 3 mail a link, each making the previous one stop working, the
// others are 429 with Retry-After and write and mail nothing; one link is
// live, the last.
func TestMagicLinkRateLimited(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	var links []string
	for i := range 20 {
		res, err := http.PostForm(s.srv.URL+"/magic-link", url.Values{"email": {"alice@example.com"}})
		require.NoError(t, err)
		status, page := read(t, res)
		if i < 3 {
			require.Equal(t, http.StatusOK, status, "request %d: %s", i+1, page)
			links = append(links, <-s.links)
			continue
		}
		before := s.rows(t)
		assert.Equal(t, http.StatusTooManyRequests, status, "request %d", i+1)
		wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
		assert.NoError(t, err, "Retry-After in seconds")
		assert.True(t, wait >= 1 && wait <= 15*60, "Retry-After %d", wait)
		styled(t, page)
		assert.Contains(t, page, "Too many sign-in links")
		assert.Equal(t, before, s.rows(t))
		select {
		case <-s.links:
			t.Fatalf("request %d mailed a link", i+1)
		default:
		}
	}
	assert.EqualValues(t, 1, s.rows(t)[tokensTable], "one live link")
	for _, old := range links[:2] {
		assert.False(t, s.live(t, old), "an older link stopped working")
		status, page := get(t, browser(t), old)
		assert.Equal(t, http.StatusNotFound, status)
		assert.Contains(t, page, "This link does not work")
	}
	c := browser(t)
	_, form := confirm(t, c, links[2])
	status, page, _ := s.signIn(t, c, form)
	require.Equal(t, http.StatusSeeOther, status, page)
	assert.Equal(t, "alice@example.com", s.signedInAs(t, c))
}

// TestMagicLinkRateLimitedPerClient: one client asking for links to many
// addresses is limited to 10 in 15 minutes, whatever X-Forwarded-For it
// sends (no proxy is trusted by default).
func TestMagicLinkRateLimitedPerClient(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	for i := range 12 {
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/magic-link",
			strings.NewReader(url.Values{"email": {"victim" + strconv.Itoa(i) + "@example.com"}}.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		status, page := read(t, res)
		if i < 10 {
			require.Equal(t, http.StatusOK, status, page)
			<-s.links
		} else {
			assert.Equal(t, http.StatusTooManyRequests, status, "request %d", i+1)
			assert.NotEmpty(t, res.Header.Get("Retry-After"))
		}
	}
	assert.EqualValues(t, 10, s.rows(t)[tokensTable])
	assert.Empty(t, s.links)
}

// TestRedeemLeavesNoOtherLive: of two links for one address (made before
// links replaced each other, or by NextAuth.js on the same tables),
// redeeming one makes the other stop working.
func TestRedeemLeavesNoOtherLive(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	ctx := context.Background()
	var links []string
	for range 2 {
		tok, err := repository.NewSignInToken()
		require.NoError(t, err)
		_, err = s.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "alice@example.com", Token: tok}, 0)
		require.NoError(t, err)
		links = append(links, s.srv.URL+"/magic?"+url.Values{"email": {"alice@example.com"}, "token": {tok}}.Encode())
	}
	c := browser(t)
	_, form := confirm(t, c, links[0])
	status, page, _ := s.signIn(t, c, form)
	require.Equal(t, http.StatusSeeOther, status, page)
	assert.False(t, s.live(t, links[1]))
	assert.Zero(t, s.rows(t)[tokensTable])
}

// TestUnlinkedNotice: when a link verifies an address for the first time
// and the repository removes the provider accounts linked to it before
// (anyone could have claimed the address at a provider that does not
// verify it), the person is told which, after signing in.
func TestUnlinkedNotice(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	email := "alice@example.com"
	_, err := s.repo.SignInOAuth(context.Background(), repository.OAuthSignIn{
		Account: repository.Account{Provider: "github", ProviderAccountID: "666", Type: "oauth"},
		Email:   &email,
	})
	require.NoError(t, err)
	c := browser(t)
	_, form := confirm(t, c, s.askLink(t, email))
	status, page, _ := s.signIn(t, c, form)
	require.Equal(t, http.StatusOK, status, page)
	assert.Contains(t, page, "You are signed in · gormauth sign-in example</title>")
	assert.Contains(t, page, `<strong id="unlinked-accounts">GitHub (demo)</strong>`)
	assert.Contains(t, page, "unlinked")
	assert.Contains(t, page, `href="/account"`)
	assert.Equal(t, email, s.signedInAs(t, c))
	assert.Zero(t, s.rows(t)[accountsTable])
}

// wantHeaders are the headers every page of the app carries, but for
// Referrer-Policy, which a page whose URL holds a token sets to
// same-origin.
var wantHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
	"X-Frame-Options":         "DENY",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "strict-origin-when-cross-origin",
}

// TestSecurityHeaders: every answer, page or not, carries the headers;
// the pages need nothing the policy forbids (no inline style or script).
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	signedIn := browser(t)
	_, form := confirm(t, signedIn, s.askLink(t, "bob@example.com"))
	_, _, _ = s.signIn(t, signedIn, form)
	link := s.askLink(t, "alice@example.com")
	post := func(path string, form url.Values, header map[string]string) *http.Request {
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		return req
	}
	getReq := func(path string) *http.Request {
		req, err := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		require.NoError(t, err)
		return req
	}
	for _, tc := range []struct {
		name     string
		client   *http.Client
		req      *http.Request
		referrer string
	}{
		{"sign-in page", browser(t), getReq("/"), ""},
		{"account page", signedIn, getReq("/account"), ""},
		{"account, signed out", browser(t), getReq("/account"), ""},
		{"not found", browser(t), getReq("/nope"), ""},
		{"stylesheet", browser(t), getReq("/style.css"), ""},
		{"link page", browser(t), getReq(strings.TrimPrefix(link, s.srv.URL)), "same-origin"},
		{"spent link page", browser(t), getReq("/magic?email=x%40example.com&token=nope"), "same-origin"},
		{"bad address", browser(t), post("/magic-link", url.Values{"email": {"x"}}, nil), ""},
		{"check your email", browser(t), post("/magic-link", url.Values{"email": {"carol@example.com"}}, nil), ""},
		{"cross-origin", browser(t), post("/signout", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}), ""},
		{"OAuth begin", browser(t), getReq("/auth/github"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.client.Do(tc.req)
			require.NoError(t, err)
			status, page := read(t, res)
			assert.Less(t, status, 600)
			for name, want := range wantHeaders {
				if name == "Referrer-Policy" && tc.referrer != "" {
					want = tc.referrer
				}
				assert.Equal(t, want, res.Header.Get(name), name)
			}
			assert.NotContains(t, page, "<style")
			assert.NotContains(t, page, " style=")
			assert.NotContains(t, page, "<script")
		})
	}
	select {
	case <-s.links:
	case <-time.After(time.Second):
	}
}

// askFrom asks for a sign-in link for email as a client at remote (an
// address and port, IPv6 ones in brackets), through the app's handler,
// and returns the status and the link mailed ("" for none).
func (s *site) askFrom(t *testing.T, email, remote string) (status int, link string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/magic-link", strings.NewReader(url.Values{"email": {email}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remote
	w := httptest.NewRecorder()
	s.srv.Config.Handler.ServeHTTP(w, req)
	if w.Code == http.StatusTooManyRequests {
		assert.NotEmpty(t, w.Header().Get("Retry-After"))
		assert.Contains(t, w.Body.String(), "Too many sign-in links")
	}
	select {
	case link = <-s.links:
	default:
	}
	return w.Code, link
}

// refusedWritesNothing asks for a link for email from remote, expects
// 429, and fails the test unless nothing was written or mailed.
func (s *site) refusedWritesNothing(t *testing.T, email, remote string) {
	t.Helper()
	before := s.rows(t)
	status, link := s.askFrom(t, email, remote)
	assert.Equal(t, http.StatusTooManyRequests, status, email)
	assert.Empty(t, link, "a refused request mailed a link")
	assert.Equal(t, before, s.rows(t), "a refused request wrote")
}

// TestMagicLinkRateLimitedPerMailbox: spellings of one Gmail inbox (case,
// +tags, dots, googlemail.com) share the per-address limit of 3, asked
// for from different networks; each link goes to the address as typed.
func TestMagicLinkRateLimitedPerMailbox(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	for i, email := range []string{"victim@gmail.com", "victim+1@gmail.com", "v.ictim@gmail.com"} {
		status, link := s.askFrom(t, email, "198.51."+strconv.Itoa(i)+".1:4711")
		require.Equal(t, http.StatusOK, status, email)
		assert.Equal(t, email, s.tokenOf(t, link).Identifier, "stored and mailed as typed")
	}
	for i, email := range []string{"V.Ictim+news@googlemail.com", "vi.c.tim+2@GMAIL.com", "victim@gmail.com"} {
		s.refusedWritesNothing(t, email, "203.0."+strconv.Itoa(i)+".1:4711")
	}
	// Another inbox at the same domain has its own count, and a +tag
	// elsewhere is cut too, but not the dots.
	for i, email := range []string{"alice+a@example.com", "alice+b@example.com", "alice@example.com", "a.lice@example.com"} {
		status, _ := s.askFrom(t, email, "192.0.2."+strconv.Itoa(i)+":4711")
		assert.Equal(t, http.StatusOK, status, email)
	}
	s.refusedWritesNothing(t, "Alice+c@Example.com", "192.0.2.99:4711")
}

// TestMagicLinkRateLimitedPerDomain: many addresses at one domain, asked
// for from many networks, get 50 links in 15 minutes, then none; other
// domains are not held up.
func TestMagicLinkRateLimitedPerDomain(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	for i := range linksPerDomain {
		status, link := s.askFrom(t, "user"+strconv.Itoa(i)+"@victim.example", "10."+strconv.Itoa(i)+".0.1:4711")
		require.Equal(t, http.StatusOK, status, "request %d", i+1)
		require.NotEmpty(t, link)
	}
	s.refusedWritesNothing(t, "another@victim.example", "10.200.0.1:4711")
	s.refusedWritesNothing(t, "another@VICTIM.example", "10.201.0.1:4711")
	status, _ := s.askFrom(t, "someone@elsewhere.example", "10.202.0.1:4711")
	assert.Equal(t, http.StatusOK, status)
	assert.EqualValues(t, linksPerDomain+1, s.rows(t)[tokensTable])
}

// TestMagicLinkRateLimitedPerNetwork: a client with an IPv6 /48 (65 536
// /64s, each a client of its own) or with addresses across an IPv4 /24
// gets 30 links in 15 minutes, then none; another network is not held up.
func TestMagicLinkRateLimitedPerNetwork(t *testing.T) {
	t.Parallel()
	s := newSite(t, false)
	for _, tc := range []struct {
		name    string
		remote  func(i int) string
		another string
	}{
		{"IPv6 /48", func(i int) string { return "[2001:db8:1:" + strconv.FormatInt(int64(i), 16) + "::1]:4711" }, "[2001:db8:2::1]:4711"},
		{"IPv4 /24", func(i int) string { return "192.0.2." + strconv.Itoa(i+1) + ":4711" }, "192.0.3.1:4711"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := range linksPerNetwork {
				email := "person" + strconv.Itoa(i) + "@" + tc.name[:4] + "-" + strconv.Itoa(i) + ".example"
				status, _ := s.askFrom(t, email, tc.remote(i))
				require.Equal(t, http.StatusOK, status, "request %d", i+1)
			}
			s.refusedWritesNothing(t, "one.more@"+tc.name[:4]+".example", tc.remote(linksPerNetwork))
			status, _ := s.askFrom(t, "one.more@"+tc.name[:4]+".example", tc.another)
			assert.Equal(t, http.StatusOK, status, "another network")
		})
	}
}

// TestMailboxKey: the per-address limit's key of an address, one per
// inbox.
func TestMailboxKey(t *testing.T) {
	t.Parallel()
	for email, want := range map[string]string{
		"alice@example.com":             "alice@example.com",
		"Alice@Example.COM":             "alice@example.com",
		"alice+news@example.com":        "alice@example.com",
		"alice+a+b@example.com":         "alice@example.com",
		"a.lice@example.com":            "a.lice@example.com",
		"victim@gmail.com":              "victim@gmail.com",
		"v.i.c.t.i.m+x@gmail.com":       "victim@gmail.com",
		"V.ictim@GoogleMail.com":        "victim@gmail.com",
		"+tag@example.com":              "@example.com",
		"victim@gmail.com.evil.example": "victim@gmail.com.evil.example",
	} {
		assert.Equal(t, want, mailboxKey(email), email)
	}
}
