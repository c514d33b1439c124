package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// errMailSettings is returned by newMailer for SMTP_URL or MAIL_FROM
// missing or unusable.
var errMailSettings = errors.New("mail settings")

// mailer mails sign-in links through an SMTP server: over TLS from the
// start for smtps://, else with STARTTLS when the server offers it, and
// with the URL's user and password (PLAIN, which net/smtp sends only over
// TLS or to localhost).
type mailer struct {
	addr     string // host:port
	host     string
	implicit bool // smtps: TLS from the first byte
	auth     smtp.Auth
	from     mail.Address
}

// newMailer returns the mailer of the SMTP server at rawURL
// (smtp://user:pass@host:587, or smtps://…:465), sending from the address
// from; errMailSettings says what is wrong with them, never the password.
func newMailer(rawURL, from string) (*mailer, error) {
	if rawURL == "" || from == "" {
		return nil, fmt.Errorf("%w: set SMTP_URL (smtp://user:pass@host:587) and MAIL_FROM (signin@example.com) to mail sign-in links, or run with -demo", errMailSettings)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which holds the password
		}
		return nil, fmt.Errorf("%w: SMTP_URL is not a URL: %w", errMailSettings, err)
	}
	m := &mailer{host: u.Hostname(), implicit: u.Scheme == "smtps"}
	port := map[string]string{"smtp": "587", "smtps": "465"}[u.Scheme]
	if port == "" || m.host == "" {
		return nil, fmt.Errorf("%w: SMTP_URL must be smtp://host[:port] or smtps://host[:port]", errMailSettings)
	}
	if u.Port() != "" {
		port = u.Port()
	}
	m.addr = net.JoinHostPort(m.host, port)
	if pass, ok := u.User.Password(); ok {
		m.auth = smtp.PlainAuth("", u.User.Username(), pass, m.host)
	}
	if !isOneAddress(from) || strings.ContainsFunc(from, isControl) {
		return nil, fmt.Errorf("%w: MAIL_FROM %q is not one email address", errMailSettings, from)
	}
	m.from = mail.Address{Address: from}
	return m, nil
}

// send mails link to the address to. An address with a control character
// is refused before anything is sent, whoever the caller.
func (m *mailer) send(ctx context.Context, to, link string) error {
	msg, err := linkMessage(m.from, to, link, time.Now())
	if err != nil {
		return err
	}
	conn, err := m.dial(ctx)
	if err != nil {
		return fmt.Errorf("mailing a sign-in link: %w", err)
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	} else {
		conn.SetDeadline(time.Now().Add(30 * time.Second))
	}
	if err := m.deliver(conn, to, msg); err != nil {
		return fmt.Errorf("mailing a sign-in link through %s: %w", m.addr, err)
	}
	return nil
}

func (m *mailer) dial(ctx context.Context) (net.Conn, error) {
	if m.implicit {
		d := &tls.Dialer{Config: &tls.Config{ServerName: m.host}}
		return d.DialContext(ctx, "tcp", m.addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", m.addr)
}

// deliver runs the SMTP conversation on conn.
func (m *mailer) deliver(conn net.Conn, to string, msg []byte) error {
	c, err := smtp.NewClient(conn, m.host)
	if err != nil {
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && !m.implicit {
		if err := c.StartTLS(&tls.Config{ServerName: m.host}); err != nil {
			return err
		}
	}
	if m.auth != nil {
		if err := c.Auth(m.auth); err != nil {
			return err
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// linkMessage returns the mail that carries link to the address to, sent
// at now. Every header is written by the code below from checked values:
// to must be one address without a control character, so that nothing it
// holds can end a header and start another; the link goes in the
// quoted-printable body, where no line is too long for SMTP.
func linkMessage(from mail.Address, to, link string, now time.Time) ([]byte, error) {
	if strings.ContainsFunc(to, isControl) || !isOneAddress(to) {
		return nil, fmt.Errorf("mailing a sign-in link: the recipient is not one email address")
	}
	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	header("From", from.String())
	header("To", (&mail.Address{Address: to}).String())
	header("Subject", "Your sign-in link")
	header("Date", now.Format(time.RFC1123Z))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body := quotedprintable.NewWriter(&b)
	fmt.Fprintf(body, "Open this link to sign in. It works once, for 24 hours:\r\n\r\n%s\r\n\r\n"+
		"If you did not ask for it, ignore this mail: nobody can sign in without the link.\r\n", link)
	if err := body.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
