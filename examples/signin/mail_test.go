package main

import (
	"context"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
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
