package mailtest

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions shape a test SMTP server.
type SMTPOptions struct {
	// TLS is "none", "starttls" (offered, required before AUTH) or "smtps".
	TLS  string
	Cert *Cert // needed unless TLS is "none"
	// User and Password, when set, make AUTH PLAIN required before MAIL.
	User, Password string
	// EchoPasswordOnAuthFailure puts the password the client sent into the
	// 535 reply, as careless servers do.
	EchoPasswordOnAuthFailure bool
	// OnData decides about each message: nil accepts it; an *smtp.SMTPError
	// is the reply. It runs after the bytes are read and before recording.
	OnData func(m Received) error
}

// Received is one message as the server got it.
type Received struct {
	From string
	To   []string
	Data []byte
}

// SMTPServer is a running server; Messages are the accepted messages.
type SMTPServer struct {
	Host string
	Port int

	opts     SMTPOptions
	mu       sync.Mutex
	messages []Received
}

// Messages returns the messages accepted so far.
func (s *SMTPServer) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// StartSMTP starts a server on 127.0.0.1:0, stopped when the test ends.
func StartSMTP(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	s := &SMTPServer{opts: opts}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = discardLog{}
	var l net.Listener
	var err error
	switch opts.TLS {
	case "none":
		srv.AllowInsecureAuth = true
		l, err = net.Listen("tcp", "127.0.0.1:0")
	case "starttls":
		srv.TLSConfig = opts.Cert.Server
		l, err = net.Listen("tcp", "127.0.0.1:0")
	case "smtps":
		srv.TLSConfig = opts.Cert.Server
		l, err = tls.Listen("tcp", "127.0.0.1:0", opts.Cert.Server)
	default:
		t.Fatalf("mailtest: unknown TLS mode %q", opts.TLS)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Host = "127.0.0.1"
	s.Port = l.Addr().(*net.TCPAddr).Port
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

type smtpSession struct {
	srv    *SMTPServer
	authed bool
	msg    Received
}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	o := ss.srv.opts
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user == o.User && password == o.Password && o.User != "" {
			ss.authed = true
			return nil
		}
		msg := "authentication failed"
		if o.EchoPasswordOnAuthFailure {
			msg += " for " + user + " with password " + password
		}
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: msg}
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.opts.User != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.msg = Received{From: from}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.msg.To = append(ss.msg.To, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.msg.Data = b
	if f := ss.srv.opts.OnData; f != nil {
		if err := f(ss.msg); err != nil {
			var se *smtp.SMTPError
			if !errors.As(err, &se) {
				return &smtp.SMTPError{Code: 451, Message: err.Error()}
			}
			return err
		}
	}
	ss.srv.mu.Lock()
	ss.srv.messages = append(ss.srv.messages, ss.msg)
	ss.srv.mu.Unlock()
	return nil
}

func (ss *smtpSession) Reset()        { ss.msg = Received{} }
func (ss *smtpSession) Logout() error { return nil }
