package jira

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// A request with 1,000 events: the record stays within Jira's limit of
// 32,768 characters (the strict fake refuses more), the older events move
// into further properties, and the history reads back whole and in order.
func TestThousandEventsStayWithinThePropertyLimit(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	step := func(i int, text string) func(*ticket.Request) (*ticket.Event, error) {
		return func(r *ticket.Request) (*ticket.Event, error) {
			return &ticket.Event{At: opened.Add(time.Duration(i) * time.Minute), Actor: "anna", Action: "assign",
				Detail: fmt.Sprintf("step %d", i), Text: text, From: r.Status, To: r.Status}, nil
		}
	}
	// Events 2-990 are saved as apply saves them, one more each time,
	// without the reads around (which would make the test minutes long);
	// every 100th carries a comment, as a real action's does.
	raw := srv.Property("SUP-1", Property)
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 990; i++ {
		e := event{At: opened.Add(time.Duration(i) * time.Minute), Actor: "anna", Action: "assign", Detail: fmt.Sprintf("step %d", i), To: ticket.StatusNew}
		if i%100 == 0 {
			srv.Comment("SUP-1", fmt.Sprintf("Note %d.", i))
			cs, err := s.api.Comments(ctx, "SUP-1")
			if err != nil {
				t.Fatal(err)
			}
			e.Comment = cs[len(cs)-1].ID
		}
		rec.Events = append(rec.Events, e)
		if err := s.saveRecord(ctx, "SUP-1", &rec); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	// The last ten are real actions.
	for i := 991; i <= 1000; i++ {
		text := ""
		if i == 1000 {
			text = "Note 1000."
		}
		if _, err := s.UpdateRequests(ctx, []string{"SUP-1"}, step(i, text)); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	raw = srv.Property("SUP-1", Property)
	if len(raw) > 32768 {
		t.Fatalf("record of %d bytes", len(raw))
	}
	rec = record{}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.EventPages < 2 || rec.EventsMoved+len(rec.Events) != 1000 {
		t.Errorf("%d pages, %d moved, %d kept", rec.EventPages, rec.EventsMoved, len(rec.Events))
	}
	r, err := s.Request(ctx, "SUP-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.History) != 1000 {
		t.Fatalf("history of %d events", len(r.History))
	}
	for i, e := range r.History[1:] {
		if want := fmt.Sprintf("step %d", i+2); e.Detail != want {
			t.Fatalf("event %d: %q, want %q", i+2, e.Detail, want)
		}
	}
	if r.History[0].Action != string(ticket.ActOpen) || r.History[999].Text != "Note 1000." || r.History[99].Text != "Note 100." {
		t.Errorf("first %+v, 100th %+v, last %+v", r.History[0], r.History[99], r.History[999])
	}
}

// Data Center's search ignores the properties parameter: the store learns
// the deployment from serverInfo once and reads each listed request's
// record itself, so filters by customer still work; on Cloud the search
// carries the records and nothing more is read.
func TestDataCenterListsRequestsWithTheirRecords(t *testing.T) {
	for _, cloud := range []bool{false, true} {
		s, srv := newStore(t)
		srv.SetCloud(cloud)
		srv.SetDataCenter(!cloud)
		srv.SetPageSize(2)
		for range 5 {
			create(t, s)
		}
		srv.AddIssue("SUP-6", map[string]any{"summary": "Made in Jira", "issuetype": "Task"})
		before := srv.Count("GET /rest/api/2/issue/")
		for range 2 {
			got, err := s.Requests(ctx, ticket.Filter{Customer: "ACME"})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 5 || got[0].Customer != "ACME" || got[4].ID != "SUP-5" {
				t.Fatalf("cloud %v: %d requests: %+v", cloud, len(got), got)
			}
		}
		reads := srv.Count("GET /rest/api/2/issue/") - before
		if want := map[bool]int{false: 12, true: 0}[cloud]; reads != want {
			t.Errorf("cloud %v: %d property reads, want %d", cloud, reads, want)
		}
		if n := srv.Count("GET /rest/api/2/serverInfo"); n != 1 {
			t.Errorf("cloud %v: serverInfo asked %d times", cloud, n)
		}
	}
}

func note(status ticket.Status, action ticket.Action, text string) func(*ticket.Request) (*ticket.Event, error) {
	return func(r *ticket.Request) (*ticket.Event, error) {
		ev := &ticket.Event{At: opened.Add(time.Hour), Actor: "anna", Action: string(action), Text: text, From: r.Status, To: status}
		r.Status = status
		return ev, nil
	}
}

// On a service desk, comments go through the documented request comment
// API: an internal note with public false, a message to the customer with
// public true; a required transition field with a default is no refusal.
func TestServiceDeskCommentsAndTransitionDefaults(t *testing.T) {
	s, srv := newStore(t)
	srv.SetServiceDesk("SUP")
	srv.AddTransitionField("Start Progress", jiratest.TransitionField{ID: "customfield_10060", Required: true, HasDefault: true})
	create(t, s)
	if _, err := s.UpdateRequests(ctx, []string{"SUP-1"}, note(ticket.StatusNew, ticket.ActComment, "Internal: check the logs.")); err != nil {
		t.Fatal(err)
	}
	got, err := s.UpdateRequests(ctx, []string{"SUP-1"}, note(ticket.StatusInProgress, ticket.ActTell, "We are on it."))
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count("POST /rest/servicedeskapi/request/SUP-1/comment"); n != 2 {
		t.Errorf("%d service desk comments", n)
	}
	if n := srv.Count("POST /rest/api/2/issue/SUP-1/comment"); n != 0 {
		t.Errorf("%d plain comments on a service desk", n)
	}
	if public, found := srv.CommentPublic("SUP-1", "Internal: check the logs."); !found || public {
		t.Errorf("internal note: public %v, found %v", public, found)
	}
	if public, found := srv.CommentPublic("SUP-1", "We are on it."); !found || !public {
		t.Errorf("message: public %v, found %v", public, found)
	}
	h := got[0].History
	if got[0].Status != ticket.StatusInProgress || len(h) != 3 || h[1].Text != "Internal: check the logs." || h[2].Text != "We are on it." {
		t.Errorf("status %s, history %+v", got[0].Status, h)
	}

	// Without a default the field is a refusal, before anything is written.
	srv.AddTransitionField("Wait for customer", jiratest.TransitionField{ID: "customfield_10070", Required: true})
	_, err = s.UpdateRequests(ctx, []string{"SUP-1"}, note(ticket.StatusWaiting, ticket.ActTell, "Which version?"))
	if err == nil || !strings.Contains(err.Error(), "requires fields sustain does not fill: customfield_10070") {
		t.Errorf("err = %v", err)
	}
	if _, found := srv.CommentPublic("SUP-1", "Which version?"); found {
		t.Error("the comment was written before the refusal")
	}
}

// Where the project is no service desk, an internal note keeps the
// property form of the plain comment API.
func TestPlainJiraKeepsThePropertyForm(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	if _, err := s.UpdateRequests(ctx, []string{"SUP-1"}, note(ticket.StatusNew, ticket.ActComment, "Internal.")); err != nil {
		t.Fatal(err)
	}
	if srv.Count("POST /rest/servicedeskapi/") != 0 || srv.Count("POST /rest/api/2/issue/SUP-1/comment") != 1 {
		t.Errorf("requests: %v", srv.Log())
	}
	if public, _ := srv.CommentPublic("SUP-1", "Internal."); public {
		t.Error("the note is public")
	}
}
