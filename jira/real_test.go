package jira

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/jiratest"
	"github.com/sustain-cli/sustain/internal/problem"
)

func hintOf(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Hint
	}
	return ""
}

// Tests against what real Jira and the proxies in front of it do: issue 14.

var bg = context.Background()

// A write answered with a redirect (an http:// site, an SSO proxy) is an
// error naming the target, never a GET replayed and reported as success;
// reads still follow redirects (Cloud sends attachments elsewhere).
func TestWritesAnsweredWithARedirectAreErrors(t *testing.T) {
	srv := jiratest.New("SUP")
	defer srv.Close()
	srv.AddIssue("SUP-1", map[string]any{"summary": "one", "issuetype": "Bug"})
	srv.SetProperty("SUP-1", "sustain", []byte(`{"old":true}`))
	c, _ := newClient(t, srv, Config{})
	for _, code := range []int{301, 302, 303} {
		// The target answers a GET with 200: Go's replay would "succeed".
		srv.Inject(jiratest.Fault{Match: "PUT /rest/api/2/issue/SUP-1/properties/sustain", Status: code,
			Redirect: srv.URL + "/rest/api/2/issue/SUP-1/properties/sustain?ticket=sso-secret"})
		err := c.SetProperty(bg, "SUP-1", "sustain", map[string]bool{"new": true})
		if err == nil {
			t.Fatalf("%d: no error", code)
		}
		msg := err.Error() + " hint: " + hintOf(err)
		if !strings.Contains(msg, "PUT /rest/api/2/issue/SUP-1/properties/sustain with a redirect") ||
			!strings.Contains(msg, "to "+srv.URL+"/rest/api/2/issue/SUP-1/properties/sustain;") ||
			!strings.Contains(msg, "https://") || strings.Contains(msg, "sso-secret") {
			t.Errorf("%d: %v", code, err)
		}
	}
	if got := string(srv.Property("SUP-1", "sustain")); got != `{"old":true}` {
		t.Errorf("property = %s", got)
	}
	if n := srv.Count("GET /rest/api/2/issue/SUP-1/properties"); n != 0 {
		t.Errorf("%d GETs replayed", n)
	}
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1?", Status: 301, Redirect: srv.URL + "/rest/api/2/issue/SUP-1?fields=summary"})
	if is, err := c.Issue(bg, "SUP-1", GetOptions{Fields: []string{"summary"}}); err != nil || is.Summary != "one" {
		t.Errorf("read after a redirect: %v %v", is, err)
	}
}

// A 504 from a gateway after Jira created the issue: the marker finds it,
// and the create is not sent again; a 502 on another POST is not retried.
func TestGatewayErrorAfterCreateFindsTheIssue(t *testing.T) {
	srv := jiratest.New("SUP")
	defer srv.Close()
	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue", Status: 504, Applied: true})
	c, slept := newClient(t, srv, Config{})
	key, err := c.CreateIssue(bg, "SUP", map[string]any{"summary": "x", "issuetype": map[string]string{"name": "Task"}, "labels": []string{"mine"}})
	if err != nil || key != "SUP-1" {
		t.Fatalf("key %q, err = %v", key, err)
	}
	if n := srv.Count("POST /rest/api/2/issue"); n != 1 {
		t.Errorf("create sent %d times, want once", n)
	}
	if srv.Field("SUP-2", "summary") != nil {
		t.Error("a second issue was created")
	}
	if len(*slept) != 1 {
		t.Errorf("waits %v", *slept)
	}
	labels, _ := srv.Field("SUP-1", "labels").([]any)
	if len(labels) != 2 || labels[0] != "mine" || !strings.HasPrefix(labels[1].(string), MarkerPrefix) {
		t.Errorf("labels %v", labels)
	}

	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue/SUP-1/comment", Status: 502, Applied: true})
	if _, err := c.AddComment(bg, "SUP-1", "once", false); err == nil {
		t.Fatal("comment: no error")
	}
	if n := srv.Count("POST /rest/api/2/issue/SUP-1/comment"); n != 1 {
		t.Errorf("comment sent %d times after a 502, want once", n)
	}

	// Never applied and gateways all the way: the error names the marker.
	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue", Status: 503, Times: 10})
	_, err = c.CreateIssue(bg, "SUP", map[string]any{"summary": "y", "issuetype": map[string]string{"name": "Task"}})
	if err == nil || !strings.Contains(err.Error(), "may have been created all the same (label "+MarkerPrefix) {
		t.Errorf("err = %v", err)
	}
	creates := 0
	for _, l := range srv.Log() {
		if l == "POST /rest/api/2/issue" {
			creates++
		}
	}
	if creates != 1+5 {
		t.Errorf("%d creates, want 1 and then 1 + 4 retries each after a search for the marker", creates)
	}
}

// Retry-After longer than the per-attempt timeout is waited out between
// attempts, X-RateLimit-Reset too, with jitter on top and the cut at maxWait.
func TestRateLimitWaitsOutsideTheTimeout(t *testing.T) {
	srv := jiratest.New("SUP")
	defer srv.Close()
	srv.AddIssue("SUP-1", map[string]any{"summary": "one", "issuetype": "Bug"})
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Status: 429, RetryAfter: "3"})
	reset := time.Now().Add(20 * time.Second).UTC().Format("2006-01-02T15:04:05Z07:00")
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Status: 429, Header: map[string]string{"X-RateLimit-Reset": reset}})
	c, slept := newClient(t, srv, Config{Timeout: 2 * time.Second, Jitter: func() float64 { return 0.5 }})
	if _, err := c.Issue(bg, "SUP-1", GetOptions{Fields: []string{"summary"}}); err != nil {
		t.Fatal(err)
	}
	if len(*slept) != 2 {
		t.Fatalf("waits %v", *slept)
	}
	if w := (*slept)[0]; w != 3*time.Second+450*time.Millisecond {
		t.Errorf("Retry-After 3 with 15%% jitter: waited %v", w)
	}
	if w := (*slept)[1]; w < 18*time.Second || w > 27*time.Second {
		t.Errorf("X-RateLimit-Reset in 20s: waited %v", w)
	}
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Status: 429, RetryAfter: "59"})
	*slept = nil
	if _, err := c.Issue(bg, "SUP-1", GetOptions{Fields: []string{"summary"}}); err != nil || len(*slept) != 1 || (*slept)[0] != maxWait {
		t.Errorf("waits %v, err %v", *slept, err)
	}
}

// On Data Center the properties asked for in a search are read per issue,
// at most PropertyConcurrency at a time.
func TestDataCenterReadsPropertiesWithBoundedConcurrency(t *testing.T) {
	srv := fakeWith(30, false)
	defer srv.Close()
	srv.SetPageSize(50)
	srv.SetDataCenter(true)
	for i := 1; i <= 30; i += 2 {
		srv.SetProperty(fmt.Sprintf("SUP-%d", i), "sustain", []byte(fmt.Sprintf(`{"n":%d}`, i)))
	}
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/", Delay: 20 * time.Millisecond, Times: 30})
	c, _ := newClient(t, srv, Config{})
	got := map[string]string{}
	err := c.Search(bg, "project = SUP", SearchOptions{Fields: []string{"summary"}, Properties: []string{"sustain"}}, func(is *Issue) error {
		got[is.Key] = string(is.Properties["sustain"])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 30 || got["SUP-1"] != `{"n":1}` || got["SUP-29"] != `{"n":29}` || got["SUP-2"] != "" {
		t.Errorf("properties %v", got)
	}
	if n := srv.MaxInFlight(); n > PropertyConcurrency {
		t.Errorf("%d requests at once", n)
	}
	if n := srv.Count("GET /rest/api/2/issue/"); n != 30 {
		t.Errorf("%d property reads", n)
	}
}

// An HTML error page is reduced to its title and heading, never its
// scripts or styles; a 413 says the upload is too large; a download
// answered with a login page is an error, never the file.
func TestHTMLPagesAnd413(t *testing.T) {
	srv := jiratest.New("SUP")
	defer srv.Close()
	srv.AddIssue("SUP-1", map[string]any{"summary": "one", "issuetype": "Bug"})
	c, _ := newClient(t, srv, Config{})
	srv.Inject(jiratest.Fault{Match: "GET /rest/api/2/issue/SUP-1", Status: 404, HTML: true,
		Body: "<!DOCTYPE html><html><head><title>Oops &ndash; 404</title><style>body { color: red }</style><script>track('x')</script></head><body><h1>Page not found</h1><p>" + strings.Repeat("filler ", 100) + "</p></body></html>"})
	_, err := c.Issue(bg, "SUP-1", GetOptions{})
	if err == nil || !strings.HasSuffix(err.Error(), ": Oops – 404: Page not found") {
		t.Errorf("html 404: %v", err)
	}

	srv.Inject(jiratest.Fault{Match: "POST /rest/api/2/issue/SUP-1/attachments", Status: 413, HTML: true,
		Body: "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>"})
	_, err = c.Attach(bg, "SUP-1", "big.log", []byte("data"))
	if err == nil || !strings.Contains(err.Error(), "the upload is larger than the site accepts (413): 413 Request Entity Too Large") ||
		!strings.Contains(hintOf(err), "smaller file") {
		t.Errorf("413: %v (%s)", err, hintOf(err))
	}

	a, err := c.Attach(bg, "SUP-1", "app.log", []byte("line 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(jiratest.Fault{Match: "GET /secure/attachment/", HTML: true})
	data, err := c.Download(bg, a.Content)
	if err == nil || data != nil || !strings.Contains(err.Error(), "with an HTML page (Log in - Jira: Log in to continue), not the file") {
		t.Errorf("login page: %q, %v", data, err)
	}
	// An attachment that is an HTML file is downloaded as such.
	p, err := c.Attach(bg, "SUP-1", "page.html", []byte("<html><body>mine</body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(jiratest.Fault{Match: "GET /secure/attachment/", HTML: true, Body: "<html><body>mine</body></html>"})
	if data, err := c.Download(bg, p.Content); err != nil || string(data) != "<html><body>mine</body></html>" {
		t.Errorf("html attachment: %q, %v", data, err)
	}
}

// Cloud expands only the latest 100 histories; the rest are read from the
// paged changelog, so every change is there, oldest first.
func TestChangelogBeyondAHundredIsPaged(t *testing.T) {
	srv := jiratest.New("SUP")
	defer srv.Close()
	srv.AddIssue("SUP-1", map[string]any{"summary": "one", "issuetype": "Bug"})
	for i := 1; i <= 250; i++ {
		srv.Change("SUP-1", "labels", fmt.Sprint(i-1), fmt.Sprint(i))
	}
	c, _ := newClient(t, srv, Config{})
	is, err := c.Issue(bg, "SUP-1", GetOptions{Fields: []string{"summary"}, Expand: "changelog"})
	if err != nil {
		t.Fatal(err)
	}
	if len(is.Changes) != 250 || is.Changes[0].To != "1" || is.Changes[249].To != "250" {
		t.Fatalf("%d changes", len(is.Changes))
	}
	if n := srv.Count("GET /rest/api/2/issue/SUP-1/changelog"); n != 5 { // pages of 50
		t.Errorf("%d changelog pages read", n)
	}
	srv.AddIssue("SUP-2", map[string]any{"summary": "two", "issuetype": "Bug"})
	srv.Change("SUP-2", "labels", "", "x")
	if _, err := c.Issue(bg, "SUP-2", GetOptions{Expand: "changelog"}); err != nil || srv.Count("GET /rest/api/2/issue/SUP-2/changelog") != 0 {
		t.Errorf("a short changelog was paged: %v", err)
	}
}
