package jiratest

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestSettingsWhileServing changes the settings while requests are being
// answered; under -race it fails if a setting is not guarded.
func TestSettingsWhileServing(t *testing.T) {
	srv := New("SUP")
	defer srv.Close()
	srv.AddIssue("SUP-1", map[string]any{"summary": "one", "issuetype": "Bug"})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/rest/api/2/search?jql=project+%3D+SUP", nil)
			req.Header.Set("Accept", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusGone && resp.StatusCode != http.StatusUnauthorized {
				errs <- fmt.Errorf("status %d", resp.StatusCode)
			}
		}()
		srv.SetCloud(i%2 == 0)
		srv.SetPageSize(i + 1)
		srv.SetCredentials("", "")
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := srv.Count("GET /rest/api/2/search"); n != 20 {
		t.Errorf("%d searches logged, want 20", n)
	}
}
