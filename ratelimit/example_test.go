package ratelimit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/gormauth/gormauth/ratelimit"
)

// A sign-in endpoint that mails links: at most 10 requests per client and
// 3 per address in any 15 minutes, refused with 429 and Retry-After.
func Example() {
	perClient, err := ratelimit.New(10, 15*time.Minute, ratelimit.Options{})
	if err != nil {
		panic(err)
	}
	perAddress, err := ratelimit.New(3, 15*time.Minute, ratelimit.Options{})
	if err != nil {
		panic(err)
	}
	sendLink := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := "unknown"
		if ip, err := ratelimit.ClientIP(r, 0); err == nil { // 0: no proxy in front
			client = ratelimit.ClientKey(ip)
		}
		email := r.FormValue("email") // checked and normalised first, in a real app
		for _, limit := range []struct {
			l   *ratelimit.Limiter
			key string
		}{{perClient, client}, {perAddress, email}} {
			if ok, wait := limit.l.Allow(limit.key); !ok {
				w.Header().Set("Retry-After", ratelimit.RetryAfter(wait))
				http.Error(w, "Too many sign-in links were asked for. Try again later.", http.StatusTooManyRequests)
				return
			}
		}
		fmt.Fprintln(w, "A sign-in link is on its way.") // store the token, mail the link
	})

	for range 4 {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/magic-link", nil)
		r.Form = url.Values{"email": {"alice@example.com"}}
		sendLink.ServeHTTP(w, r)
		if wait := w.Header().Get("Retry-After"); wait != "" {
			fmt.Println(w.Code, "retry after", wait, "s")
		} else {
			fmt.Println(w.Code)
		}
	}
	// Output:
	// 200
	// 200
	// 200
	// 429 retry after 900 s
}
