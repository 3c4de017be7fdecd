// Package sqlite is the embedded ticket store: one SQLite file (pure Go, no
// cgo), safe for several sustain processes writing at once. Every change is
// one IMMEDIATE transaction, so a killed process leaves the store as it was
// before or after a change, never between; writers wait for each other
// (busy timeout, then retries) instead of failing with "database is locked".
// Reads take no lock at all (WAL): they never wait behind a writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is a ticket.Store in a SQLite file.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
}

// Open opens the store at path for reading and writing, creating it on
// first use, and brings its schema up to date. A schema newer than this
// binary knows is refused, and so is a file that is not a store (an empty
// file included: it is never silently turned into a new store). When the
// store cannot be written (a read-only file or directory) it is opened
// read-only, so reading commands still work and writing ones fail saying why.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fail(path, err)
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := create(ctx, abs); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fail(path, err)
	default:
		if err := checkFile(path, abs, st); err != nil {
			return nil, err
		}
	}
	s, err := connect(ctx, path, abs, false)
	if err != nil {
		if !isReadOnly(err) {
			return nil, err
		}
		if s, err = OpenReadOnly(ctx, path); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		if isReadOnly(err) {
			// The file is read-only to us: reading may still work on a
			// current schema, and OpenReadOnly says so when it does not.
			return OpenReadOnly(ctx, path)
		}
		return nil, err
	}
	return s, nil
}

// OpenReadOnly opens an existing store for reading only: it never creates,
// migrates or writes anything, and works on a read-only file or directory.
// A store whose schema is older than this binary's is refused (opening it
// once with Open upgrades it).
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fail(path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, problem.New(problem.NotFound, "check --store, SUSTAIN_STORE or store:; a writing command (customer add) creates it",
				"there is no ticket store at %s", path)
		}
		return nil, fail(path, err)
	}
	if err := checkFile(path, abs, st); err != nil {
		return nil, err
	}
	s, err := connect(ctx, path, abs, true)
	if err != nil {
		return nil, err
	}
	if err := s.checkSchema(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// checkFile refuses what cannot be a store before SQLite sees it: SQLite
// would take an empty file as a new database, and a directory as an error
// without a name.
func checkFile(path, abs string, st fs.FileInfo) error {
	if st.IsDir() {
		return problem.New(problem.Usage, "give the store's file, for example "+filepath.Join(path, "sustain.db"),
			"the ticket store %s is a directory, not a file", path)
	}
	// A store whose commits are all still in its -wal may have an empty
	// main file: SQLite recovers that one.
	if wal, err := os.Stat(abs + "-wal"); st.Size() == 0 && (err != nil || wal.Size() == 0) {
		return problem.New(problem.Usage, "remove the empty file to start a new store there, or give the right --store",
			"the ticket store %s is an empty file (0 bytes), not a sustain store", path)
	}
	return nil
}

// create makes a new store under a temporary name and links it into place
// complete, so no process ever sees a half-created (empty) store, and two
// processes creating the same store at once both end up using one.
func create(ctx context.Context, abs string) error {
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(abs, fmt.Errorf("create the store's directory: %w", err))
	}
	tmp := filepath.Join(dir, "."+filepath.Base(abs)+".new-"+strconv.FormatUint(rand.Uint64(), 36))
	defer os.Remove(tmp)
	s, err := connect(ctx, abs, tmp, false)
	if err != nil {
		return err
	}
	err = s.migrate(ctx)
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(abs, err)
	}
	err = os.Link(tmp, abs)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// A file system without hard links: rename, unless another process
		// has created the store meanwhile.
		if _, serr := os.Stat(abs); errors.Is(serr, fs.ErrNotExist) {
			err = os.Rename(tmp, abs)
		}
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return fail(abs, fmt.Errorf("create the store: %w", err))
	}
	return nil
}

// dsn is a SQLite URI for file: every byte outside the unreserved set is
// percent-encoded, since SQLite decodes %XX in the path and would take
// '?' and '#' for the query and fragment.
func dsn(file string, q url.Values) string {
	var b strings.Builder
	b.WriteString("file:")
	for i := 0; i < len(file); i++ {
		c := file[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String() + "?" + q.Encode()
}

// connect opens file (abs, for the URI) and checks that it is a SQLite
// database; path names the store in messages.
func connect(ctx context.Context, path, file string, readOnly bool) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)") // WAL + NORMAL: a killed process loses nothing committed
		q.Set("_txlock", "immediate")
	}
	s, err := connectDSN(ctx, path, dsn(file, q), readOnly)
	if err != nil && readOnly && !isFault(err, sqlite3lib.SQLITE_NOTADB, sqlite3lib.SQLITE_CORRUPT) && !exists(file+"-wal") {
		// A WAL store in a directory we cannot write has no -shm to share
		// and cannot make one. With no -wal either, the file holds every
		// commit and nobody is writing (a writer would need that directory
		// too), so it is read as immutable.
		q.Set("immutable", "1")
		s, err = connectDSN(ctx, path, dsn(file, q), readOnly)
	}
	return s, err
}

func connectDSN(ctx context.Context, path, dsn string, readOnly bool) (*Store, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fail(path, err)
	}
	// One connection: a CLI process does one thing at a time, and a single
	// connection cannot deadlock against itself.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path, readOnly: readOnly}
	// Reading the schema version reads the file's header: a file that is
	// not a store fails here, not in the middle of a command.
	if _, err := s.version(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func exists(file string) bool {
	_, err := os.Lstat(file)
	return err == nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether the store was opened for reading only.
func (s *Store) ReadOnly() bool { return s.readOnly }

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

// version reads the schema version outside any transaction: it takes no
// write lock, so opening a current store never waits behind a writer.
func (s *Store) version(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fail(s.path, err)
	}
	return v, nil
}

func (s *Store) tooNew(v int) error {
	return problem.New(problem.Refused, "use a newer sustain with this store, or another --store",
		"the store %s has schema version %d, newer than this sustain knows (%d)", s.path, v, SchemaVersion())
}

// checkSchema is what a read-only store can do about its schema: accept the
// current one.
func (s *Store) checkSchema(ctx context.Context) error {
	v, err := s.version(ctx)
	switch {
	case err != nil:
		return err
	case v > SchemaVersion():
		return s.tooNew(v)
	case v < SchemaVersion():
		return problem.New(problem.Refused, "run any sustain command that writes, with write access to the store, to upgrade it",
			"the store %s has schema version %d and needs upgrading to %d, which cannot be done read-only", s.path, v, SchemaVersion())
	}
	return nil
}

// migrate brings the schema up to date. The version is read without a lock
// first; only when migrations are due is it read again under the write
// lock, since another process may have migrated in between.
func (s *Store) migrate(ctx context.Context) error {
	files, err := migrations()
	if err != nil {
		return err
	}
	v, err := s.version(ctx)
	if err != nil {
		return err
	}
	if v > len(files) {
		return s.tooNew(v)
	}
	if v == len(files) {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("read the store's schema version: %w", err)
		}
		if v > len(files) {
			return s.tooNew(v)
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
	if s.readOnly {
		return problem.New(problem.Refused, "give write access to the store's file, its -wal and -shm files and its directory, or use another --store",
			"the ticket store %s is read-only here: it can be read but not changed", s.path)
	}
	delay := 20 * time.Millisecond
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := s.tryTx(ctx, fn)
		if !isBusy(err) || time.Now().After(deadline) {
			if isBusy(err) {
				return problem.New(problem.Unavailable, "try again",
					"the store %s stayed busy for two minutes: another sustain process is holding it", s.path)
			}
			return fail(s.path, err)
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

// isFault reports whether err is a SQLite error of one of the primary codes.
func isFault(err error, codes ...int) bool {
	var se *sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.Code()&0xff == c {
			return true
		}
	}
	return false
}

// isReadOnly reports whether err says the store cannot be written here.
func isReadOnly(err error) bool {
	return isFault(err, sqlite3lib.SQLITE_READONLY, sqlite3lib.SQLITE_CANTOPEN, sqlite3lib.SQLITE_PERM)
}

// fail gives a SQLite error its context: which store, what happened and
// what to do. Problems and errors of other kinds pass as they are.
func fail(path string, err error) error {
	var pe *problem.Error
	if err == nil || errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var se *sqlite3.Error
	if !errors.As(err, &se) {
		if errors.Is(err, fs.ErrPermission) {
			return problem.New(problem.Refused, "check the permissions of the store's file and directory, or use another --store",
				"the ticket store %s cannot be opened: %v", path, err)
		}
		return err
	}
	return faultOf(path, se.Code(), err)
}

// faultOf maps a SQLite result code to a problem; err is the original, for
// its text.
func faultOf(path string, code int, err error) error {
	switch code & 0xff {
	case sqlite3lib.SQLITE_FULL:
		return problem.New(problem.Unavailable, "free space on its file system (or move the store with --store) and run again; nothing was changed",
			"the disk holding the ticket store %s is full", path)
	case sqlite3lib.SQLITE_NOTADB:
		return problem.New(problem.Usage, "check --store, SUSTAIN_STORE or store:; a sustain store is a SQLite file",
			"%s is not a ticket store: the file is not a SQLite database", path)
	case sqlite3lib.SQLITE_CORRUPT:
		return problem.New(problem.Unavailable, "restore the store from a backup; `sqlite3 FILE .recover` may save what is left",
			"the ticket store %s is damaged (%v)", path, err)
	case sqlite3lib.SQLITE_READONLY:
		hint := "give write access to the store's file and directory, or use another --store"
		switch code {
		case sqlite3lib.SQLITE_READONLY_CANTINIT, sqlite3lib.SQLITE_READONLY_RECOVERY, sqlite3lib.SQLITE_READONLY_CANTLOCK:
			hint = "the store's shared-memory file (" + filepath.Base(path) + "-shm) is read-only: give write access to it, or remove it while no sustain runs"
		case sqlite3lib.SQLITE_READONLY_DBMOVED:
			hint = "the store's file was moved or deleted while open; run again"
		}
		return problem.New(problem.Refused, hint, "the ticket store %s is read-only here: it cannot be changed", path)
	case sqlite3lib.SQLITE_CANTOPEN, sqlite3lib.SQLITE_PERM, sqlite3lib.SQLITE_AUTH:
		return problem.New(problem.Refused, "check that the store's directory exists and that you may read and write it and the file",
			"the ticket store %s cannot be opened (%v)", path, err)
	case sqlite3lib.SQLITE_IOERR:
		return problem.New(problem.Unavailable, "check the disk and the file system holding it, then run again",
			"reading or writing the ticket store %s failed (%v)", path, err)
	case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
		return problem.New(problem.Unavailable, "try again",
			"the store %s is busy: another sustain process is holding it", path)
	}
	return fmt.Errorf("ticket store %s: %w", path, err)
}

// Times are kept as Unix microseconds: an int64 of them spans ±292,000
// years, so no time can overflow (nanoseconds did outside 1678..2262).

func dbTime(t time.Time) int64 { return t.UnixMicro() }

func fromDBTime(n int64) time.Time { return time.UnixMicro(n).UTC() }

func nullDBTime(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: dbTime(*t), Valid: true}
}

func fromNullDBTime(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromDBTime(n.Int64)
	return &t
}

// checkTimes refuses, before anything is written, a time outside the range
// sustain keeps (ticket.CheckTime); nil pointers are unset times.
func checkTimes(ts ...any) error {
	for _, t := range ts {
		var err error
		switch t := t.(type) {
		case time.Time:
			err = ticket.CheckTime(t)
		case *time.Time:
			if t != nil {
				err = ticket.CheckTime(*t)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
