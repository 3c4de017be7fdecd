package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestParallelClaimsTakeDifferentRequests: five processes running
// `ticket next --claim` at the same moment get five different requests,
// each assigned once.
func TestParallelClaimsTakeDifferentRequests(t *testing.T) {
	store := filepath.Join(t.TempDir(), "sustain.db")
	if out, err := sustainProcess(t, store, "customer", "add", "--code", "ACME", "--name", "Acme").CombinedOutput(); err != nil {
		t.Fatalf("customer add: %v\n%s", err, out)
	}
	for i := 0; i < 7; i++ {
		if out, err := sustainProcess(t, store, "ticket", "open", "--customer", "ACME", "--channel", "phone",
			"--subject", fmt.Sprintf("request %d", i), "--description", "x").CombinedOutput(); err != nil {
			t.Fatalf("open: %v\n%s", err, out)
		}
	}
	const engineers = 5
	ids := make([]string, engineers)
	errs := make([]string, engineers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range engineers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var stderr bytes.Buffer
			cmd := sustainProcess(t, store, "ticket", "next", "--claim", fmt.Sprintf("eng%d", i), "--template", "{{.id}} {{index .assignees 0}}")
			cmd.Stderr = &stderr
			<-start
			out, err := cmd.Output()
			if err != nil {
				errs[i] = fmt.Sprintf("%v: %s", err, stderr.String())
			}
			ids[i] = strings.TrimSpace(string(out))
		}()
	}
	close(start)
	wg.Wait()
	seen := map[string]bool{}
	for i, got := range ids {
		id, who, _ := strings.Cut(got, " ")
		if errs[i] != "" || !strings.HasPrefix(id, "SUP-") || who != fmt.Sprintf("eng%d", i) || seen[id] {
			t.Errorf("engineer %d: %q %s (taken twice: %v)", i, got, errs[i], seen[id])
		}
		seen[id] = true
	}
	// Each claimed request has exactly one assignee.
	out, err := sustainProcess(t, store, "ticket", "list", "--json", "--jq", `.[] | select(.assignees | length > 0) | "\(.id) \(.assignees | length)"`).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(strings.ReplaceAll(string(out), "\n", " "))
	if len(lines) != 2*engineers {
		t.Errorf("assigned requests: %q", out)
	}
	for i := 1; i < len(lines); i += 2 {
		if lines[i] != "1" {
			t.Errorf("a request with %s assignees: %q", lines[i], out)
		}
	}
}
