package ticket_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

// A resolved request with no reply is closed at its deadline on every read
// and action, whether or not sweep ran; sweep then makes it permanent with
// the same closed_at (Q15, A12).
func TestClosedAtTheDeadlineWithoutSweep(t *testing.T) {
	e := newEnv(t, regulationQ)
	r := e.open(ticket.OpenInput{Channel: "phone"})
	other := e.open(ticket.OpenInput{Channel: "phone"})
	e.now = time.Date(2026, 11, 20, 20, 0, 0, 0, msk) // Friday evening
	e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
	deadline := time.Date(2026, 12, 5, 0, 0, 0, 0, msk)

	e.now = deadline.Add(-time.Second)
	if v, _ := e.svc.Show(ctx, r.ID); v.Status != ticket.StatusResolved || v.ClosedAt != nil {
		t.Fatalf("a second before the deadline: %s %v", v.Status, v.ClosedAt)
	}

	e.now = deadline.Add(3 * 24 * time.Hour) // nobody ran sweep
	v, err := e.svc.Show(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != ticket.StatusClosed || v.Closure != "auto" || v.ClosedAt == nil || !v.ClosedAt.Equal(deadline) {
		t.Fatalf("after the deadline: %s %s %v, want closed auto at %v", v.Status, v.Closure, v.ClosedAt, deadline)
	}
	last := v.History[len(v.History)-1]
	if last.Action != string(ticket.ActAutoClose) || !last.At.Equal(deadline) || last.Seq != v.History[len(v.History)-2].Seq+1 {
		t.Errorf("last history entry %+v, want auto-close at the deadline", last)
	}
	if stored, _ := e.svc.Store.Request(ctx, r.ID); stored.Status != ticket.StatusResolved {
		t.Fatalf("a read changed the store: %s", stored.Status)
	}

	// Lists: closed includes it, resolved and open do not.
	ids := func(st ...ticket.Status) []string {
		vs, err := e.svc.List(ctx, ticket.Filter{Statuses: st}, false)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range vs {
			out = append(out, v.ID)
		}
		return out
	}
	if got := ids(ticket.StatusClosed); len(got) != 1 || got[0] != r.ID {
		t.Errorf("closed: %v", got)
	}
	if got := ids(ticket.StatusResolved); len(got) != 0 {
		t.Errorf("resolved: %v", got)
	}
	if got := ids(ticket.StatusNew, ticket.StatusResolved); len(got) != 1 || got[0] != other.ID {
		t.Errorf("new or resolved: %v", got)
	}
	var walked []string
	if err := e.svc.Each(ctx, ticket.Filter{Statuses: []ticket.Status{ticket.StatusClosed}, Limit: 1}, false, func(v ticket.View) error {
		walked = append(walked, v.ID+":"+string(v.Status))
		return nil
	}); err != nil || len(walked) != 1 || walked[0] != r.ID+":closed" {
		t.Errorf("each closed: %v, %v", walked, err)
	}
	for _, c := range []struct {
		statuses []ticket.Status
		want     int
	}{{[]ticket.Status{ticket.StatusResolved}, 0}, {[]ticket.Status{ticket.StatusClosed}, 1}, {[]ticket.Status{ticket.StatusNew, ticket.StatusResolved}, 1}} {
		if n, err := e.svc.Count(ctx, ticket.Filter{Statuses: c.statuses}); n != c.want || err != nil {
			t.Errorf("count of %v: %d, %v; want %d", c.statuses, n, err, c.want)
		}
	}

	// Actions see it closed: confirmation and dispute are refused, naming
	// the automatic closure.
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActDispute, From: "ops@acme.test", Text: "still broken"})
	if pe := (*problem.Error)(nil); !errors.As(err, &pe) || pe.Kind != problem.Refused || !strings.Contains(pe.Msg, "closed automatically at 2026-12-05 00:00") {
		t.Errorf("dispute after the deadline: %v", err)
	}

	// A reply after the deadline opens a new request related to it (A6).
	n := e.act(r.ID, ticket.ActInput{Action: ticket.ActReply, From: "ops@acme.test", Text: "it broke again"})
	if n.ID == r.ID || n.Related != r.ID || n.Status != ticket.StatusNew || n.Description != "it broke again" {
		t.Fatalf("reply after the deadline: %s related %q %s %q", n.ID, n.Related, n.Status, n.Description)
	}

	// Sweep makes it permanent with the deadline, not its own time.
	res, err := e.svc.Sweep(ctx, false)
	if err != nil || len(res.Closed) != 1 || !res.Closed[0].AutocloseAt.Equal(deadline) {
		t.Fatalf("sweep: %+v, %v", res, err)
	}
	stored, _ := e.svc.Store.Request(ctx, r.ID)
	if stored.Status != ticket.StatusClosed || stored.ClosedAt == nil || !stored.ClosedAt.Equal(deadline) {
		t.Errorf("swept: %s %v, want closed at %v", stored.Status, stored.ClosedAt, deadline)
	}
	after, _ := e.svc.Show(ctx, r.ID)
	if len(after.History) != len(v.History) || !after.History[len(after.History)-1].At.Equal(deadline) {
		t.Errorf("history after sweep differs from the one read before: %d vs %d entries", len(after.History), len(v.History))
	}
}
