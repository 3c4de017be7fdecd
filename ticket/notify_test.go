package ticket_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/ticket"
)

// recordingNotifier makes one notice per event it is asked about, named by
// the action, and remembers what it was given.
type recordingNotifier struct{ got []ticket.NoticeContext }

func (n *recordingNotifier) Notices(nc ticket.NoticeContext) ([]ticket.Notice, error) {
	n.got = append(n.got, nc)
	return []ticket.Notice{{Request: nc.Request.ID, Kind: nc.Event.Action, To: []string{nc.Request.From},
		MessageID: fmt.Sprintf("sup-%d.%d@desk.test", nc.Request.Number, nc.Event.Seq), Raw: []byte(nc.Event.Action),
		QueuedAt: nc.Event.At}}, nil
}

// TestStaffActionsQueueNotices: with a Notifier, opening, asking for
// information, answering and the sweep's auto-close each queue a notice in
// the outbox with the facts the regulations want told; internal notes do not.
func TestStaffActionsQueueNotices(t *testing.T) {
	e := newEnv(t, regulationQ)
	rec := &recordingNotifier{}
	e.svc.Notifier = rec
	r := e.open(ticket.OpenInput{Customer: "ACME", From: "ops@acme.test", Subject: "Login fails", Actor: "anna"})
	for _, in := range []ticket.ActInput{
		{Action: ticket.ActComment, Actor: "anna", Text: "internal"},
		{Action: ticket.ActRequestInfo, Actor: "anna", Text: "Which build?"},
		{Action: ticket.ActReply, From: "ops@acme.test", Text: "1.0.37"},
		{Action: ticket.ActAnswer, Actor: "anna", Text: "Fixed in 1.0.42"},
	} {
		if _, err := e.svc.Act(ctx, r.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	e.now = e.now.AddDate(0, 1, 0)
	if _, err := e.svc.Sweep(ctx, false); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, nc := range rec.got {
		actions = append(actions, nc.Event.Action)
	}
	// The Notifier decides which events make notices; it is asked about
	// every one, in order, each numbered by its place in the history.
	want := []string{"open", "comment", "request-info", "reply", "answer", "auto-close"}
	if fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Fatalf("asked about %v, want %v", actions, want)
	}
	for i, nc := range rec.got {
		if nc.Event.Seq != i+1 {
			t.Errorf("%s has seq %d, want %d", nc.Event.Action, nc.Event.Seq, i+1)
		}
	}
	if due := rec.got[0].ReactionDue; !due.Equal(time.Date(2026, 11, 17, 18, 0, 0, 0, msk)) {
		t.Errorf("reaction due %v", due)
	}
	answer := rec.got[4]
	if answer.AutocloseAt == nil || !answer.AutocloseAt.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, msk)) {
		t.Errorf("answer's auto-close %v, want the end of the 10th business day after 2026-11-16", answer.AutocloseAt)
	}
	ms := e.svc.Store.(ticket.MailStore)
	ns, err := ms.Notices(ctx, "", 0)
	if err != nil || len(ns) != len(want) {
		t.Fatalf("outbox holds %d notices (%v), want %d", len(ns), err, len(want))
	}
	if ns[0].Kind != "auto-close" || ns[0].MessageID != "sup-1.6@desk.test" {
		t.Errorf("newest notice %+v", ns[0])
	}
}

// failingNotifier refuses every notice.
type failingNotifier struct{}

func (failingNotifier) Notices(ticket.NoticeContext) ([]ticket.Notice, error) {
	return nil, fmt.Errorf("template missing")
}

// TestNoticeFailureUndoesTheAction: a notice that cannot be made leaves the
// request as it was, so a customer is never left untold of a change.
func TestNoticeFailureUndoesTheAction(t *testing.T) {
	e := newEnv(t, regulationQ)
	r := e.open(ticket.OpenInput{Customer: "ACME", From: "ops@acme.test", Subject: "Login fails", Actor: "anna"})
	e.svc.Notifier = failingNotifier{}
	if _, err := e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActAnswer, Actor: "anna", Text: "done"}); err == nil {
		t.Fatal("the answer went through without its notice")
	}
	got, err := e.svc.Show(ctx, r.ID)
	if err != nil || got.Status != ticket.StatusNew || len(got.History) != 1 {
		t.Fatalf("request after the failure: %s with %d events (%v)", got.Status, len(got.History), err)
	}
}
