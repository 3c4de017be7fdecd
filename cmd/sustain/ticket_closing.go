package main

import (
	"context"
	"fmt"

	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/ticket"
)

// noteNewRelated says on standard error that a reply to a closed request
// opened a new request related to it (A6), and when the old one closed.
func (d ticketDeps) noteNewRelated(ctx context.Context, svc *ticket.Service, r *ticket.Request) {
	if d.Err == nil {
		return
	}
	tr := deskTr(d.Tr)
	why := tr.T("is closed")
	if old, err := svc.Show(ctx, r.Related); err == nil && old.ClosedAt != nil {
		at := old.ClosedAt.In(svc.Calendar.Location()).Format("2006-01-02 15:04")
		why = tr.T("was closed at %s", at)
		if old.Closure == "auto" {
			why = tr.T("was closed automatically at %s, its deadline (Q15, A12)", at)
		}
	}
	fmt.Fprintf(d.Err, "sustain: %s\n", output.Text(tr.T(
		"%s %s: the reply is registered as a new request %s, related to it (A6)", r.Related, why, r.ID)))
}

// note says something beside the output on standard error.
func (d ticketDeps) note(s string) {
	if d.Err != nil {
		fmt.Fprintf(d.Err, "sustain: %s\n", output.Text(s))
	}
}
