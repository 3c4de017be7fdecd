package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/mail/mailtest"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/sqlite"
)

// TestParallelRunsDecideEachMessageOnce: twelve runs, each on its own
// connection, take in twelve different messages at once, each resuming
// first as `mail ingest` does; every run may take over the others' pending
// messages, yet each message opens exactly one request and queues one
// registration.
func TestParallelRunsDecideEachMessageOnce(t *testing.T) {
	d := newDesk(t)
	const runs = 12
	var wg sync.WaitGroup
	for k := range runs {
		store, err := sqlite.Open(ctx, d.store.Path())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		svc := *d.svc
		svc.Store = store
		intake := *d.intake
		intake.Service, intake.Store = &svc, store
		raw := msg("From: ops@acme.test", fmt.Sprintf("Message-ID: <p%d@acme.test>", k), fmt.Sprintf("Subject: parallel %d", k))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := intake.Resume(ctx); err != nil {
				t.Error(err)
			}
			if _, err := intake.Ingest(ctx, raw, "test"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := d.intake.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	rs, _ := d.store.Requests(ctx, ticket.Filter{})
	all, _ := d.store.InboundList(ctx, "", 0)
	opened := map[string]int{}
	for _, in := range all {
		if in.Decision != ticket.DecisionOpened {
			t.Errorf("message %d: %s (%s)", in.ID, in.Decision, in.Reason)
		}
		opened[in.Request]++
	}
	if len(rs) != runs || len(opened) != runs || len(d.notices()) != runs {
		t.Fatalf("%d requests, %d opened, %d notices; want %d each", len(rs), len(opened), len(d.notices()), runs)
	}
}

// TestDecisionWrittenOnceAcrossRuns: two runs hold the same pending record;
// the one that decides second gets the first one's decision back, and
// writes no request and no notice.
func TestDecisionWrittenOnceAcrossRuns(t *testing.T) {
	d := newDesk(t)
	raw := msg("From: ops@acme.test", "Message-ID: <twice@acme.test>", "Subject: twice")
	if _, err := d.store.ReceiveRaw(ctx, bytes.NewReader(raw), "test", d.now); err != nil {
		t.Fatal(err)
	}
	first, _ := d.store.PendingInbound(ctx)
	second, _ := d.store.PendingInbound(ctx)
	other := *d.intake
	other.Store = pendingOnce{d.store, second}
	done, err := d.intake.Resume(ctx)
	if err != nil || len(done) != 1 || first[0].ID != done[0].ID {
		t.Fatalf("resume: %v, %v", done, err)
	}
	late, err := other.Resume(ctx)
	if err != nil || len(late) != 1 {
		t.Fatalf("late resume: %v, %v", late, err)
	}
	d.want(late[0], ticket.DecisionOpened, "SUP-1", "")
	if rs, _ := d.store.Requests(ctx, ticket.Filter{}); len(rs) != 1 || len(d.notices()) != 1 {
		t.Fatalf("%d requests, %d notices; want 1 and 1", len(rs), len(d.notices()))
	}
}

// pendingOnce lists the records read before another run decided them.
type pendingOnce struct {
	ticket.MailStore
	pending []*ticket.Inbound
}

func (s pendingOnce) PendingInbound(context.Context) ([]*ticket.Inbound, error) {
	return s.pending, nil
}

// TestBadSenderNeverBlocksIntake: a From no notice can be written to is
// quarantined without a refusal (the reason says why) instead of stopping
// every later run; a pending message that cannot be decided now is
// reported and the others are decided; a pending message can be dropped.
func TestBadSenderNeverBlocksIntake(t *testing.T) {
	d := newDesk(t)
	for _, from := range []string{"ops@acme.test.", `"ops@acme.test"@x.test`} {
		in := d.ingest(msg("From: "+from, "Message-ID: <bad"+fmt.Sprint(len(from))+"@x.test>", "Subject: bad"))
		d.want(in, ticket.DecisionQuarantined, "", "")
		// "ops@acme.test." is no address at all (the parser says so); the
		// quoted one parses but no notice can be written to it.
		if !strings.Contains(in.Reason, "no refusal sent") && !strings.Contains(in.Reason, "From cannot be read") {
			t.Errorf("reason %q, want why no refusal was sent", in.Reason)
		}
	}

	stuck, err := d.store.ReceiveRaw(ctx, bytes.NewReader(msg("From: ops@acme.test", "Message-ID: <stuck@acme.test>", "Subject: stuck")), "test", d.now)
	if err != nil {
		t.Fatal(err)
	}
	later, err := d.store.ReceiveRaw(ctx, bytes.NewReader(msg("From: ops@acme.test", "Message-ID: <later@acme.test>", "Subject: later")), "test", d.now)
	if err != nil {
		t.Fatal(err)
	}
	broken := *d.intake
	broken.Store = brokenOne{d.store, stuck.ID}
	done, err := broken.Resume(ctx)
	if err != nil || len(done) != 2 {
		t.Fatalf("resume: %v, %v", done, err)
	}
	if done[0].ID != stuck.ID || done[0].Decision != ticket.DecisionPending || !strings.Contains(done[0].Reason, "not decided") {
		t.Errorf("the stuck message: %+v", done[0])
	}
	d.want(done[1], ticket.DecisionOpened, "SUP-1", "")
	now, err := broken.Ingest(ctx, msg("From: ops@acme.test", "Message-ID: <now@acme.test>", "Subject: now"), "test")
	if err != nil {
		t.Fatal(err)
	}
	d.want(now, ticket.DecisionOpened, "SUP-2", "")
	if done[1].ID != later.ID {
		t.Errorf("resumed %d, want %d", done[1].ID, later.ID)
	}
	dropped, err := d.intake.Drop(ctx, stuck.ID, "anna")
	if err != nil || dropped.Decision != ticket.DecisionDropped || dropped.Reason != "was pending" {
		t.Fatalf("drop of a pending message: %+v, %v", dropped, err)
	}
	if _, err := d.intake.Drop(ctx, later.ID, "anna"); err == nil {
		t.Error("dropped an opened message")
	}
}

// brokenOne cannot give back the bytes of one kept message.
type brokenOne struct {
	ticket.MailStore
	id int64
}

func (s brokenOne) RawReader(ctx context.Context, id, size int64) io.Reader {
	if id != s.id {
		return s.MailStore.RawReader(ctx, id, size)
	}
	return iotest.ErrReader(errors.New("disk I/O error"))
}

// TestForgedBounceCancelsNothing: a report quoting a notice that was never
// sent, or naming other recipients than the notice's, leaves the notice
// as it is; one from the notice's recipient about a sent notice marks it.
func TestForgedBounceCancelsNothing(t *testing.T) {
	d := newDesk(t)
	d.want(d.ingest(msg("From: ops@acme.test", "Message-ID: <r1@acme.test>", "Subject: help")), ticket.DecisionOpened, "SUP-1", "")
	reg := d.notices()[0]
	bounce := func(id, rcpt string) []byte {
		return []byte(fmt.Sprintf("From: MAILER-DAEMON@evil.test\r\nTo: support@desk.test\r\nMessage-ID: <%s@evil.test>\r\n"+
			"Subject: Undelivered\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"+
			"--B\r\nContent-Type: text/plain\r\n\r\nnot delivered\r\n"+
			"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; evil.test\r\n\r\n"+
			"Final-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"+
			"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\n\r\n--B--\r\n", id, rcpt, reg.MessageID))
	}
	status := func() string {
		n, _ := d.store.NoticeByMessageID(ctx, reg.MessageID)
		return n.Status
	}
	in := d.ingest(bounce("f1", "ops@acme.test"))
	if status() != ticket.NoticeQueued || !strings.Contains(in.Reason, "not sent") {
		t.Fatalf("a bounce of a queued notice: %s (%s)", status(), in.Reason)
	}
	d.sendAll()
	in = d.ingest(bounce("f2", "someone@else.test"))
	if status() != ticket.NoticeSent || !strings.Contains(in.Reason, "not the notice's") {
		t.Fatalf("a bounce for another recipient: %s (%s)", status(), in.Reason)
	}
	in = d.ingest(bounce("f3", "OPS@acme.test"))
	if status() != ticket.NoticeFailed || in.Request != "SUP-1" {
		t.Fatalf("a real bounce: %s (%s)", status(), in.Reason)
	}
}

// TestStoreFailuresAreTemporary: a store that cannot be written keeps no
// message and says so as a temporary failure (exit 75), never as a
// refusal, so an MTA retries.
func TestStoreFailuresAreTemporary(t *testing.T) {
	d := newDesk(t)
	ro, err := sqlite.OpenReadOnly(ctx, d.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	intake := *d.intake
	intake.Store = ro
	var pe *problem.Error
	if _, err := intake.Ingest(ctx, msg("From: ops@acme.test", "Subject: x"), "test"); !errors.As(err, &pe) || pe.Kind != problem.TempFail {
		t.Fatalf("read-only store: %v, want a temporary failure", err)
	}
	if _, err := intake.Resume(ctx); err != nil {
		t.Fatalf("resume on a read-only store with nothing pending: %v", err)
	}
}

// TestDuplicatesNeedTheSameSender: a stranger's message reusing a
// customer's Message-ID is no duplicate of the customer's; the customer's
// own retry is. An unreadable message delivered twice is one quarantine.
func TestDuplicatesNeedTheSameSender(t *testing.T) {
	d := newDesk(t)
	d.want(d.ingest(msg("From: stranger@evil.test", "Message-ID: <victim@acme.test>", "Subject: first")), ticket.DecisionQuarantined, "", "")
	real := msg("From: ops@acme.test", "Message-ID: <victim@acme.test>", "Subject: real")
	d.want(d.ingest(real), ticket.DecisionOpened, "SUP-1", "")
	d.want(d.ingest(real), ticket.DecisionDuplicate, "SUP-1", "")
	again := msg("From: ops@acme.test", "Message-ID: <victim@acme.test>", "Subject: real", "X-Mailer: resent")
	d.want(d.ingest(again), ticket.DecisionDuplicate, "SUP-1", "")

	unreadable := []byte("Subject: no sender\r\n\r\nbody\r\n")
	d.want(d.ingest(unreadable), ticket.DecisionQuarantined, "", "")
	d.want(d.ingest(unreadable), ticket.DecisionDuplicate, "", "")
	if q, _ := d.store.InboundList(ctx, ticket.DecisionQuarantined, 0); len(q) != 2 {
		t.Errorf("%d quarantined, want the stranger's and one unreadable", len(q))
	}
}

// TestOurMessageIDsCannotBeClaimed: a customer whose message claims the
// Message-ID our next notice on another customer's request will have does
// not take over that notice's thread: the reply to it threads to its request.
func TestOurMessageIDsCannotBeClaimed(t *testing.T) {
	d := newDesk(t)
	d.want(d.ingest(msg("From: ops@acme.test", "Message-ID: <a1@acme.test>", "Subject: acme")), ticket.DecisionOpened, "SUP-1", "")
	d.want(d.ingest(msg("From: it@beta.test", "Message-ID: <sup-1.2@desk.test>", "Subject: beta")), ticket.DecisionOpened, "SUP-2", "")
	d.act("SUP-1", ticket.ActRequestInfo, "Which build?") // notice <sup-1.2@desk.test>
	reply := msg("From: ops@acme.test", "Message-ID: <a2@acme.test>", "In-Reply-To: <sup-1.2@desk.test>", "Subject: Re: build", "body:1.0.37")
	d.want(d.ingest(reply), ticket.DecisionAppended, "SUP-1", mail.AsReply)
}

// TestManyPartsAreCapped: a message with more attachments than
// MaxAttachments is quarantined saying so; one at the cap is opened with
// every file under its own name.
func TestManyPartsAreCapped(t *testing.T) {
	d := newDesk(t)
	parts := func(n int, id string) []byte {
		m := mailtest.Message{From: "ops@acme.test", Subject: "parts", Body: "many", MessageID: id}
		for k := range n {
			m.Attachments = append(m.Attachments, mailtest.Attachment{Name: "a.log", Data: []byte{byte(k)}})
		}
		return m.Bytes()
	}
	in := d.ingest(parts(mail.MaxAttachments+1, "over@acme.test"))
	d.want(in, ticket.DecisionQuarantined, "", "")
	if !strings.Contains(in.Reason, fmt.Sprintf("above the limit of %d", mail.MaxAttachments)) {
		t.Errorf("reason %q", in.Reason)
	}
	d.want(d.ingest(parts(mail.MaxAttachments, "at@acme.test")), ticket.DecisionOpened, "SUP-1", "")
	v, _ := d.svc.Show(ctx, "SUP-1")
	seen := map[string]bool{}
	for _, a := range v.Attachments {
		seen[a.Name] = true
	}
	if len(seen) != mail.MaxAttachments || !seen["a.log"] || !seen[fmt.Sprintf("a-%d.log", mail.MaxAttachments)] {
		t.Errorf("%d distinct names of %d files", len(seen), len(v.Attachments))
	}
}

// TestResumeLeavesLiveRunsAlone: a pending message kept by a live process
// of this host is left to it; one kept by a process that has ended, or by
// a keeper the store does not name, is resumed.
func TestResumeLeavesLiveRunsAlone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("whether a process runs is known on Unix only")
	}
	d := newDesk(t)
	host, _ := os.Hostname()
	live := &ticket.Inbound{ID: 1, KeptBy: fmt.Sprintf("%s/%d", host, os.Getppid()), KeptAt: time.Now()}
	gone := &ticket.Inbound{ID: 2, KeptBy: host + "/2147483646", KeptAt: time.Now()}
	odd := &ticket.Inbound{ID: 3, KeptBy: "no-slash", KeptAt: time.Now()}
	intake := *d.intake
	intake.Store = pendingOnce{d.store, []*ticket.Inbound{live, gone, odd}}
	done, err := intake.Resume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, in := range done {
		ids = append(ids, in.ID)
	}
	if fmt.Sprint(ids) != "[2 3]" {
		t.Errorf("resumed %v, want [2 3]", ids)
	}
}
