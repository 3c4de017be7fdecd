package jiratest

import (
	"fmt"
	"net/http"
	"testing"
)

// recorder is a testing.TB that keeps what Verify reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestRegistryVerifyReportsUnusedStubsAndStrayRequests(t *testing.T) {
	reg := NewRegistry(t)
	reg.Register("GET", "/rest/api/2/issue/SUP-1", 200, `{}`)
	reg.Register("GET", "/rest/api/2/search?jql=", 200, `{}`)
	resp, err := http.Get(reg.URL + "/rest/api/2/issue/SUP-1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(reg.URL + "/rest/api/2/issue/SUP-1") // each stub answers once
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotImplemented {
		t.Errorf("second request: %d", resp.StatusCode)
	}
	rec := &recorder{TB: t}
	reg.Verify(rec)
	if len(rec.errs) != 2 || rec.errs[0] != "stub not used: GET /rest/api/2/search?jql=" ||
		rec.errs[1] != "request without a stub: GET /rest/api/2/issue/SUP-1" {
		t.Errorf("Verify reported %q", rec.errs)
	}
}
