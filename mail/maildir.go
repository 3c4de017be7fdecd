package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Maildir reads a Maildir (new/, cur/, tmp/) that an MTA delivers into.
//
// Claiming: two runs may overlap (cron), so every message is claimed before
// it is handed over, with an exclusive non-blocking flock(2) on the message
// file itself. A run that cannot take the lock skips the message; so does a
// run whose file vanished (the other run moved it). After the lock is taken
// the run checks that the path still names the locked file: the other run
// renames before it unlocks, so a late locker sees the rename and skips.
// MarkDone renames while the lock is held. A killed run needs no recovery:
// the kernel drops its locks, and the message, never moved, is taken by the
// next run at once. No timeouts, no stale claim files, and other Maildir
// readers (an IMAP server, a mail client) see nothing unusual.
//
// Only regular files are taken. Anything else in new/ or cur/ (a symlink,
// which could make the desk keep and show any file it can read; a FIFO or
// device, which could block the run or never end) and any file that cannot
// be read is skipped and passed to Warn, so that one bad entry never stops
// the messages after it.
type Maildir struct {
	Dir string
	// Warn receives a line naming each entry skipped; nil drops them.
	Warn func(msg string)
}

func (md Maildir) warn(format string, args ...any) {
	if md.Warn != nil {
		md.Warn(fmt.Sprintf(format, args...))
	}
}

// MaildirMessage is one claimed message, valid inside Each's fn.
type MaildirMessage struct {
	// Path is where the message is now (new/NAME or cur/NAME:2,FLAGS).
	Path string
	// Raw is the whole message, or its first maxBytes when TooLarge.
	Raw []byte
	// Size is the file's size. TooLarge is set when Size exceeds maxBytes: the
	// caller can still keep the message whole by reading Open().
	Size     int64
	TooLarge bool

	f    *os.File
	done bool
}

// Open reads the whole message from the start, whatever its size.
func (m *MaildirMessage) Open() (io.Reader, error) {
	if m.f == nil {
		return nil, errors.New("maildir: message is no longer claimed (use it inside Each)")
	}
	return io.NewSectionReader(m.f, 0, 1<<62), nil
}

// Each claims and hands over, one at a time, every message in new/ and
// every unseen one (no S flag) in cur/, oldest name first, reading at most
// maxBytes of each into memory. Messages another run holds are skipped. An
// error from fn stops Each and is returned; the message stays where it is
// for the next run.
func (md Maildir) Each(ctx context.Context, maxBytes int64, fn func(m *MaildirMessage) error) error {
	if maxBytes <= 0 {
		return errors.New("maildir: max message size must be positive")
	}
	for _, sub := range []string{"new", "cur"} {
		if _, err := os.Stat(filepath.Join(md.Dir, sub)); err != nil {
			return fmt.Errorf("maildir %s: not a Maildir (needs new/ and cur/): %w", md.Dir, err)
		}
	}
	paths, err := md.list()
	if err != nil {
		return err
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := claim(p, maxBytes)
		if err != nil {
			md.warn("maildir: skipped %s: %v", p, err)
			continue
		}
		if m == nil {
			continue // taken by another run
		}
		err = fn(m)
		m.release()
		if err != nil {
			return err
		}
	}
	return nil
}

// list returns the candidate paths: all of new/, the unseen part of cur/.
func (md Maildir) list() ([]string, error) {
	var out []string
	for _, sub := range []string{"new", "cur"} {
		dir := filepath.Join(md.Dir, sub)
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("maildir: reading %s: %w", dir, err)
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			name := e.Name()
			if strings.HasPrefix(name, ".") || e.IsDir() {
				continue
			}
			// The entry's own type (lstat), so a symlink is seen as one.
			if !e.Type().IsRegular() {
				md.warn("maildir: skipped %s: %s", filepath.Join(dir, name), entryKind(e.Type()))
				continue
			}
			if sub == "cur" && strings.ContainsRune(maildirFlags(name), 'S') {
				continue
			}
			names = append(names, name)
		}
		// Maildir names start with the delivery time: a sort is oldest first.
		sort.Strings(names)
		for _, n := range names {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out, nil
}

// claim locks the message at p and reads it; nil, nil when another run has
// it or it is gone.
func claim(p string, maxBytes int64) (*MaildirMessage, error) {
	// The entry may have been swapped since it was listed: a symlink is
	// not followed and a FIFO does not block the open; the mode check on
	// the open file below refuses both.
	f, err := os.OpenFile(p, os.O_RDONLY|openNoFollow, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ok, err := tryLock(f)
	if err != nil || !ok {
		f.Close()
		return nil, err
	}
	// The other run may have moved the file between our open and our lock.
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, errors.New(entryKind(fi.Mode()))
	}
	now, err := os.Lstat(p)
	if err != nil || !os.SameFile(fi, now) {
		f.Close()
		return nil, nil
	}
	m := &MaildirMessage{Path: p, Size: fi.Size(), f: f}
	n := min(fi.Size(), maxBytes)
	m.Raw = make([]byte, n)
	if _, err := io.ReadFull(f, m.Raw); err != nil {
		f.Close()
		return nil, err
	}
	m.TooLarge = fi.Size() > maxBytes
	return m, nil
}

// entryKind names what a non-regular entry is, for the warning.
func entryKind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeSymlink != 0:
		return "a symbolic link, not a message file"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO), not a message file"
	case mode&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "a device, not a message file"
	case mode&fs.ModeSocket != 0:
		return "a socket, not a message file"
	}
	return "not a regular file"
}

func (m *MaildirMessage) release() {
	if m.f != nil {
		m.f.Close() // closing drops the flock
		m.f = nil
	}
}

// MarkDone moves a claimed message to cur/ with the S flag added to its
// flags, by one atomic rename. Call it inside fn, only after the message is
// committed: a crash before it leaves the message to be read again, and the
// store recognises the duplicate.
func (md Maildir) MarkDone(m *MaildirMessage) error {
	if m.f == nil {
		return errors.New("maildir: MarkDone outside Each: the message is not claimed")
	}
	if m.done {
		return nil
	}
	src := m.Path
	err := os.Rename(src, seenName(md.Dir, src))
	if errors.Is(err, fs.ErrNotExist) {
		// A mail client or IMAP server (which know nothing of our lock) may
		// have moved it to cur/ meanwhile; mark it there.
		if moved := md.findCur(m.f); moved != "" {
			src = moved
			err = os.Rename(src, seenName(md.Dir, src))
		}
	}
	if err != nil {
		return fmt.Errorf("maildir: marking %s done: %w", m.Path, err)
	}
	m.Path, m.done = seenName(md.Dir, src), true
	return nil
}

// seenName is p's name in cur/ with S added to its flags, which stay in
// ASCII order as the Maildir convention asks.
func seenName(dir, p string) string {
	name := filepath.Base(p)
	base, flags := name, ""
	if i := strings.Index(name, ":2,"); i >= 0 {
		base, flags = name[:i], name[i+3:]
	}
	if !strings.ContainsRune(flags, 'S') {
		fl := []byte(flags + "S")
		sort.Slice(fl, func(i, j int) bool { return fl[i] < fl[j] })
		flags = string(fl)
	}
	return filepath.Join(dir, "cur", base+":2,"+flags)
}

// findCur finds the file f is open on among cur/'s entries.
func (md Maildir) findCur(f *os.File) string {
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	dir := filepath.Join(md.Dir, "cur")
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if other, err := os.Stat(filepath.Join(dir, e.Name())); err == nil && os.SameFile(fi, other) {
			return filepath.Join(dir, e.Name())
		}
	}
	return ""
}

// maildirFlags is the flag letters of a cur/ name ("" without ":2,").
func maildirFlags(name string) string {
	if i := strings.Index(name, ":2,"); i >= 0 {
		return name[i+3:]
	}
	return ""
}
