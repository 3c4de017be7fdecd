package jira

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/internal/jiratest"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/customerfile"
)

// Tests of the store against what real Jira does and the naive fake did
// not: issue 14.

// A site without Resolved and Waiting for customer (a plain Jira Software
// project): Cloud refuses a query naming them, so the store asks only for
// the statuses the project has and says once which mapped names it lacks.
func TestQueriesOnlyTheProjectsStatusesAndWarnsOnce(t *testing.T) {
	srv := jiratest.New("SUP")
	t.Cleanup(srv.Close)
	srv.SetCloud(true)
	srv.SetStatuses("Open", "In Progress", "Closed")
	var warnings []string
	o := opts
	o.Warn = func(msg string) { warnings = append(warnings, msg) }
	s := New(client(t, srv.URL), customerfile.Open(filepath.Join(t.TempDir(), "customers.yaml")), o)
	create(t, s)
	for range 2 {
		got, err := s.Requests(ctx, ticket.Filter{Statuses: []ticket.Status{ticket.StatusNew, ticket.StatusWaiting, ticket.StatusResolved}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != "SUP-1" {
			t.Fatalf("requests = %v", got)
		}
	}
	none, err := s.Requests(ctx, ticket.Filter{Statuses: []ticket.Status{ticket.StatusResolved}})
	if err != nil || len(none) != 0 {
		t.Fatalf("resolved: %v %v", none, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"Resolved" (resolved)`) || !strings.Contains(warnings[0], `"Waiting for customer" (waiting_for_customer)`) ||
		strings.Contains(warnings[0], `"Open"`) {
		t.Errorf("warnings = %q", warnings)
	}
	if n := srv.Count("GET /rest/api/2/project/SUP/statuses"); n != 1 {
		t.Errorf("statuses asked %d times", n)
	}
}
