package jira

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/jiratest"
	"github.com/sustain-cli/sustain/internal/problem"
)

const secret = "s3cr3t-token-value"

type sleeps []time.Duration

func (s *sleeps) sleep(_ context.Context, d time.Duration) error { *s = append(*s, d); return nil }

func newClient(t *testing.T, srv *jiratest.Server, cfg Config) (*Client, *sleeps) {
	t.Helper()
	var slept sleeps
	cfg.URL = srv.URL
	if cfg.Token == "" {
		cfg.Token = secret
	}
	if cfg.Retries == 0 {
		cfg.Retries = 4
	}
	cfg.Sleep = slept.sleep
	if cfg.Jitter == nil {
		cfg.Jitter = func() float64 { return 0 }
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, &slept
}

func fakeWith(n int, cloud bool) *jiratest.Server {
	srv := jiratest.New("SUP")
	srv.SetCloud(cloud)
	srv.SetPageSize(2)
	for i := 1; i <= n; i++ {
		srv.AddIssue(fmt.Sprintf("SUP-%d", i), map[string]any{"summary": fmt.Sprintf("issue %d", i), "issuetype": "Bug"})
	}
	return srv
}

func searchKeys(t *testing.T, c *Client) []string {
	t.Helper()
	var keys []string
	err := c.Search(context.Background(), "project = SUP ORDER BY key", SearchOptions{Fields: []string{"summary"}}, func(is *Issue) error {
		keys = append(keys, is.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestSearchPagesOnServerWithStartAt(t *testing.T) {
	srv := fakeWith(5, false)
	defer srv.Close()
	c, _ := newClient(t, srv, Config{Deployment: Server})
	if got := strings.Join(searchKeys(t, c), " "); got != "SUP-1 SUP-2 SUP-3 SUP-4 SUP-5" {
		t.Fatalf("keys = %s", got)
	}
	if n := srv.Count("GET /rest/api/2/search?"); n != 3 {
		t.Errorf("classic search requests = %d, want 3 pages of 2", n)
	}
	if n := srv.Count("GET /rest/api/2/search/jql"); n != 0 {
		t.Errorf("the Cloud endpoint was used %d times on Server", n)
	}
	for _, l := range srv.Log() {
		if !strings.Contains(l, "fields=summary") {
			t.Errorf("search without an explicit field list: %s", l)
		}
	}
}

func TestSearchPagesOnCloudWithNextPageToken(t *testing.T) {
	srv := fakeWith(5, true)
	defer srv.Close()
	c, _ := newClient(t, srv, Config{Deployment: Cloud})
	if got := strings.Join(searchKeys(t, c), " "); got != "SUP-1 SUP-2 SUP-3 SUP-4 SUP-5" {
		t.Fatalf("keys = %s", got)
	}
	if n := srv.Count("GET /rest/api/2/search/jql"); n != 3 {
		t.Errorf("jql search requests = %d, want 3", n)
	}
	if n := srv.Count("GET /rest/api/2/search?"); n != 0 {
		t.Errorf("the removed endpoint was called %d times", n)
	}
}

func TestSearchSwitchesToNewEndpointOnGone(t *testing.T) {
	srv := fakeWith(3, true)
	defer srv.Close()
	c, _ := newClient(t, srv, Config{}) // 127.0.0.1 is not *.atlassian.net: starts classic
	searchKeys(t, c)
	searchKeys(t, c)
	if n := srv.Count("GET /rest/api/2/search?"); n != 1 {
		t.Errorf("classic endpoint asked %d times, want once (then remembered as gone)", n)
	}
}

func TestIssuesByKeyBatchesAndSkipsUnknownKeys(t *testing.T) {
	for _, cloud := range []bool{false, true} {
		t.Run(fmt.Sprint("cloud=", cloud), func(t *testing.T) {
			srv := fakeWith(250, cloud)
			srv.SetPageSize(100)
			defer srv.Close()
			deployment := Server
			if cloud {
				deployment = Cloud
			}
			c, _ := newClient(t, srv, Config{Deployment: deployment})
			var keys []string
			for i := 1; i <= 250; i++ {
				keys = append(keys, fmt.Sprintf("SUP-%d", i))
			}
			keys = append(keys, "SUP-9999")
			got, err := c.IssuesByKey(context.Background(), keys, []string{"summary"})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 250 || got["SUP-9999"] != nil || got["SUP-250"].Summary != "issue 250" {
				t.Fatalf("got %d issues", len(got))
			}
			searches := srv.Count("GET /rest/api/2/search")
			want := 3 // 100 + 100 + 51 keys
			if cloud {
				want = 4 // the last batch again without the unknown key
			}
			if searches != want {
				t.Errorf("%d search requests for 251 keys, want %d", searches, want)
			}
		})
	}
}

func TestRetriesHonourRetryAfterAndBackOff(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Status: 429, RetryAfter: "7"})
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Status: 500})
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Status: 503})
	c, slept := newClient(t, srv, Config{})
	is, err := c.Issue(context.Background(), "SUP-1", GetOptions{Fields: []string{"summary"}})
	if err != nil {
		t.Fatal(err)
	}
	if is.Summary != "issue 1" {
		t.Errorf("summary %q", is.Summary)
	}
	want := []time.Duration{7 * time.Second, time.Second, 2 * time.Second}
	if fmt.Sprint(*slept) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", *slept, want)
	}
	if n := srv.Count("GET /rest/api/2/issue/SUP-1"); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
}

func TestRetriesAreBoundedAndCreateIsNotRepeatedOn500(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Status: 429, RetryAfter: "1", Times: 10})
	c, _ := newClient(t, srv, Config{Retries: 2})
	_, err := c.Issue(context.Background(), "SUP-1", GetOptions{})
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Kind != problem.Unavailable || !strings.Contains(err.Error(), "429") {
		t.Fatalf("err = %v", err)
	}
	if n := srv.Count("GET /rest/api/2/issue/SUP-1"); n != 3 {
		t.Errorf("%d requests, want 1 + 2 retries", n)
	}

	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue", Status: 500})
	_, err = c.CreateIssue(context.Background(), "SUP", map[string]any{"summary": "x", "issuetype": map[string]string{"name": "Task"}})
	if err == nil {
		t.Fatal("create succeeded through an injected 500")
	}
	if n := srv.Count("POST /rest/api/2/issue"); n != 1 {
		t.Errorf("create sent %d times after a 500, want once", n)
	}
}

func TestRetryAfterTooLongWaitsTheMaximumThenFailsWithJirasFigure(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	srv.Inject(jiratest.Fault{Match: "GET", Status: 429, RetryAfter: "999999", Times: 5})
	c, slept := newClient(t, srv, Config{Retries: 4})
	_, err := c.Issue(context.Background(), "SUP-1", GetOptions{})
	if err == nil || !strings.Contains(err.Error(), `Retry-After "999999"`) {
		t.Fatalf("err = %v", err)
	}
	want := []time.Duration{maxWait, maxWait, maxWait, maxWait}
	if fmt.Sprint(*slept) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", *slept, want)
	}
	if n := srv.Count("GET /rest/api/2/issue/SUP-1"); n != 5 {
		t.Errorf("%d requests, want 1 + 4 retries", n)
	}

	srv.Inject(jiratest.Fault{Match: "GET", Status: 503, RetryAfter: "7200", Times: 5})
	*slept = nil
	_, err = c.Issue(context.Background(), "SUP-1", GetOptions{})
	if err == nil || !strings.Contains(err.Error(), `503 Service Unavailable (Retry-After "7200")`) || len(*slept) != 4 || (*slept)[0] != maxWait {
		t.Fatalf("err = %v, waits %v", err, *slept)
	}

	// Once the limit lifts within the retries, the request succeeds.
	srv.Inject(jiratest.Fault{Match: "GET", Status: 503, RetryAfter: "86400"})
	*slept = nil
	if _, err := c.Issue(context.Background(), "SUP-1", GetOptions{}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*slept) != fmt.Sprint([]time.Duration{maxWait}) {
		t.Errorf("waits %v", *slept)
	}
}

func TestStalledGetIsRetried(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Delay: 10 * time.Second})
	c, slept := newClient(t, srv, Config{Timeout: 100 * time.Millisecond, Retries: 2})
	is, err := c.Issue(context.Background(), "SUP-1", GetOptions{Fields: []string{"summary"}})
	if err != nil {
		t.Fatal(err)
	}
	if is.Summary != "issue 1" || len(*slept) != 1 || srv.Count("GET /rest/api/2/issue/SUP-1") != 2 {
		t.Errorf("summary %q, waits %v, %d requests", is.Summary, *slept, srv.Count("GET /rest/api/2/issue/SUP-1"))
	}
}

// A create that timed out may have been applied: the issue is looked up by
// its marker label, and sent again only when it is not there.
func TestStalledCreateIsLookedUpBeforeItIsSentAgain(t *testing.T) {
	srv := fakeWith(0, false)
	defer srv.Close()
	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue", Delay: 10 * time.Second})
	c, _ := newClient(t, srv, Config{Timeout: 100 * time.Millisecond, Retries: 2})
	key, err := c.CreateIssue(context.Background(), "SUP", map[string]any{"summary": "x", "issuetype": map[string]string{"name": "Task"}})
	if err != nil || key != "SUP-1" {
		t.Fatalf("key %q, err = %v", key, err)
	}
	if n := srv.Count("POST /rest/api/2/issue"); n != 2 {
		t.Errorf("create sent %d times, want twice (the first never applied)", n)
	}
	if n := srv.Count("GET /rest/api/2/search?"); n != 1 {
		t.Errorf("%d searches for the marker, want 1", n)
	}
}

func TestTimeout(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	srv.Inject(jiratest.Fault{Match: "GET", Delay: 2 * time.Second, Times: 5})
	c, _ := newClient(t, srv, Config{Timeout: 50 * time.Millisecond, Retries: -1})
	_, err := c.Issue(context.Background(), "SUP-1", GetOptions{})
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Kind != problem.Unavailable || !strings.Contains(err.Error(), "did not answer in time") {
		t.Fatalf("err = %v", err)
	}
}

func TestNetworkFailure(t *testing.T) {
	srv := fakeWith(1, false)
	url := srv.URL
	srv.Close()
	c, err := New(Config{URL: url, Token: secret, Sleep: (&sleeps{}).sleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Issue(context.Background(), "SUP-1", GetOptions{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach Jira at") {
		t.Fatalf("err = %v", err)
	}
}

func TestAuthErrorsNameTheMethodNeverTheToken(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	srv.SetCredentials("bot@example.com", "the-right-one")
	var trace bytes.Buffer
	c, _ := newClient(t, srv, Config{User: "bot@example.com", TokenSource: "SUSTAIN_JIRA_TOKEN", Debug: &trace})
	_, err := c.Issue(context.Background(), "SUP-1", GetOptions{})
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Kind != problem.Auth {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "basic auth as bot@example.com with the token from SUSTAIN_JIRA_TOKEN") {
		t.Errorf("error does not say which auth was used: %v", err)
	}
	srv.SetCredentials("", "the-right-one")
	b, _ := newClient(t, srv, Config{TokenSource: "/home/me/.config/sustain/jira-token", Debug: &trace})
	_, err = b.Issue(context.Background(), "SUP-1", GetOptions{})
	if err == nil || !strings.Contains(err.Error(), "bearer personal access token from /home/me/.config/sustain/jira-token") {
		t.Errorf("bearer error: %v", err)
	}
	srv.Inject(jiratest.Fault{Status: 403})
	srv.SetCredentials("", secret)
	_, err = b.Issue(context.Background(), "SUP-1", GetOptions{})
	if !errors.As(err, &pe) || pe.Kind != problem.Auth || !strings.Contains(err.Error(), "denied access to issue SUP-1") {
		t.Errorf("403: %v", err)
	}
	for _, text := range []string{err.Error(), pe.Hint, trace.String()} {
		if strings.Contains(text, secret) {
			t.Fatalf("the token leaked: %s", text)
		}
	}
	if !strings.Contains(trace.String(), "jira: GET "+srv.URL+"/rest/api/2/issue/SUP-1") || !strings.Contains(trace.String(), "-> 401") {
		t.Errorf("trace:\n%s", trace.String())
	}
}

func TestDebugTraceShowsRetries(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	srv.Inject(jiratest.Fault{Match: "GET", Status: 502, Times: 2})
	var trace bytes.Buffer
	c, _ := newClient(t, srv, Config{Debug: &trace})
	if _, err := c.Issue(context.Background(), "SUP-1", GetOptions{Fields: []string{"summary"}}); err != nil {
		t.Fatal(err)
	}
	line := trace.String()
	if !strings.Contains(line, "GET "+srv.URL+"/rest/api/2/issue/SUP-1?fields=summary -> 200 (") || !strings.Contains(line, ", 2 retries)") {
		t.Errorf("trace = %q", line)
	}
}

func TestUnknownProjectAndIssue(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	c, _ := newClient(t, srv, Config{})
	_, err := c.CreateIssue(context.Background(), "NOPE", map[string]any{"summary": "x", "issuetype": map[string]string{"name": "Task"}})
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Kind != problem.NotFound || !strings.Contains(err.Error(), "project NOPE not found") {
		t.Fatalf("err = %v", err)
	}
	_, err = c.Issue(context.Background(), "SUP-77", GetOptions{})
	if !errors.As(err, &pe) || pe.Kind != problem.NotFound || !strings.Contains(err.Error(), "issue SUP-77 not found") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewRefusesCredentialsInURLAndMissingToken(t *testing.T) {
	if _, err := New(Config{URL: "https://bot:" + secret + "@example.atlassian.net", Token: "x"}); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("err = %v", err)
	}
	var pe *problem.Error
	if _, err := New(Config{URL: "https://example.atlassian.net"}); !errors.As(err, &pe) || !strings.Contains(pe.Hint, "SUSTAIN_JIRA_TOKEN") {
		t.Errorf("err = %v", err)
	}
}

func TestCommentsPageByPage(t *testing.T) {
	srv := fakeWith(1, false)
	defer srv.Close()
	srv.SetPageSize(50)
	for i := 1; i <= 120; i++ {
		srv.Comment("SUP-1", fmt.Sprintf("comment %d", i))
	}
	c, _ := newClient(t, srv, Config{})
	cs, err := c.Comments(context.Background(), "SUP-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 120 || cs[0].Body != "comment 1" || cs[119].Body != "comment 120" || cs[0].Created.IsZero() || cs[0].Author.Email != "olga@example.com" {
		t.Fatalf("%d comments, first %+v", len(cs), cs[0])
	}
	if n := srv.Count("GET /rest/api/2/issue/SUP-1/comment"); n != 3 {
		t.Errorf("%d pages, want 3", n)
	}
}
