package ticket_test

import (
	"testing"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
	"github.com/sustain-cli/sustain/ticket"
)

func TestCheckID(t *testing.T) {
	for in, want := range map[string]string{"sup-12": "SUP-12", " REQ_X-1 ": "REQ_X-1", "7": "7"} {
		if got, err := ticket.CheckID(in); err != nil || got != want {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "abc", "SUP-0", "SUP-", "-1", "SUP-1/2", "../SUP-1", "SUP-12345678901234567890", "0"} {
		_, err := ticket.CheckID(in)
		problemtest.Want(t, err, problem.Usage, "is not a registration number")
	}
	// The service refuses before it asks the store.
	e := newEnv(t, regulationQ)
	_, err := e.svc.Show(ctx, "abc")
	problemtest.Want(t, err, problem.Usage, `"ABC" is not a registration number`)
}
