package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// smtpSink is an SMTP server on loopback that keeps what it is given.
type smtpSink struct {
	mu   sync.Mutex
	got  [][]byte
	rcpt []string
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s}, nil }

type sinkSession struct{ s *smtpSink }

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.rcpt = append(ss.s.rcpt, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.got = append(ss.s.got, b)
	return err
}
func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

// TestMailOverRealProtocols reads a customer's message from an IMAP server
// and sends the registration notice through an SMTP server, both real
// servers on loopback, through the whole command: the request is opened
// once however often fetch runs, and the server gets the notice's bytes as
// the outbox recorded them.
func TestMailOverRealProtocols(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("SUSTAIN_NOW", "2026-11-20T10:00:00+03:00")
	t.Setenv("SUSTAIN_IMAP_PASSWORD", "imap-secret")

	mem := imapmemserver.New()
	user := imapmemserver.NewUser("desk", "imap-secret")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	il, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	isrv := imapserver.New(&imapserver.Options{NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
		return mem.NewSession(), nil, nil
	}, Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}, InsecureAuth: true})
	go isrv.Serve(il)
	t.Cleanup(func() { isrv.Close() })
	raw := "From: ops@acme.test\r\nTo: support@desk.test\r\nMessage-ID: <imap1@acme.test>\r\nSubject: Login fails\r\n\r\nHTTP 500\r\n"
	if _, err := user.Append("INBOX", literal{bytes.NewReader([]byte(raw))}, &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}

	sink := &smtpSink{}
	ssrv := smtp.NewServer(sink)
	ssrv.Domain = "localhost"
	sl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ssrv.Serve(sl)
	t.Cleanup(func() { ssrv.Close() })

	cfg := filepath.Join(dir, "sustain.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`mail:
  address: support@desk.test
  notify: true
  imap: {host: 127.0.0.1, port: %d, user: desk, tls: none}
  smtp: {host: 127.0.0.1, port: %d, tls: none}
`, il.Addr().(*net.TCPAddr).Port, sl.Addr().(*net.TCPAddr).Port)), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(append([]string{"--config", cfg}, args...), strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("sustain %v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	run("customer", "add", "--code", "ACME", "--name", "Acme", "--email", "ops@acme.test")
	if out := run("mail", "fetch"); !strings.Contains(out, "opened SUP-1") {
		t.Fatalf("fetch: %s", out)
	}
	if out := run("mail", "fetch"); strings.Contains(out, "SUP-1") {
		t.Fatalf("the second fetch took the message again: %s", out)
	}
	if out := run("mail", "send"); !strings.Contains(out, "sent") {
		t.Fatalf("send: %s", out)
	}
	want := run("mail", "outbox", "show", "1", "--raw")
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.got) != 1 || len(sink.rcpt) != 1 || sink.rcpt[0] != "ops@acme.test" {
		t.Fatalf("the SMTP server got %d messages for %v", len(sink.got), sink.rcpt)
	}
	if norm := strings.ReplaceAll(string(sink.got[0]), "\r\n", "\n"); norm != strings.ReplaceAll(want, "\r\n", "\n") {
		t.Errorf("sent bytes differ from the outbox:\n%s\n---\n%s", sink.got[0], want)
	}
	if out := run("mail", "outbox", "show", "1"); !regexp.MustCompile(`(?m)^STATUS\s+sent$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^SERVER REPLY\s+\S`).MatchString(out) {
		t.Errorf("outbox after send: %s", out)
	}
}
