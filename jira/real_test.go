package jira

import (
	"context"
	"errors"
	"strings"
	"testing"

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
