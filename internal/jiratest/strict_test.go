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
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
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

// Documented values only: Accept: application/json, the upload header
// "no-check" (not the deprecated "nocheck"), a version made with projectId.
func TestStrictWantsTheDocumentedValues(t *testing.T) {
	srv := New("SUP")
	defer srv.Close()
	srv.AddIssue("SUP-1", map[string]any{"summary": "one", "issuetype": "Bug"})
	send := func(method, path, body string, header map[string]string) int {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := send("GET", "/rest/api/2/issue/SUP-1", "", nil); code != http.StatusNotAcceptable {
		t.Errorf("no Accept: %d", code)
	}
	json := map[string]string{"Accept": "application/json", "Content-Type": "application/json"}
	if code := send("POST", "/rest/api/2/version", `{"name":"1.0","project":"SUP"}`, json); code != http.StatusBadRequest {
		t.Errorf("version by project key: %d", code)
	}
	if code := send("POST", "/rest/api/2/version", `{"name":"1.0","projectId":10000}`, json); code != http.StatusCreated {
		t.Errorf("version by projectId: %d", code)
	}
	upload := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhi\r\n--b--\r\n"
	for token, want := range map[string]int{"nocheck": http.StatusForbidden, "no-check": http.StatusOK} {
		h := map[string]string{"Accept": "application/json", "Content-Type": "multipart/form-data; boundary=b", "X-Atlassian-Token": token}
		if code := send("POST", "/rest/api/2/issue/SUP-1/attachments", upload, h); code != want {
			t.Errorf("X-Atlassian-Token %s: %d, want %d", token, code, want)
		}
	}
}
