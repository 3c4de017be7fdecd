package jira

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/jiratest"
	"github.com/sustain-cli/sustain/internal/problem"
	jiraclient "github.com/sustain-cli/sustain/jira"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/customerfile"
)

var ctx = context.Background()

var opts = Options{
	Project: "SUP",
	Statuses: map[ticket.Status][]string{
		ticket.StatusNew: {"Open"}, ticket.StatusInProgress: {"In Progress"}, ticket.StatusWaiting: {"Waiting for customer"},
		ticket.StatusResolved: {"Resolved"}, ticket.StatusClosed: {"Closed"},
	},
	Transitions: map[ticket.Status]string{
		ticket.StatusNew: "Open", ticket.StatusInProgress: "In Progress", ticket.StatusWaiting: "Waiting for customer",
		ticket.StatusResolved: "Resolved", ticket.StatusClosed: "Closed",
	},
	Priorities: map[string]string{"critical": "Highest", "high": "High", "normal": "Medium", "low": "Low"},
}

func client(t *testing.T, url string) *jiraclient.Client {
	t.Helper()
	api, err := jiraclient.New(jiraclient.Config{URL: url, Token: "tok", Retries: -1,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func newStore(t *testing.T) (*Store, *jiratest.Server) {
	t.Helper()
	srv := jiratest.New("SUP")
	t.Cleanup(srv.Close)
	return New(client(t, srv.URL), customerfile.Open(filepath.Join(t.TempDir(), "customers.yaml")), opts), srv
}

var opened = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func request() *ticket.Request {
	return &ticket.Request{Customer: "ACME", Subject: "Login fails", Description: "The login page answers 500.",
		Channel: "email", From: "ops@acme.test", Params: []ticket.Param{{Key: "version", Value: "1.0.37"}},
		Priority: "high", Status: ticket.StatusNew, Assignees: []string{}, Tasks: []string{}, CreatedAt: opened}
}

func openEvent() ticket.Event {
	return ticket.Event{At: opened, Actor: "ops@acme.test", Action: string(ticket.ActOpen), To: ticket.StatusNew}
}

func create(t *testing.T, s *Store, files ...ticket.File) *ticket.Request {
	t.Helper()
	r, err := s.CreateRequest(ctx, "", request(), files, openEvent())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func events(t *testing.T, srv *jiratest.Server, key string) int {
	t.Helper()
	var rec record
	if err := json.Unmarshal(srv.Property(key, Property), &rec); err != nil {
		t.Fatalf("record of %s: %v", key, err)
	}
	return len(rec.Events)
}

func TestCreateAndReadBack(t *testing.T) {
	s, srv := newStore(t)
	r := create(t, s, ticket.File{Name: "app.log", Data: []byte("line 1\n")})
	sum := sha256.Sum256([]byte("line 1\n"))
	if r.ID != "SUP-1" || r.Number != 1 || r.Subject != "Login fails" || r.Description != "The login page answers 500." ||
		r.Customer != "ACME" || r.Priority != "high" || r.Status != ticket.StatusNew || !r.CreatedAt.Equal(opened) ||
		len(r.Params) != 1 || r.Params[0].Value != "1.0.37" {
		t.Errorf("request = %+v", r)
	}
	if len(r.Attachments) != 1 || r.Attachments[0].SHA256 != hex.EncodeToString(sum[:]) || r.Attachments[0].Size != 7 {
		t.Errorf("attachments = %+v", r.Attachments)
	}
	if len(r.History) != 1 || r.History[0].Text != "The login page answers 500." || r.History[0].Actor != "ops@acme.test" {
		t.Errorf("history = %+v", r.History)
	}
	if p, _ := srv.Field("SUP-1", "priority").(map[string]any); p["name"] != "High" {
		t.Errorf("Jira priority = %v", srv.Field("SUP-1", "priority"))
	}
	if d, _ := srv.Field("SUP-1", "description").(string); !strings.Contains(d, "* Customer: ACME") || !strings.Contains(d, "* version: 1.0.37") {
		t.Errorf("description block: %q", d)
	}
}

func moveTo(status ticket.Status, text string) func(*ticket.Request) (*ticket.Event, error) {
	return func(r *ticket.Request) (*ticket.Event, error) {
		ev := &ticket.Event{At: opened.Add(time.Hour), Actor: "anna", Action: string(ticket.ActTell), Text: text, From: r.Status, To: status}
		r.Status = status
		return ev, nil
	}
}

func TestUpdateCommentsMovesAndRecords(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	got, err := s.UpdateRequests(ctx, []string{"1"}, moveTo(ticket.StatusInProgress, "Looking into it."))
	if err != nil {
		t.Fatal(err)
	}
	r := got[0]
	if r.Status != ticket.StatusInProgress || srv.Field("SUP-1", "status") != "In Progress" {
		t.Errorf("status %s, Jira %v", r.Status, srv.Field("SUP-1", "status"))
	}
	// The transition sustain made is one event, not also a "jira-change".
	if len(r.History) != 2 || r.History[1].Text != "Looking into it." || r.History[1].To != ticket.StatusInProgress {
		t.Errorf("history = %+v", r.History)
	}
	if n := events(t, srv, "SUP-1"); n != 2 {
		t.Errorf("record has %d events", n)
	}
}

func TestTransitionFailsAfterTheComment(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue/SUP-1/transitions", Status: 400})
	_, err := s.UpdateRequests(ctx, []string{"SUP-1"}, moveTo(ticket.StatusInProgress, "Looking into it."))
	var pe *problem.Error
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "SUP-1: the comment was added, but moving it to In Progress failed") ||
		!strings.Contains(pe.Hint, "check SUP-1 in Jira") {
		t.Fatalf("err = %v", err)
	}
	if n := events(t, srv, "SUP-1"); n != 1 {
		t.Errorf("the record was written after a failed transition: %d events", n)
	}
	if n := srv.Count("POST /rest/api/2/issue/SUP-1/comment"); n != 1 {
		t.Errorf("%d comments sent", n)
	}
}

func TestRecordWriteFailsAfterCommentAndTransition(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	srv.Inject(jiratest.Fault{Match: "PUT /rest/api/2/issue/SUP-1/properties/sustain", Status: 400})
	_, err := s.UpdateRequests(ctx, []string{"SUP-1"}, moveTo(ticket.StatusInProgress, "Looking into it."))
	if err == nil || !strings.Contains(err.Error(), "SUP-1: the comment was added and it moved to In Progress, but saving its record failed") {
		t.Fatalf("err = %v", err)
	}
}

func TestUploadFailureKeepsTheIssueAndSaysWhichFile(t *testing.T) {
	s, srv := newStore(t)
	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue/SUP-1/attachments", Status: 500})
	_, err := s.CreateRequest(ctx, "", request(), []ticket.File{{Name: "app.log", Data: []byte("x")}}, openEvent())
	var pe *problem.Error
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "SUP-1 was created, but 1 attachment(s) failed to upload: app.log") ||
		!strings.Contains(pe.Hint, srv.URL+"/browse/SUP-1") {
		t.Fatalf("err = %v", err)
	}
	r, err := s.Request(ctx, "SUP-1")
	if err != nil || r.Customer != "ACME" || len(r.Attachments) != 0 {
		t.Errorf("request %+v, err %v", r, err)
	}
}

func TestRecordWriteFailsOnCreate(t *testing.T) {
	s, srv := newStore(t)
	srv.Inject(jiratest.Fault{Match: "PUT /rest/api/2/issue/SUP-1/properties/sustain", Status: 400})
	_, err := s.CreateRequest(ctx, "", request(), nil, openEvent())
	if err == nil || !strings.Contains(err.Error(), "SUP-1 was created in Jira, but its sustain record could not be saved") {
		t.Fatalf("err = %v", err)
	}
}

func TestDamagedRecordIsRefusedNotOverwritten(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	damaged := json.RawMessage(`{"customer":"ACME","events":"lost?"}`)
	if err := s.api.SetProperty(ctx, "SUP-1", Property, damaged); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"show": func() error { _, err := s.Request(ctx, "SUP-1"); return err },
		"list": func() error { _, err := s.Requests(ctx, ticket.Filter{}); return err },
		"update": func() error {
			_, err := s.UpdateRequests(ctx, []string{"SUP-1"}, moveTo(ticket.StatusInProgress, "x"))
			return err
		},
		"attachment": func() error {
			_, _, err := s.AttachmentData(ctx, "SUP-1", "app.log")
			return err
		},
	} {
		err := call()
		var pe *problem.Error
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), `SUP-1: its sustain record (the "sustain" entity property) is damaged`) ||
			!strings.Contains(pe.Hint, "/rest/api/2/issue/SUP-1/properties/sustain") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if got := strings.TrimSpace(string(srv.Property("SUP-1", Property))); got != string(damaged) {
		t.Errorf("the damaged record was overwritten: %s", got)
	}
	if n := srv.Count("POST /rest/api/2/issue/SUP-1/comment"); n != 0 {
		t.Errorf("a comment was added to a request with a damaged record")
	}
}

func TestAttachmentAddedByHandInJira(t *testing.T) {
	s, _ := newStore(t)
	create(t, s)
	if _, err := s.api.Attach(ctx, "SUP-1", "screen.png", []byte("png!")); err != nil { // not through the store
		t.Fatal(err)
	}
	r, err := s.Request(ctx, "SUP-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Attachments) != 1 || r.Attachments[0] != (ticket.Attachment{Name: "screen.png", Size: 4, AddedAt: r.Attachments[0].AddedAt}) ||
		r.Attachments[0].AddedAt.IsZero() || r.Attachments[0].SHA256 != "" {
		t.Errorf("attachments = %+v", r.Attachments)
	}
	att, data, err := s.AttachmentData(ctx, "SUP-1", "screen.png")
	sum := sha256.Sum256([]byte("png!"))
	if err != nil || string(data) != "png!" || att.SHA256 != hex.EncodeToString(sum[:]) || att.Verify(data) != nil {
		t.Errorf("att %+v, data %q, err %v", att, data, err)
	}
}

// A malformed answer is an error naming what was missing, and nothing is
// sent after it (no property written to an empty key).
func TestMalformedAnswersStopTheStore(t *testing.T) {
	reg := jiratest.NewRegistry(t)
	defer reg.Verify(t)
	reg.Register("POST", "/rest/api/2/issue", 201, `{"id":"10001","self":"x"}`)
	reg.Register("GET", "/rest/api/2/issue/SUP-7", 200, `{"key":"SUP-7","fields":null}`)
	reg.Register("GET", "/rest/api/2/issue/SUP-8", 200, `{}`)
	s := New(client(t, reg.URL), customerfile.Open(filepath.Join(t.TempDir(), "c.yaml")), opts)
	if _, err := s.CreateRequest(ctx, "", request(), nil, openEvent()); err == nil || !strings.Contains(err.Error(), "without the key of the created issue") {
		t.Errorf("create: %v", err)
	}
	if _, err := s.Request(ctx, "SUP-7"); err == nil || !strings.Contains(err.Error(), "without the fields of SUP-7") {
		t.Errorf("show: %v", err)
	}
	if _, err := s.Request(ctx, "SUP-8"); err == nil || !strings.Contains(err.Error(), "without the key of the issue") {
		t.Errorf("show: %v", err)
	}
}

func TestNoTransitionOfferedWritesNothing(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	o := opts
	o.Transitions = map[ticket.Status]string{ticket.StatusResolved: "Finish"}
	s.opts = o
	_, err := s.UpdateRequests(ctx, []string{"SUP-1"}, moveTo(ticket.StatusResolved, "done"))
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Kind != problem.Usage ||
		!strings.Contains(err.Error(), `SUP-1: the workflow offers no transition "Finish" for new -> resolved; Jira offers: "Start Progress" (to In Progress)`) {
		t.Fatalf("err = %v", err)
	}
	if srv.Count("POST /rest/api/2/issue/SUP-1/comment") != 0 || events(t, srv, "SUP-1") != 1 {
		t.Error("something was written before the transition was found")
	}
}

func TestIssuesMadeInJiraByHand(t *testing.T) {
	s, srv := newStore(t)
	create(t, s)
	srv.AddIssue("SUP-2", map[string]any{"summary": "Made in Jira", "issuetype": "Task", "status": "Resolved",
		"priority": map[string]any{"name": "Highest"}})
	srv.AddIssue("SUP-3", map[string]any{"summary": "Custom status", "issuetype": "Task", "status": "Waiting for customer"})
	all, err := s.Requests(ctx, ticket.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("%d requests", len(all))
	}
	byID := map[string]*ticket.Request{}
	for _, r := range all {
		byID[r.ID] = r
	}
	r2 := byID["SUP-2"]
	// Resolved by hand: the resolution date starts the auto-close clock.
	if r2.Status != ticket.StatusResolved || r2.Priority != "critical" || r2.AnsweredAt == nil || r2.Customer != "" ||
		r2.Params == nil || r2.Assignees == nil {
		t.Errorf("SUP-2 = %+v", r2)
	}
	if byID["SUP-3"].Status != ticket.StatusWaiting {
		t.Errorf("SUP-3 status %s", byID["SUP-3"].Status)
	}
	open, err := s.Requests(ctx, ticket.Filter{Statuses: []ticket.Status{ticket.StatusNew}})
	if err != nil || len(open) != 1 || open[0].ID != "SUP-1" {
		t.Errorf("status filter: %v %v", open, err)
	}
	if n := srv.Count("GET /rest/api/2/search?"); n != 2 {
		t.Errorf("%d searches", n)
	}
}

func TestStatusByCategoryWhenNotMapped(t *testing.T) {
	s := &Store{opts: Options{}}
	for cat, want := range map[string]ticket.Status{"new": ticket.StatusNew, "indeterminate": ticket.StatusInProgress, "done": ticket.StatusClosed} {
		if got := s.statusOf(jiraclient.Status{Name: "Triage", Category: cat}); got != want {
			t.Errorf("%s -> %s, want %s", cat, got, want)
		}
	}
}

func TestUnknownRequest(t *testing.T) {
	s, _ := newStore(t)
	_, err := s.Request(ctx, "SUP-99")
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Kind != problem.NotFound {
		t.Errorf("err = %v", err)
	}
}
