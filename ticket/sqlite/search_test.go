package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// Migration 008 indexes the requests a store already has, with their
// history texts; later writes keep the index in step, Cyrillic in any case.
func TestSearchIndexesExistingRequests(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v7.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	files, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files[:7] {
		body, err := migrationFiles.ReadFile("migrations/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	for _, stmt := range []string{"PRAGMA user_version = 7",
		`INSERT INTO customers (code, name, emails, responsible, created_at) VALUES ('ACME', 'Acme', '[]', '[]', 0)`,
		`INSERT INTO requests (number, id, customer, subject, description, channel, sender, project_address, params, priority, priority_rank, status, related, closure, created_at, updated_at)
			VALUES (1, 'SUP-1', 'ACME', 'Принтер не печатает', 'Бумага', 'email', '', '', '[]', 'normal', 3, 'new', '', '', 0, 0)`,
		`INSERT INTO requests (number, id, customer, subject, description, channel, sender, project_address, params, priority, priority_rank, status, related, closure, created_at, updated_at)
			VALUES (2, 'SUP-2', 'ACME', 'Login', 'HTTP 500', 'email', '', '', '[]', 'normal', 3, 'new', '', '', 0, 0)`,
		`INSERT INTO events (number, seq, at, actor, action, text, detail, from_status, to_status) VALUES (2, 1, 0, 'x', 'open', '', '', '', 'new')`,
		`INSERT INTO events (number, seq, at, actor, action, text, detail, from_status, to_status) VALUES (2, 2, 0, 'x', 'comment', 'картридж заменён', '', 'new', 'new')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s := openStore(t, path)
	for query, want := range map[string]string{"принтер": "SUP-1", "ПРИНТЕР бумага": "SUP-1", "картридж": "SUP-2", "http": "SUP-2", "печат": "SUP-1"} {
		rs, err := s.SearchRequests(ctx, query, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].ID != want {
			t.Errorf("%q: %d found, want %s", query, len(rs), want)
		}
	}
	if _, err := s.db.ExecContext(ctx, "UPDATE requests SET subject = 'Сканер' WHERE number = 1"); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.SearchRequests(ctx, "принтер", 0); len(rs) != 0 {
		t.Errorf("the old subject is still found")
	}
	if rs, _ := s.SearchRequests(ctx, "сканер", 0); len(rs) != 1 {
		t.Errorf("the new subject is not found")
	}
}
