package sqlite

import (
	"path/filepath"
	"testing"
)

// Russian is typed with е for ё as often as not: either letter finds both
// («елка» finds «Ёлка», «замёрз» finds «замерз»), and a word with many
// of them still makes a bounded query.
func TestSearchFoldsYo(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	for _, stmt := range []string{
		`INSERT INTO customers (code, name, emails, responsible, created_at) VALUES ('ACME', 'Acme', '[]', '[]', 0)`,
		`INSERT INTO requests (number, id, customer, subject, description, channel, sender, project_address, params, priority, priority_rank, status, related, closure, created_at, updated_at)
			VALUES (1, 'SUP-1', 'ACME', 'Ёлка не горит', 'Экран замерз', 'email', '', '', '[]', 'normal', 3, 'new', '', '', 0, 0)`,
	} {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, query := range []string{"ёлка", "елка", "ЕЛКА", "замёрз", "замерз", "елка замёрз", "ееееееееееее елк"} {
		rs, err := s.SearchRequests(ctx, query, 0)
		if err != nil {
			t.Fatalf("%q: %v", query, err)
		}
		want := 1
		if query == "ееееееееееее елк" {
			want = 0
		}
		if len(rs) != want {
			t.Errorf("%q: %d found, want %d", query, len(rs), want)
		}
	}
}
