package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestMailIngestParallelProcesses: an MTA runs twelve `mail ingest` pipes
// at once, each with a different message; every run resumes pending mail
// first, yet each message opens exactly one request and queues one
// registration, and every run exits 0.
func TestMailIngestParallelProcesses(t *testing.T) {
	const runs = 12
	dir := t.TempDir()
	store := filepath.Join(dir, "sustain.db")
	config := filepath.Join(dir, "sustain.yaml")
	if err := os.WriteFile(config, []byte("mail:\n  address: support@desk.test\n  notify: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := sustainProcess(t, store, "--config", config, "customer", "add", "--code", "ACME", "--name", "Acme",
		"--email", "ops@acme.test").CombinedOutput(); err != nil {
		t.Fatalf("customer add: %v\n%s", err, out)
	}
	var wg sync.WaitGroup
	for k := range runs {
		cmd := sustainProcess(t, store, "--config", config, "mail", "ingest")
		cmd.Stdin = bytes.NewReader([]byte(fmt.Sprintf("From: ops@acme.test\r\nTo: support@desk.test\r\n"+
			"Message-ID: <p%d@acme.test>\r\nSubject: parallel %d\r\n\r\nbody %d\r\n", k, k, k)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("run %d: %v\n%s", k, err, out)
			}
		}()
	}
	wg.Wait()
	db, err := sql.Open("sqlite", store)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var requests, notices, inbound, opened, distinct int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM outbox), (SELECT count(*) FROM inbound),
		(SELECT count(*) FROM inbound WHERE decision = 'opened'), (SELECT count(DISTINCT request) FROM inbound WHERE decision = 'opened')`).
		Scan(&requests, &notices, &inbound, &opened, &distinct); err != nil {
		t.Fatal(err)
	}
	if requests != runs || notices != runs || inbound != runs || opened != runs || distinct != runs {
		t.Errorf("%d requests, %d notices, %d messages, %d opened (%d distinct requests); want %d each",
			requests, notices, inbound, opened, distinct, runs)
	}
}
