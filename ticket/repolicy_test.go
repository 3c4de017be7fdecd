package ticket_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/ticket"
)

// A request keeps the policy it was opened under: running with another
// policy or other working hours moves none of its deadlines and does not
// change who may confirm; repolicy changes it on purpose, in the history.
func TestPolicyKeptWithTheRequest(t *testing.T) {
	e := newEnv(t, regulationQ)
	r := e.open(ticket.OpenInput{Channel: "phone"})
	if r.Policy == nil || r.Policy.AutocloseBusinessDays != 10 || r.Policy.WorkingHours != "09:00-18:00" || r.Policy.ConfirmRequiresResponsible {
		t.Fatalf("kept policy %+v", r.Policy)
	}
	e.now = time.Date(2026, 11, 20, 20, 0, 0, 0, msk)
	e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
	before, _ := e.svc.Show(ctx, r.ID)

	// Someone runs with regulation A and other working hours.
	e.svc.Policy = regulationA
	e.svc.Calendar = bizcal.New(bizcal.Russian(), msk, 10*time.Hour, 17*time.Hour, nil)
	after, err := e.svc.Show(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !after.SLA.AutocloseAt.Equal(*before.SLA.AutocloseAt) || !after.SLA.ReactionDue.Equal(before.SLA.ReactionDue) {
		t.Fatalf("deadlines moved: auto-close %v -> %v, reaction %v -> %v",
			before.SLA.AutocloseAt, after.SLA.AutocloseAt, before.SLA.ReactionDue, after.SLA.ReactionDue)
	}
	if !after.SLA.ReactionDue.Equal(time.Date(2026, 11, 17, 18, 0, 0, 0, msk)) {
		t.Errorf("reaction due %v, want 18:00 of the kept working hours", after.SLA.ReactionDue)
	}
	// Under the kept regulation Q a registered address may confirm.
	e.now = time.Date(2026, 11, 23, 10, 0, 0, 0, msk)
	other := e.open(ticket.OpenInput{Channel: "phone"}) // opened under A
	if other.Policy.AutocloseBusinessDays != 8 || !other.Policy.ConfirmRequiresResponsible || other.Policy.WorkingHours != "10:00-17:00" {
		t.Fatalf("new request's policy %+v", other.Policy)
	}
	e.act(r.ID, ticket.ActInput{Action: ticket.ActConfirm, From: "ops@acme.test"})

	// repolicy --all: the open request gets regulation A, recorded.
	e.act(other.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
	e.svc.Policy = regulationQ
	e.svc.Calendar = bizcal.New(bizcal.Russian(), msk, 9*time.Hour, 18*time.Hour, nil)
	v, _ := e.svc.Show(ctx, other.ID)
	if want := time.Date(2026, 12, 4, 0, 0, 0, 0, msk); !v.SLA.AutocloseAt.Equal(want) {
		t.Fatalf("auto-close under the kept A: %v, want %v", v.SLA.AutocloseAt, want)
	}
	res, err := e.svc.Repolicy(ctx, nil, "olga")
	if err != nil || len(res.Changed) != 1 || res.Changed[0].ID != other.ID || res.Changed[0].Old.AutocloseBusinessDays != 8 || res.Changed[0].New.AutocloseBusinessDays != 10 {
		t.Fatalf("repolicy: %+v, %v", res, err)
	}
	v, _ = e.svc.Show(ctx, other.ID)
	if want := time.Date(2026, 12, 8, 0, 0, 0, 0, msk); !v.SLA.AutocloseAt.Equal(want) {
		t.Errorf("auto-close after repolicy: %v, want %v", v.SLA.AutocloseAt, want)
	}
	last := v.History[len(v.History)-1]
	if last.Action != "repolicy" || last.Actor != "olga" || !strings.Contains(last.Text, "auto-close after 8 business days") || !strings.Contains(last.Text, "-> auto-close after 10") {
		t.Errorf("history: %+v", last)
	}
	// Again: nothing to change, nothing recorded.
	if res, err := e.svc.Repolicy(ctx, nil, "olga"); err != nil || len(res.Changed) != 0 {
		t.Errorf("second repolicy: %+v, %v", res, err)
	}
	// A closed request named is refused.
	if _, err := e.svc.Repolicy(ctx, []string{r.ID}, "olga"); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("repolicy of a closed request: %v", err)
	}
}
