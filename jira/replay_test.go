package jira

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/jiratest"
	"github.com/sustain-cli/sustain/internal/problem"
)

// These tests replay answers shaped like Jira's REST reference, Cloud and
// Data Center, from testdata/; every stub must be used.

func replayClient(t *testing.T, reg *jiratest.Registry, deployment string) *Client {
	t.Helper()
	c, err := New(Config{URL: reg.URL, Token: secret, Deployment: deployment, Retries: -1,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReplayIssueDataCenter(t *testing.T) {
	reg := jiratest.NewRegistry(t)
	defer reg.Verify(t)
	reg.File(t, "GET", "/rest/api/2/issue/SUP-7", 200, "testdata/dc/issue.json")
	c := replayClient(t, reg, Server)
	is, err := c.Issue(context.Background(), "SUP-7", GetOptions{Fields: []string{"summary", "status", "created", "attachment"}, Properties: []string{"sustain"}, Expand: "changelog"})
	if err != nil {
		t.Fatal(err)
	}
	msk := time.FixedZone("", 3*3600)
	if is.Key != "SUP-7" || is.Summary != "Login fails after the update" || is.Type != "Task" || is.Priority != "High" ||
		is.Status != (Status{Name: "In Progress", Category: "indeterminate"}) || !is.Created.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, msk)) ||
		!is.Resolved.IsZero() || strings.Join(is.Labels, ",") != "customer" || strings.Join(is.FixVersions, ",") != "1.0.38" {
		t.Errorf("issue = %+v", is)
	}
	if len(is.Attachments) != 1 || is.Attachments[0].Filename != "app.log" || is.Attachments[0].Size != 2048 ||
		is.Attachments[0].Content != reg.URL+"/secure/attachment/10200/app.log" {
		t.Errorf("attachments = %+v", is.Attachments)
	}
	if len(is.Changes) != 1 || is.Changes[0].Author.Name != "olga" || is.Changes[0].To != "In Progress" {
		t.Errorf("changes = %+v", is.Changes)
	}
	if !strings.Contains(string(is.Properties["sustain"]), `"customer": "ACME"`) {
		t.Errorf("properties = %s", is.Properties["sustain"])
	}
	req := reg.Requests()[0]
	if req.Header.Get("Authorization") != "Bearer "+secret || !strings.Contains(req.URL, "properties=sustain") {
		t.Errorf("request %s %v", req.URL, req.Header)
	}
}

func TestReplayIssueCloud(t *testing.T) {
	reg := jiratest.NewRegistry(t)
	defer reg.Verify(t)
	reg.File(t, "GET", "/rest/api/2/issue/SUP-7", 200, "testdata/cloud/issue.json")
	c := replayClient(t, reg, Cloud)
	is, err := c.Issue(context.Background(), "SUP-7", GetOptions{Expand: "changelog"})
	if err != nil {
		t.Fatal(err)
	}
	if is.Description != "" || is.Status.Category != "done" || is.Resolved.IsZero() || len(is.Changes) != 2 ||
		is.Changes[0].Author.AccountID != "5b10ac8d82e05b22cc7d4ef5" || is.Changes[0].From != "" || len(is.Properties) != 0 {
		t.Errorf("issue = %+v", is)
	}
}

func TestReplaySearchDataCenter(t *testing.T) {
	reg := jiratest.NewRegistry(t)
	defer reg.Verify(t)
	reg.File(t, "GET", "/rest/api/2/search?", 200, "testdata/dc/search.json")
	c := replayClient(t, reg, Server)
	got, err := c.Summaries(context.Background(), []string{"SUP-6", "SUP-7", "SUP-9"})
	if err != nil {
		t.Fatal(err)
	}
	if s := got["SUP-6"]; !s.Found || s.Type != "Bug" || s.Status != "Open" || strings.Join(s.FixVersions, ",") != "1.0.38" {
		t.Errorf("SUP-6 = %+v", s)
	}
	if got["SUP-9"].Found || !got["SUP-7"].Found {
		t.Errorf("got %+v", got)
	}
}

func TestReplaySearchCloudAfterGone(t *testing.T) {
	reg := jiratest.NewRegistry(t)
	defer reg.Verify(t)
	reg.File(t, "GET", "/rest/api/2/search?", http.StatusGone, "testdata/cloud/search_gone.json")
	reg.File(t, "GET", "/rest/api/2/search/jql?", 200, "testdata/cloud/search_page1.json")
	reg.File(t, "GET", "/rest/api/2/search/jql?", 200, "testdata/cloud/search_page2.json")
	c := replayClient(t, reg, "")
	var keys []string
	err := c.Search(context.Background(), "project = SUP", SearchOptions{Fields: []string{"summary", "status"}}, func(is *Issue) error {
		keys = append(keys, is.Key+"="+is.Status.Name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, " ") != "SUP-6=To Do SUP-7=Done" {
		t.Errorf("keys = %v", keys)
	}
	if reqs := reg.Requests(); len(reqs) != 3 || !strings.Contains(reqs[2].URL, "nextPageToken=Ch0jU3RyaW5nJlUxVlEmJkludCYxMDQwMQ%3D%3D") {
		t.Errorf("requests %+v", reqs)
	}
}

func TestReplayTransitionsAndComments(t *testing.T) {
	reg := jiratest.NewRegistry(t)
	defer reg.Verify(t)
	reg.File(t, "GET", "/rest/api/2/issue/SUP-7/transitions", 200, "testdata/dc/transitions.json")
	reg.File(t, "GET", "/rest/api/2/issue/SUP-7/comment", 200, "testdata/dc/comments.json")
	c := replayClient(t, reg, Server)
	ts, err := c.Transitions(context.Background(), "SUP-7")
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[1].ID != "31" || ts[1].To.Name != "Resolved" || !ts[1].Fields["resolution"].Required || ts[1].Fields["customfield_10500"].Required {
		t.Errorf("transitions = %+v", ts)
	}
	cs, err := c.Comments(context.Background(), "SUP-7")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].ID != "10600" || cs[0].Author.Email != "olga@example.com" {
		t.Errorf("comments = %+v", cs)
	}
}

func TestReplayCreateAndAttachCloud(t *testing.T) {
	reg := jiratest.NewRegistry(t)
	defer reg.Verify(t)
	reg.File(t, "POST", "/rest/api/2/issue", 201, "testdata/cloud/create.json")
	reg.File(t, "POST", "/rest/api/2/issue/SUP-8/attachments", 200, "testdata/cloud/attachment.json")
	c := replayClient(t, reg, Cloud)
	key, err := c.CreateIssue(context.Background(), "SUP", map[string]any{"summary": "x"})
	if err != nil || key != "SUP-8" {
		t.Fatalf("key %q, err %v", key, err)
	}
	a, err := c.Attach(context.Background(), key, "screen.png", []byte("\x89PNG\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Filename != "screen.png" || a.Size != 5 || a.Created.IsZero() {
		t.Errorf("attachment = %+v", a)
	}
}

// TestMalformedAnswers: answers that lack what the call needs are a plain
// failure naming what was missing and the call, never a panic or a
// request built from an empty key.
func TestMalformedAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, method, path, body, want string
		call                           func(*Client) error
	}{
		{"issue {}", "GET", "/rest/api/2/issue/SUP-7", `{}`, "answered GET /rest/api/2/issue/SUP-7 without the key of the issue",
			func(c *Client) error { _, err := c.Issue(context.Background(), "SUP-7", GetOptions{}); return err }},
		{"issue fields null", "GET", "/rest/api/2/issue/SUP-7", `{"key":"SUP-7","fields":null}`, "without the fields of SUP-7",
			func(c *Client) error { _, err := c.Issue(context.Background(), "SUP-7", GetOptions{}); return err }},
		{"issue no status", "GET", "/rest/api/2/issue/SUP-7", `{"key":"SUP-7","fields":{"summary":"x"}}`, "without the status of SUP-7",
			func(c *Client) error {
				_, err := c.Issue(context.Background(), "SUP-7", GetOptions{Fields: []string{"summary", "status"}})
				return err
			}},
		{"issue empty body", "GET", "/rest/api/2/issue/SUP-7", ``, "without the key of the issue",
			func(c *Client) error { _, err := c.Issue(context.Background(), "SUP-7", GetOptions{}); return err }},
		{"create {}", "POST", "/rest/api/2/issue", `{}`, "without the key of the created issue",
			func(c *Client) error {
				_, err := c.CreateIssue(context.Background(), "SUP", map[string]any{})
				return err
			}},
		{"comment {}", "POST", "/rest/api/2/issue/SUP-7/comment", `{}`, "without the id of the comment added to SUP-7",
			func(c *Client) error { _, err := c.AddComment(context.Background(), "SUP-7", "x", false); return err }},
		{"comments {}", "GET", "/rest/api/2/issue/SUP-7/comment", `{}`, "without the comments of SUP-7",
			func(c *Client) error { _, err := c.Comments(context.Background(), "SUP-7"); return err }},
		{"transitions no target", "GET", "/rest/api/2/issue/SUP-7/transitions", `{"transitions":[{"id":"11","name":"Go"}]}`, `without the target status of transition "Go"`,
			func(c *Client) error { _, err := c.Transitions(context.Background(), "SUP-7"); return err }},
		{"search issue without fields", "GET", "/rest/api/2/search?", `{"startAt":0,"total":1,"issues":[{"key":"SUP-1"}]}`, "without the fields of SUP-1",
			func(c *Client) error {
				return c.Search(context.Background(), "x", SearchOptions{}, func(*Issue) error { return nil })
			}},
		{"search no issues", "GET", "/rest/api/2/search?", `{"startAt":0,"total":1}`, "without the list of issues",
			func(c *Client) error {
				return c.Search(context.Background(), "x", SearchOptions{}, func(*Issue) error { return nil })
			}},
		{"attachment not listed", "POST", "/rest/api/2/issue/SUP-7/attachments", `[]`, "without the attachment a.txt",
			func(c *Client) error {
				_, err := c.Attach(context.Background(), "SUP-7", "a.txt", []byte("x"))
				return err
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := jiratest.NewRegistry(t)
			defer reg.Verify(t)
			reg.Register(tc.method, tc.path, 200, tc.body)
			err := tc.call(replayClient(t, reg, Server))
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Kind != 0 || !strings.Contains(err.Error(), tc.want) || pe.Hint == "" {
				t.Fatalf("err = %v, want a plain failure containing %q", err, tc.want)
			}
		})
	}
}

func TestEmptyKeySendsNothing(t *testing.T) {
	reg := jiratest.NewRegistry(t)
	defer reg.Verify(t)
	c := replayClient(t, reg, Server)
	for name, err := range map[string]error{
		"property":   c.SetProperty(context.Background(), "", "sustain", map[string]any{}),
		"transition": c.Transition(context.Background(), "", "11", nil),
		"comment":    func() error { _, err := c.AddComment(context.Background(), "", "x", false); return err }(),
		"issue":      func() error { _, err := c.Issue(context.Background(), "", GetOptions{}); return err }(),
	} {
		if err == nil {
			t.Errorf("%s with an empty key succeeded", name)
		}
	}
}
