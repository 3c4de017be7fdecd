package ticket_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/ticket"
)

// escalate is a reaction when it is the first staff action (Q12).
func TestEscalateIsAReaction(t *testing.T) {
	e := newEnv(t, regulationQ)
	r := e.open(ticket.OpenInput{})
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActEscalate, Detail: "SRV-42"})
	if r.FirstResponse == nil || !r.FirstResponse.Equal(e.now) {
		t.Fatalf("first response %v after escalate", r.FirstResponse)
	}
	if v, _ := e.svc.Show(ctx, r.ID); v.SLA.Reaction != "met" {
		t.Errorf("reaction %s", v.SLA.Reaction)
	}
}

// The customer's confirmation: under Q a registered address or the author,
// under A only a responsible person; the text is kept.
func TestConfirmation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		policy   ticket.Policy
		refused  string
		accepted string
	}{
		{"Q", regulationQ, "stranger@else.test", "ops@acme.test"},
		{"A", regulationA, "ops@acme.test", "ivan@acme.test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.policy)
			r := e.open(ticket.OpenInput{})
			e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
			if _, err := e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActConfirm, From: tc.refused}); err == nil {
				t.Fatalf("%s confirmed", tc.refused)
			}
			c := e.act(r.ID, ticket.ActInput{Action: ticket.ActConfirm, From: tc.accepted, Text: "works"})
			if c.Status != ticket.StatusClosed || c.Closure != "confirmed" {
				t.Fatalf("%s %s", c.Status, c.Closure)
			}
			v, _ := e.svc.Show(ctx, r.ID)
			last := v.History[len(v.History)-1]
			if last.Actor != tc.accepted || last.Text != "works" {
				t.Errorf("history %+v", last)
			}
		})
	}
	if got := ticket.StatusText(ticket.StatusResolved, "ru"); !strings.HasPrefix(got, "Завершен, требует подтверждения") {
		t.Errorf("ru: %q", got)
	}
	if got := ticket.StatusText(ticket.StatusResolved, "en"); got != "Completed, requires user confirmation" {
		t.Errorf("en: %q", got)
	}
}

// Repeating an assignment that holds changes nothing: no second history
// entry, a note instead.
func TestRepeatedAssignmentIsANoOp(t *testing.T) {
	e := newEnv(t, regulationQ)
	r := e.open(ticket.OpenInput{})
	e.act(r.ID, ticket.ActInput{Action: ticket.ActAssign, Detail: "anna"})
	before, _ := e.svc.Show(ctx, r.ID)
	_, err := e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActAssign, Detail: "anna", Actor: "boris"})
	var uc *ticket.UnchangedError
	if !errors.As(err, &uc) || uc.Request == nil || uc.Request.ID != r.ID || !strings.Contains(uc.Note, "already assigned to anna") {
		t.Fatalf("repeated assignment: %v", err)
	}
	after, _ := e.svc.Show(ctx, r.ID)
	if len(after.History) != len(before.History) || len(after.Assignees) != 1 {
		t.Errorf("history %d -> %d entries, assignees %v", len(before.History), len(after.History), after.Assignees)
	}
	e.act(r.ID, ticket.ActInput{Action: ticket.ActAssign, Detail: "boris"})
	if v, _ := e.svc.Show(ctx, r.ID); len(v.Assignees) != 2 {
		t.Errorf("a second assignee: %v", v.Assignees)
	}
}
