package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/ticket/sqlite"
)

// fillStore writes n plain requests straight into a new store, as
// bench/genstore does, for tests of long lists.
func fillStore(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO customers (code, name, emails, responsible, created_at) VALUES ('C1', 'One', '[]', '[]', 0)`); err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO requests (number, id, customer, subject, description, channel, sender, project_address,
		params, priority, priority_rank, status, related, closure, created_at, updated_at)
		VALUES (?, ?, 'C1', ?, '', 'phone', '', '', '[]', 'normal', 3, 'closed', '', '', ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC).UnixMicro()
	for i := 1; i <= n; i++ {
		at := base + int64(i)*60e6
		if _, err := ins.Exec(i, fmt.Sprintf("SUP-%d", i), fmt.Sprintf("Запрос номер %d о том, что вход в систему не работает", i), at, at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO counters (name, value) VALUES ('request', ?)`, n); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

// heapWatch is standard output that, every few hundred kilobytes, collects
// the garbage and notes the live heap: what the list holds while printing.
type heapWatch struct {
	n, since int
	lines    int
	maxHeap  uint64
}

func (h *heapWatch) Write(p []byte) (int, error) {
	h.n += len(p)
	h.since += len(p)
	h.lines += bytes.Count(p, []byte("\n"))
	if h.since >= 512<<10 {
		h.since = 0
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.maxHeap = max(h.maxHeap, m.HeapAlloc)
	}
	return len(p), nil
}

// TestListAllKeepsMemoryFlat lists 100,000 requests with --all, as a table
// and as JSON: the live heap while printing stays that of a few hundred
// requests. Read whole, the 100,000 requests take over 60 MB.
func TestListAllKeepsMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a store of 100,000 requests")
	}
	const n = 100000
	store := fillStore(t, n)
	for _, format := range [][]string{nil, {"--json"}} {
		var stderr bytes.Buffer
		out := &heapWatch{}
		args := append([]string{"--store", store, "--now", "2026-11-20", "ticket", "list", "--all", "--status", "all"}, format...)
		if code := run(context.Background(), args, nil, out, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		if format == nil && out.lines != n {
			t.Errorf("table: %d lines, want %d", out.lines, n)
		}
		if out.n < n*50 {
			t.Errorf("%v: only %d bytes", format, out.n)
		}
		t.Logf("%v: %d MB written, live heap at most %.1f MB", format, out.n>>20, float64(out.maxHeap)/(1<<20))
		if out.maxHeap > 24<<20 {
			t.Errorf("%v: the live heap reached %.1f MB while printing 100,000 rows: the list is held, not streamed",
				format, float64(out.maxHeap)/(1<<20))
		}
	}
}
