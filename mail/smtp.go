package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/sustain-cli/sustain/ticket"
)

// Transport delivers a notice's final bytes. The reply is what to record as
// proof of delivery: the SMTP server's answer, or the file written.
type Transport interface {
	Send(ctx context.Context, n *ticket.Notice) (reply string, err error)
}

// SMTPConfig is how to reach the outgoing mail server.
type SMTPConfig struct {
	Host           string
	Port           int // 0: 465 for smtps, 587 for starttls, 25 for none
	User, Password string
	// From is the envelope sender (MAIL FROM); the header From is in the
	// notice's bytes already.
	From string
	// TLS is "smtps" (TLS from the start), "starttls" (required, never
	// skipped) or "none" (AUTH then only to a loopback server).
	TLS     string
	Timeout time.Duration // per connection and command; 0 means 1 minute
	// RootCAs replaces the system roots (tests, a private CA).
	RootCAs *x509.CertPool
}

// SMTPTransport sends notices with go-mail, one connection per notice: a
// desk sends few, and a fresh session keeps one notice's trouble from
// leaking into the next.
type SMTPTransport struct{ cfg SMTPConfig }

// NewSMTP checks cfg and returns a transport.
func NewSMTP(cfg SMTPConfig) (*SMTPTransport, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: no host configured (mail.smtp.host)")
	}
	if cfg.From == "" {
		return nil, errors.New("smtp: no envelope sender configured")
	}
	switch cfg.TLS {
	case "smtps", "starttls":
	case "none":
		if cfg.User != "" && !isLoopback(cfg.Host) {
			return nil, fmt.Errorf("smtp %s: refusing to send the password without TLS: set mail.smtp.tls to smtps or starttls", cfg.Host)
		}
	default:
		return nil, fmt.Errorf("smtp %s: mail.smtp.tls is %q; want smtps, starttls or none", cfg.Host, cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{"smtps": 465, "starttls": 587, "none": 25}[cfg.TLS]
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	return &SMTPTransport{cfg: cfg}, nil
}

func (s *SMTPTransport) addr() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
}

// Send hands n.Raw to the server exactly as recorded: go-mail's Msg would
// re-encode a message, so only go-mail's connection setup (TLS, AUTH) is
// used, and the bytes go through its SMTP client's DATA writer, which adds
// nothing but the protocol's dot-stuffing (and CRLF for a bare LF).
func (s *SMTPTransport) Send(ctx context.Context, n *ticket.Notice) (string, error) {
	if len(n.To) == 0 {
		return "", &SMTPError{Server: s.addr(), Stage: "RCPT TO", Msg: "the notice has no recipient", Code: 550}
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.cfg.Host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}),
	}
	switch s.cfg.TLS {
	case "smtps":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.User != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if s.cfg.TLS == "none" { // NewSMTP allowed this for loopback only
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	gm, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return "", s.fail("connect", err, true)
	}
	c, err := gm.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return "", s.fail("connect", err, true)
	}
	// Cancelling ctx breaks off a transfer in progress.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer func() {
		if stop() {
			_ = c.Quit()
		}
		c.Close()
	}()

	// A refused envelope sender is our configuration, not the notice.
	if err := c.Mail(s.cfg.From); err != nil {
		return "", s.fail("MAIL FROM:<"+s.cfg.From+">", err, true)
	}
	for _, to := range n.To {
		if err := c.Rcpt(to); err != nil {
			return "", s.fail("RCPT TO:<"+to+">", err, false)
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", s.fail("DATA", err, false)
	}
	if _, err := w.Write(n.Raw); err != nil {
		w.Close()
		return "", s.fail("DATA", err, false)
	}
	if err := w.Close(); err != nil {
		return "", s.fail("DATA", err, false)
	}
	reply := "250"
	if dc, ok := w.(*gosmtp.DataCloser); ok && dc.ServerResponse() != "" {
		reply = "250 " + dc.ServerResponse()
	}
	return s.redact(s.addr() + ": " + reply), nil
}

// fail turns a go-mail error into an SMTPError with the password removed.
func (s *SMTPTransport) fail(stage string, err error, session bool) error {
	e := &SMTPError{Server: s.addr(), Stage: stage, Session: session}
	e.Msg = err.Error()
	var te *textproto.Error
	if errors.As(err, &te) {
		e.Code, e.Msg = te.Code, fmt.Sprintf("%d %s", te.Code, te.Msg)
	}
	e.Msg = s.redact(e.Msg)
	return e
}

func (s *SMTPTransport) redact(text string) string {
	return redactSecret(text, s.cfg.User, s.cfg.Password)
}

// SMTPError is a failed delivery attempt. Code is the server's reply code,
// 0 when the server was not reached or the connection broke. Msg never
// holds the password, even when the server echoed it.
type SMTPError struct {
	Server string
	Stage  string // connect, MAIL FROM, RCPT TO:<addr>, DATA
	Code   int
	Msg    string
	// Session is set when the connection, TLS, login or envelope sender
	// failed: nothing about the notice itself, so the other notices would
	// fail the same way.
	Session bool
}

func (e *SMTPError) Error() string {
	hint := "it will be retried"
	switch {
	case e.Session && e.Code >= 500:
		hint = "check mail.smtp.user, the password, mail.smtp.tls and the sender address"
	case e.Session:
		hint = "check mail.smtp.host, mail.smtp.port and mail.smtp.tls; it will be retried"
	case e.Permanent():
		hint = "the server refused the message for good"
	}
	return fmt.Sprintf("smtp %s: %s: %s (%s)", e.Server, e.Stage, e.Msg, hint)
}

// Permanent reports a 5xx reply about the message: sending it again cannot
// help. A rejected login is not permanent for the notice (the operator
// fixes the configuration and the queue goes out).
func (e *SMTPError) Permanent() bool { return !e.Session && e.Code >= 500 && e.Code < 600 }

// IsPermanent reports whether err says a notice can never be delivered as
// it is; network trouble and 4xx replies are temporary.
func IsPermanent(err error) bool {
	var e *SMTPError
	if errors.As(err, &e) {
		return e.Permanent()
	}
	var p permanentError
	return errors.As(err, &p)
}

// permanentError marks a notice no transport can ever deliver as it is.
type permanentError struct{ error }

func (p permanentError) Unwrap() error { return p.error }

// redactSecret removes password from text, also in the base64 forms that
// AUTH PLAIN and AUTH LOGIN send, since a server may echo what it got.
func redactSecret(text, user, password string) string {
	if password == "" {
		return text
	}
	enc := base64.StdEncoding.EncodeToString
	// An IMAP server may echo the LOGIN command as sent, the password as a
	// quoted string with \" and \\ escaped; an error may quote it Go's way.
	imapQuoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(password)
	goQuoted := strconv.Quote(password)
	secrets := []string{
		enc([]byte("\x00" + user + "\x00" + password)),
		enc([]byte(user + "\x00" + user + "\x00" + password)),
		enc([]byte(password)),
		imapQuoted,
		goQuoted[1 : len(goQuoted)-1],
		password,
	}
	for _, s := range secrets {
		text = strings.ReplaceAll(text, s, "[password redacted]")
	}
	return text
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
