package sqlite

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/ticket"
)

// TestFullStoreIsATemporaryFailureOfIntake: a disk that fills up while a
// message is kept, or after it is kept and before it is decided, is a
// temporary failure (exit 75: the MTA retries), never exit 7 (a bounce)
// and never a quarantine; the kept message stays pending for the next run.
func TestFullStoreIsATemporaryFailureOfIntake(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	seed(t, s)
	msk := time.FixedZone("MSK", 3*3600)
	now := func() time.Time { return time.Date(2026, 11, 16, 10, 0, 0, 0, msk) }
	svc := &ticket.Service{Store: s, Now: now, Calendar: bizcal.New(bizcal.Russian(), msk, 9*time.Hour, 18*time.Hour, nil),
		Policy: ticket.Policy{Prefix: "SUP", EmailRequiresRegisteredSender: true}}
	intake := &mail.Intake{Service: svc, Store: s, Actor: "mail"}
	full := func() {
		var pages int
		if err := s.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
			t.Fatal(err)
		}
	}
	raw := []byte("From: ops@acme.test\r\nMessage-ID: <full@acme.test>\r\nSubject: full\r\n\r\n" + strings.Repeat("x", 256<<10) + "\r\n")
	wantTemp := func(err error) {
		t.Helper()
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Kind != problem.TempFail || !strings.Contains(pe.Msg, "is full") {
			t.Fatalf("err = %v, want a temporary failure saying the disk is full", err)
		}
	}

	full()
	_, err := intake.Ingest(ctx, raw, "stdin")
	wantTemp(err)
	if _, err := s.db.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}

	intake.AfterStore = full
	_, err = intake.Ingest(ctx, raw, "stdin")
	wantTemp(err)
	if pending, _ := s.PendingInbound(ctx); len(pending) != 1 {
		t.Fatalf("%d pending, want the kept message", len(pending))
	}
	if q, _ := s.InboundList(ctx, ticket.DecisionQuarantined, 0); len(q) != 0 {
		t.Fatalf("quarantined for a full disk: %s", q[0].Reason)
	}
}
