package main

import (
	"context"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smtpServer is a minimal SMTP server on the loopback interface that keeps
// what it is sent: enough of RFC 5321 for net/smtp's client (no
// extensions, so no STARTTLS and no AUTH).
type smtpServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns int
	verbs []string // the commands' verbs, upper-cased
	mails []received
}

// received is one mail as the server got it.
type received struct {
	from string
	to   []string
	data string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	c := textproto.NewConn(conn)
	var m received
	c.PrintfLine("220 localhost test SMTP")
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		s.mu.Lock()
		s.verbs = append(s.verbs, strings.ToUpper(verb))
		s.mu.Unlock()
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			c.PrintfLine("250 localhost")
		case "MAIL":
			m = received{from: arg}
			c.PrintfLine("250 ok")
		case "RCPT":
			m.to = append(m.to, arg)
			c.PrintfLine("250 ok")
		case "DATA":
			c.PrintfLine("354 go on")
			b, err := io.ReadAll(c.DotReader())
			if err != nil {
				return
			}
			m.data = string(b)
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			c.PrintfLine("250 queued")
		case "QUIT":
			c.PrintfLine("221 bye")
			return
		default:
			c.PrintfLine("502 not implemented")
		}
	}
}

func (s *smtpServer) received() (conns int, mails []received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns, append([]received(nil), s.mails...)
}

// commands returns the verbs of the commands the server was sent.
func (s *smtpServer) commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.verbs...)
}

// reachedAs returns a mailer of rawURL, whose host is not the test
// server's, that connects to the test server all the same: as a network
// attacker in between answers for the host.
func (s *smtpServer) reachedAs(t *testing.T, rawURL string) *mailer {
	t.Helper()
	m, err := newMailer(rawURL, "signin@example.com")
	require.NoError(t, err)
	m.dialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, s.ln.Addr().String())
	}
	return m
}

// TestMailerRequiresSTARTTLS: a server that is not on the loopback
// interface and does not offer STARTTLS (an attacker stripped it) is sent
// no mail, not even the sender and recipient, unless SMTP_URL says
// insecure=1; a loopback server may be spoken to in the clear.
func TestMailerRequiresSTARTTLS(t *testing.T) {
	t.Parallel()
	link := "http://127.0.0.1:8080/magic?email=alice%40example.com&token=" + strings.Repeat("ab", 32)
	for _, rawURL := range []string{"smtp://mail.example.com", "smtp://relay.example.com:25", "smtp://192.0.2.25:25", "smtp://[2001:db8::25]:25"} {
		srv := newSMTPServer(t)
		err := srv.reachedAs(t, rawURL).send(context.Background(), "alice@example.com", link)
		require.ErrorIs(t, err, errNoSTARTTLS, rawURL)
		assert.ErrorContains(t, err, "insecure=1")
		assert.NotContains(t, err.Error(), strings.Repeat("ab", 32))
		conns, mails := srv.received()
		assert.Equal(t, 1, conns, "it did connect")
		assert.Empty(t, mails)
		assert.NotContains(t, srv.commands(), "MAIL", rawURL)
		assert.NotContains(t, srv.commands(), "RCPT", rawURL)
	}
	for _, rawURL := range []string{"smtp://relay.example.com:25?insecure=1", "smtp://localhost:25", "smtp://127.0.0.1:25", "smtp://[::1]:25"} {
		srv := newSMTPServer(t)
		require.NoError(t, srv.reachedAs(t, rawURL).send(context.Background(), "alice@example.com", link), rawURL)
		_, mails := srv.received()
		assert.Len(t, mails, 1, rawURL)
	}
}

// TestMailSettingsInsecure: insecure=1 is the one setting SMTP_URL's
// query may hold, and not with a password, which would cross the network
// in the clear.
func TestMailSettingsInsecure(t *testing.T) {
	t.Parallel()
	for rawURL, says := range map[string]string{
		"smtp://relay.example.com?insecure=yes":              "insecure=1",
		"smtp://relay.example.com?secure=0":                  "insecure=1",
		"smtp://relay.example.com?insecure=1&insecure=1":     "insecure=1",
		"smtp://user:Xq7Zk9@relay.example.com:25?insecure=1": "password",
	} {
		_, err := newMailer(rawURL, "signin@example.com")
		require.ErrorIs(t, err, errMailSettings, rawURL)
		assert.ErrorContains(t, err, says, rawURL)
		assert.NotContains(t, err.Error(), "Xq7Zk9", rawURL)
	}
	m, err := newMailer("smtp://relay.example.com:25?insecure=1", "signin@example.com")
	require.NoError(t, err)
	assert.True(t, m.inTheClear)
	m, err = newMailer("smtp://user:pass@relay.example.com:587", "signin@example.com")
	require.NoError(t, err)
	assert.False(t, m.inTheClear)
}

// TestMailSettingsPasswordNotEchoed: SMTP_URLs whose password holds a
// character that ends the URL's user part (/ ? #), or a bad escape, are
// refused with an error that quotes no part of the password and says to
// percent-encode it, whether url.Parse refused them or read them as
// something else.
func TestMailSettingsPasswordNotEchoed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ rawURL, password string }{
		{"smtp://mailer:Xq7/Zk9@mail.example.com:587", "Xq7/Zk9"},
		{"smtp://mailer:Xq7?Zk9@mail.example.com:587", "Xq7?Zk9"},
		{"smtp://mailer:Xq7#Zk9@mail.example.com:587", "Xq7#Zk9"},
		{"smtp://mailer:Xq7%zzZk9@mail.example.com:587", "Xq7%zzZk9"},
		{"smtp://mailer:Xq7 Zk9@mail.example.com:587", "Xq7 Zk9"},
		{"smtps://mailer:4711/8086@mail.example.com", "4711/8086"},      // read as port 4711, path /8086@…
		{"smtp://mailer:4711?8086@mail.example.com", "4711?8086"},       // read as port 4711, query 8086@…
		{"smtp://mailer:4711#8086@mail.example.com", "4711#8086"},       // read as port 4711, fragment 8086@…
		{"smtp://mailer:Xq7Zk9@mail.example.com:5x7", "Xq7Zk9"},         // a bad port
		{"smtp://mailer:Xq7Zk9\x7f@mail.example.com:587", "Xq7Zk9\x7f"}, // a control character
	} {
		_, err := newMailer(tc.rawURL, "signin@example.com")
		require.ErrorIs(t, err, errMailSettings, tc.rawURL)
		for _, part := range strings.FieldsFunc(tc.password, func(r rune) bool { return strings.ContainsRune("/?# %\x7f", r) }) {
			assert.NotContains(t, err.Error(), part, tc.rawURL)
		}
		assert.NotContains(t, err.Error(), "mail.example.com", "nor the URL: %s", tc.rawURL)
	}
	_, err := newMailer("smtp://mailer:Xq7/Zk9@mail.example.com:587", "signin@example.com")
	assert.ErrorContains(t, err, "SMTP_URL is not a URL; percent-encode characters such as / ? # in the password")
	_, err = newMailer("smtp://mailer:"+url.QueryEscape("Xq7/Zk9?#")+"@mail.example.com:587", "signin@example.com")
	assert.NoError(t, err, "percent-encoded")
}

// TestMailerSends: the mailer sends one mail to the address, with the
// link in its body and the headers it writes itself.
func TestMailerSends(t *testing.T) {
	t.Parallel()
	srv := newSMTPServer(t)
	m, err := newMailer("smtp://"+srv.ln.Addr().String(), "signin@example.com")
	require.NoError(t, err)
	link := "http://127.0.0.1:8080/magic?email=alice%40example.com&token=" + strings.Repeat("ab", 32) + "&pad=" + strings.Repeat("x", 1200)
	require.NoError(t, m.send(context.Background(), "alice@example.com", link))

	_, mails := srv.received()
	require.Len(t, mails, 1)
	got := mails[0]
	assert.Equal(t, "FROM:<signin@example.com>", got.from)
	assert.Equal(t, []string{"TO:<alice@example.com>"}, got.to)
	msg, err := mail.ReadMessage(strings.NewReader(got.data))
	require.NoError(t, err)
	assert.Equal(t, "<alice@example.com>", msg.Header.Get("To"))
	assert.Equal(t, "<signin@example.com>", msg.Header.Get("From"))
	assert.Equal(t, "Your sign-in link", msg.Header.Get("Subject"))
	assert.Len(t, msg.Header, 8, "the headers written, no other: %v", msg.Header)
	for _, line := range strings.Split(got.data, "\n") {
		assert.LessOrEqual(t, len(line), 78, "SMTP line length")
	}
	body, err := io.ReadAll(msg.Body) // net/mail leaves quoted-printable to the reader
	require.NoError(t, err)
	assert.NotContains(t, string(body), link, "encoded")
	decoded, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(body))))
	require.NoError(t, err)
	assert.Contains(t, string(decoded), "\n"+link+"\n", "the link whole, on a line of its own")
}

// TestMailerRefusesHeaderInjection: an address with a line break (or
// anything else that is not one address) is refused before the mailer
// connects, and MAIL_FROM with one at start.
func TestMailerRefusesHeaderInjection(t *testing.T) {
	t.Parallel()
	srv := newSMTPServer(t)
	m, err := newMailer("smtp://"+srv.ln.Addr().String(), "signin@example.com")
	require.NoError(t, err)
	for _, to := range []string{"alice@example.com\r\nBcc: x@y.z", "alice@example.com\nBcc: x@y.z", "Alice <alice@example.com>", "a@example.com, b@example.com", ""} {
		err := m.send(context.Background(), to, "http://127.0.0.1/magic")
		assert.ErrorContains(t, err, "not one email address", "%q", to)
	}
	conns, mails := srv.received()
	assert.Zero(t, conns, "never connected")
	assert.Empty(t, mails)

	_, err = newMailer("smtp://"+srv.ln.Addr().String(), "signin@example.com\r\nBcc: x@y.z")
	assert.ErrorIs(t, err, errMailSettings)
}

// TestMailSettings: without -demo, run refuses to start without SMTP_URL
// and MAIL_FROM, naming them, before it opens the database or listens; a
// bad SMTP_URL is refused without its password in the error.
func TestMailSettings(t *testing.T) {
	t.Parallel()
	for _, s := range []settings{
		{dsn: "postgres://nowhere.invalid/x", addr: "127.0.0.1:0", githubID: "id", githubSecret: "secret"},
		{dsn: "postgres://nowhere.invalid/x", addr: "127.0.0.1:0", mailFrom: "signin@example.com"},
		{dsn: "postgres://nowhere.invalid/x", addr: "127.0.0.1:0", smtpURL: "smtp://u:p@mail.example.com:587"},
	} {
		err := run(context.Background(), s)
		assert.ErrorIs(t, err, errMailSettings)
		assert.ErrorContains(t, err, "set SMTP_URL (smtp://user:pass@host:587) and MAIL_FROM")
		assert.ErrorContains(t, err, "or run with -demo")
	}
	for _, bad := range []string{"smtp://user:hunter2@mail.example.com:port", "http://user:hunter2@mail.example.com", "smtp://user:hunter2@/"} {
		_, err := newMailer(bad, "signin@example.com")
		assert.ErrorIs(t, err, errMailSettings, bad)
		assert.NotContains(t, err.Error(), "hunter2", bad)
	}
}

// TestServerTimeouts: the server bounds every phase of a connection.
func TestServerTimeouts(t *testing.T) {
	t.Parallel()
	srv := newServer(nil)
	assert.Positive(t, srv.ReadHeaderTimeout)
	assert.Positive(t, srv.ReadTimeout)
	assert.Positive(t, srv.WriteTimeout)
	assert.Positive(t, srv.IdleTimeout)
}
