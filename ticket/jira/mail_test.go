package jira

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/jiratest"
	"github.com/sustain-cli/sustain/internal/problem"
	jiraclient "github.com/sustain-cli/sustain/jira"
	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/customerfile"
)

const msg1 = "From: ops@acme.test\r\nMessage-ID: <m1@acme.test>\r\nSubject: Login fails\r\n\r\nHTTP 500\r\n"

// secondMachine is another process on another machine: a new Store value
// (no cached mailbox) on the same Jira.
func secondMachine(t *testing.T, srv *jiratest.Server) *Store {
	return New(client(t, srv.URL), customerfile.Open(filepath.Join(t.TempDir(), "customers.yaml")), opts)
}

func receive(t *testing.T, s *Store, raw string) *ticket.Inbound {
	t.Helper()
	in, err := s.ReceiveRaw(ctx, strings.NewReader(raw), "stdin", opened)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func ids(t *testing.T, srv *jiratest.Server, box, name string) []int64 {
	t.Helper()
	var l idList
	if raw := srv.Property(box, name); raw != nil {
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatal(err)
		}
	}
	return l.IDs
}

func TestReceiveRawKeepsTheBytesInJira(t *testing.T) {
	s, srv := newStore(t)
	in := receive(t, s, msg1)
	sum := sha256.Sum256([]byte(msg1))
	if in.SHA256 != hex.EncodeToString(sum[:]) || in.Size != int64(len(msg1)) || in.ID <= 0 || in.Decision != "" {
		t.Errorf("inbound = %+v", in)
	}
	if srv.Field("SUP-1", "summary") != mailboxSummary {
		t.Fatalf("no mailbox issue: %v", srv.Field("SUP-1", "summary"))
	}
	if got := ids(t, srv, "SUP-1", pendingKey); len(got) != 1 || got[0] != in.ID {
		t.Errorf("pending = %v", got)
	}
	// Another machine finds the same mailbox and reads the message back
	// byte for byte, without making a second mailbox.
	other := secondMachine(t, srv)
	rec, raw, err := other.InboundMessage(ctx, in.ID)
	if err != nil || string(raw) != msg1 || rec.SHA256 != in.SHA256 {
		t.Fatalf("read back: %+v %q %v", rec, raw, err)
	}
	data, err := io.ReadAll(other.RawReader(ctx, in.ID, in.Size))
	if err != nil || string(data) != msg1 {
		t.Errorf("RawReader: %q %v", data, err)
	}
	if _, err := io.ReadAll(other.RawReader(ctx, in.ID, in.Size+1)); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a size that does not match: %v", err)
	}
	pending, err := other.PendingInbound(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != in.ID {
		t.Errorf("pending: %v %v", pending, err)
	}
	receive(t, other, "From: x@y.test\r\n\r\nsecond\r\n")
	if srv.Field("SUP-2", "summary") != nil {
		t.Errorf("a second mailbox was made: %v", srv.Field("SUP-2", "summary"))
	}
	all, err := s.InboundList(ctx, "", 1)
	if err != nil || len(all) != 1 || all[0].ID <= in.ID {
		t.Errorf("the newest one: %+v %v", all, err)
	}
}

func TestTheMailboxIsNoRequest(t *testing.T) {
	s, _ := newStore(t)
	receive(t, s, msg1)
	create(t, s)
	rs, err := s.Requests(ctx, ticket.Filter{})
	if err != nil || len(rs) != 1 || rs[0].ID != "SUP-2" {
		t.Errorf("requests: %v %v", rs, err)
	}
	var pe *problem.Error
	if _, err := s.Request(ctx, "SUP-1"); !errors.As(err, &pe) || pe.Kind != problem.NotFound {
		t.Errorf("the mailbox read as a request: %v", err)
	}
}

func TestDecideIndexesAndFinds(t *testing.T) {
	s, srv := newStore(t)
	in := receive(t, s, msg1)
	now := opened
	in.MessageID, in.From, in.Decision, in.Reason, in.HandledAt = "m1@acme.test", "ops@acme.test", ticket.DecisionQuarantined, "unknown sender", &now
	in.Subject = strings.Repeat("long ", 10000) // a header past Jira's 32 KB per property
	if err := s.Decide(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Property("SUP-1", inKey(in.ID))); n == 0 || n > 32768 {
		t.Errorf("the record is %d bytes", n)
	}
	found, err := s.FindMessageID(ctx, "<m1@acme.test>", "ops@acme.test")
	if err != nil || found == nil || found.ID != in.ID || found.Decision != ticket.DecisionQuarantined {
		t.Errorf("FindMessageID: %+v %v", found, err)
	}
	// The same Message-ID from someone else is not that message again.
	if other, err := s.FindMessageID(ctx, "<m1@acme.test>", "evil@x.test"); err != nil || other != nil {
		t.Errorf("FindMessageID from another sender: %+v %v", other, err)
	}
	// A decision on a record another run decided meanwhile is refused.
	stale := *in
	stale.Was = ticket.DecisionPending
	if err := s.Decide(ctx, &stale, nil); !errors.Is(err, ticket.ErrHandledElsewhere) {
		t.Errorf("Decide over another run's decision: %v, want ErrHandledElsewhere", err)
	}
	if got := ids(t, srv, "SUP-1", pendingKey); len(got) != 0 {
		t.Errorf("still pending: %v", got)
	}
	// Without a Message-ID, by the bytes.
	bare := receive(t, s, "From: x@y.test\r\n\r\nno id\r\n")
	bare.Decision = ticket.DecisionIgnored
	if err := s.Decide(ctx, bare, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindSHA256(ctx, bare.SHA256); err != nil || got == nil || got.ID != bare.ID {
		t.Errorf("FindSHA256: %+v %v", got, err)
	}
	// A duplicate never takes the index over.
	dup := receive(t, s, msg1)
	dup.MessageID, dup.Decision = "m1@acme.test", ticket.DecisionDuplicate
	if err := s.Decide(ctx, dup, nil); err != nil {
		t.Fatal(err)
	}
	if found, _ := s.FindMessageID(ctx, "m1@acme.test", "ops@acme.test"); found == nil || found.ID != in.ID {
		t.Errorf("after a duplicate: %+v", found)
	}
	list, err := s.InboundList(ctx, ticket.DecisionQuarantined, 0)
	if err != nil || len(list) != 1 || list[0].ID != in.ID {
		t.Errorf("quarantined: %+v %v", list, err)
	}
	if q := ids(t, srv, "SUP-1", quarantinedKey); len(q) != 1 || q[0] != in.ID {
		t.Errorf("the quarantine list: %v", q)
	}
	if all, err := s.InboundList(ctx, "", 0); err != nil || len(all) != 3 {
		t.Errorf("all: %d %v", len(all), err)
	}
	// Released (decided again), it leaves the quarantine list.
	in.Was, in.Decision, in.HandledBy = ticket.DecisionQuarantined, ticket.DecisionDropped, "anna"
	if err := s.Decide(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.InboundList(ctx, ticket.DecisionQuarantined, 0); len(list) != 0 {
		t.Errorf("still quarantined: %+v", list)
	}
}

// notify makes one notice per event, numbered like the real ones.
func notify(kind string) func(r *ticket.Request, ev ticket.Event) ([]ticket.Notice, error) {
	return func(r *ticket.Request, ev ticket.Event) ([]ticket.Notice, error) {
		id := fmt.Sprintf("sup-%d.%d@desk.test", r.Number, ev.Seq)
		return []ticket.Notice{{Request: r.ID, Kind: kind, To: []string{"ops@acme.test"}, Subject: "[" + r.ID + "] " + r.Subject,
			MessageID: id, QueuedAt: ev.At, Raw: []byte("Message-ID: <" + id + ">\r\n\r\n" + kind + "\r\n")}}, nil
	}
}

// openByMail opens a request from a kept message, as the intake does.
func openByMail(t *testing.T, s *Store, in *ticket.Inbound) (*ticket.Request, error) {
	t.Helper()
	in.MessageID, in.From, in.Decision = "m1@acme.test", "ops@acme.test", ticket.DecisionOpened
	first := openEvent()
	first.Mail = &ticket.MailEffects{Inbound: in, Notify: notify(ticket.NoticeRegistration)}
	return s.CreateRequest(ctx, "", request(), nil, first)
}

func TestOpenByMailQueuesTheNoticeAndRecordsTheDecision(t *testing.T) {
	s, srv := newStore(t)
	in := receive(t, s, msg1)
	r, err := openByMail(t, s, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "SUP-2" || in.Request != "SUP-2" {
		t.Fatalf("request %s, inbound says %s", r.ID, in.Request)
	}
	for _, e := range r.History {
		if e.Action == "jira-comment" {
			t.Errorf("the notice's comment shows in the history: %+v", e)
		}
	}
	ins, outs, err := s.RequestMail(ctx, "SUP-2")
	if err != nil || len(ins) != 1 || ins[0].ID != in.ID || ins[0].Decision != ticket.DecisionOpened || len(outs) != 1 {
		t.Fatalf("request mail: %+v %+v %v", ins, outs, err)
	}
	n, err := s.Notice(ctx, outs[0].ID)
	if err != nil || n.MessageID != "sup-2.1@desk.test" || n.Status != ticket.NoticeQueued || !strings.Contains(string(n.Raw), "registration") {
		t.Errorf("notice: %+v %v", n, err)
	}
	if by, err := s.NoticeByMessageID(ctx, "<sup-2.1@desk.test>"); err != nil || by == nil || by.ID != n.ID {
		t.Errorf("by Message-ID: %+v %v", by, err)
	}
	if got, _ := s.ThreadOf(ctx, []string{"unknown@x", "sup-2.1@desk.test"}); got != "SUP-2" {
		t.Errorf("thread of our notice: %q", got)
	}
	if got, _ := s.ThreadOf(ctx, []string{"m1@acme.test"}); got != "SUP-2" {
		t.Errorf("thread of the customer's message: %q", got)
	}
	if got, _ := s.LastInbound(ctx, "SUP-2"); got != "m1@acme.test" {
		t.Errorf("last inbound %q", got)
	}
	if q := ids(t, srv, "SUP-1", queuedKey); len(q) != 1 || q[0] != n.ID {
		t.Errorf("queued = %v", q)
	}
	if p := ids(t, srv, "SUP-1", pendingKey); len(p) != 0 {
		t.Errorf("pending = %v", p)
	}
	if n := srv.Count("POST /rest/api/2/issue/SUP-2/comment"); n != 1 {
		t.Errorf("%d comments on the request", n)
	}
	// Another message with the same Message-ID, taken in meanwhile by
	// another run, opens nothing.
	again := receive(t, s, msg1)
	if _, err := openByMail(t, s, again); !errors.Is(err, ticket.ErrHandledElsewhere) {
		t.Errorf("the same Message-ID again: %v", err)
	}
	if srv.Field("SUP-3", "summary") != nil {
		t.Error("a second request was opened")
	}
}

func TestFailurePartWayIsFinishedByTheRetryOnce(t *testing.T) {
	s, srv := newStore(t)
	in := receive(t, s, msg1)
	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue/SUP-2/comment", Status: 400})
	_, err := openByMail(t, s, in)
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Kind != problem.TempFail ||
		!strings.Contains(err.Error(), "SUP-2: the request was created, but queueing the registration notice failed") {
		t.Fatalf("err = %v", err)
	}
	if p := ids(t, srv, "SUP-1", pendingKey); len(p) != 1 {
		t.Fatalf("the message is not pending: %v", p)
	}
	// The resumed run (another machine, say) opens nothing new.
	other := secondMachine(t, srv)
	pending, err := other.PendingInbound(ctx)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending: %v %v", pending, err)
	}
	r, err := openByMail(t, other, pending[0])
	if err != nil || r.ID != "SUP-2" || pending[0].Decision != ticket.DecisionOpened || pending[0].Request != "SUP-2" {
		t.Fatalf("resume: %+v %v", r, err)
	}
	if srv.Field("SUP-3", "summary") != nil {
		t.Error("the retry opened a second request")
	}
	notices, err := other.Notices(ctx, "", 0)
	if err != nil || len(notices) != 1 {
		t.Errorf("notices: %+v %v", notices, err)
	}
	if n := srv.Count("POST /rest/api/2/issue/SUP-1/attachments"); n != 2 { // the message and one notice
		t.Errorf("%d uploads to the mailbox", n)
	}
	_, outs, _ := other.RequestMail(ctx, "SUP-2")
	if len(outs) != 1 {
		t.Errorf("the request lists %d notices", len(outs))
	}
}

func TestReplyWithFilesAndNotice(t *testing.T) {
	s, srv := newStore(t)
	in := receive(t, s, msg1)
	if _, err := openByMail(t, s, in); err != nil {
		t.Fatal(err)
	}
	if _, err := s.api.Attach(ctx, "SUP-2", "app.log", []byte("first")); err != nil {
		t.Fatal(err)
	}
	reply := receive(t, s, "From: ops@acme.test\r\nMessage-ID: <r1@acme.test>\r\n\r\nlog attached\r\n")
	reply.MessageID, reply.Decision, reply.As = "r1@acme.test", ticket.DecisionAppended, "message"
	got, err := s.UpdateRequests(ctx, []string{"SUP-2"}, func(r *ticket.Request) (*ticket.Event, error) {
		return &ticket.Event{At: opened.Add(time.Hour), Actor: "ops@acme.test", Action: string(ticket.ActReply), Text: "log attached",
			From: r.Status, To: r.Status, Mail: &ticket.MailEffects{Inbound: reply, Notify: notify(ticket.NoticeMessage),
				Files: []ticket.File{{Name: "app.log", Data: []byte("second")}}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range got[0].Attachments {
		names = append(names, a.Name)
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "app-2.log,app.log" {
		t.Errorf("attachments %v", names)
	}
	if _, data, err := s.AttachmentData(ctx, "SUP-2", "app-2.log"); err != nil || string(data) != "second" {
		t.Errorf("app-2.log: %q %v", data, err)
	}
	ins, outs, _ := s.RequestMail(ctx, "SUP-2")
	if len(ins) != 2 || ins[1].As != "message" || len(outs) != 2 || outs[1].MessageID != "sup-2.2@desk.test" {
		t.Errorf("mail: %+v %+v", ins, outs)
	}
	if got, _ := s.LastInbound(ctx, "SUP-2"); got != "r1@acme.test" {
		t.Errorf("last inbound %q", got)
	}
	if p := ids(t, srv, "SUP-1", pendingKey); len(p) != 0 {
		t.Errorf("pending = %v", p)
	}
}

// raceTransport lets another sender write its claim into a notice's record
// right after ours, before we read it back.
type raceTransport struct {
	srv  *jiratest.Server
	lose bool
}

func (rt *raceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if rt.lose && req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/properties/sustain.out.") {
		parts := strings.Split(req.URL.Path, "/")
		key, name := parts[len(parts)-3], parts[len(parts)-1]
		var o outRecord
		_ = json.Unmarshal(rt.srv.Property(key, name), &o)
		o.ClaimToken = "theirs"
		data, _ := json.Marshal(o)
		rt.srv.SetProperty(key, name, data)
	}
	return resp, err
}

func TestClaimNotices(t *testing.T) {
	s, srv := newStore(t)
	if _, err := openByMail(t, s, receive(t, s, msg1)); err != nil {
		t.Fatal(err)
	}
	// A sender whose claim is overwritten by another's sends nothing.
	api, err := jiraclient.New(jiraclient.Config{URL: srv.URL, Token: "tok", Retries: -1,
		Transport: &raceTransport{srv: srv, lose: true}})
	if err != nil {
		t.Fatal(err)
	}
	loser := New(api, nil, opts)
	got, err := loser.ClaimNotices(ctx, opened, 10)
	if err != nil || len(got) != 0 {
		t.Fatalf("the losing sender claimed %+v (%v)", got, err)
	}
	// The lease it wrote holds off everyone until it ends...
	if got, _ := s.ClaimNotices(ctx, opened, 10); len(got) != 0 {
		t.Errorf("claimed under another's lease: %+v", got)
	}
	// ...then one sender takes it, with its bytes, and a second does not.
	later := opened.Add(claimLease + time.Second)
	got, err = s.ClaimNotices(ctx, later, 10)
	if err != nil || len(got) != 1 || !bytes.Contains(got[0].Raw, []byte("sup-2.1@desk.test")) {
		t.Fatalf("claim: %+v %v", got, err)
	}
	if again, _ := secondMachine(t, srv).ClaimNotices(ctx, later, 10); len(again) != 0 {
		t.Errorf("claimed twice: %+v", again)
	}
	n := got[0]
	sent := later
	n.Status, n.Attempts, n.SentAt, n.ServerReply = ticket.NoticeSent, 1, &sent, "250 ok"
	if err := s.MarkNotice(ctx, n); err != nil {
		t.Fatal(err)
	}
	if q := ids(t, srv, "SUP-1", queuedKey); len(q) != 0 {
		t.Errorf("queued after sending: %v", q)
	}
	if list, _ := s.Notices(ctx, ticket.NoticeSent, 0); len(list) != 1 || list[0].ServerReply != "250 ok" {
		t.Errorf("sent: %+v", list)
	}
	if list, _ := s.Notices(ctx, ticket.NoticeQueued, 0); len(list) != 0 {
		t.Errorf("queued: %+v", list)
	}
	var pe *problem.Error
	if err := s.MarkNotice(ctx, &ticket.Notice{ID: 1}); !errors.As(err, &pe) || pe.Kind != problem.NotFound {
		t.Errorf("an unknown notice: %v", err)
	}
}

func TestRefusalsAndIMAPPositions(t *testing.T) {
	s, _ := newStore(t)
	if ok, err := s.RefusedSince(ctx, "new@acme.test", opened); ok || err != nil {
		t.Errorf("before any mail: %v %v", ok, err)
	}
	in := receive(t, s, msg1)
	in.Decision = ticket.DecisionQuarantined
	refusal := ticket.Notice{Kind: ticket.NoticeRefusal, To: []string{"new@acme.test"}, Subject: "Not registered",
		MessageID: "refusal.1@desk.test", QueuedAt: opened, Raw: []byte("refusal")}
	if err := s.Decide(ctx, in, []ticket.Notice{refusal}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.RefusedSince(ctx, "NEW@acme.test", opened.Add(-time.Hour)); !ok {
		t.Error("the refusal is not found")
	}
	if ok, _ := s.RefusedSince(ctx, "new@acme.test", opened.Add(time.Hour)); ok {
		t.Error("a refusal found after its time")
	}
	if v, u, err := s.IMAPPosition(ctx, "INBOX"); v != 0 || u != 0 || err != nil {
		t.Errorf("no position yet: %d %d %v", v, u, err)
	}
	if err := s.SetIMAPPosition(ctx, "INBOX", 7, 42); err != nil {
		t.Fatal(err)
	}
	if v, u, err := s.IMAPPosition(ctx, "INBOX"); v != 7 || u != 42 || err != nil {
		t.Errorf("position: %d %d %v", v, u, err)
	}
}

// TestIntakeOnJira runs the real intake on the Jira store: Jira failing
// while a request is opened leaves the message pending (not quarantined),
// and the next run opens it once.
func TestIntakeOnJira(t *testing.T) {
	s, srv := newStore(t)
	msk := time.FixedZone("MSK", 3*3600)
	now := func() time.Time { return time.Date(2026, 11, 16, 10, 0, 0, 0, msk) }
	tmpl, err := mail.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	n := &mail.Notifier{Templates: tmpl, Address: "support@desk.test", Now: now}
	svc := &ticket.Service{Store: s, Now: now, Notifier: n,
		Calendar: bizcal.New(bizcal.Russian(), msk, 9*time.Hour, 18*time.Hour, nil),
		Policy:   ticket.Policy{Prefix: "SUP", AutocloseBusinessDays: 8, EmailRequiresRegisteredSender: true}}
	if err := svc.AddCustomer(ctx, &ticket.Customer{Code: "ACME", Name: "Acme LLC", Emails: []string{"ops@acme.test"}}); err != nil {
		t.Fatal(err)
	}
	intake := &mail.Intake{Service: svc, Store: s, Notifier: n, Actor: "mail"}
	receive(t, s, msg1) // kept; the next POST to Jira opens the request
	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue", Status: 503})
	// A message that cannot be decided now stays pending, with the reason;
	// it does not stop the run.
	left, err := intake.Resume(ctx)
	if err != nil || len(left) != 1 || left[0].Decision != ticket.DecisionPending || !strings.Contains(left[0].Reason, "503") {
		t.Fatalf("resume with Jira failing: %+v %v", left, err)
	}
	if list, _ := s.InboundList(ctx, ticket.DecisionQuarantined, 0); len(list) != 0 {
		t.Fatalf("quarantined for Jira's failure: %+v", list)
	}
	done, err := intake.Resume(ctx)
	if err != nil || len(done) != 1 || done[0].Decision != ticket.DecisionOpened || done[0].Request != "SUP-2" {
		t.Fatalf("resume: %+v %v", done, err)
	}
	again, err := intake.Ingest(ctx, []byte(msg1), "stdin")
	if err != nil || again.Decision != ticket.DecisionDuplicate {
		t.Errorf("the MTA's retry: %+v %v", again, err)
	}
	outs, _ := s.Notices(ctx, "", 0)
	if len(outs) != 1 || outs[0].Kind != ticket.NoticeRegistration || outs[0].MessageID != "sup-2.1@desk.test" {
		t.Errorf("notices: %+v", outs)
	}
}

// A request without mail is shown without looking for the mailbox.
func TestRequestWithoutMailCostsNoSearch(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	ins, outs, err := s.RequestMail(ctx, "SUP-1")
	if err != nil || len(ins) != 0 || len(outs) != 0 {
		t.Errorf("mail: %v %v %v", ins, outs, err)
	}
	if last, err := s.LastInbound(ctx, "SUP-1"); last != "" || err != nil {
		t.Errorf("last inbound %q %v", last, err)
	}
	if n := srv.Count("GET /rest/api/2/search"); n != 0 {
		t.Errorf("%d searches", n)
	}
}

// Our own notice coming back (a mail loop, ignored) keeps the replies to it
// threaded.
func TestLoopedNoticeKeepsItsThread(t *testing.T) {
	s, _ := newStore(t)
	if _, err := openByMail(t, s, receive(t, s, msg1)); err != nil {
		t.Fatal(err)
	}
	back := receive(t, s, "Message-ID: <sup-2.1@desk.test>\r\nX-Loop: support@desk.test\r\n\r\nregistration\r\n")
	back.MessageID, back.Decision, back.Reason = "sup-2.1@desk.test", ticket.DecisionIgnored, "loop"
	if err := s.Decide(ctx, back, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ThreadOf(ctx, []string{"sup-2.1@desk.test"}); got != "SUP-2" || err != nil {
		t.Errorf("thread %q %v", got, err)
	}
	if n, err := s.NoticeByMessageID(ctx, "sup-2.1@desk.test"); n == nil || err != nil {
		t.Errorf("notice %v %v", n, err)
	}
}
