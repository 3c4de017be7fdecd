package mail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/ticket"
)

// A reply by mail after the auto-close deadline, with no sweep run, does
// not reopen the request: it opens a new one related to it (Q15, A12, A6).
func TestReplyByMailAfterTheDeadline(t *testing.T) {
	d := newDesk(t)
	in := d.ingest(msg("From: ops@acme.test", "Message-ID: <d1@acme.test>", "Subject: Backup fails", "body:The nightly backup fails"))
	d.want(in, ticket.DecisionOpened, "SUP-1", "")
	d.act("SUP-1", ticket.ActAnswer, "Restart the backup service")
	// Answered Monday 16 November 2026; 8 business days end on Thursday
	// 26 November: closed from midnight into the 27th.
	d.now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.FixedZone("MSK", 3*3600))
	late := d.ingest(msg("From: ops@acme.test", "Message-ID: <d2@acme.test>", "Subject: Re: [SUP-1] Backup fails", "body:It failed again"))
	d.want(late, ticket.DecisionOpened, "SUP-2", "")
	if !strings.Contains(late.Reason, "SUP-1, which is closed") {
		t.Errorf("reason %q", late.Reason)
	}
	v, _ := d.svc.Show(ctx, "SUP-2")
	if v.Related != "SUP-1" {
		t.Errorf("related %q", v.Related)
	}
	old, _ := d.svc.Show(ctx, "SUP-1")
	if old.Status != ticket.StatusClosed || old.Closure != "auto" || !old.ClosedAt.Equal(d.now) {
		t.Errorf("SUP-1: %s %s %v", old.Status, old.Closure, old.ClosedAt)
	}
}
