package jiratest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// The strict mode is on by default and refuses what real Jira refuses.
func TestStrictRefusesWhatJiraRefuses(t *testing.T) {
	srv := New("SUP")
	defer srv.Close()
	srv.SetStatuses("Open", "Closed")
	q := url.Values{"jql": {`project = "SUP" AND status in ("Resolved")`}}
	if code, body := get(t, srv.URL+"/rest/api/2/search?"+q.Encode()); code != 400 || !strings.Contains(body, "'Resolved' does not exist for the field 'status'") {
		t.Errorf("unknown status: %d %s", code, body)
	}
	q.Set("validateQuery", "warn") // Cloud's word, not Data Center's boolean
	if code, _ := get(t, srv.URL+"/rest/api/2/search?"+q.Encode()); code != 400 {
		t.Errorf("validateQuery=warn: %d", code)
	}
	q.Set("validateQuery", "false")
	if code, body := get(t, srv.URL+"/rest/api/2/search?"+q.Encode()); code != 200 || !strings.Contains(body, "warningMessages") {
		t.Errorf("validateQuery=false: %d %s", code, body)
	}
	if code, body := get(t, srv.URL+"/rest/api/2/project/SUP/statuses"); code != 200 || strings.Contains(body, "Resolved") || !strings.Contains(body, `"Closed"`) {
		t.Errorf("statuses: %d %s", code, body)
	}
	srv.SetStrict(false)
	q.Del("validateQuery")
	if code, _ := get(t, srv.URL+"/rest/api/2/search?"+q.Encode()); code != 200 {
		t.Errorf("lenient: %d", code)
	}
}
