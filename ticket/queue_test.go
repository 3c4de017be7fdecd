package ticket_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sustain-cli/sustain/ticket"
)

func TestNextFilters(t *testing.T) {
	e := newEnv(t, regulationQ)
	a := e.open(ticket.OpenInput{Channel: "phone", Priority: "high"})
	b := e.open(ticket.OpenInput{Channel: "phone", Customer: "BETA"})
	c := e.open(ticket.OpenInput{Channel: "phone"})
	e.act(a.ID, ticket.ActInput{Action: ticket.ActAssign, Detail: "anna"})
	for _, tc := range []struct {
		q    ticket.NextQuery
		want string
	}{
		{ticket.NextQuery{}, a.ID},
		{ticket.NextQuery{Assignee: "anna"}, a.ID},
		{ticket.NextQuery{Assignee: "boris"}, ""},
		{ticket.NextQuery{Unassigned: true}, b.ID},
		{ticket.NextQuery{Customer: "acme", Unassigned: true}, c.ID},
		{ticket.NextQuery{Customer: "BETA"}, b.ID},
	} {
		v, err := e.svc.NextFor(ctx, tc.q)
		got := ""
		if v != nil {
			got = v.ID
		}
		if err != nil || got != tc.want {
			t.Errorf("%+v: %q, %v; want %q", tc.q, got, err, tc.want)
		}
	}
}

// Claims at once take different requests: the check is made in the
// transaction that assigns.
func TestClaimsAtOnceTakeDifferentRequests(t *testing.T) {
	e := newEnv(t, regulationQ)
	for i := 0; i < 6; i++ {
		e.open(ticket.OpenInput{Channel: "phone"})
	}
	var wg sync.WaitGroup
	got := make([]string, 5)
	errs := make([]error, 5)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := e.svc.Claim(ctx, ticket.NextQuery{}, fmt.Sprintf("eng%d", i), "test")
			errs[i] = err
			if v != nil {
				got[i] = v.ID
				if len(v.Assignees) != 1 || v.Assignees[0] != fmt.Sprintf("eng%d", i) || v.Status != ticket.StatusInProgress {
					errs[i] = fmt.Errorf("claimed %s: %v %s", v.ID, v.Assignees, v.Status)
				}
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, id := range got {
		if errs[i] != nil || id == "" || seen[id] {
			t.Errorf("claim %d: %q, %v (seen before: %v)", i, id, errs[i], seen[id])
		}
		seen[id] = true
	}
	if v, err := e.svc.Claim(ctx, ticket.NextQuery{}, "late", "test"); err != nil || v == nil || seen[v.ID] {
		t.Fatalf("the sixth claim: %v, %v", v, err)
	}
	if v, err := e.svc.Claim(ctx, ticket.NextQuery{}, "later", "test"); err != nil || v != nil {
		t.Errorf("nothing left, yet: %v, %v", v, err)
	}
}
