package sqlite

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/ticket"
)

// TestRequestAndNoticeInOneTransaction opens a request from an inbound
// message: the decision, the registration notice and the Message-ID index
// are written with it, and a failing notice rolls the whole change back.
func TestRequestAndNoticeInOneTransaction(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "sustain.db"))
	seed(t, s)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	raw := []byte("From: ops@acme.test\r\nMessage-ID: <a1@acme.test>\r\n\r\nhello\r\n")
	in, err := s.ReceiveRaw(ctx, bytes.NewReader(raw), "stdin", at)
	if err != nil {
		t.Fatal(err)
	}
	pending, _ := s.PendingInbound(ctx)
	if len(pending) != 1 || pending[0].ID != in.ID {
		t.Fatalf("pending = %v, want the message just kept", pending)
	}

	// A notice that fails to build leaves nothing behind.
	in.MessageID, in.Decision = "a1@acme.test", ticket.DecisionOpened
	bad := ticket.Event{At: at, Action: "open", To: ticket.StatusNew, Mail: &ticket.MailEffects{Inbound: in,
		Notify: func(*ticket.Request, ticket.Event) ([]ticket.Notice, error) {
			return nil, errors.New("template broken")
		}}}
	if _, err := s.CreateRequest(ctx, "SUP", newRequest("first"), nil, bad); err == nil {
		t.Fatal("a failing notice did not fail the request")
	}
	if rs, _ := s.Requests(ctx, ticket.Filter{}); len(rs) != 0 {
		t.Fatalf("the request was stored without its notice: %v", rs)
	}
	if pending, _ := s.PendingInbound(ctx); len(pending) != 1 {
		t.Fatal("the decision was recorded without the request")
	}

	good := ticket.Event{At: at, Action: "open", To: ticket.StatusNew, Mail: &ticket.MailEffects{Inbound: in,
		Notify: func(r *ticket.Request, ev ticket.Event) ([]ticket.Notice, error) {
			return []ticket.Notice{{Request: r.ID, Kind: ticket.NoticeRegistration, To: []string{"ops@acme.test"},
				Subject: "[" + r.ID + "] registered", MessageID: fmt.Sprintf("sup-%d.%d@desk.test", r.Number, ev.Seq),
				Raw: []byte("raw notice"), QueuedAt: at}}, nil
		}}}
	r, err := s.CreateRequest(ctx, "SUP", newRequest("first"), nil, good)
	if err != nil {
		t.Fatal(err)
	}
	got, rawBack, err := s.InboundMessage(ctx, in.ID)
	if err != nil || got.Decision != ticket.DecisionOpened || got.Request != r.ID || !bytes.Equal(rawBack, raw) {
		t.Fatalf("inbound = %+v (%v), raw equal %v", got, err, bytes.Equal(rawBack, raw))
	}
	for _, id := range [][]string{{"a1@acme.test"}, {"unknown@x", "sup-1.1@desk.test"}} {
		if req, err := s.ThreadOf(ctx, id); err != nil || req != r.ID {
			t.Errorf("ThreadOf(%v) = %q, %v; want %s", id, req, err, r.ID)
		}
	}
	if last, _ := s.LastInbound(ctx, r.ID); last != "a1@acme.test" {
		t.Errorf("LastInbound = %q", last)
	}
	if dup, _ := s.FindMessageID(ctx, "a1@acme.test", ""); dup == nil || dup.ID != in.ID {
		t.Errorf("FindMessageID = %v", dup)
	}
	n, err := s.NoticeByMessageID(ctx, "<sup-1.1@desk.test>")
	if err != nil || n == nil || string(n.Raw) != "raw notice" || n.Status != ticket.NoticeQueued {
		t.Fatalf("notice = %+v, %v", n, err)
	}
	if ok, _ := s.RefusedSince(ctx, "ops@acme.test", at.Add(-time.Hour)); ok {
		t.Error("a registration notice counted as a refusal")
	}
}

// TestClaimNoticesOnce has several goroutines on separate connections claim
// the outbox at once: every notice is claimed exactly once, and a claimed
// notice comes back only after its lease.
func TestClaimNoticesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sustain.db")
	s := openStore(t, path)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	in, err := s.ReceiveRaw(ctx, strings.NewReader("x"), "stdin", at)
	if err != nil {
		t.Fatal(err)
	}
	var notices []ticket.Notice
	for i := range 40 {
		notices = append(notices, ticket.Notice{Kind: ticket.NoticeRefusal, To: []string{fmt.Sprintf("u%d@x.test", i)},
			MessageID: fmt.Sprintf("r%d@desk.test", i), Raw: []byte("r"), QueuedAt: at})
	}
	in.Decision, in.Reason = ticket.DecisionQuarantined, "unknown sender"
	if err := s.Decide(ctx, in, notices); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		other := openStore(t, path)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ns, err := other.ClaimNotices(ctx, at, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ns) == 0 {
					return
				}
				mu.Lock()
				for _, n := range ns {
					seen[n.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 40 {
		t.Fatalf("claimed %d notices, want 40", len(seen))
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("notice %d claimed %d times", id, c)
		}
	}
	if again, _ := s.ClaimNotices(ctx, at.Add(claimLease), 100); len(again) != 40 {
		t.Errorf("after the lease %d notices are claimable, want 40", len(again))
	}
	n := again0(t, s, at)
	sent := at.Add(time.Minute)
	n.Status, n.Attempts, n.SentAt, n.ServerReply = ticket.NoticeSent, 1, &sent, "250 OK"
	if err := s.MarkNotice(ctx, n); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.ClaimNotices(ctx, at.Add(time.Hour), 100); len(left) != 39 {
		t.Errorf("after one was sent %d remain, want 39", len(left))
	}
	if ok, _ := s.RefusedSince(ctx, "u3@x.test", at); !ok {
		t.Error("the refusal to u3 was not found")
	}
}

func again0(t *testing.T, s *Store, at time.Time) *ticket.Notice {
	t.Helper()
	ns, err := s.Notices(ctx, ticket.NoticeQueued, 1)
	if err != nil || len(ns) != 1 {
		t.Fatalf("Notices = %v, %v", ns, err)
	}
	return ns[0]
}

func TestIMAPPositionAndLang(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "sustain.db"))
	if v, u, err := s.IMAPPosition(ctx, "INBOX"); err != nil || v != 0 || u != 0 {
		t.Fatalf("fresh position = %d/%d, %v", v, u, err)
	}
	if err := s.SetIMAPPosition(ctx, "INBOX", 4000000000, 17); err != nil {
		t.Fatal(err)
	}
	if v, u, _ := s.IMAPPosition(ctx, "INBOX"); v != 4000000000 || u != 17 {
		t.Errorf("position = %d/%d", v, u)
	}
	if err := s.AddCustomer(ctx, &ticket.Customer{Code: "ACME", Name: "A", Emails: []string{}, Lang: "en", CreatedAt: evAt}); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Customer(ctx, "ACME"); c.Lang != "en" {
		t.Errorf("lang = %q", c.Lang)
	}
}

// TestSecondActionOnOneMessageIsRefused: a message already opened a
// request; a second run deciding another delivery of it cannot act on it,
// whether it is known by its Message-ID or, without one, by its SHA-256.
func TestSecondActionOnOneMessageIsRefused(t *testing.T) {
	for _, messageID := range []string{"same@acme.test", ""} {
		t.Run("message-id="+messageID, func(t *testing.T) {
			s := openStore(t, filepath.Join(t.TempDir(), "sustain.db"))
			seed(t, s)
			at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
			var ins []*ticket.Inbound
			for _, raw := range []string{"same", "same", "other"} {
				in, err := s.ReceiveRaw(ctx, strings.NewReader(raw), "stdin", at)
				if err != nil {
					t.Fatal(err)
				}
				in.MessageID, in.Decision = messageID, ticket.DecisionOpened
				ins = append(ins, in)
			}
			open := func(in *ticket.Inbound) error {
				_, err := s.CreateRequest(ctx, "SUP", newRequest("x"), nil, ticket.Event{At: at, Action: "open", To: ticket.StatusNew,
					Mail: &ticket.MailEffects{Inbound: in}})
				return err
			}
			if err := open(ins[0]); err != nil {
				t.Fatal(err)
			}
			if err := open(ins[1]); !errors.Is(err, ticket.ErrHandledElsewhere) {
				t.Fatalf("second open: %v, want ErrHandledElsewhere", err)
			}
			want := 1
			if messageID == "" {
				// Other bytes without a Message-ID are another message.
				if err := open(ins[2]); err != nil {
					t.Fatal(err)
				}
				want = 2
			}
			if rs, _ := s.Requests(ctx, ticket.Filter{}); len(rs) != want {
				t.Fatalf("%d requests, want %d", len(rs), want)
			}
		})
	}
}

// TestRawComesBackByteForByte across the piece boundaries, whole and
// through RawReader, with the size and SHA-256 of what was read.
func TestRawComesBackByteForByte(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "sustain.db"))
	for _, n := range []int{0, 1, rawChunk - 1, rawChunk, rawChunk + 1, 3*rawChunk + 7} {
		raw := make([]byte, n)
		for i := range raw {
			raw[i] = byte(i*7 + i/rawChunk)
		}
		// Short reads, as from a pipe.
		in, err := s.ReceiveRaw(ctx, io.LimitReader(&slowReader{b: raw}, int64(n)), "test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		if in.Size != int64(n) || in.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%d bytes: recorded %d, %s", n, in.Size, in.SHA256)
		}
		got, back, err := s.InboundMessage(ctx, in.ID)
		if err != nil || !bytes.Equal(back, raw) || got.Size != int64(n) || got.SHA256 != in.SHA256 {
			t.Errorf("%d bytes: got %d back (%v)", n, len(back), err)
		}
		streamed, err := io.ReadAll(s.RawReader(ctx, in.ID, in.Size))
		if err != nil || !bytes.Equal(streamed, raw) {
			t.Errorf("%d bytes: read %d back (%v)", n, len(streamed), err)
		}
		if n > rawChunk {
			// A size the pieces do not add up to is damage, not EOF.
			if _, err := io.ReadAll(s.RawReader(ctx, in.ID, in.Size+1)); err == nil {
				t.Errorf("%d bytes: a short message read without an error", n)
			}
		}
	}
}

type slowReader struct{ b []byte }

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1000)], r.b)
	r.b = r.b[n:]
	return n, nil
}

// A message whose bytes cannot all be read is not kept at all: the MTA
// gets a temporary failure and delivers it again.
func TestReceiveRawFailingReaderKeepsNothing(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "sustain.db"))
	r := io.MultiReader(strings.NewReader(strings.Repeat("x", rawChunk+10)), errReader{})
	if _, err := s.ReceiveRaw(ctx, r, "stdin", time.Now()); err == nil || !strings.Contains(err.Error(), "pipe broke") {
		t.Fatalf("err = %v", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM inbound) + (SELECT count(*) FROM inbound_raw)").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows left (%v)", n, err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("pipe broke") }

// TestDecisionOnlyWhileUndecided: two runs hold the same pending record;
// once one has decided it, the other's decision — with a request and a
// notice, or without — is refused with ErrHandledElsewhere and leaves
// nothing behind.
func TestDecisionOnlyWhileUndecided(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "sustain.db"))
	seed(t, s)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	in, err := s.ReceiveRaw(ctx, strings.NewReader("From: ops@acme.test\r\n\r\nhi\r\n"), "stdin", at)
	if err != nil {
		t.Fatal(err)
	}
	if in.KeptBy != ticket.ThisProcess() || in.KeptAt.IsZero() {
		t.Errorf("kept by %q at %v", in.KeptBy, in.KeptAt)
	}
	first, second := *in, *in
	first.Decision, first.Reason = ticket.DecisionQuarantined, "unknown sender"
	if err := s.Decide(ctx, &first, nil); err != nil {
		t.Fatal(err)
	}
	second.Decision = ticket.DecisionOpened
	notify := func(r *ticket.Request, ev ticket.Event) ([]ticket.Notice, error) {
		return []ticket.Notice{{Request: r.ID, Kind: "registration", To: []string{"ops@acme.test"}, MessageID: "sup-1.1@desk.test",
			Raw: []byte("x"), QueuedAt: at}}, nil
	}
	_, err = s.CreateRequest(ctx, "SUP", newRequest("x"), nil, ticket.Event{At: at, Action: "open", To: ticket.StatusNew,
		Mail: &ticket.MailEffects{Inbound: &second, Notify: notify}})
	if !errors.Is(err, ticket.ErrHandledElsewhere) {
		t.Fatalf("second decision: %v, want ErrHandledElsewhere", err)
	}
	second.Decision = ticket.DecisionIgnored
	if err := s.Decide(ctx, &second, nil); !errors.Is(err, ticket.ErrHandledElsewhere) {
		t.Fatalf("second Decide: %v, want ErrHandledElsewhere", err)
	}
	rs, _ := s.Requests(ctx, ticket.Filter{})
	ns, _ := s.Notices(ctx, "", 0)
	now, _ := s.Inbound(ctx, in.ID)
	if len(rs) != 0 || len(ns) != 0 || now.Decision != ticket.DecisionQuarantined {
		t.Fatalf("%d requests, %d notices, decision %s; want none, none, quarantined", len(rs), len(ns), now.Decision)
	}
}

// TestOurNoticeIDsAreNotTakenFromOutside: a received message claiming the
// form of our notices' Message-IDs is not indexed, and our notice with
// that ID threads to its own request.
func TestOurNoticeIDsAreNotTakenFromOutside(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "sustain.db"))
	seed(t, s)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	in, err := s.ReceiveRaw(ctx, strings.NewReader("claim"), "stdin", at)
	if err != nil {
		t.Fatal(err)
	}
	in.MessageID, in.From, in.Decision = "sup-7.2@desk.test", "ops@acme.test", ticket.DecisionOpened
	if _, err := s.CreateRequest(ctx, "SUP", newRequest("claim"), nil, ticket.Event{At: at, Action: "open", To: ticket.StatusNew,
		Mail: &ticket.MailEffects{Inbound: in}}); err != nil {
		t.Fatal(err)
	}
	if req, _ := s.ThreadOf(ctx, []string{"sup-7.2@desk.test"}); req != "" {
		t.Fatalf("a customer's message took our notice's ID for %s", req)
	}
}
