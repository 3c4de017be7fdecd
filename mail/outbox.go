package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sustain-cli/sustain/ticket"
)

// OutboxStore is the part of ticket.MailStore that delivery needs.
type OutboxStore interface {
	// ClaimNotices takes up to n due notices so that no other sender takes
	// them; every claimed notice is handed back through MarkNotice.
	ClaimNotices(ctx context.Context, now time.Time, n int) ([]*ticket.Notice, error)
	MarkNotice(ctx context.Context, n *ticket.Notice) error
}

// Notice statuses.
const (
	NoticeQueued = "queued"
	NoticeSent   = "sent"
	NoticeFailed = "failed"
)

// DefaultBackoff is the wait after each failed attempt; a notice that
// still fails after the last wait is given up as failed.
var DefaultBackoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour}

// DeliverOptions tunes DeliverOutbox; the zero value is the default.
type DeliverOptions struct {
	Batch   int             // notices claimed at a time; 0 means 20
	Backoff []time.Duration // nil means DefaultBackoff
}

// DeliverResult counts what a run did; Notices are the notices it handled,
// as recorded.
type DeliverResult struct {
	Sent, Queued, Failed int
	Notices              []*ticket.Notice
}

// DeliverOutbox sends due notices until none is left. Each is claimed
// first, so concurrent runs never send one notice twice. After every
// attempt the notice is recorded at once: sent with the server's reply;
// queued again after a backoff on a temporary error; failed on a permanent
// error or after the last backoff. When the server cannot be reached or
// refuses the login, the run stops with that error and hands back the
// notices it has not tried, untouched: they would all fail the same way.
func DeliverOutbox(ctx context.Context, store OutboxStore, t Transport, now func() time.Time, opts DeliverOptions) (DeliverResult, error) {
	var res DeliverResult
	batch := opts.Batch
	if batch <= 0 {
		batch = 20
	}
	backoff := opts.Backoff
	if backoff == nil {
		backoff = DefaultBackoff
	}
	tried := map[int64]bool{}
	for {
		claimed, err := store.ClaimNotices(ctx, now(), batch)
		if err != nil {
			return res, fmt.Errorf("outbox: claiming notices: %w", err)
		}
		if len(claimed) == 0 {
			return res, nil
		}
		for i, n := range claimed {
			var stop error
			switch {
			case tried[n.ID]:
				// A store that hands a notice back within one run would
				// make this loop forever.
				stop = fmt.Errorf("outbox: notice %d was claimed twice in one run; stopping", n.ID)
			case ctx.Err() != nil:
				stop = ctx.Err()
			}
			if stop != nil {
				return res, errors.Join(stop, release(ctx, store, claimed[i:]))
			}
			tried[n.ID] = true
			sendErr := attempt(ctx, t, n, now, backoff)
			if err := store.MarkNotice(ctx, n); err != nil {
				return res, errors.Join(
					fmt.Errorf("outbox: notice %d (%s) was %s but recording it failed: %w", n.ID, n.MessageID, n.Status, err),
					release(ctx, store, claimed[i+1:]))
			}
			res.Notices = append(res.Notices, n)
			switch n.Status {
			case NoticeSent:
				res.Sent++
			case NoticeFailed:
				res.Failed++
			default:
				res.Queued++
			}
			var se *SMTPError
			if errors.As(sendErr, &se) && se.Session {
				return res, errors.Join(sendErr, release(ctx, store, claimed[i+1:]))
			}
		}
	}
}

// attempt sends n once and records the outcome on n.
func attempt(ctx context.Context, t Transport, n *ticket.Notice, now func() time.Time, backoff []time.Duration) error {
	reply, err := t.Send(ctx, n)
	at := now()
	n.Attempts++
	if err == nil {
		n.Status, n.SentAt, n.NextAttemptAt = NoticeSent, &at, nil
		n.ServerReply, n.Error = reply, ""
		return nil
	}
	n.Error = err.Error()
	n.ServerReply = reply
	var se *SMTPError
	if errors.As(err, &se) && se.Code != 0 {
		n.ServerReply = fmt.Sprintf("%s: %s", se.Server, se.Msg)
	}
	if IsPermanent(err) || n.Attempts > len(backoff) {
		n.Status, n.NextAttemptAt = NoticeFailed, nil
		return err
	}
	next := at.Add(backoff[n.Attempts-1])
	n.Status, n.NextAttemptAt = NoticeQueued, &next
	return err
}

// release hands claimed notices back unsent, as they were.
func release(ctx context.Context, store OutboxStore, ns []*ticket.Notice) error {
	var errs []error
	for _, n := range ns {
		n.Status = NoticeQueued
		if err := store.MarkNotice(context.WithoutCancel(ctx), n); err != nil {
			errs = append(errs, fmt.Errorf("outbox: handing back notice %d: %w", n.ID, err))
		}
	}
	return errors.Join(errs...)
}
