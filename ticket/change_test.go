package ticket_test

import (
	"errors"
	"testing"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

func kindOf(err error) problem.Kind {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return -1
}

// Changes after opening keep the status, never count as the reaction, and
// are refused on a closed request without changing it.
func TestChangesKeepStatusAndStopAtClosed(t *testing.T) {
	e := newEnv(t, regulationQ)
	r := e.open(ticket.OpenInput{})
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActAssign, Detail: "boris"})
	r2, err := e.svc.SetPriority(ctx, r.ID, "high", "customer is blocked", "anna")
	if err != nil || r2.Priority != "high" || r2.Status != r.Status {
		t.Fatalf("set-priority: %v %+v", err, r2)
	}
	if _, err := e.svc.SetPriority(ctx, r.ID, "low", " ", "anna"); kindOf(err) != problem.Usage {
		t.Errorf("no reason: %v", err)
	}
	var uc *ticket.UnchangedError
	if _, err := e.svc.SetPriority(ctx, r.ID, "high", "again", "anna"); !errors.As(err, &uc) {
		t.Errorf("same priority: %v", err)
	}
	if _, err := e.svc.Unassign(ctx, r.ID, "vera", "anna"); kindOf(err) != problem.Refused {
		t.Errorf("unassign of someone not assigned: %v", err)
	}
	if r2, err = e.svc.Unassign(ctx, r.ID, "boris", "anna"); err != nil || len(r2.Assignees) != 0 {
		t.Fatalf("unassign: %v %+v", err, r2)
	}
	if _, err := e.svc.Edit(ctx, r.ID, "subject", "New subject", "anna"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Attach(ctx, r.ID, []ticket.File{{Name: "../etc/app.log", Data: []byte("x")}}, "", "anna"); err != nil {
		t.Fatal(err)
	}
	v, err := e.svc.Show(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"open", "assign", "set-priority", "unassign", "edit", "attach"}
	if len(v.History) != len(want) {
		t.Fatalf("history %+v", v.History)
	}
	for i, a := range want {
		ev := v.History[i]
		if ev.Action != a {
			t.Errorf("event %d: %s, want %s", i, ev.Action, a)
		}
		if i >= 2 && (ev.From != ev.To || ev.To != ticket.StatusInProgress) {
			t.Errorf("%s moved the status: %s -> %s", a, ev.From, ev.To)
		}
	}
	if d := v.History[2].Detail; d != "normal->high" {
		t.Errorf("set-priority detail %q", d)
	}
	if ev := v.History[4]; ev.Detail != "subject" || ev.Text != "Something broke" || v.Subject != "New subject" {
		t.Errorf("edit %+v, subject %q", ev, v.Subject)
	}
	if ev := v.History[5]; ev.Detail != "app.log" || len(v.Attachments) != 1 || v.Attachments[0].Name != "app.log" {
		t.Errorf("attach %+v, %+v", ev, v.Attachments)
	}

	e.act(r.ID, ticket.ActInput{Action: ticket.ActWithdraw, From: "ops@acme.test"})
	for name, err := range map[string]error{
		"set-priority": second(e.svc.SetPriority(ctx, r.ID, "low", "x", "anna")),
		"edit":         second(e.svc.Edit(ctx, r.ID, "description", "other", "anna")),
		"attach":       second(e.svc.Attach(ctx, r.ID, []ticket.File{{Name: "b", Data: []byte("y")}}, "", "anna")),
		"unassign":     second(e.svc.Unassign(ctx, r.ID, "boris", "anna")),
	} {
		if kindOf(err) != problem.Refused {
			t.Errorf("%s on a closed request: %v", name, err)
		}
	}
	after, _ := e.svc.Show(ctx, r.ID)
	if after.Priority != "high" || len(after.Attachments) != 1 || len(after.History) != len(want)+1 {
		t.Errorf("a refused change changed the request: %+v", after.Request)
	}
}

func second[T any](_ T, err error) error { return err }
