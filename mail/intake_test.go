package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/mail/mailtest"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/sqlite"
)

var ctx = context.Background()

type desk struct {
	t      *testing.T
	now    time.Time
	svc    *ticket.Service
	store  *sqlite.Store
	intake *mail.Intake
}

// newDesk is a desk under regulation A (responsible persons confirm) on a
// real SQLite file, with notices on.
func newDesk(t *testing.T) *desk {
	t.Helper()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sustain.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	msk := time.FixedZone("MSK", 3*3600)
	d := &desk{t: t, now: time.Date(2026, 11, 16, 10, 0, 0, 0, msk), store: store}
	now := func() time.Time { return d.now }
	tmpl, err := mail.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	n := &mail.Notifier{Templates: tmpl, Address: "support@desk.test", Now: now}
	d.svc = &ticket.Service{Store: store, Now: now, Notifier: n,
		Calendar: bizcal.New(bizcal.Russian(), msk, 9*time.Hour, 18*time.Hour, nil),
		Policy: ticket.Policy{Prefix: "SUP", AutocloseBusinessDays: 8, ConfirmRequiresResponsible: true,
			EmailRequiresRegisteredSender: true, AttachmentMaxBytes: 1 << 20}}
	d.intake = &mail.Intake{Service: d.svc, Store: store, Notifier: n, Actor: "mail",
		Parse: mail.ParseOptions{MaxAttachmentBytes: 1 << 20, LoopID: "support@desk.test"}}
	for _, c := range []*ticket.Customer{
		{Code: "ACME", Name: "Acme LLC", Emails: []string{"ops@acme.test", "shared@both.test"},
			Responsible: []ticket.Person{{Name: "Ivan Petrov", Email: "ivan@acme.test"}}},
		{Code: "BETA", Name: "Beta", Emails: []string{"it@beta.test", "shared@both.test"}, Lang: "en"},
	} {
		if err := d.svc.AddCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// msg writes a plain message; headers are "Name: value" lines.
func msg(headers ...string) []byte {
	var b strings.Builder
	body := "Hello"
	for _, h := range headers {
		if v, ok := strings.CutPrefix(h, "body:"); ok {
			body = v
			continue
		}
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Date: Mon, 16 Nov 2026 10:00:00 +0300\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
	return []byte(b.String())
}

func (d *desk) ingest(raw []byte) *ticket.Inbound {
	d.t.Helper()
	in, err := d.intake.Ingest(ctx, raw, "test")
	if err != nil {
		d.t.Fatal(err)
	}
	return in
}

func (d *desk) want(in *ticket.Inbound, decision, request, as string) {
	d.t.Helper()
	if in.Decision != decision || in.Request != request || in.As != as {
		d.t.Fatalf("decision %s %s as %q (%s), want %s %s as %q", in.Decision, in.Request, in.As, in.Reason, decision, request, as)
	}
}

func (d *desk) status(id string) ticket.Status {
	d.t.Helper()
	v, err := d.svc.Show(ctx, id)
	if err != nil {
		d.t.Fatal(err)
	}
	return v.Status
}

func (d *desk) notices() []*ticket.Notice {
	d.t.Helper()
	ns, err := d.store.Notices(ctx, "", 0)
	if err != nil {
		d.t.Fatal(err)
	}
	return ns
}

// sendAll marks every queued notice sent, as mail send would: only a sent
// notice can bounce.
func (d *desk) sendAll() {
	d.t.Helper()
	at := d.now
	for _, n := range d.notices() {
		if n.Status == ticket.NoticeQueued {
			n.Status, n.SentAt, n.Attempts = ticket.NoticeSent, &at, 1
			if err := d.store.MarkNotice(ctx, n); err != nil {
				d.t.Fatal(err)
			}
		}
	}
}

func (d *desk) raw(n *ticket.Notice) string {
	d.t.Helper()
	full, err := d.store.Notice(ctx, n.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return string(full.Raw)
}

func (d *desk) act(id string, a ticket.Action, text string) {
	d.t.Helper()
	if _, err := d.svc.Act(ctx, id, ticket.ActInput{Action: a, Actor: "anna", Text: text}); err != nil {
		d.t.Fatal(err)
	}
}

// TestLifecycleByMail: a request opened by mail, an information request
// answered by a reply threaded through References alone, a confirmation
// from someone who may not confirm (a dispute), a confirmation from the
// responsible person, and a reply to the closed request (a new one, A6).
func TestLifecycleByMail(t *testing.T) {
	d := newDesk(t)
	first := msg("From: Ops <OPS@acme.test>", "To: support@desk.test", "Cc: stranger@evil.test",
		"Message-ID: <m1@acme.test>", "Subject: Re: Fwd: Login fails", "body:HTTP 500 after the update")
	in := d.ingest(first)
	d.want(in, ticket.DecisionOpened, "SUP-1", "")
	v, _ := d.svc.Show(ctx, "SUP-1")
	if v.Subject != "Login fails" || v.From != "ops@acme.test" || v.Channel != "email" || v.Description != "HTTP 500 after the update" {
		t.Fatalf("request %+v", v.Request)
	}
	ns := d.notices()
	if len(ns) != 1 || ns[0].Kind != ticket.NoticeRegistration || ns[0].To[0] != "ops@acme.test" || ns[0].MessageID != "sup-1.1@desk.test" {
		t.Fatalf("notices %+v", ns)
	}
	raw := d.raw(ns[0])
	for _, h := range []string{"In-Reply-To: <m1@acme.test>", "Auto-Submitted: auto-replied", "X-Loop: support@desk.test", "X-Auto-Response-Suppress: All"} {
		if !strings.Contains(raw, h) {
			t.Errorf("registration notice lacks %q:\n%s", h, raw)
		}
	}

	// The same message again changes nothing.
	dup := d.ingest(first)
	d.want(dup, ticket.DecisionDuplicate, "SUP-1", "")
	if len(d.notices()) != 1 {
		t.Fatal("a duplicate made a notice")
	}

	d.act("SUP-1", ticket.ActRequestInfo, "Which build?")
	info := d.notices()[0]
	reply := d.ingest(msg("From: ops@acme.test", "Message-ID: <m2@acme.test>", "Subject: build",
		"References: <"+info.MessageID+">", "body:1.0.37\n\n> Which build?"))
	d.want(reply, ticket.DecisionAppended, "SUP-1", mail.AsReply)
	if st := d.status("SUP-1"); st != ticket.StatusInProgress {
		t.Fatalf("after the reply: %s", st)
	}

	d.act("SUP-1", ticket.ActAnswer, "Fixed in 1.0.42")
	answer := d.notices()[0]
	if answer.Kind != ticket.NoticeAnswer || !strings.Contains(d.raw(answer), "In-Reply-To: <m2@acme.test>") {
		t.Fatalf("answer notice %s:\n%s", answer.Kind, d.raw(answer))
	}
	// ops@ is registered but not a responsible person: under A12 its
	// "confirm" is a dispute, with the text as the reason.
	notAllowed := d.ingest(msg("From: ops@acme.test", "Message-ID: <m3@acme.test>", "Subject: Re: [SUP-1] Login fails", "body:Confirm\nthanks"))
	d.want(notAllowed, ticket.DecisionAppended, "SUP-1", mail.AsDispute)
	if st := d.status("SUP-1"); st != ticket.StatusInProgress {
		t.Fatalf("after the dispute: %s", st)
	}
	d.act("SUP-1", ticket.ActAnswer, "Fixed in 1.0.43")
	ok := d.ingest(msg("From: ivan@acme.test", "Message-ID: <m4@acme.test>", "Subject: Ответ: [SUP-1] Login fails", "body:\n  Подтверждаю\n\nИван"))
	d.want(ok, ticket.DecisionAppended, "SUP-1", mail.AsConfirmation)
	if st := d.status("SUP-1"); st != ticket.StatusClosed {
		t.Fatalf("after the confirmation: %s", st)
	}
	if d.notices()[0].Kind != ticket.NoticeClosure {
		t.Fatal("no closure notice")
	}

	late := d.ingest(msg("From: ops@acme.test", "Message-ID: <m5@acme.test>", "Subject: Re: [SUP-1] Login fails", "body:And another thing"))
	d.want(late, ticket.DecisionOpened, "SUP-2", "")
	v, _ = d.svc.Show(ctx, "SUP-2")
	if v.Related != "SUP-1" || v.Subject != "Login fails" || !strings.Contains(late.Reason, "SUP-1") {
		t.Fatalf("reply to a closed request: %+v, reason %q", v.Request, late.Reason)
	}
}

// TestSendersAndMachines: unknown senders are quarantined with one refusal
// a day, an address of two customers is quarantined, machine mail is
// ignored even when it names a request, and a bounce of our notice marks
// it failed.
func TestSendersAndMachines(t *testing.T) {
	d := newDesk(t)
	u1 := d.ingest(msg("From: who@nowhere.test", "Message-ID: <u1@nowhere.test>", "Subject: help"))
	d.want(u1, ticket.DecisionQuarantined, "", "")
	u2 := d.ingest(msg("From: who@nowhere.test", "Message-ID: <u2@nowhere.test>", "Subject: help again"))
	d.want(u2, ticket.DecisionQuarantined, "", "")
	ns := d.notices()
	if len(ns) != 1 || ns[0].Kind != ticket.NoticeRefusal || ns[0].To[0] != "who@nowhere.test" {
		t.Fatalf("refusals %+v, want one", ns)
	}
	both := d.ingest(msg("From: shared@both.test", "Message-ID: <s1@both.test>", "Subject: which"))
	d.want(both, ticket.DecisionQuarantined, "", "")
	if !strings.Contains(both.Reason, "ACME, BETA") {
		t.Errorf("reason %q", both.Reason)
	}
	released, err := d.intake.Release(ctx, both.ID, "beta", "anna")
	if err != nil {
		t.Fatal(err)
	}
	d.want(released, ticket.DecisionOpened, "SUP-1", "")
	if released.HandledBy != "anna" {
		t.Errorf("handled by %q", released.HandledBy)
	}

	d.act("SUP-1", ticket.ActAnswer, "Done")
	ooo := d.ingest(msg("From: shared@both.test", "Message-ID: <o1@both.test>", "Subject: Automatic reply: [SUP-1] which",
		"Auto-Submitted: auto-replied", "body:I am away"))
	d.want(ooo, ticket.DecisionIgnored, "", "")
	if st := d.status("SUP-1"); st != ticket.StatusResolved {
		t.Fatalf("an auto-reply moved the request to %s", st)
	}
	answer := d.notices()[0]
	d.sendAll()
	bounce := fmt.Sprintf("From: MAILER-DAEMON@mx.both.test\r\nTo: support@desk.test\r\nMessage-ID: <b1@mx.both.test>\r\n"+
		"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"+
		"--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"+
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.both.test\r\n\r\n"+
		"Final-Recipient: rfc822; shared@both.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"+
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\nSubject: x\r\n\r\n--B--\r\n", answer.MessageID)
	b := d.ingest([]byte(bounce))
	d.want(b, ticket.DecisionIgnored, "SUP-1", "")
	n, _ := d.store.NoticeByMessageID(ctx, answer.MessageID)
	if n.Status != ticket.NoticeFailed {
		t.Fatalf("bounced notice is %s (%s)", n.Status, b.Reason)
	}
	if len(d.notices()) != 3 { // refusal, registration, answer: nothing for machines
		t.Fatalf("%d notices", len(d.notices()))
	}
}

// TestQuarantineReleaseAndResume: a message kept but never decided (the
// process died) is finished by Resume; a quarantined sender is let in after
// registration; an oversized attachment is quarantined, not lost.
func TestQuarantineReleaseAndResume(t *testing.T) {
	d := newDesk(t)
	raw := msg("From: new@acme.test", "Message-ID: <n1@acme.test>", "Subject: first")
	kept, err := d.store.ReceiveRaw(ctx, bytes.NewReader(raw), "test", d.now)
	if err != nil {
		t.Fatal(err)
	}
	done, err := d.intake.Resume(ctx)
	if err != nil || len(done) != 1 || done[0].ID != kept.ID {
		t.Fatalf("resume: %v, %v", done, err)
	}
	d.want(done[0], ticket.DecisionQuarantined, "", "")
	if _, err := d.intake.Release(ctx, kept.ID, "", "anna"); err != nil {
		t.Fatal(err) // still unknown: quarantined again, no error
	}
	if _, err := d.svc.EditCustomer(ctx, "ACME", func(c *ticket.Customer) error {
		c.Emails = append(c.Emails, "new@acme.test")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	in, err := d.intake.Release(ctx, kept.ID, "", "anna")
	if err != nil {
		t.Fatal(err)
	}
	d.want(in, ticket.DecisionOpened, "SUP-1", "")
	if logged, _, _ := d.store.InboundMessage(ctx, kept.ID); logged.Reason != "released from quarantine (was: unknown sender)" || logged.HandledBy != "anna" {
		t.Errorf("the log says %q by %q", logged.Reason, logged.HandledBy)
	}
	if _, err := d.intake.Release(ctx, kept.ID, "", "anna"); err == nil {
		t.Fatal("released a message that is not in quarantine")
	}

	big := fmt.Sprintf("From: ops@acme.test\r\nMessage-ID: <big@acme.test>\r\nSubject: log\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"X\"\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nsee the log\r\n"+
		"--X\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"app.log\"\r\n\r\n%s\r\n--X--\r\n",
		strings.Repeat("y", 2<<20))
	q := d.ingest([]byte(big))
	d.want(q, ticket.DecisionQuarantined, "", "")
	if !strings.Contains(q.Reason, "app.log") {
		t.Errorf("reason %q", q.Reason)
	}
	_, back, err := d.store.InboundMessage(ctx, q.ID)
	if err != nil || string(back) != big {
		t.Fatal("the quarantined message did not come back byte for byte")
	}
	dropped, err := d.intake.Drop(ctx, q.ID, "anna")
	if err != nil || dropped.Decision != ticket.DecisionDropped || dropped.HandledBy != "anna" {
		t.Fatalf("drop: %+v, %v", dropped, err)
	}
}

// TestConcurrentDeliveriesOpenOnce: eight runs, each on its own connection
// to the store, take in the same message at once; exactly one request is
// opened, every other delivery is a duplicate.
func TestConcurrentDeliveriesOpenOnce(t *testing.T) {
	d := newDesk(t)
	raw := msg("From: ops@acme.test", "Message-ID: <race@acme.test>", "Subject: race")
	var wg sync.WaitGroup
	decisions := make([]string, 8)
	for k := range decisions {
		store, err := sqlite.Open(ctx, d.store.Path())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		svc := *d.svc
		svc.Store = store
		intake := *d.intake
		intake.Service, intake.Store = &svc, store
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, err := intake.Ingest(ctx, raw, "test")
			if err != nil {
				t.Error(err)
				return
			}
			decisions[k] = in.Decision
		}()
	}
	wg.Wait()
	opened := 0
	for _, dec := range decisions {
		switch dec {
		case ticket.DecisionOpened:
			opened++
		case ticket.DecisionDuplicate:
		default:
			t.Errorf("decision %q", dec)
		}
	}
	if rs, _ := d.store.Requests(ctx, ticket.Filter{}); opened != 1 || len(rs) != 1 {
		t.Fatalf("%d opened, %d requests; want 1 and 1 (%v)", opened, len(rs), decisions)
	}
}

// meetingStore holds each run's first duplicate lookup until every run has
// made it, so all of them pass that check before any decides: the race of
// two deliveries taken in at once, every time.
type meetingStore struct {
	ticket.MailStore
	once    sync.Once
	meeting *sync.WaitGroup
}

func (s *meetingStore) FindSHA256(ctx context.Context, sum string) (*ticket.Inbound, error) {
	in, err := s.MailStore.FindSHA256(ctx, sum)
	s.once.Do(func() {
		s.meeting.Done()
		s.meeting.Wait()
	})
	return in, err
}

// TestConcurrentDeliveriesWithoutMessageIDOpenOnce: two runs, each on its
// own connection, take in the same bytes without a Message-ID at once and
// both find no earlier delivery; the store's check by SHA-256 inside the
// write transaction lets exactly one open a request, and the other is
// recorded as its duplicate.
func TestConcurrentDeliveriesWithoutMessageIDOpenOnce(t *testing.T) {
	d := newDesk(t)
	raw := msg("From: ops@acme.test", "Subject: no id")
	var meeting, wg sync.WaitGroup
	const runs = 2
	meeting.Add(runs)
	ins := make([]*ticket.Inbound, runs)
	for k := range ins {
		store, err := sqlite.Open(ctx, d.store.Path())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		svc := *d.svc
		svc.Store = store
		intake := *d.intake
		ms := &meetingStore{MailStore: store, meeting: &meeting}
		intake.Service, intake.Store = &svc, ms
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, err := intake.Ingest(ctx, raw, "test")
			if err != nil {
				t.Error(err)
				ms.once.Do(meeting.Done) // failed before the meeting: do not hold the other run
				return
			}
			ins[k] = in
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var opened, dup *ticket.Inbound
	for _, in := range ins {
		switch in.Decision {
		case ticket.DecisionOpened:
			opened = in
		case ticket.DecisionDuplicate:
			dup = in
		}
	}
	if opened == nil || dup == nil {
		t.Fatalf("decisions %s and %s, want one opened and one duplicate", ins[0].Decision, ins[1].Decision)
	}
	if dup.Request != opened.Request || dup.Reason != fmt.Sprintf("duplicate of %d", opened.ID) {
		t.Errorf("duplicate: %s %q, want %s, duplicate of %d", dup.Request, dup.Reason, opened.Request, opened.ID)
	}
	if rs, _ := d.store.Requests(ctx, ticket.Filter{}); len(rs) != 1 {
		t.Fatalf("%d requests, want 1", len(rs))
	}
	if ns := d.notices(); len(ns) != 1 {
		t.Errorf("%d notices, want the one registration", len(ns))
	}
}

// TestReplyAttachmentsAreKept: the log a customer sends in reply to an
// information request is attached to the request, byte for byte, under a
// name of its own when the request has a file of that name already.
func TestReplyAttachmentsAreKept(t *testing.T) {
	d := newDesk(t)
	withLog := func(id, subject, content string) []byte {
		return []byte("From: ops@acme.test\r\nMessage-ID: <" + id + ">\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=\"X\"\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nthe log\r\n" +
			"--X\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"app.log\"\r\n" +
			"Content-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString([]byte(content)) + "\r\n--X--\r\n")
	}
	d.want(d.ingest(withLog("l1@acme.test", "Crash", "first log")), ticket.DecisionOpened, "SUP-1", "")
	d.act("SUP-1", ticket.ActRequestInfo, "The log after the crash, please")
	d.want(d.ingest(withLog("l2@acme.test", "Re: [SUP-1] Crash", "second log")), ticket.DecisionAppended, "SUP-1", mail.AsReply)
	v, _ := d.svc.Show(ctx, "SUP-1")
	if len(v.Attachments) != 2 {
		t.Fatalf("attachments %+v", v.Attachments)
	}
	for name, want := range map[string]string{"app.log": "first log", "app-2.log": "second log"} {
		a, data, err := d.store.AttachmentData(ctx, "SUP-1", name)
		if err != nil || string(data) != want || a.Verify(data) != nil {
			t.Errorf("%s: %q, %v", name, data, err)
		}
	}
}

// TestLargeMessageFromAReader: a message read from a pipe in short reads is
// kept byte for byte, parsed from the store, and its 3 MB attachment stored
// in pieces comes back exactly.
func TestLargeMessageFromAReader(t *testing.T) {
	d := newDesk(t)
	d.intake.Parse.MaxAttachmentBytes, d.svc.Policy.AttachmentMaxBytes = 8<<20, 8<<20
	m := mailtest.WithAttachment(3<<20 + 17)
	m.From = "ops@acme.test"
	raw := m.Bytes()
	in, err := d.intake.IngestFrom(ctx, iotest.HalfReader(bytes.NewReader(raw)), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	d.want(in, ticket.DecisionOpened, "SUP-1", "")
	if _, back, err := d.store.InboundMessage(ctx, in.ID); err != nil || !bytes.Equal(back, raw) {
		t.Fatalf("raw kept: %d of %d bytes (%v)", len(back), len(raw), err)
	}
	a, data, err := d.store.AttachmentData(ctx, "SUP-1", "dump.bin")
	if err != nil || !bytes.Equal(data, mailtest.Blob(1, 3<<20+17)) || a.Verify(data) != nil {
		t.Fatalf("attachment: %d bytes (%v)", len(data), err)
	}
}

// brokenRawStore fails every read of a kept message after its first bytes.
type brokenRawStore struct{ ticket.MailStore }

func (s brokenRawStore) RawReader(ctx context.Context, id, size int64) io.Reader {
	return io.MultiReader(io.LimitReader(s.MailStore.RawReader(ctx, id, size), 100), iotest.ErrReader(errors.New("disk I/O error")))
}

// TestUnreadableStoreLeavesMessagePending: when the store cannot give the
// kept bytes back, the message is neither quarantined as broken nor lost:
// it stays pending, the run fails temporarily, and the next run decides it.
// A message that cannot be read from its sender is not kept at all.
func TestUnreadableStoreLeavesMessagePending(t *testing.T) {
	d := newDesk(t)
	broken := *d.intake
	broken.Store = brokenRawStore{d.store}
	raw := msg("From: ops@acme.test", "Message-ID: <io@acme.test>", "Subject: disk")
	var pe *problem.Error
	if _, err := broken.IngestFrom(ctx, bytes.NewReader(raw), "stdin"); !errors.As(err, &pe) || pe.Kind != problem.TempFail {
		t.Fatalf("err = %v, want a temporary failure", err)
	}
	if pending, _ := d.store.PendingInbound(ctx); len(pending) != 1 {
		t.Fatalf("%d pending, want the kept message", len(pending))
	}
	done, err := d.intake.Resume(ctx)
	if err != nil || len(done) != 1 {
		t.Fatalf("resume: %v, %v", done, err)
	}
	d.want(done[0], ticket.DecisionOpened, "SUP-1", "")

	cut := io.MultiReader(bytes.NewReader(raw), iotest.ErrReader(errors.New("broken pipe")))
	if _, err := d.intake.IngestFrom(ctx, cut, "stdin"); !errors.As(err, &pe) || pe.Kind != problem.TempFail {
		t.Fatalf("err = %v, want a temporary failure", err)
	}
	if all, _ := d.store.InboundList(ctx, "", 0); len(all) != 1 {
		t.Errorf("%d messages in the log, want only the first", len(all))
	}
}
