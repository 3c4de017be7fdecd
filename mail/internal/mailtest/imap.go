package mailtest

import (
	"bytes"
	"crypto/tls"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// IMAPOptions shape a test IMAP server.
type IMAPOptions struct {
	// TLS is "none", "starttls" (LOGIN only after it) or "imaps".
	TLS            string
	Cert           *Cert
	User, Password string
	// NoMove makes an IMAP4rev1 server with UIDPLUS but without MOVE.
	NoMove bool
	// EchoPasswordOnLoginFailure puts the password the client sent into
	// the NO reply, as careless servers do.
	EchoPasswordOnLoginFailure bool
	// EchoLoginCommand puts the LOGIN command, the password quoted and
	// escaped as the client sent it, into the NO reply.
	EchoLoginCommand bool
}

// IMAPServer is a running in-memory IMAP server with one user.
type IMAPServer struct {
	Host string
	Port int
	User *imapmemserver.User
}

// StartIMAP starts a server on 127.0.0.1:0 with an INBOX, stopped when the
// test ends.
func StartIMAP(t testing.TB, opts IMAPOptions) *IMAPServer {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(opts.User, opts.Password)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	if opts.NoMove {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	}
	srvOpts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			sess := mem.NewSession().(imapserver.SessionIMAP4rev2)
			if opts.EchoPasswordOnLoginFailure || opts.EchoLoginCommand {
				return echoSession{sess, opts.EchoLoginCommand}, nil, nil
			}
			return sess, nil, nil
		},
		Caps:   caps,
		Logger: discardLog{},
	}
	var l net.Listener
	var err error
	switch opts.TLS {
	case "none":
		srvOpts.InsecureAuth = true
		l, err = net.Listen("tcp", "127.0.0.1:0")
	case "starttls":
		srvOpts.TLSConfig = opts.Cert.Server
		l, err = net.Listen("tcp", "127.0.0.1:0")
	case "imaps":
		l, err = tls.Listen("tcp", "127.0.0.1:0", opts.Cert.Server)
	default:
		t.Fatalf("mailtest: unknown TLS mode %q", opts.TLS)
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := imapserver.New(srvOpts)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return &IMAPServer{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, User: user}
}

// Append delivers raw into mailbox.
func (s *IMAPServer) Append(t testing.TB, mailbox, raw string, flags ...imap.Flag) {
	t.Helper()
	if _, err := s.User.Append(mailbox, literal{bytes.NewReader([]byte(raw))}, &imap.AppendOptions{Flags: flags}); err != nil {
		t.Fatal(err)
	}
}

// Status counts a mailbox's messages and unseen messages.
func (s *IMAPServer) Status(t testing.TB, mailbox string) (messages, unseen uint32, uidValidity uint32) {
	t.Helper()
	st, err := s.User.Status(mailbox, &imap.StatusOptions{NumMessages: true, NumUnseen: true, UIDValidity: true})
	if err != nil {
		t.Fatal(err)
	}
	return *st.NumMessages, *st.NumUnseen, st.UIDValidity
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

type echoSession struct {
	imapserver.SessionIMAP4rev2
	command bool
}

func (s echoSession) Login(user, password string) error {
	if err := s.SessionIMAP4rev2.Login(user, password); err != nil {
		if s.command {
			q := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed,
				Text: `invalid: LOGIN "` + q(user) + `" "` + q(password) + `"`}
		}
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed,
			Text: "invalid credentials: user " + user + " password " + password}
	}
	return nil
}
