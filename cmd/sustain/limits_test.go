package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sustain-cli/sustain/ticket"
)

// sandbox points configuration and data into a temporary directory and
// returns a run function over a fresh SQLite store there.
func sandbox(t *testing.T) func(stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("SUSTAIN_NOW", "2026-11-20T10:00:00+03:00")
	t.Setenv("SUSTAIN_STORE", filepath.Join(dir, "sustain.db"))
	return func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"-C", dir}, args...), strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
}

func mustRun(t *testing.T, sustain func(string, ...string) (int, string, string), args ...string) string {
	t.Helper()
	code, out, errs := sustain("", args...)
	if code != 0 {
		t.Fatalf("sustain %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	return out
}

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Defect 3: --attach streams with the limit; devices, FIFOs and files over
// the limit are refused before they are read, and nothing is stored.
func TestAttachRefusesWhatItCannotBound(t *testing.T) {
	sustain := sandbox(t)
	mustRun(t, sustain, "customer", "add", "--code", "ACME", "--name", "Acme")
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sparse := filepath.Join(dir, "disk.img")
	if err := os.WriteFile(sparse, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, 3<<30); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		code int
		want string
	}{
		{"/dev/zero", exitUsage, "/dev/zero is a device"},
		{fifo, exitUsage, "is a named pipe (FIFO)"},
		{sparse, exitRefused, "attachment disk.img is 3.0 GiB, over the limit of 25.0 MiB"},
	}
	for _, tc := range cases {
		var code int
		var errs string
		grew := allocated(func() {
			code, _, errs = sustain("", "ticket", "open", "--customer", "ACME", "--channel", "phone", "--subject", "x", "--attach", tc.path)
		})
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("--attach %s: exit %d, %q; want %d, %q", tc.path, code, errs, tc.code, tc.want)
		}
		if grew > 64<<20 {
			t.Errorf("--attach %s allocated %d MiB", tc.path, grew>>20)
		}
	}
	if out := mustRun(t, sustain, "ticket", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("a refused open stored something: %s", out)
	}
}

// Defect 3: a description on standard input is read to the limit, no more.
func TestTextFromStandardInputIsLimited(t *testing.T) {
	sustain := sandbox(t)
	mustRun(t, sustain, "customer", "add", "--code", "ACME", "--name", "Acme")
	// Past what any support.text_max_kb allows, reading stops.
	big := strings.Repeat("x", textMaxBytes+1)
	code, _, errs := sustain(big, "ticket", "open", "--customer", "ACME", "--channel", "phone", "--subject", "x")
	if code != exitRefused || !strings.Contains(errs, "standard input is over the limit of 64.0 MiB") {
		t.Errorf("exit %d, %q", code, errs)
	}
	// Past the configured limit (1 MiB by default), the service refuses and names the key.
	over := strings.Repeat("x", 1<<20+1)
	path := filepath.Join(t.TempDir(), "answer.txt")
	if err := os.WriteFile(path, []byte(over), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = sustain("", "ticket", "open", "--customer", "ACME", "--channel", "phone", "--subject", "x", "--description-file", path)
	if code != exitRefused || !strings.Contains(errs, "support.text_max_kb") {
		t.Errorf("--description-file: exit %d, %q", code, errs)
	}
	code, _, _ = sustain(strings.Repeat("y", 1<<20), "ticket", "open", "--customer", "ACME", "--channel", "phone", "--subject", "x")
	if code != 0 {
		t.Errorf("a text of exactly the limit: exit %d", code)
	}
}

// Defect 4: what customers and staff wrote reaches the terminal inert.
func TestNoTerminalInjection(t *testing.T) {
	sustain := sandbox(t)
	const esc = "\x1b]8;;https://evil.test\x07pwn\x1b]8;;\x07\x1b[2J"
	mustRun(t, sustain, "customer", "add", "--code", "ACME", "--name", "Acme"+esc)
	mustRun(t, sustain, "ticket", "open", "--customer", "ACME", "--channel", "phone", "--subject", "Login"+esc, "--description", "Line one\n"+esc)
	mustRun(t, sustain, "ticket", "assign", "SUP-1", "--to", "anna"+esc)
	mustRun(t, sustain, "ticket", "comment", "SUP-1", "--text", "note"+esc)
	for _, args := range [][]string{
		{"ticket", "list"}, {"ticket", "show", "SUP-1"}, {"customer", "show", "ACME"}, {"customer", "list"},
		{"ticket", "show", "SUP-1", "--template", "{{.subject}} {{.description}}"},
	} {
		out := mustRun(t, sustain, args...)
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("sustain %s printed control characters: %q", strings.Join(args, " "), out)
		}
		if !strings.Contains(out, "^[") {
			t.Errorf("sustain %s hid the escape instead of showing it: %q", strings.Join(args, " "), out)
		}
	}
	if out := mustRun(t, sustain, "ticket", "show", "SUP-1", "--json"); !strings.Contains(out, `\u001b]8;;`) {
		t.Errorf("--json changed the data: %s", out)
	}
	// Errors quote what the user gave; they are made inert too.
	_, _, errs := sustain("", "ticket", "show", "SUP-9"+esc)
	if strings.ContainsAny(errs, "\x1b\x07") {
		t.Errorf("an error printed control characters: %q", errs)
	}
}

// Defect 13: an attachment without a SHA-256 (added in Jira by hand) shows
// "-" instead of panicking, and long Cyrillic text is cut between runes.
func TestShowWithoutChecksumAndCyrillic(t *testing.T) {
	subject := strings.Repeat("Ошибка входа ", 30)
	v := requestView{View: ticket.View{Request: &ticket.Request{ID: "SUP-1", Subject: subject, Description: subject,
		Attachments: []ticket.Attachment{{Name: "shot.png", Size: 10}}}}, loc: time.UTC, history: true}
	var cells []string
	for _, r := range v.Table().Rows {
		cells = append(cells, r...)
	}
	for _, r := range (requestList{views: []ticket.View{v.View}, loc: time.UTC}).Table().Rows {
		cells = append(cells, r...)
	}
	joined := strings.Join(cells, "|")
	if !strings.Contains(joined, "shot.png (10 bytes, sha256 -)") {
		t.Errorf("attachment row: %s", joined)
	}
	if !utf8.ValidString(joined) {
		t.Errorf("broken UTF-8 in %q", joined)
	}
}
