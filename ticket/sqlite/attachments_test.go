package sqlite

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/sustain-cli/sustain/ticket"
)

// pieces reads how a file is kept: the number of pieces and the largest.
func pieces(t *testing.T, s *Store, number int, name string) (n, largest int) {
	t.Helper()
	err := s.db.QueryRowContext(ctx, "SELECT count(*), coalesce(max(length(data)), 0) FROM attachment_pieces WHERE number = ? AND name = ?",
		number, name).Scan(&n, &largest)
	if err != nil {
		t.Fatal(err)
	}
	return n, largest
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// A large file is written in 1 MiB pieces (so SQLite never copies it
// whole) and read back byte for byte, with its recorded SHA-256.
func TestLargeAttachmentInPieces(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "sustain.db"))
	seed(t, s)
	big := randomBytes(5*pieceSize+12345, 1)
	files := []ticket.File{{Name: "dump.bin", Data: big}, {Name: "empty.txt", Data: nil}, {Name: "exact.bin", Data: big[:2*pieceSize]}}
	r, err := s.CreateRequest(ctx, "SUP", newRequest("Crash"), files, ticket.Event{At: evAt, Action: "open", To: ticket.StatusNew})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name            string
		data            []byte
		pieces, largest int
	}{
		{"dump.bin", big, 6, pieceSize},
		{"empty.txt", nil, 0, 0},
		{"exact.bin", big[:2*pieceSize], 2, pieceSize},
	} {
		if n, largest := pieces(t, s, r.Number, tt.name); n != tt.pieces || largest != tt.largest {
			t.Errorf("%s: %d pieces, the largest %d bytes; want %d, %d", tt.name, n, largest, tt.pieces, tt.largest)
		}
		a, data, err := s.AttachmentData(ctx, r.ID, tt.name)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !bytes.Equal(data, tt.data) || data == nil {
			t.Errorf("%s: read back %d bytes, want %d equal ones", tt.name, len(data), len(tt.data))
		}
		if err := a.Verify(data); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}

	// A missing piece is damage, never a short file.
	if _, err := s.db.ExecContext(ctx, "DELETE FROM attachment_pieces WHERE number = ? AND name = 'dump.bin' AND seq = 3", r.Number); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AttachmentData(ctx, r.ID, "dump.bin"); err == nil {
		t.Error("a file with a piece missing was read")
	}
}

// Migration 004 moves every stored file into pieces; each reads back byte
// for byte and matches the SHA-256 recorded when it was attached.
func TestMigrationMovesAttachmentsIntoPieces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v3.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"001_init.sql", "002_times.sql", "003_mail.sql"} {
		body, err := migrationFiles.ReadFile("migrations/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	big := randomBytes(3*pieceSize+1, 2)
	files := map[string][]byte{"big.bin": big, "one.log": []byte("x"), "empty.txt": {}, "mib.bin": big[:pieceSize]}
	stmts := []string{"PRAGMA user_version = 3",
		`INSERT INTO customers (code, name, emails, responsible, created_at) VALUES ('ACME', 'Acme', '[]', '[]', 0)`,
		`INSERT INTO requests VALUES (1, 'SUP-1', 'ACME', 'Crash', '', 'email', '', '', '[]', 'normal', 3, 'new', '', '', 0, 0, NULL, NULL, NULL)`}
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		sum := sha256.Sum256(data)
		if _, err := db.Exec("INSERT INTO attachments VALUES (1, ?, ?, ?, 0, ?)", name, len(data), hex.EncodeToString(sum[:]), data); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s := openStore(t, path)
	want := map[string]int{"big.bin": 4, "one.log": 1, "empty.txt": 0, "mib.bin": 1}
	for name, data := range files {
		if n, _ := pieces(t, s, 1, name); n != want[name] {
			t.Errorf("%s: %d pieces, want %d", name, n, want[name])
		}
		a, back, err := s.AttachmentData(ctx, "SUP-1", name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(back, data) {
			t.Errorf("%s: %d bytes back, want %d", name, len(back), len(data))
		}
		if err := a.Verify(back); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	var cols int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info('attachments') WHERE name = 'content'").Scan(&cols); err != nil || cols != 0 {
		t.Errorf("attachments.content is still there (%d, %v)", cols, err)
	}
	if v, _ := s.version(ctx); v != SchemaVersion() {
		t.Errorf("schema version %d", v)
	}
}
