package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"

	"github.com/sustain-cli/sustain/internal/output"
)

// onPTY runs sustain with standard output and error on a pseudo-terminal
// of cols columns and returns what the terminal received.
func onPTY(t *testing.T, cols uint16, env []string, store string, args ...string) string {
	t.Helper()
	cmd := sustainProcess(t, store, args...)
	cmd.Env = append(cmd.Env, "TERM=xterm-256color", "NO_COLOR=", "SUSTAIN_FORCE_TTY=")
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: 40})
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	_, err = io.Copy(&buf, f)
	var pe *os.PathError
	if err != nil && !(errors.As(err, &pe) && errors.Is(pe.Err, syscall.EIO)) {
		t.Fatal(err) // EIO is the end of a pseudo-terminal's output on Linux
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, buf.String())
	}
	return strings.ReplaceAll(buf.String(), "\r\n", "\n")
}

var sgrSeq = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTerminalColourWidthAndProgress runs the real binary on a
// pseudo-terminal: a list in colour cut to the terminal's width (by cells,
// Cyrillic whole), no colour with NO_COLOR or --color never, and progress of
// a Maildir intake drawn on stderr and cleared.
func TestTerminalColourWidthAndProgress(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "sustain.db")
	if out, err := sustainProcess(t, store, "customer", "add", "--code", "ACME", "--name", "Acme", "--email", "ops@acme.test").CombinedOutput(); err != nil {
		t.Fatalf("customer add: %v\n%s", err, out)
	}
	for i := range 3 {
		subject := fmt.Sprintf("Запрос %d: после обновления не открывается страница входа в систему", i)
		if out, err := sustainProcess(t, store, "ticket", "open", "--customer", "ACME", "--channel", "phone", "--subject", subject, "--description", "x").CombinedOutput(); err != nil {
			t.Fatalf("ticket open: %v\n%s", err, out)
		}
	}

	// 100 columns: the nine columns of a list (DUE and ASSIGNEES too)
	// leave the subject about 20 cells to be cut in.
	got := onPTY(t, 100, nil, store, "ticket", "list", "--limit", "2")
	if !strings.Contains(got, "\x1b[32mnew\x1b[0m") {
		t.Errorf("no green status on a terminal:\n%q", got)
	}
	plain := sgrSeq.ReplaceAllString(got, "")
	lines := strings.Split(strings.TrimRight(plain, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID ") || lines[3] != "2 of 3 shown; --limit or --all for more" {
		t.Fatalf("want header, 2 rows and the footer:\n%s", plain)
	}
	for _, l := range lines {
		if w := output.Width(l); w > 100 {
			t.Errorf("%d cells on a 100-column terminal: %q", w, l)
		}
	}
	if !strings.HasSuffix(lines[1], "…") || !strings.Contains(lines[1], "Запрос 0") {
		t.Errorf("the subject is not cut with …: %q", lines[1])
	}

	for _, env := range [][]string{{"NO_COLOR=1"}, {"TERM=dumb"}} {
		if got := onPTY(t, 72, env, store, "ticket", "list"); strings.Contains(got, "\x1b[") {
			t.Errorf("%v: colour anyway:\n%q", env, got)
		}
	}
	if got := onPTY(t, 72, nil, store, "--color", "never", "ticket", "list"); strings.Contains(got, "\x1b[") {
		t.Errorf("--color never: colour anyway:\n%q", got)
	}
	// A wide terminal: nothing cut.
	if got := onPTY(t, 200, nil, store, "ticket", "list"); strings.Contains(got, "…") {
		t.Errorf("cut on a 200-column terminal:\n%s", got)
	}

	// Progress: with the delay set to nothing, a Maildir intake draws its
	// count on the terminal and clears the line at the end; with --json it
	// says nothing.
	md := filepath.Join(dir, "Maildir")
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		msg := fmt.Sprintf("From: ops@acme.test\r\nTo: support@desk.test\r\nMessage-ID: <m%d@acme.test>\r\nSubject: m %d\r\n\r\nbody\r\n", i, i)
		if err := os.WriteFile(filepath.Join(md, "new", fmt.Sprintf("17000000%02d.%d.host", i, i)), []byte(msg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got = onPTY(t, 100, []string{"SUSTAIN_PROGRESS_DELAY=0s"}, store, "mail", "ingest", "--maildir", md)
	if !strings.Contains(got, "\rmail ingest: messages taken: 1") || !strings.Contains(got, "\r\x1b[K") {
		t.Errorf("no progress drawn and cleared:\n%q", got)
	}
	got = onPTY(t, 100, []string{"SUSTAIN_PROGRESS_DELAY=0s"}, store, "mail", "ingest", "--maildir", md, "--json")
	if strings.Contains(got, "messages taken") {
		t.Errorf("progress with --json:\n%q", got)
	}
	// In a pipe: tab-separated, no colour, no progress.
	cmd := sustainProcess(t, store, "ticket", "list")
	cmd.Env = append(cmd.Env, "TERM=xterm-256color", "SUSTAIN_PROGRESS_DELAY=0s")
	out, err := cmd.Output()
	if err != nil || strings.Contains(string(out), "\x1b") || !strings.Contains(string(out), "SUP-1\tnew\t") || strings.Contains(string(out), "…") {
		t.Errorf("pipe: %v\n%q", err, out)
	}
}
