// Package sqlite is the embedded ticket store: one SQLite file (pure Go, no
// cgo), safe for several sustain processes writing at once. Every change is
// one IMMEDIATE transaction, so a killed process leaves the store as it was
// before or after a change, never between; writers wait for each other
// (busy timeout, then retries) instead of failing with "database is locked".
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/sustain-cli/sustain/internal/problem"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is a ticket.Store in a SQLite file.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens (creating on first use) the store at path and brings its schema
// up to date. A schema newer than this binary knows is refused.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the store's directory: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)") // WAL + NORMAL: a killed process loses nothing committed
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	// One connection: a CLI process does one thing at a time, and a single
	// connection cannot deadlock against itself.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Path is the store's file.
func (s *Store) Path() string { return s.path }

func migrations() ([]string, error) {
	names, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		out = append(out, n.Name())
	}
	sort.Strings(out)
	return out, nil
}

// SchemaVersion is the schema this binary writes.
func SchemaVersion() int {
	m, _ := migrations()
	return len(m)
}

func (s *Store) migrate(ctx context.Context) error {
	files, err := migrations()
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var v int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("read the store's schema version: %w", err)
		}
		if v > len(files) {
			return problem.New(problem.Refused, "use a newer sustain with this store, or another --store",
				"the store %s has schema version %d, newer than this sustain knows (%d)", s.path, v, len(files))
		}
		for i := v; i < len(files); i++ {
			body, err := migrationFiles.ReadFile("migrations/" + files[i])
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", files[i], err)
			}
		}
		if v < len(files) {
			// PRAGMA takes no parameters; the value is our own integer.
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(files))); err != nil {
				return err
			}
		}
		return nil
	})
}

// tx runs fn in an IMMEDIATE transaction, retrying while another process
// holds the write lock past the busy timeout.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	delay := 20 * time.Millisecond
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := s.tryTx(ctx, fn)
		if !isBusy(err) || time.Now().After(deadline) {
			if isBusy(err) {
				return fmt.Errorf("the store %s stayed busy for two minutes: another sustain process is holding it; try again", s.path)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, time.Second)
	}
}

func (s *Store) tryTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func isBusy(err error) bool {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff
		return code == sqlite3lib.SQLITE_BUSY || code == sqlite3lib.SQLITE_LOCKED
	}
	return err != nil && strings.Contains(err.Error(), "database is locked")
}

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

func nullNanos(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func fromNull(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}
