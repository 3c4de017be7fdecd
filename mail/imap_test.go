package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/mail/internal/mailtest"
)

// memPosition is an IMAPPosition in memory.
type memPosition struct {
	mu  sync.Mutex
	pos map[string][2]uint32
}

func (p *memPosition) IMAPPosition(_ context.Context, mailbox string) (uint32, uint32, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.pos[mailbox]
	return v[0], v[1], nil
}

func (p *memPosition) SetIMAPPosition(_ context.Context, mailbox string, uv, last uint32) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pos == nil {
		p.pos = map[string][2]uint32{}
	}
	p.pos[mailbox] = [2]uint32{uv, last}
	return nil
}

func imapMsg(i int) string {
	return fmt.Sprintf("From: client@customer.example\r\nTo: support@desk.example\r\n"+
		"Subject: request %d\r\nMessage-ID: <m%d@customer.example>\r\n\r\nБудильник не звонит, %d.\r\n", i, i, i)
}

// got collects what handle received.
type got struct {
	raws []string
	uids []uint32
	uv   uint32
}

func (g *got) handle(_ context.Context, raw []byte, uv, uid uint32) error {
	g.raws, g.uids, g.uv = append(g.raws, string(raw)), append(g.uids, uid), uv
	return nil
}

func imapCfg(srv *mailtest.IMAPServer, tlsMode string) IMAPConfig {
	return IMAPConfig{Host: srv.Host, Port: srv.Port, User: "desk", Password: "imap-pw", TLS: tlsMode, Timeout: 2 * time.Minute}
}

func imapCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // hang guard
	t.Cleanup(cancel)
	return ctx
}

func TestIMAPPlainMarksSeenAndRemembersPosition(t *testing.T) {
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "none", User: "desk", Password: "imap-pw"})
	for i := 1; i <= 3; i++ {
		srv.Append(t, "INBOX", imapMsg(i))
	}
	ctx, pos := imapCtx(t), &memPosition{}
	var g got
	res, err := FetchIMAP(ctx, imapCfg(srv, "none"), pos, g.handle)
	if err != nil {
		t.Fatal(err)
	}
	if res.Handled != 3 || res.Reread || !slices.Equal(g.uids, []uint32{1, 2, 3}) {
		t.Fatalf("result %+v, uids %v", res, g.uids)
	}
	for i, raw := range g.raws {
		if raw != imapMsg(i+1) {
			t.Errorf("message %d arrived as %q", i+1, raw)
		}
	}
	_, _, uv := srv.Status(t, "INBOX")
	if g.uv != uv || res.UIDValidity != uv {
		t.Errorf("uidvalidity %d / %d, server has %d", g.uv, res.UIDValidity, uv)
	}
	if n, unseen, _ := srv.Status(t, "INBOX"); n != 3 || unseen != 0 {
		t.Errorf("INBOX has %d messages, %d unseen; want 3, 0", n, unseen)
	}
	if p := pos.pos["desk@127.0.0.1/INBOX"]; p != [2]uint32{uv, 3} {
		t.Errorf("position %v", pos.pos)
	}

	// Only what is new is handed over next time, even if someone marked it
	// unseen again.
	srv.Append(t, "INBOX", imapMsg(4))
	g = got{}
	if res, err = FetchIMAP(ctx, imapCfg(srv, "none"), pos, g.handle); err != nil {
		t.Fatal(err)
	}
	if res.Handled != 1 || !slices.Equal(g.uids, []uint32{4}) {
		t.Errorf("second run: %+v, uids %v; want only UID 4", res, g.uids)
	}
	g = got{}
	if res, err = FetchIMAP(ctx, imapCfg(srv, "none"), pos, g.handle); err != nil || res.Handled != 0 {
		t.Errorf("third run: %+v, %v, uids %v; want nothing", res, err, g.uids)
	}
}

func TestIMAPSMovesToDoneMailbox(t *testing.T) {
	cert := mailtest.SelfSigned(t)
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "imaps", Cert: cert, User: "desk", Password: "imap-pw"})
	if err := srv.User.Create("Done", nil); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		srv.Append(t, "INBOX", imapMsg(i))
	}
	cfg := imapCfg(srv, "imaps")
	cfg.CAFile, cfg.DoneMailbox = cert.File, "Done"
	var g got
	res, err := FetchIMAP(imapCtx(t), cfg, &memPosition{}, g.handle)
	if err != nil || res.Handled != 3 {
		t.Fatalf("%+v, %v", res, err)
	}
	if n, _, _ := srv.Status(t, "INBOX"); n != 0 {
		t.Errorf("INBOX still has %d messages", n)
	}
	if n, unseen, _ := srv.Status(t, "Done"); n != 3 || unseen != 0 {
		t.Errorf("Done has %d messages, %d unseen; want 3, 0", n, unseen)
	}
}

func TestIMAPStartTLSMovesWithoutMOVE(t *testing.T) {
	cert := mailtest.SelfSigned(t)
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "starttls", Cert: cert, User: "desk", Password: "imap-pw", NoMove: true})
	if err := srv.User.Create("Done", nil); err != nil {
		t.Fatal(err)
	}
	// UID 1 is old, handled before, and someone marked it deleted.
	srv.Append(t, "INBOX", "Subject: someone else's deleted message\r\n\r\nx\r\n", "\\Deleted")
	srv.Append(t, "INBOX", imapMsg(2))
	srv.Append(t, "INBOX", imapMsg(3))
	_, _, uv := srv.Status(t, "INBOX")
	pos := &memPosition{pos: map[string][2]uint32{"desk@127.0.0.1/INBOX": {uv, 1}}}
	cfg := imapCfg(srv, "starttls")
	cfg.RootCAs, cfg.DoneMailbox = cert.Pool, "Done"
	var g got
	res, err := FetchIMAP(imapCtx(t), cfg, pos, g.handle)
	if err != nil || res.Handled != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	if n, unseen, _ := srv.Status(t, "Done"); n != 2 || unseen != 0 {
		t.Errorf("Done has %d messages, %d unseen; want 2, 0", n, unseen)
	}
	// Only our messages are expunged: UID EXPUNGE, never a plain EXPUNGE.
	if n, _, _ := srv.Status(t, "INBOX"); n != 1 {
		t.Errorf("INBOX has %d messages, want 1 (the other deleted one)", n)
	}
}

func TestIMAPHandleErrorStopsWithoutMarking(t *testing.T) {
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "none", User: "desk", Password: "imap-pw"})
	for i := 1; i <= 3; i++ {
		srv.Append(t, "INBOX", imapMsg(i))
	}
	ctx, pos := imapCtx(t), &memPosition{}
	busy := errors.New("store busy")
	var g got
	_, err := FetchIMAP(ctx, imapCfg(srv, "none"), pos, func(ctx context.Context, raw []byte, uv, uid uint32) error {
		if uid == 2 {
			return busy
		}
		return g.handle(ctx, raw, uv, uid)
	})
	if !errors.Is(err, busy) || !strings.Contains(err.Error(), "UID 2") {
		t.Fatalf("err = %v; want store busy about UID 2", err)
	}
	if _, unseen, _ := srv.Status(t, "INBOX"); unseen != 2 {
		t.Errorf("%d unseen; want 2 (only UID 1 marked)", unseen)
	}
	if p := pos.pos["desk@127.0.0.1/INBOX"]; p[1] != 1 {
		t.Errorf("position %v; want last UID 1", p)
	}
	g = got{}
	if _, err := FetchIMAP(ctx, imapCfg(srv, "none"), pos, g.handle); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.uids, []uint32{2, 3}) {
		t.Errorf("next run handled %v; want 2 3", g.uids)
	}
}

func TestIMAPUIDValidityChangeRereadsFromStart(t *testing.T) {
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "none", User: "desk", Password: "imap-pw"})
	for i := 1; i <= 3; i++ {
		srv.Append(t, "INBOX", imapMsg(i))
	}
	ctx, pos := imapCtx(t), &memPosition{}
	var g got
	if _, err := FetchIMAP(ctx, imapCfg(srv, "none"), pos, g.handle); err != nil {
		t.Fatal(err)
	}
	_, _, oldUV := srv.Status(t, "INBOX")

	// The mailbox is rebuilt: new UIDVALIDITY, UIDs start again at 1.
	if err := srv.User.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := srv.User.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	srv.Append(t, "INBOX", imapMsg(1))
	srv.Append(t, "INBOX", imapMsg(5))
	_, _, newUV := srv.Status(t, "INBOX")
	if newUV == oldUV {
		t.Fatal("test server kept its UIDVALIDITY")
	}
	g = got{}
	res, err := FetchIMAP(ctx, imapCfg(srv, "none"), pos, g.handle)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Reread || !slices.Equal(g.uids, []uint32{1, 2}) || g.uv != newUV {
		t.Errorf("result %+v, uids %v under %d; want a re-read of 1 2 under %d", res, g.uids, g.uv, newUV)
	}
	if p := pos.pos["desk@127.0.0.1/INBOX"]; p != [2]uint32{newUV, 2} {
		t.Errorf("position %v", p)
	}
}

func TestIMAPTooLargeIsLeftOnTheServer(t *testing.T) {
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "none", User: "desk", Password: "imap-pw"})
	srv.Append(t, "INBOX", imapMsg(1))
	srv.Append(t, "INBOX", imapMsg(2)+strings.Repeat("attachment line\r\n", 100))
	srv.Append(t, "INBOX", imapMsg(3))
	cfg := imapCfg(srv, "none")
	cfg.MaxMessageBytes = 500
	pos := &memPosition{}
	var g got
	res, err := FetchIMAP(imapCtx(t), cfg, pos, g.handle)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.uids, []uint32{1, 3}) || len(res.TooLarge) != 1 || res.TooLarge[0].UID != 2 || res.TooLarge[0].Size < 1700 {
		t.Fatalf("handled %v, too large %+v", g.uids, res.TooLarge)
	}
	if s := res.TooLarge[0].String(); !strings.Contains(s, "mail.max_message_mb") {
		t.Errorf("advice %q", s)
	}
	if _, unseen, _ := srv.Status(t, "INBOX"); unseen != 1 {
		t.Errorf("%d unseen; want the large one left unread", unseen)
	}
	if p := pos.pos["desk@127.0.0.1/INBOX"]; p[1] != 3 {
		t.Errorf("position %v; want past the large message", p)
	}
}

func TestIMAPLoginErrorNeverShowsThePassword(t *testing.T) {
	const pw = "S3cr3t-imap!"
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "none", User: "desk", Password: "the-right-one", EchoPasswordOnLoginFailure: true})
	cfg := imapCfg(srv, "none")
	cfg.Password = pw
	_, err := FetchIMAP(imapCtx(t), cfg, &memPosition{}, func(context.Context, []byte, uint32, uint32) error {
		t.Error("handle called without a login")
		return nil
	})
	if err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, pw) || !strings.Contains(msg, "[password redacted]") {
		t.Errorf("error %q: the password must be redacted", msg)
	}
	if !strings.Contains(msg, fmt.Sprintf("127.0.0.1:%d", srv.Port)) || !strings.Contains(msg, "mail.imap.user") {
		t.Errorf("error %q does not name the server and what to check", msg)
	}
}

func TestIMAPConnectionChecks(t *testing.T) {
	cert := mailtest.SelfSigned(t)
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "imaps", Cert: cert, User: "desk", Password: "imap-pw"})
	noop := func(context.Context, []byte, uint32, uint32) error { return nil }
	ctx := imapCtx(t)

	// The self-signed certificate is not trusted without the CA.
	if _, err := FetchIMAP(ctx, imapCfg(srv, "imaps"), &memPosition{}, noop); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: err = %v", err)
	}
	remote := IMAPConfig{Host: "imap.example.com", User: "u", Password: "p", TLS: "none"}
	if _, err := FetchIMAP(ctx, remote, &memPosition{}, noop); err == nil || !strings.Contains(err.Error(), "only allowed for a server on this machine") {
		t.Errorf("plain text to a remote server: err = %v", err)
	}
	cfg := imapCfg(srv, "imaps")
	cfg.RootCAs, cfg.Mailbox = cert.Pool, "Nope"
	if _, err := FetchIMAP(ctx, cfg, &memPosition{}, noop); err == nil || !strings.Contains(err.Error(), "mail.imap.mailbox") {
		t.Errorf("missing mailbox: err = %v", err)
	}
}

func TestIMAPSilentServerTimesOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accept, then say nothing
		}
	}()
	cfg := IMAPConfig{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, User: "desk", Password: "imap-pw", TLS: "none", Timeout: 100 * time.Millisecond}
	_, err = FetchIMAP(imapCtx(t), cfg, &memPosition{}, func(context.Context, []byte, uint32, uint32) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "no answer within") {
		t.Errorf("err = %v; want a timeout that says what to check", err)
	}
}

// TestIMAPLoginEchoNeverShowsQuotedPassword: a server that echoes the LOGIN
// command shows the password quoted, with " and \ escaped; that form is
// redacted too.
func TestIMAPLoginEchoNeverShowsQuotedPassword(t *testing.T) {
	const pw = `p"w\d`
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "none", User: "desk", Password: "the-right-one", EchoLoginCommand: true})
	cfg := imapCfg(srv, "none")
	cfg.Password = pw
	_, err := FetchIMAP(imapCtx(t), cfg, &memPosition{}, func(context.Context, []byte, uint32, uint32) error { return nil })
	if err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, `p\"w\\d`) || strings.Contains(msg, pw) || !strings.Contains(msg, "[password redacted]") {
		t.Errorf("error %q: the password must be redacted", msg)
	}
}

// TestIMAPBodyReadIsBounded: a body longer than the limit (a server that
// announced a smaller RFC822.SIZE) is never read into memory past it, and
// the session stays usable for the next message.
func TestIMAPBodyReadIsBounded(t *testing.T) {
	srv := mailtest.StartIMAP(t, mailtest.IMAPOptions{TLS: "none", User: "desk", Password: "imap-pw"})
	srv.Append(t, "INBOX", imapMsg(1)+strings.Repeat("attachment line\r\n", 100))
	srv.Append(t, "INBOX", imapMsg(2))
	cfg := imapCfg(srv, "none")
	s := &imapSession{cfg: cfg, server: fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)}
	if err := s.connect(imapCtx(t)); err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if _, err := s.selectMailbox("INBOX"); err != nil {
		t.Fatal(err)
	}
	raw, gone, over, err := s.body(1, 500)
	if err != nil || gone || !over || raw != nil {
		t.Fatalf("over the limit: %d bytes, gone %v, over %v, %v", len(raw), gone, over, err)
	}
	raw, gone, over, err = s.body(2, 500)
	if err != nil || gone || over || string(raw) != imapMsg(2) {
		t.Fatalf("under the limit: %q, gone %v, over %v, %v", raw, gone, over, err)
	}
}
