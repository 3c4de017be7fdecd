package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"
)

// sustainProcess runs this test binary as sustain, in a process of its own.
func sustainProcess(t *testing.T, store string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--store", store}, args...)...)
	cmd.Env = append(os.Environ(), "SUSTAIN_TEST_AS_MAIN=1", "SUSTAIN_NOW=2026-11-20T10:00:00+03:00",
		"XDG_CONFIG_HOME="+t.TempDir())
	return cmd
}

// TestParallelOpensNumberEachOnce is the test: 4 processes × 250
// `ticket open` at once give 1,000 requests numbered 1..1000, each number
// exactly once, and no process sees an error.
func TestParallelOpensNumberEachOnce(t *testing.T) {
	processes, each := 4, 250
	if testing.Short() || raceEnabled {
		each = 25
	}
	store := filepath.Join(t.TempDir(), "sustain.db")
	if out, err := sustainProcess(t, store, "customer", "add", "--code", "ACME", "--name", "Acme").CombinedOutput(); err != nil {
		t.Fatalf("customer add: %v\n%s", err, out)
	}
	var wg sync.WaitGroup
	errs := make(chan string, processes*each)
	for p := 0; p < processes; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				var stderr bytes.Buffer
				cmd := sustainProcess(t, store, "ticket", "open", "--customer", "ACME", "--channel", "phone",
					"--subject", fmt.Sprintf("process %d request %d", p, i), "--description", "x", "--template", "{{.id}}")
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil || !strings.HasPrefix(string(out), "SUP-") {
					errs <- fmt.Sprintf("process %d, open %d: %v %q %s", p, i, err, out, stderr.String())
				}
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	db, err := sql.Open("sqlite", store)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, distinct, lo, hi int
	if err := db.QueryRow("SELECT count(*), count(DISTINCT number), min(number), max(number) FROM requests").Scan(&n, &distinct, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	want := processes * each
	if n != want || distinct != want || lo != 1 || hi != want {
		t.Errorf("%d requests, %d distinct numbers, %d..%d; want %d numbered 1..%d", n, distinct, lo, hi, want, want)
	}
}
