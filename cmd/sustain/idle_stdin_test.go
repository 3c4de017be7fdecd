package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenWithIdleStdinFailsAtOnce: ticket open with no --description and
// a standard input that stays open and silent (its writer never closes)
// is refused as a usage error naming the rule, instead of waiting for
// ever; a pipe that brings the text is still read.
func TestOpenWithIdleStdinFailsAtOnce(t *testing.T) {
	store := filepath.Join(t.TempDir(), "sustain.db")
	if out, err := sustainProcess(t, store, "customer", "add", "--code", "ACME", "--name", "Acme").CombinedOutput(); err != nil {
		t.Fatalf("customer add: %v\n%s", err, out)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close() // open until the process has ended: it must not wait for it
	cmd := sustainProcess(t, store, "ticket", "open", "--customer", "ACME", "--channel", "portal", "--subject", "Printer")
	cmd.Stdin = r
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("exit: %v, want 2\n%s", err, stderr.String())
	}
	if msg := stderr.String(); !strings.Contains(msg, "Q9, A7") || !strings.Contains(msg, "--description-file -") {
		t.Errorf("stderr: %s", msg)
	}

	// The same with the text on the pipe opens the request.
	cmd = sustainProcess(t, store, "ticket", "open", "--customer", "ACME", "--channel", "portal", "--subject", "Printer",
		"--template", "{{.id}} {{.description}}")
	cmd.Stdin = strings.NewReader("Printer does not print\n")
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "SUP-1 Printer does not print" {
		t.Fatalf("piped description: %q, %v", out, err)
	}
}
