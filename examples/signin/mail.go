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
	"net/netip"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// errMailSettings is returned by newMailer for SMTP_URL or MAIL_FROM
// missing or unusable.
var errMailSettings = errors.New("mail settings")

// errNoSTARTTLS is returned by mailer.send when the SMTP server does not
// offer STARTTLS and the mailer may not speak to it in the clear.
var errNoSTARTTLS = errors.New("the SMTP server does not offer STARTTLS")

// mailer mails sign-in links through an SMTP server: over TLS from the
// start for smtps://, else with STARTTLS, and with the URL's user and
// password (PLAIN, which net/smtp sends only over TLS or to localhost).
//
// A server that does not offer STARTTLS is sent nothing, as a network
// attacker can strip the offer and read the link, unless it is on the
// loopback interface or SMTP_URL says ?insecure=1: a relay on a network
// the operator trusts, that takes no password.
type mailer struct {
	addr     string // host:port
	host     string
	implicit bool // smtps: TLS from the first byte
	// inTheClear allows the conversation without TLS when the server
	// offers no STARTTLS: a loopback host, or insecure=1.
	inTheClear bool
	auth       smtp.Auth
	from       mail.Address
	// dialContext connects to addr (a net.Dialer's if nil); tests connect
	// elsewhere, as a network attacker does.
	dialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// newMailer returns the mailer of the SMTP server at rawURL
// (smtp://user:pass@host:587, smtps://…:465, or smtp://host:25?insecure=1
// for a relay on a trusted network that takes no password), sending from
// the address from; errMailSettings says what is wrong with them, never
// the URL, any part of which may be the password.
func newMailer(rawURL, from string) (*mailer, error) {
	if rawURL == "" || from == "" {
		return nil, fmt.Errorf("%w: set SMTP_URL (smtp://user:pass@host:587) and MAIL_FROM (signin@example.com) to mail sign-in links, or run with -demo", errMailSettings)
	}
	// url.Parse's errors quote the URL or a part of it, and a password
	// with a / ? or # is read as a port, a path, a query or a fragment:
	// neither is shown, whatever the error.
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" || u.RawFragment != "" {
		return nil, fmt.Errorf("%w: SMTP_URL is not a URL; percent-encode characters such as / ? # in the password", errMailSettings)
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
	insecure, err := insecureSetting(u.RawQuery)
	if err != nil {
		return nil, err
	}
	pass, hasPassword := u.User.Password()
	if insecure && hasPassword {
		return nil, fmt.Errorf("%w: SMTP_URL has insecure=1 and a password, which would cross the network in the clear: use STARTTLS or smtps:// with a password", errMailSettings)
	}
	m.inTheClear = insecure || isLoopback(m.host)
	if hasPassword {
		m.auth = smtp.PlainAuth("", u.User.Username(), pass, m.host)
	}
	if !isOneAddress(from) || strings.ContainsFunc(from, isControl) {
		return nil, fmt.Errorf("%w: MAIL_FROM %q is not one email address", errMailSettings, from)
	}
	m.from = mail.Address{Address: from}
	return m, nil
}

// insecureSetting reads SMTP_URL's query, which may hold insecure=1 and
// nothing else, without quoting it (a password with a "?" lands there).
func insecureSetting(rawQuery string) (bool, error) {
	if rawQuery == "" {
		return false, nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil || len(q) != 1 || len(q["insecure"]) != 1 || q.Get("insecure") != "1" {
		return false, fmt.Errorf("%w: SMTP_URL's query may be ?insecure=1 alone (for a relay on a trusted network); percent-encode characters such as / ? # in the password", errMailSettings)
	}
	return true, nil
}

// isLoopback reports whether host is localhost or a loopback address,
// where nobody on the network can read the conversation.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
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

// dial connects to the server, over TLS for smtps.
func (m *mailer) dial(ctx context.Context) (net.Conn, error) {
	dial := m.dialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(ctx, "tcp", m.addr)
	if err != nil || !m.implicit {
		return conn, err
	}
	tc := tls.Client(conn, &tls.Config{ServerName: m.host})
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// deliver runs the SMTP conversation on conn: nothing of the mail, not
// even its sender, before the connection is TLS or may be in the clear.
func (m *mailer) deliver(conn net.Conn, to string, msg []byte) error {
	c, err := smtp.NewClient(conn, m.host)
	if err != nil {
		return err
	}
	defer c.Close()
	if !m.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(&tls.Config{ServerName: m.host}); err != nil {
				return err
			}
		} else if !m.inTheClear {
			return fmt.Errorf("%w, and the link would cross the network in the clear: use smtps://, or add ?insecure=1 to SMTP_URL for a relay on a trusted network", errNoSTARTTLS)
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
