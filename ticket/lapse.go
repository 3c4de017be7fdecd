package ticket

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
)

// AutoCloseActor is who an automatic closure is recorded as.
const AutoCloseActor = "sustain"

// autoCloseEvent is the history entry of r's automatic closure at its
// deadline.
func (s *Service) autoCloseEvent(r *Request, at time.Time) *Event {
	_, p := Governing(r, s.Calendar, s.Policy)
	return &Event{At: at, Actor: AutoCloseActor, Action: string(ActAutoClose), From: r.Status, To: StatusClosed,
		Text: fmt.Sprintf("no reply from the customer within %d business days of the answer", p.AutocloseBusinessDays)}
}

// lapse closes r, as read at now, when it is resolved and its auto-close
// deadline has passed (Q15, A12): the request is closed from that moment
// whether or not sweep has made it permanent, with closed_at the deadline
// and an auto-close entry in its history (when the history was read). It
// returns the event it added, nil when r stays as it is.
func (s *Service) lapse(r *Request, now time.Time) *Event {
	at, ok := AutocloseAt(r, s.Calendar, s.Policy)
	if !ok || now.Before(at) {
		return nil
	}
	ev := s.autoCloseEvent(r, at)
	r.Status, r.Closure, r.ClosedAt, r.UpdatedAt = StatusClosed, "auto", &at, at
	if len(r.History) > 0 {
		e := *ev
		e.Seq = r.History[len(r.History)-1].Seq + 1
		r.History = append(r.History, e)
	}
	return ev
}

// Current is r as it stands now: a resolved request past its auto-close
// deadline is closed (see lapse). Every read of the service applies it;
// code reading the store directly (mail intake) calls it.
func (s *Service) Current(r *Request) *Request {
	s.lapse(r, s.Now())
	return r
}

// lapsedFilter adapts f to requests that may have closed by their deadline
// without the store knowing: a filter on closed must also read resolved
// ones, and one on resolved must drop those that are closed by now. It
// returns the filter for the store and whether the statuses must be
// checked again after lapse (the store's limit then does not hold).
func lapsedFilter(f Filter) (Filter, bool) {
	if len(f.Statuses) == 0 {
		return f, false
	}
	resolved, closed := slices.Contains(f.Statuses, StatusResolved), slices.Contains(f.Statuses, StatusClosed)
	switch {
	case resolved && closed:
		return f, false
	case closed:
		f.Statuses = append(slices.Clone(f.Statuses), StatusResolved)
		return f, true
	case resolved:
		return f, true
	}
	return f, false
}

// closedRefusal refuses an action on a request that is closed, saying when
// and how when it closed by its deadline.
func (s *Service) closedRefusal(r *Request) error {
	if r.Closure == "auto" && r.ClosedAt != nil {
		return problem.New(problem.Refused,
			"a closed request is not reopened: open a new one with --related "+r.ID+" (A6)",
			"%s was closed automatically at %s: no reply within the business days of the regulation (Q15, A12)",
			r.ID, r.ClosedAt.In(s.Calendar.Location()).Format("2006-01-02 15:04 -07:00"))
	}
	return problem.New(problem.Refused,
		"a closed request is not reopened: open a new one with --related "+r.ID+" (A6)",
		"%s is closed", r.ID)
}

// replyToClosed registers a customer's reply to a closed request, one
// closed by its deadline included, as a new request related to it (A6):
// a closed request is never reopened. The new request is returned; its
// Related names the closed one.
func (s *Service) replyToClosed(ctx context.Context, closed *Request, in ActInput) (*Request, error) {
	if err := s.checkInput(&in); err != nil {
		return nil, err
	}
	return s.Open(ctx, OpenInput{Customer: closed.Customer, Subject: closed.Subject, Description: in.Text,
		Channel: "email", From: in.From, Related: closed.ID, Files: in.Files, Actor: in.Actor, Inbound: in.Inbound})
}
