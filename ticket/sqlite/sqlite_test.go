package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
	"github.com/sustain-cli/sustain/ticket"
)

var (
	ctx  = context.Background()
	evAt = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
)

func openStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func seed(t *testing.T, s *Store) {
	t.Helper()
	err := s.AddCustomer(ctx, &ticket.Customer{Code: "ACME", Name: "Acme LLC", Emails: []string{"ops@acme.test"},
		Responsible: []ticket.Person{{Name: "Ivan Petrov", Email: "ivan@acme.test"}}, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
}

func newRequest(subject string) *ticket.Request {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	return &ticket.Request{Customer: "ACME", Subject: subject, Channel: "phone", Priority: "normal", Status: ticket.StatusNew,
		Params: []ticket.Param{{Key: "version", Value: "1.0.37"}}, CreatedAt: now, UpdatedAt: now}
}

func TestCreateReadUpdate(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "deep", "dir", "sustain.db"))
	seed(t, s)
	logData := []byte("line 1\x00binary\xff\n")
	r, err := s.CreateRequest(ctx, "SUP", newRequest("Login fails"), []ticket.File{{Name: "app.log", Data: logData}},
		ticket.Event{At: evAt, Actor: "ops@acme.test", Action: "open", To: ticket.StatusNew})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "SUP-1" || r.Number != 1 {
		t.Fatalf("first request = %s (%d)", r.ID, r.Number)
	}
	r2, err := s.CreateRequest(ctx, "SUP", newRequest("Second"), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew})
	if err != nil || r2.ID != "SUP-2" {
		t.Fatalf("second = %v, %v", r2, err)
	}

	got, err := s.Request(ctx, "sup-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "Login fails" || len(got.History) != 1 || len(got.Attachments) != 1 || got.Params[0].Value != "1.0.37" {
		t.Errorf("read back = %+v", got)
	}
	if byNumber, err := s.Request(ctx, "1"); err != nil || byNumber.ID != "SUP-1" {
		t.Errorf("by number = %v, %v", byNumber, err)
	}
	a, data, err := s.AttachmentData(ctx, "SUP-1", "app.log")
	if err != nil || !bytes.Equal(data, logData) || a.Size != int64(len(logData)) || len(a.SHA256) != 64 {
		t.Errorf("attachment = %+v %q %v", a, data, err)
	}
	_, _, err = s.AttachmentData(ctx, "SUP-1", "nope.log")
	problemtest.Want(t, err, problem.NotFound, "no attachment")

	now := time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)
	_, err = s.UpdateRequests(ctx, []string{"SUP-1"}, func(r *ticket.Request) (*ticket.Event, error) {
		r.Status, r.FirstResponse, r.UpdatedAt = ticket.StatusInProgress, &now, now
		r.Assignees = append(r.Assignees, "anna")
		r.Tasks = append(r.Tasks, "SRV-42")
		return &ticket.Event{At: now, Actor: "staff", Action: "assign", Detail: "anna", From: ticket.StatusNew, To: ticket.StatusInProgress}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.Request(ctx, "SUP-1")
	if got.Status != ticket.StatusInProgress || got.FirstResponse == nil || !got.FirstResponse.Equal(now) ||
		len(got.History) != 2 || got.History[1].Seq != 2 || got.Assignees[0] != "anna" || got.Tasks[0] != "SRV-42" {
		t.Errorf("after update = %+v", got)
	}
	for _, f := range []ticket.Filter{{Assignee: "anna"}, {Task: "srv-42"}, {Statuses: []ticket.Status{ticket.StatusInProgress}, Customer: "acme"}} {
		rs, err := s.Requests(ctx, f)
		if err != nil || len(rs) != 1 || rs[0].ID != "SUP-1" {
			t.Errorf("Requests(%+v) = %v, %v", f, rs, err)
		}
	}

	// A failing change leaves everything as it was: no status, no event.
	_, err = s.UpdateRequests(ctx, []string{"SUP-2", "SUP-1"}, func(r *ticket.Request) (*ticket.Event, error) {
		if r.ID == "SUP-1" {
			return nil, errors.New("boom")
		}
		r.Status = ticket.StatusClosed
		return &ticket.Event{At: evAt, Action: "x", To: ticket.StatusClosed}, nil
	})
	if err == nil {
		t.Fatal("no error")
	}
	if r2, _ := s.Request(ctx, "SUP-2"); r2.Status != ticket.StatusNew || len(r2.History) != 1 {
		t.Errorf("a rolled-back change is visible: %+v", r2)
	}
}

func TestHistoryIsAppendOnly(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	seed(t, s)
	if _, err := s.CreateRequest(ctx, "SUP", newRequest("x"), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"UPDATE events SET text = 'rewritten'", "DELETE FROM events"} {
		if _, err := s.db.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v", stmt, err)
		}
	}
}

func TestCustomers(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	seed(t, s)
	err := s.AddCustomer(ctx, &ticket.Customer{Code: "ACME", Name: "Again"})
	problemtest.Want(t, err, problem.Refused, "already exists")
	_, err = s.Customer(ctx, "NOPE")
	problemtest.Want(t, err, problem.NotFound, "no customer NOPE")
	c, err := s.UpdateCustomer(ctx, "ACME", func(c *ticket.Customer) error {
		c.Emails = append(c.Emails, "second@acme.test")
		return nil
	})
	if err != nil || len(c.Emails) != 2 {
		t.Fatalf("update = %+v, %v", c, err)
	}
	all, err := s.Customers(ctx)
	if err != nil || len(all) != 1 || len(all[0].Emails) != 2 || all[0].Responsible[0].Name != "Ivan Petrov" {
		t.Errorf("customers = %+v, %v", all, err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openStore(t, path)
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(ctx, path)
	problemtest.Want(t, err, problem.Refused, "newer than this sustain knows")
}

// TestConcurrentWritersNumberOnce opens the same file from many connections
// at once: every request gets a number, each number exactly once.
func TestConcurrentWritersNumberOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	seed(t, openStore(t, path))
	const writers, each = 6, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, path)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for i := 0; i < each; i++ {
				if _, err := s.CreateRequest(ctx, "SUP", newRequest("c"), nil, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	db, _ := sql.Open("sqlite", path)
	defer db.Close()
	var n, distinct, max int
	if err := db.QueryRow("SELECT count(*), count(DISTINCT id), max(number) FROM requests").Scan(&n, &distinct, &max); err != nil {
		t.Fatal(err)
	}
	if n != writers*each || distinct != n || max != n {
		t.Errorf("requests %d, distinct numbers %d, highest %d; want %d each", n, distinct, max, writers*each)
	}
}
