// Package problemtest checks problem errors in tests.
package problemtest

import (
	"errors"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/internal/problem"
)

// Want fails t unless err is a problem of kind whose message or hint
// contains each of the strings.
func Want(t testing.TB, err error, kind problem.Kind, contains ...string) {
	t.Helper()
	var p *problem.Error
	if !errors.As(err, &p) {
		t.Fatalf("err = %v (%T), want a problem", err, err)
	}
	if p.Kind != kind {
		t.Errorf("kind = %d, want %d (%v)", p.Kind, kind, err)
	}
	for _, c := range contains {
		if !strings.Contains(p.Msg+" | "+p.Hint, c) {
			t.Errorf("error %q / hint %q does not mention %q", p.Msg, p.Hint, c)
		}
	}
}
