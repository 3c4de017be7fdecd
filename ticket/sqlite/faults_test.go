package sqlite

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
	"github.com/sustain-cli/sustain/ticket"
)

// TestSchema1StoreKeepsItsTimes builds a store as the first schema wrote
// it (Unix nanoseconds, the description repeated in the open event) and
// opens it: migration 002 converts every time exactly and keeps what show
// prints.
func TestSchema1StoreKeepsItsTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	init1, err := migrationFiles.ReadFile("migrations/001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 3, 4, 5, 6, 7, 891234000, time.UTC)
	answered := created.Add(26 * time.Hour)
	n := func(t time.Time) int64 { return t.UnixNano() }
	for _, stmt := range []string{string(init1), "PRAGMA user_version = 1",
		fmt.Sprintf(`INSERT INTO customers VALUES ('ACME', 'Acme', '[]', '[]', NULL, NULL, '', %d)`, n(created)),
		fmt.Sprintf(`INSERT INTO requests VALUES (1, 'SUP-1', 'ACME', 'Login fails', 'It says 500', 'phone', '', '', '[]',
			'normal', 3, 'resolved', '', '', %d, %d, %d, %d, NULL)`, n(created), n(answered), n(answered), n(answered)),
		fmt.Sprintf(`INSERT INTO events VALUES (1, 1, %d, 'ops', 'open', 'It says 500', 'phone', '', 'new')`, n(created)),
		fmt.Sprintf(`INSERT INTO events VALUES (1, 2, %d, 'anna', 'answer', 'Fixed', '', 'new', 'resolved')`, n(answered)),
		fmt.Sprintf(`INSERT INTO attachments VALUES (1, 'a.log', 1, 'x', %d, x'00')`, n(created)),
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s := openStore(t, path)
	r, err := s.Request(ctx, "SUP-1")
	if err != nil {
		t.Fatal(err)
	}
	if !r.CreatedAt.Equal(created) || !r.UpdatedAt.Equal(answered) || !r.FirstResponse.Equal(answered) ||
		!r.AnsweredAt.Equal(answered) || r.ClosedAt != nil {
		t.Errorf("request times = %v %v %v %v %v", r.CreatedAt, r.UpdatedAt, r.FirstResponse, r.AnsweredAt, r.ClosedAt)
	}
	if len(r.History) != 2 || !r.History[0].At.Equal(created) || !r.History[1].At.Equal(answered) ||
		r.History[0].Text != "It says 500" || r.History[1].Text != "Fixed" {
		t.Errorf("history = %+v", r.History)
	}
	if len(r.Attachments) != 1 || !r.Attachments[0].AddedAt.Equal(created) {
		t.Errorf("attachments = %+v", r.Attachments)
	}
	if c, err := s.Customer(ctx, "ACME"); err != nil || !c.CreatedAt.Equal(created) {
		t.Errorf("customer = %+v, %v", c, err)
	}
	var stored string
	if err := s.db.QueryRow("SELECT text FROM events WHERE number = 1 AND seq = 1").Scan(&stored); err != nil || stored != "" {
		t.Errorf("the open event still stores %q (%v): the description is kept twice", stored, err)
	}
	if _, err := s.db.Exec("UPDATE events SET text = 'x'"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("after the migration the history can be rewritten: %v", err)
	}
}

func TestTimesRoundTripAndOutOfRangeIsRefused(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	seed(t, s)
	for _, at := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2200, 12, 31, 23, 59, 59, 999999000, time.UTC),
	} {
		req := newRequest("edge")
		req.CreatedAt, req.UpdatedAt = at, at
		r, err := s.CreateRequest(ctx, "SUP", req, nil, ticket.Event{At: at, Action: "open", To: ticket.StatusNew})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Request(ctx, r.ID)
		if err != nil || !got.CreatedAt.Equal(at) || !got.History[0].At.Equal(at) {
			t.Errorf("%v read back as %v, %v", at, got.CreatedAt, err)
		}
	}
	for _, at := range []time.Time{time.Date(1600, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC)} {
		req := newRequest("bad")
		req.CreatedAt, req.UpdatedAt = at, at
		_, err := s.CreateRequest(ctx, "SUP", req, nil, ticket.Event{At: at, Action: "open", To: ticket.StatusNew})
		problemtest.Want(t, err, problem.Usage, "outside the times sustain keeps")
		_, err = s.UpdateRequests(ctx, []string{"SUP-1"}, func(r *ticket.Request) (*ticket.Event, error) {
			r.UpdatedAt = at
			return &ticket.Event{At: at, Action: "comment", From: r.Status, To: r.Status}, nil
		})
		problemtest.Want(t, err, problem.Usage, "1970-01-01 to 2200-12-31")
		err = s.AddCustomer(ctx, &ticket.Customer{Code: "OLD", Name: "Old", CreatedAt: at})
		problemtest.Want(t, err, problem.Usage, "outside")
	}
	rs, err := s.Requests(ctx, ticket.Filter{})
	if err != nil || len(rs) != 2 {
		t.Errorf("requests after refusals = %d, %v; want the 2 in range", len(rs), err)
	}
	if r, _ := s.Request(ctx, "SUP-1"); r == nil || len(r.History) != 1 {
		t.Errorf("a refused update reached the history: %+v", r)
	}
}

func TestListsDoNotReadDescriptions(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	seed(t, s)
	req := newRequest("long")
	req.Description = strings.Repeat("d", 1000)
	if _, err := s.CreateRequest(ctx, "SUP", req, nil, ticket.Event{At: evAt, Action: "open", Text: req.Description, To: ticket.StatusNew}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []ticket.Filter{{}, {Limit: 5}, {Queue: true, Limit: 1}} {
		rs, err := s.Requests(ctx, f)
		if err != nil || len(rs) != 1 || rs[0].Description != "" || rs[0].Subject != "long" {
			t.Errorf("Requests(%+v) = %+v, %v; want the request without its description", f, rs, err)
		}
	}
	r, err := s.Request(ctx, "SUP-1")
	if err != nil || r.Description != req.Description || r.History[0].Text != req.Description {
		t.Errorf("show lost the description: %+v, %v", r, err)
	}
	var total int
	if err := s.db.QueryRow("SELECT length(text) FROM events").Scan(&total); err != nil || total != 0 {
		t.Errorf("the open event stores %d bytes of text, %v; want the description kept once", total, err)
	}
}

// TestStoreNamesAreNotURIs opens stores whose names mean something in a
// URI: the file created has exactly the name given.
func TestStoreNamesAreNotURIs(t *testing.T) {
	for _, name := range []string{"h#frag.db", "%41.db", "a?b.db", "with space.db", "журнал заявок.db", "a&_txlock=x.db"} {
		dir := t.TempDir()
		s := openStore(t, filepath.Join(dir, name))
		seed(t, s)
		s.Close()
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{name}) {
			t.Errorf("store %q: the directory holds %q", name, names)
		}
		if _, err := openStore(t, filepath.Join(dir, name)).Customer(ctx, "ACME"); err != nil {
			t.Errorf("store %q reopened: %v", name, err)
		}
	}
	// The directories are part of the URI too.
	dir := filepath.Join(t.TempDir(), "x#y", "%2F?z", "папка с пробелом")
	seed(t, openStore(t, filepath.Join(dir, "h#frag.db")))
	if _, err := os.Stat(filepath.Join(dir, "h#frag.db")); err != nil {
		t.Errorf("store in %q: %v", dir, err)
	}
}

func TestFilesThatAreNotStores(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	garbage := filepath.Join(dir, "garbage.db")
	write := func(path string, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(empty, nil)
	write(garbage, bytes.Repeat([]byte("not a database, just text\n"), 400))
	for _, open := range []func(string) error{
		func(p string) error { _, err := Open(ctx, p); return err },
		func(p string) error { _, err := OpenReadOnly(ctx, p); return err },
	} {
		problemtest.Want(t, open(empty), problem.Usage, "empty file (0 bytes)")
		problemtest.Want(t, open(garbage), problem.Usage, "not a ticket store")
		problemtest.Want(t, open(dir), problem.Usage, "is a directory")
	}
	if st, _ := os.Stat(empty); st.Size() != 0 {
		t.Errorf("the empty file was written to: %d bytes", st.Size())
	}
	_, err := OpenReadOnly(ctx, filepath.Join(dir, "missing.db"))
	problemtest.Want(t, err, problem.NotFound, "no ticket store")
}

// TestDamagedStore overwrites the pages after the first with garbage, as a
// failing disk or a careless copy would.
func TestDamagedStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openStore(t, path)
	seed(t, s)
	for i := 0; i < 50; i++ {
		if _, err := s.CreateRequest(ctx, "SUP", newRequest(strings.Repeat("x", 500)), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 8*4096), 4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s2, err := Open(ctx, path)
	if err == nil {
		defer s2.Close()
		_, err = s2.Requests(ctx, ticket.Filter{})
	}
	problemtest.Want(t, err, problem.Unavailable, "is damaged")
	if !strings.Contains(err.Error(), path) {
		t.Errorf("the error does not name the store: %v", err)
	}
}

func TestFaultMapping(t *testing.T) {
	raw := errors.New("raw sqlite text")
	for _, c := range []struct {
		code int
		kind problem.Kind
		msg  string
	}{
		{sqlite3lib.SQLITE_FULL, problem.Unavailable, "the disk holding the ticket store /s.db is full"},
		{sqlite3lib.SQLITE_IOERR_WRITE, problem.Unavailable, "reading or writing the ticket store /s.db failed"},
		{sqlite3lib.SQLITE_NOTADB, problem.Usage, "/s.db is not a ticket store"},
		{sqlite3lib.SQLITE_CORRUPT, problem.Unavailable, "the ticket store /s.db is damaged"},
		{sqlite3lib.SQLITE_READONLY, problem.Refused, "the ticket store /s.db is read-only"},
		{sqlite3lib.SQLITE_READONLY_CANTINIT, problem.Refused, "read-only"},
		{sqlite3lib.SQLITE_CANTOPEN, problem.Refused, "cannot be opened"},
	} {
		err := faultOf("/s.db", c.code, raw)
		problemtest.Want(t, err, c.kind, c.msg)
		var pe *problem.Error
		if errors.As(err, &pe) && pe.Hint == "" {
			t.Errorf("code %d: no hint", c.code)
		}
	}
	var pe *problem.Error
	if errors.As(faultOf("/s.db", sqlite3lib.SQLITE_READONLY_CANTINIT, raw), &pe) && !strings.Contains(pe.Hint, "s.db-shm") {
		t.Errorf("a stuck -shm is not named: %q", pe.Hint)
	}
}

// TestReadsDoNotWaitForAWriter holds the write lock from another
// connection, as a long-running writer would, while a fresh process opens
// the store and reads it: neither the open nor the read may wait for it.
// (Before, opening took the write lock and failed after two minutes.)
func TestReadsDoNotWaitForAWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openStore(t, path)
	seed(t, s)
	if _, err := s.CreateRequest(ctx, "SUP", newRequest("first"), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew}); err != nil {
		t.Fatal(err)
	}
	writer, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if _, err := writer.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.ExecContext(ctx, "UPDATE requests SET subject = 'uncommitted'"); err != nil {
		t.Fatal(err)
	}
	defer writer.ExecContext(ctx, "ROLLBACK")

	for _, open := range []func(string) (*Store, error){func(p string) (*Store, error) { return Open(ctx, p) }, func(p string) (*Store, error) { return OpenReadOnly(ctx, p) }} {
		r, err := open(path)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := r.Requests(ctx, ticket.Filter{})
		if err != nil || len(rs) != 1 || rs[0].Subject != "first" {
			t.Errorf("read beside a writer = %v, %v", rs, err)
		}
		if _, err := r.Request(ctx, "SUP-1"); err != nil {
			t.Error(err)
		}
		r.Close()
	}
}

// unprivileged runs the calling test again in a child process as nobody
// when the tests run as root, for whom file modes forbid nothing. It
// reports whether the test ran there (and the caller is done).
func unprivileged(t *testing.T) bool {
	t.Helper()
	if os.Getuid() != 0 || os.Getenv("SUSTAIN_TEST_UNPRIVILEGED") != "" {
		return false
	}
	dir, err := os.MkdirTemp("", "sustain-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "test.bin")
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(dst, src)
	src.Close()
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^"+t.Name()+"$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SUSTAIN_TEST_UNPRIVILEGED=1", "TMPDIR="+dir, "HOME="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		// Root without the right to change user (a restricted container):
		// file modes cannot be tested here at all.
		t.Skipf("cannot run as nobody: %v", err)
	}
	err = cmd.Wait()
	out := buf.Bytes()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	t.Logf("as nobody:\n%s", out)
	return true
}

// TestReadOnlyStore reads a store whose file, and then whose directory,
// may not be written: reading works, writing is refused saying why.
func TestReadOnlyStore(t *testing.T) {
	if unprivileged(t) {
		return
	}
	dir := filepath.Join(t.TempDir(), "store")
	path := filepath.Join(dir, "s.db")
	s := openStore(t, path)
	seed(t, s)
	if _, err := s.CreateRequest(ctx, "SUP", newRequest("first"), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	t.Cleanup(func() { os.Chmod(dir, 0o700); os.Chmod(path, 0o600) })
	check := func(what string) {
		t.Helper()
		for _, open := range []func(string) (*Store, error){func(p string) (*Store, error) { return Open(ctx, p) }, func(p string) (*Store, error) { return OpenReadOnly(ctx, p) }} {
			r, err := open(path)
			if err != nil {
				t.Fatalf("%s: open: %v", what, err)
			}
			if rs, err := r.Requests(ctx, ticket.Filter{}); err != nil || len(rs) != 1 {
				t.Errorf("%s: list = %v, %v", what, rs, err)
			}
			if got, err := r.Request(ctx, "SUP-1"); err != nil || got.Subject != "first" {
				t.Errorf("%s: show = %v, %v", what, got, err)
			}
			_, err = r.CreateRequest(ctx, "SUP", newRequest("second"), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew})
			problemtest.Want(t, err, problem.Refused, "read-only")
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("%s: the error does not name the store: %v", what, err)
			}
			r.Close()
		}
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	check("file 0444")
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	check("file 0444 in directory 0555")
}

// TestStuckSharedMemoryFile leaves the store's -shm file behind read-only,
// as `chmod 444 *` on a store in use does.
func TestStuckSharedMemoryFile(t *testing.T) {
	if unprivileged(t) {
		return
	}
	path := filepath.Join(t.TempDir(), "s.db")
	s := openStore(t, path)
	seed(t, s)
	holder := openStore(t, path) // keeps -shm and -wal in place
	if _, err := holder.Customers(ctx); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(f, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	holder.Close()
	t.Cleanup(func() {
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			os.Chmod(f, 0o600)
		}
	})
	r, err := Open(ctx, path)
	if err == nil {
		defer r.Close()
		_, err = r.Customers(ctx)
		if err == nil {
			err = r.AddCustomer(ctx, &ticket.Customer{Code: "NEW", Name: "New", CreatedAt: evAt})
		}
	}
	var pe *problem.Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, path) || pe.Hint == "" {
		t.Fatalf("err = %#v; want a problem naming the store with what to do", err)
	}
	t.Logf("%s (%s)", pe.Msg, pe.Hint)
}

// TestParallelFirstOpens creates one store from many connections at once:
// none sees a half-created file, and all write to the same store.
func TestParallelFirstOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "s.db")
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			s, err := Open(ctx, path)
			if err == nil {
				err = s.AddCustomer(ctx, &ticket.Customer{Code: fmt.Sprintf("C%d", i), Name: "c", CreatedAt: evAt})
				s.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	cs, err := openStore(t, path).Customers(ctx)
	if err != nil || len(cs) != n {
		t.Errorf("customers = %d, %v; want %d in one store", len(cs), err, n)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".new-") {
			t.Errorf("a temporary store was left behind: %s", e.Name())
		}
	}
}

// TestFullStore fills the store to its page limit, which SQLite reports as
// it reports a full disk.
func TestFullStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openStore(t, path)
	seed(t, s)
	var pages int
	if err := s.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+1)); err != nil {
		t.Fatal(err)
	}
	req := newRequest("big")
	req.Description = strings.Repeat("x", 64<<10)
	_, err := s.CreateRequest(ctx, "SUP", req, nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew})
	problemtest.Want(t, err, problem.Unavailable, "the disk holding the ticket store "+path+" is full")
	if rs, err := s.Requests(ctx, ticket.Filter{}); err != nil || len(rs) != 0 {
		t.Errorf("after a full store: %v, %v; want nothing stored", rs, err)
	}
}
