package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/ticket"
)

func TestMain(m *testing.M) {
	if path := os.Getenv("SUSTAIN_TEST_CRASH_WRITER"); path != "" {
		crashWriter(path)
		return
	}
	os.Exit(m.Run())
}

// crashWriter runs in a child process: it opens a request in a transaction,
// writes everything but the commit, says so, and waits to be killed.
func crashWriter(path string) {
	s, err := Open(context.Background(), path)
	if err != nil {
		os.Exit(3)
	}
	_ = s.tx(context.Background(), func(tx *sql.Tx) error {
		if _, err := tx.Exec("UPDATE counters SET value = value + 1 WHERE name = 'request'"); err != nil {
			os.Exit(4)
		}
		if _, err := tx.Exec(`INSERT INTO requests (number, id, customer, subject, description, channel, sender,
			project_address, params, priority, priority_rank, status, related, closure, created_at, updated_at)
			VALUES (2, 'SUP-2', 'ACME', 'half', '', 'phone', '', '', '[]', 'normal', 3, 'new', '', '', 0, 0)`); err != nil {
			os.Exit(5)
		}
		if _, err := tx.Exec(`INSERT INTO events (number, seq, at, actor, action, text, detail, from_status, to_status)
			VALUES (2, 1, 0, 'x', 'open', '', '', '', 'new')`); err != nil {
			os.Exit(6)
		}
		os.Stdout.WriteString("in transaction\n")
		time.Sleep(time.Minute) // killed long before this ends
		return nil
	})
	os.Exit(7)
}

// TestKilledWriterLeavesTheStoreAsItWas kills a writer mid-transaction and
// finds the store consistent: the half-written request is gone, the counter
// did not move, and the next request gets the next number.
func TestKilledWriterLeavesTheStoreAsItWas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sustain.db")
	s := openStore(t, path)
	seed(t, s)
	if _, err := s.CreateRequest(ctx, "SUP", newRequest("before the crash"), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "SUSTAIN_TEST_CRASH_WRITER="+path)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "in transaction") {
		child.Process.Kill()
		child.Wait()
		t.Fatalf("the writer did not reach its transaction: %q, %v", line, err)
	}
	if err := child.Process.Kill(); err != nil { // SIGKILL: no cleanup of any kind
		t.Fatal(err)
	}
	_ = child.Wait()

	s = openStore(t, path)
	var check string
	if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	rs, err := s.Requests(ctx, ticket.Filter{})
	if err != nil || len(rs) != 1 || rs[0].ID != "SUP-1" {
		t.Fatalf("after the crash: %v, %v", rs, err)
	}
	var events int
	if err := s.db.QueryRow("SELECT count(*) FROM events").Scan(&events); err != nil || events != 1 {
		t.Errorf("events = %d, %v; want the first request's only", events, err)
	}
	r, err := s.CreateRequest(ctx, "SUP", newRequest("after the crash"), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew})
	if err != nil || r.ID != "SUP-2" {
		t.Errorf("next request = %v, %v; want SUP-2", r, err)
	}
}
