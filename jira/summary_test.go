package jira

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/jiratest"
)

func TestLookupCachesPerKeyUntilTTL(t *testing.T) {
	srv := jiratest.New("SRV")
	defer srv.Close()
	srv.AddIssue("SRV-1", map[string]any{"summary": "Export loses a row", "issuetype": "Bug", "status": "Resolved",
		"labels": []string{"export"}, "fixVersions": []string{"1.0.42"}})
	c, _ := newClient(t, srv, Config{})
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	cache := &Cache{Dir: t.TempDir(), TTL: time.Hour, Now: func() time.Time { return now }}
	keys := []string{"SRV-1", "SRV-2"}

	got, _, err := Lookup(context.Background(), c, cache, keys)
	if err != nil {
		t.Fatal(err)
	}
	s := got["SRV-1"]
	if !s.Found || s.Type != "Bug" || s.Status != "Resolved" || fmt.Sprint(s.Labels, s.FixVersions) != "[export] [1.0.42]" {
		t.Errorf("SRV-1 = %+v", s)
	}
	if got["SRV-2"].Found {
		t.Errorf("SRV-2 is unknown to Jira, got %+v", got["SRV-2"])
	}
	if n := srv.Count("GET /rest/api/2/search"); n != 1 {
		t.Fatalf("%d searches for 2 keys, want 1", n)
	}

	now = now.Add(59 * time.Minute)
	if _, _, err := Lookup(context.Background(), c, cache, keys); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count("GET /rest/api/2/search"); n != 1 {
		t.Errorf("a fresh cache still asked Jira: %d searches", n)
	}

	now = now.Add(2 * time.Minute)
	if _, _, err := Lookup(context.Background(), c, cache, keys); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count("GET /rest/api/2/search"); n != 2 {
		t.Errorf("an expired cache was not refreshed: %d searches", n)
	}

	// Offline: any cached entry however old; the rest reported missing.
	now = now.Add(1000 * time.Hour)
	got, missing, err := Lookup(context.Background(), nil, cache, []string{"SRV-1", "SRV-3"})
	if err != nil || !got["SRV-1"].Found || fmt.Sprint(missing) != "[SRV-3]" {
		t.Errorf("offline: got %v, missing %v, err %v", got, missing, err)
	}
	if n := srv.Count("GET"); n != 2 {
		t.Errorf("offline lookup sent requests: %d", n)
	}
}

func TestAddFixVersionCreatesTheVersionOnceAndSkipsUnknownKeys(t *testing.T) {
	srv := jiratest.New("SRV")
	defer srv.Close()
	srv.AddIssue("SRV-1", map[string]any{"summary": "a"})
	srv.AddIssue("SRV-2", map[string]any{"summary": "b"})
	c, _ := newClient(t, srv, Config{})
	for range 2 {
		unknown, err := c.AddFixVersion(context.Background(), "SRV", "1.0.42", []string{"SRV-1", "SRV-2", "SRV-9"})
		if err != nil || fmt.Sprint(unknown) != "[SRV-9]" {
			t.Fatalf("unknown %v, err %v", unknown, err)
		}
	}
	if n := srv.Count("POST /rest/api/2/version"); n != 1 {
		t.Errorf("version created %d times", n)
	}
	if got := fmt.Sprint(srv.Field("SRV-2", "fixVersions")); got == "[]" || !strings.Contains(got, "1.0.42") {
		t.Errorf("SRV-2 fix versions: %s", got)
	}
}
