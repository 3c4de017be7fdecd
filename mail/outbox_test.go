package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sustain-cli/sustain/mail/internal/mailtest"
	"github.com/sustain-cli/sustain/ticket"
)

// memOutbox is an OutboxStore in memory: a notice is claimed once until it
// is marked, like the real stores promise.
type memOutbox struct {
	mu      sync.Mutex
	notices map[int64]*ticket.Notice
	claimed map[int64]bool
	marks   map[int64]int
}

func newMemOutbox(ns ...*ticket.Notice) *memOutbox {
	s := &memOutbox{notices: map[int64]*ticket.Notice{}, claimed: map[int64]bool{}, marks: map[int64]int{}}
	for _, n := range ns {
		s.notices[n.ID] = n
	}
	return s
}

func (s *memOutbox) ClaimNotices(_ context.Context, now time.Time, n int) ([]*ticket.Notice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*ticket.Notice
	for id := int64(1); id <= int64(len(s.notices)) && len(out) < n; id++ {
		x := s.notices[id]
		if x == nil || x.Status != NoticeQueued || s.claimed[id] || (x.NextAttemptAt != nil && x.NextAttemptAt.After(now)) {
			continue
		}
		s.claimed[id] = true
		c := *x
		out = append(out, &c)
	}
	return out, nil
}

func (s *memOutbox) MarkNotice(_ context.Context, n *ticket.Notice) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.claimed[n.ID] {
		return fmt.Errorf("notice %d marked without a claim", n.ID)
	}
	c := *n
	s.notices[n.ID] = &c
	s.claimed[n.ID] = false
	s.marks[n.ID]++
	return nil
}

func (s *memOutbox) get(id int64) ticket.Notice {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.notices[id]
}

// testNotice has the traps a faithful sender must get right: lines that
// start with a dot (SMTP stuffs and unstuffs them), 8-bit UTF-8, and a
// line of just a dot.
func testNotice(id int64) *ticket.Notice {
	mid := fmt.Sprintf("sup-%d.1@desk.example", id)
	raw := "From: Support <support@desk.example>\r\n" +
		"To: client@customer.example\r\n" +
		"Subject: [SUP-" + fmt.Sprint(id) + "] Обращение зарегистрировано\r\n" +
		"Message-ID: <" + mid + ">\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n" +
		"\r\n" +
		"Ваше обращение зарегистрировано под номером SUP-" + fmt.Sprint(id) + ".\r\n" +
		".leading dot\r\n" +
		"..two dots\r\n" +
		".\r\n" +
		"end\r\n"
	return &ticket.Notice{ID: id, Request: fmt.Sprintf("SUP-%d", id), Kind: "registration",
		To: []string{"client@customer.example"}, MessageID: mid, Raw: []byte(raw), Status: NoticeQueued}
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func fixedNow(t time.Time) func() time.Time { return func() time.Time { return t } }

func smtpFor(t *testing.T, srv *mailtest.SMTPServer, tlsMode, user, password string, cert *mailtest.Cert) *SMTPTransport {
	t.Helper()
	cfg := SMTPConfig{Host: srv.Host, Port: srv.Port, User: user, Password: password,
		From: "bounces@desk.example", TLS: tlsMode, Timeout: 2 * time.Minute}
	if cert != nil {
		cfg.RootCAs = cert.Pool
	}
	tr, err := NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestOutboxSMTPConcurrentRunsSendEachNoticeOnce(t *testing.T) {
	cert := mailtest.SelfSigned(t)
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "starttls", Cert: cert, User: "desk", Password: "s3cret-pw"})
	tr := smtpFor(t, srv, "starttls", "desk", "s3cret-pw", cert)
	var ns []*ticket.Notice
	for i := range 24 {
		ns = append(ns, testNotice(int64(i+1)))
	}
	store := newMemOutbox(ns...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // hang guard
	defer cancel()

	var wg sync.WaitGroup
	results := make([]DeliverResult, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = DeliverOutbox(ctx, store, tr, fixedNow(t0), DeliverOptions{Batch: 3})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := results[0].Sent + results[1].Sent; got != 24 {
		t.Errorf("runs sent %d + %d, want 24 in all", results[0].Sent, results[1].Sent)
	}
	got := srv.Messages()
	if len(got) != 24 {
		t.Fatalf("server received %d messages, want 24", len(got))
	}
	byID := map[string]mailtest.Received{}
	for _, m := range got {
		id := headerValue(m.Data, "Message-ID")
		if _, dup := byID[id]; dup {
			t.Errorf("%s received twice", id)
		}
		byID[id] = m
	}
	for _, n := range ns {
		m, ok := byID["<"+n.MessageID+">"]
		if !ok {
			t.Errorf("notice %d never arrived", n.ID)
			continue
		}
		if !bytes.Equal(m.Data, n.Raw) {
			t.Errorf("notice %d: server got\n%q\nwant\n%q", n.ID, m.Data, n.Raw)
		}
		if m.From != "bounces@desk.example" || len(m.To) != 1 || m.To[0] != "client@customer.example" {
			t.Errorf("notice %d: envelope %s -> %v", n.ID, m.From, m.To)
		}
		rec := store.get(n.ID)
		if rec.Status != NoticeSent || rec.Attempts != 1 || rec.SentAt == nil || !rec.SentAt.Equal(t0) {
			t.Errorf("notice %d recorded as %s after %d attempts, sent %v", n.ID, rec.Status, rec.Attempts, rec.SentAt)
		}
		if !strings.Contains(rec.ServerReply, "250") || !strings.Contains(rec.ServerReply, "queued") {
			t.Errorf("notice %d: reply %q, want the server's 250", n.ID, rec.ServerReply)
		}
		if store.marks[n.ID] != 1 {
			t.Errorf("notice %d marked %d times", n.ID, store.marks[n.ID])
		}
	}
}

func headerValue(raw []byte, name string) string {
	for _, line := range strings.Split(string(raw), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+": "); ok {
			return v
		}
		if line == "" {
			break
		}
	}
	return ""
}

func TestOutboxTemporaryErrorThenSuccess(t *testing.T) {
	var mu sync.Mutex
	refuse := true
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "none", OnData: func(mailtest.Received) error {
		mu.Lock()
		defer mu.Unlock()
		if refuse {
			refuse = false
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		}
		return nil
	}})
	tr := smtpFor(t, srv, "none", "", "", nil)
	store := newMemOutbox(testNotice(1))
	ctx := context.Background()

	res, err := DeliverOutbox(ctx, store, tr, fixedNow(t0), DeliverOptions{})
	if err != nil || res.Queued != 1 || res.Sent != 0 {
		t.Fatalf("first run: %+v, %v; want one queued", res, err)
	}
	rec := store.get(1)
	if rec.Status != NoticeQueued || rec.Attempts != 1 || rec.NextAttemptAt == nil || !rec.NextAttemptAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after a 451: %s, %d attempts, next %v; want queued, 1, +1m", rec.Status, rec.Attempts, rec.NextAttemptAt)
	}
	if !strings.Contains(rec.ServerReply, "451") || !strings.Contains(rec.ServerReply, "try again later") || rec.Error == "" {
		t.Errorf("reply %q error %q; want the 451 recorded", rec.ServerReply, rec.Error)
	}
	// Not due yet: nothing is sent.
	if res, err := DeliverOutbox(ctx, store, tr, fixedNow(t0.Add(30*time.Second)), DeliverOptions{}); err != nil || len(res.Notices) != 0 {
		t.Fatalf("run before the backoff: %+v, %v", res, err)
	}
	res, err = DeliverOutbox(ctx, store, tr, fixedNow(t0.Add(time.Minute)), DeliverOptions{})
	if err != nil || res.Sent != 1 {
		t.Fatalf("retry: %+v, %v; want sent", res, err)
	}
	rec = store.get(1)
	if rec.Status != NoticeSent || rec.Attempts != 2 || rec.Error != "" || rec.NextAttemptAt != nil {
		t.Errorf("after the retry: %+v", rec)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server accepted %d messages, want 1", n)
	}
}

func TestOutboxPermanentErrorFails(t *testing.T) {
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "none", OnData: func(mailtest.Received) error {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "message rejected as spam"}
	}})
	store := newMemOutbox(testNotice(1), testNotice(2))
	res, err := DeliverOutbox(context.Background(), store, smtpFor(t, srv, "none", "", "", nil), fixedNow(t0), DeliverOptions{})
	if err != nil || res.Failed != 2 {
		t.Fatalf("%+v, %v; want two failed and no run error", res, err)
	}
	rec := store.get(1)
	if rec.Status != NoticeFailed || rec.Attempts != 1 || rec.NextAttemptAt != nil {
		t.Errorf("recorded %s after %d attempts, next %v", rec.Status, rec.Attempts, rec.NextAttemptAt)
	}
	if !strings.Contains(rec.ServerReply, "554") || !strings.Contains(rec.ServerReply, "rejected as spam") {
		t.Errorf("reply %q; want the 554 recorded", rec.ServerReply)
	}
}

func TestOutboxGivesUpAfterTheLastBackoff(t *testing.T) {
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "none", OnData: func(mailtest.Received) error {
		return &smtp.SMTPError{Code: 452, Message: "mailbox full"}
	}})
	n := testNotice(1)
	n.Attempts = len(DefaultBackoff) // every wait used up
	store := newMemOutbox(n)
	res, err := DeliverOutbox(context.Background(), store, smtpFor(t, srv, "none", "", "", nil), fixedNow(t0), DeliverOptions{})
	if err != nil || res.Failed != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	if rec := store.get(1); rec.Status != NoticeFailed || rec.Attempts != len(DefaultBackoff)+1 {
		t.Errorf("recorded %s after %d attempts", rec.Status, rec.Attempts)
	}
}

func TestOutboxPasswordEchoedByServerIsRedacted(t *testing.T) {
	const pw = "Tr0ub4dor&3"
	cert := mailtest.SelfSigned(t)
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "starttls", Cert: cert, User: "desk", Password: pw,
		OnData: func(m mailtest.Received) error {
			return &smtp.SMTPError{Code: 450, Message: "greylisted; your password is " + pw}
		}})
	store := newMemOutbox(testNotice(1))
	res, err := DeliverOutbox(context.Background(), store, smtpFor(t, srv, "starttls", "desk", pw, cert), fixedNow(t0), DeliverOptions{})
	if err != nil || res.Queued != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	rec := store.get(1)
	if !strings.Contains(rec.ServerReply, "greylisted") {
		t.Errorf("reply %q; want the server's text", rec.ServerReply)
	}
	for _, s := range []string{rec.ServerReply, rec.Error} {
		if strings.Contains(s, pw) || !strings.Contains(s, "[password redacted]") {
			t.Errorf("recorded %q: the password must be redacted", s)
		}
	}
}

func TestOutboxLoginRefusedStopsTheRun(t *testing.T) {
	const pw = "wrong-Pa55"
	cert := mailtest.SelfSigned(t)
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "starttls", Cert: cert, User: "desk", Password: "right",
		EchoPasswordOnAuthFailure: true})
	store := newMemOutbox(testNotice(1), testNotice(2), testNotice(3))
	res, err := DeliverOutbox(context.Background(), store, smtpFor(t, srv, "starttls", "desk", pw, cert), fixedNow(t0), DeliverOptions{})
	var se *SMTPError
	if !errors.As(err, &se) || !se.Session || se.Code != 535 {
		t.Fatalf("err = %v; want the login refusal", err)
	}
	if strings.Contains(err.Error(), pw) || !strings.Contains(err.Error(), "[password redacted]") {
		t.Errorf("error %q shows the password", err)
	}
	if !strings.Contains(err.Error(), "mail.smtp.user") {
		t.Errorf("error %q does not say what to check", err)
	}
	if IsPermanent(err) {
		t.Errorf("a refused login must not fail the notice for good")
	}
	if len(res.Notices) != 1 {
		t.Errorf("tried %d notices, want 1", len(res.Notices))
	}
	if rec := store.get(1); rec.Status != NoticeQueued || rec.Attempts != 1 || strings.Contains(rec.Error, pw) {
		t.Errorf("tried notice recorded %s, %d attempts, %q", rec.Status, rec.Attempts, rec.Error)
	}
	for _, id := range []int64{2, 3} {
		if rec := store.get(id); rec.Status != NoticeQueued || rec.Attempts != 0 || store.claimed[id] {
			t.Errorf("untried notice %d: %s, %d attempts, still claimed %v", id, rec.Status, rec.Attempts, store.claimed[id])
		}
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("server accepted mail without a login")
	}
}

func TestOutboxDirTransport(t *testing.T) {
	dir := t.TempDir()
	store := newMemOutbox(testNotice(1))
	res, err := DeliverOutbox(context.Background(), store, DirTransport{Dir: dir}, fixedNow(t0), DeliverOptions{})
	if err != nil || res.Sent != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	if rec := store.get(1); !strings.HasSuffix(rec.ServerReply, "sup-1.1@desk.example.eml") {
		t.Errorf("reply %q; want the file's path", rec.ServerReply)
	}
}
