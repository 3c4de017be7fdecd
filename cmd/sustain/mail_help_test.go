package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestMailGroupsHaveExamples: the mail groups' --help shows how they are
// used, as every runnable command's does.
func TestMailGroupsHaveExamples(t *testing.T) {
	for _, args := range [][]string{{"mail"}, {"mail", "outbox"}, {"mail", "quarantine"}} {
		var out, errb bytes.Buffer
		code := Main(append(args, "--help"), strings.NewReader(""), &out, &errb)
		if code != 0 || !strings.Contains(out.String(), "Examples:\n  ") {
			t.Errorf("%v --help: exit %d, no example:\n%s%s", args, code, out.String(), errb.String())
		}
	}
}
