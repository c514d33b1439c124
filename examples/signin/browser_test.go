package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

var screenshots = flag.String("screenshots", "", "write the screenshots of TestBrowser into this folder (README's are docs/screenshots)")

func TestMain(m *testing.M) { testdb.Main(m) }

// chromium returns the path of a Chromium or Chrome, or fails the test
// with how to install one: the browser test never skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium or Chrome on PATH: the browser test drives one. Install it with scripts/setup.sh test, " +
		"or apt-get install -y chromium (Debian), chromium-browser (Ubuntu)")
	return ""
}

// site is the example in demo mode on a test server, plain or TLS, with
// the magic links it mails.
type site struct {
	srv   *httptest.Server
	db    *gorm.DB
	repo  *repository.Repository
	links chan string
	logs  *logRecorder
	// demoDown makes the demo provider unreachable for the app's requests
	// (the code exchange, the profile).
	demoDown atomic.Bool
}

// reachable is a transport that fails while down is set.
type reachable struct {
	base http.RoundTripper
	down *atomic.Bool
}

func (r reachable) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.down.Load() {
		return nil, errors.New("connection refused (the test's demo provider is down)")
	}
	return r.base.RoundTrip(req)
}

func newSite(t *testing.T, tls bool) *site {
	t.Helper()
	db := testdb.Open(t)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73))
	secret := strings.Repeat("s", 32)
	s := &site{db: db, repo: repository.New(db, gormauth.Beta73, repository.Options{Secret: []string{secret}}),
		links: make(chan string, 64), logs: &logRecorder{}}
	mux := http.NewServeMux()
	s.srv = httptest.NewUnstartedServer(mux)
	if tls {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	t.Cleanup(s.srv.Close)
	base := s.srv.URL
	cfg := config{repo: s.repo, baseURL: base, secret: secret, demo: true,
		logger: slog.New(s.logs),
		mail:   func(_ context.Context, _, link string) error { s.links <- link; return nil }}
	client := &http.Client{Transport: reachable{base: http.DefaultTransport, down: &s.demoDown}}
	if tls {
		client.Transport = reachable{base: s.srv.Client().Transport, down: &s.demoDown} // trusts the test server's certificate, for the code exchange
	}
	cfg.providers = mountDemo(mux, base, client)
	h, err := newApp(cfg)
	require.NoError(t, err)
	mux.Handle("/", h)
	return s
}

// TestBrowser clicks through the example in headless Chromium, over plain
// HTTP and over HTTPS: OAuth sign-in at the demo provider, the account
// page, a second browser signed in as the same user, "sign out of all
// other devices" from the first ending the second's session, a magic link
// (fetched by a mail scanner first, then confirmed on its page), linking
// another provider, and signing out; and it checks the cookies the browser
// stored.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	for _, tls := range []bool{false, true} {
		name := map[bool]string{false: "http", true: "https"}[tls]
		t.Run(name, func(t *testing.T) {
			s := newSite(t, tls)
			opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
				chromedp.Flag("ignore-certificate-errors", true), chromedp.WindowSize(900, 900))
			allocCtx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
			defer cancel()
			ctx, cancel := context.WithTimeout(allocCtx, 2*time.Minute)
			defer cancel()
			first, cancel := chromedp.NewContext(ctx)
			defer cancel()
			shot := screenshotter(t, tls)

			// Alice signs in with GitHub (demo) in the first browser.
			require.NoError(t, chromedp.Do(first,
				chromedp.Navigate(s.srv.URL+"/"),
				chromedp.WaitVisible(chromedp.ID("signin")),
			))
			shot(first, "1-sign-in")
			require.NoError(t, chromedp.Do(first,
				follow(chromedp.ID("provider-github")),
				chromedp.WaitVisible(chromedp.CSS(`button[name="person"]`)),
			))
			shot(first, "2-provider")
			assert.Equal(t, "GitHub (demo)", text(t, first, "#provider"), "the demo provider says which provider was picked")
			require.NoError(t, chromedp.Do(first,
				follow(chromedp.CSS(`button[name="person"][value="0"]`)),
				chromedp.WaitVisible(chromedp.ID("account")),
			))
			assert.Equal(t, "alice@example.com", text(t, first, "#user-email"))
			assert.Equal(t, "GitHub (demo)", text(t, first, "#accounts"), "the linked account by the label on the buttons")

			cookies := cookiesOf(t, first, s.srv.URL)
			session := cookies[map[bool]string{false: "next-auth.session-token", true: "__Secure-next-auth.session-token"}[tls]]
			require.NotNil(t, session, "the session cookie, by its name for the scheme: %v", names(cookies))
			assert.True(t, session.HTTPOnly, "HttpOnly")
			assert.Equal(t, network.CookieSameSiteLax, session.SameSite)
			assert.Equal(t, tls, session.Secure, "Secure over HTTPS only")
			assert.Equal(t, "/", session.Path)
			assert.InDelta(t, float64(time.Now().Add(repository.DefaultMaxAge).Unix()), session.Expires, 120, "Expires = the session's")
			assert.Len(t, cookies, 1, "no other cookie stays behind (the OAuth state is gone): %v", names(cookies))

			// A second browser, signed in as Alice too.
			second, cancel := chromedp.NewContext(first, chromedp.WithNewBrowserContext())
			defer cancel()
			require.NoError(t, chromedp.Do(second,
				chromedp.Navigate(s.srv.URL+"/"),
				follow(chromedp.ID("provider-github")),
				follow(chromedp.CSS(`button[name="person"][value="0"]`)),
				chromedp.WaitVisible(chromedp.ID("account")),
			))
			require.NoError(t, chromedp.Do(first, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("account"))))
			assert.Equal(t, 2, count(t, first, "li.session"), "two sessions listed")
			assert.Equal(t, 1, count(t, first, ".current"), "one of them this device")
			assert.Contains(t, text(t, first, "li.session:has(.current)"), "This device")
			assert.Contains(t, text(t, first, "li.session:not(:has(.current))"), "Another device")
			assert.Contains(t, text(t, first, "li.session .when"), "signed in less than a minute ago")
			assert.Equal(t, "Sign out", text(t, first, "#sign-out"))
			assert.Equal(t, "Sign out that device", text(t, first, ".end-session"), "reads differently from signing out here")
			shot(first, "3-account")

			// Sign out of all other devices, from the first: the second is
			// signed out.
			require.NoError(t, chromedp.Do(first,
				follow(chromedp.ID("sign-out-others")),
				chromedp.WaitVisible(chromedp.ID("account")),
			))
			assert.Equal(t, 1, count(t, first, "li.session"))
			require.NoError(t, chromedp.Do(second,
				chromedp.Navigate(s.srv.URL+"/account"),
				chromedp.WaitVisible(chromedp.ID("signin")),
			), "the second browser is back at the sign-in page")

			// The second signs in with a magic link.
			require.NoError(t, chromedp.Do(second,
				chromedp.SendKeys(chromedp.ID("email"), "Alice@Example.com"),
				follow(chromedp.ID("send-link")),
				chromedp.WaitVisible(chromedp.ID("check-email")),
			))
			assert.Contains(t, text(t, second, "#demo-console"), "printed on the console", "demo mode says where the link is")
			var link string
			select {
			case link = <-s.links:
			case <-time.After(10 * time.Second):
				t.Fatal("no sign-in link was mailed")
			}
			// A mail scanner fetches the link first: it gets the
			// confirmation page, and the link still works.
			res, err := s.srv.Client().Get(link)
			require.NoError(t, err)
			status, page := read(t, res)
			require.Equal(t, http.StatusOK, status, page)
			assert.Empty(t, res.Cookies(), "no session for the scanner")
			assert.True(t, s.live(t, link), "the scanner used nothing up")
			require.NoError(t, chromedp.Do(second,
				chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.ID("confirm")),
			))
			assert.Equal(t, "Continue as alice@example.com?", text(t, second, "#confirm"))
			assert.True(t, s.live(t, link), "showing the page in the browser redeems nothing")
			require.NoError(t, chromedp.Do(second,
				follow(chromedp.ID("continue")),
				chromedp.WaitVisible(chromedp.ID("account")),
			), "the confirmation's form is accepted as the site's own (Referrer-Policy: same-origin keeps its Origin)")
			assert.False(t, s.live(t, link), "used up")
			assert.Equal(t, "alice@example.com", text(t, second, "#user-email"), "the same user")
			assert.Contains(t, text(t, second, "#account"), "Alice", "with the name GitHub gave")

			// The first links GitLab (demo): a form posted to
			// /auth/gitlab/link, on to the provider.
			require.NoError(t, chromedp.Do(first,
				follow(chromedp.ID("link-gitlab")),
				follow(chromedp.CSS(`button[name="person"][value="0"]`)),
				chromedp.WaitVisible(chromedp.ID("account")),
			))
			assert.Contains(t, text(t, first, "#accounts"), "GitLab (demo)")
			assert.Equal(t, 0, count(t, first, "#link-gitlab"), "nothing left to link")
			shot(first, "4-linked")

			// The second signs out: its cookie is gone, the first stays in.
			require.NoError(t, chromedp.Do(second,
				follow(chromedp.ID("sign-out")),
				chromedp.WaitVisible(chromedp.ID("signin")),
			))
			assert.Empty(t, cookiesOf(t, second, s.srv.URL), "signing out clears the cookie")
			require.NoError(t, chromedp.Do(first, chromedp.Navigate(s.srv.URL+"/account"), chromedp.WaitVisible(chromedp.ID("account"))))
		})
	}
}

// follow clicks the element sel, which leads to another page (a link or a
// form's button), and waits until that page has loaded: an element both
// pages have is no sign of it.
func follow[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if _, err := chromedp.Evaluate[bool](`window.gormauthLeaving = true`)(ctx, tg); err != nil {
			return chromedp.Void{}, err
		}
		if _, err := chromedp.Click(sel)(ctx, tg); err != nil {
			return chromedp.Void{}, err
		}
		for {
			loaded, err := chromedp.Evaluate[bool](`window.gormauthLeaving === undefined && document.readyState === "complete"`)(ctx, tg)
			if err == nil && loaded {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err)
	return strings.TrimSpace(s)
}

func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	require.NoError(t, err)
	return n
}

func jsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// cookiesOf returns the cookies the browser of ctx keeps for url, by name.
func cookiesOf(t *testing.T, ctx context.Context, url string) map[string]*network.Cookie {
	t.Helper()
	list, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		r, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
		return r.Cookies, err
	})
	require.NoError(t, err)
	m := map[string]*network.Cookie{}
	for _, c := range list {
		m[c.Name] = c
	}
	return m
}

func names(m map[string]*network.Cookie) []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	return out
}

// screenshotter returns a function that saves a screenshot of the page
// (over plain HTTP, into -screenshots when set).
func screenshotter(t *testing.T, tls bool) func(ctx context.Context, name string) {
	return func(ctx context.Context, name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NotEmpty(t, png)
		if *screenshots == "" || tls {
			return
		}
		require.NoError(t, os.MkdirAll(*screenshots, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(*screenshots, name+".png"), png, 0o644))
	}
}
