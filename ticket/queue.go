package ticket

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// NextQuery narrows the queue of the priority system (ticket next).
type NextQuery struct {
	Assignee   string // only requests assigned to this person (--mine, --assignee)
	Unassigned bool   // only requests nobody is assigned to
	Customer   string // only this customer's requests
}

// errTaken is a claim losing its request to another engineer.
var errTaken = errors.New("taken meanwhile")

// NextFor is the request to work on now among those q selects, in the
// order of the priority system (see Next); nil when none is waiting.
func (s *Service) NextFor(ctx context.Context, q NextQuery) (*View, error) {
	vs, err := s.queue(ctx, q, 1)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	return &vs[0], nil
}

// queue is the head of the queue q selects, at most n requests.
func (s *Service) queue(ctx context.Context, q NextQuery, n int) ([]View, error) {
	f := Filter{Statuses: working, Queue: true, Customer: strings.ToUpper(strings.TrimSpace(q.Customer)),
		Assignee: strings.TrimSpace(q.Assignee)}
	if !q.Unassigned {
		f.Limit = n
	}
	var out []View
	errEnough := errors.New("enough")
	err := s.Each(ctx, f, false, func(v View) error {
		if q.Unassigned && len(v.Assignees) > 0 {
			return nil
		}
		out = append(out, v)
		if len(out) >= n {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return out, nil
}

// Claim takes the head of the queue of unassigned requests q selects and
// assigns it to name, in one transaction: the assignment is made only if
// the request is still waiting and unassigned inside the transaction that
// makes it, so engineers claiming at once get different requests. Nil when
// nothing is left to claim.
func (s *Service) Claim(ctx context.Context, q NextQuery, name, actor string) (*View, error) {
	q.Unassigned, q.Assignee = true, ""
	for {
		vs, err := s.queue(ctx, q, 16)
		if err != nil || len(vs) == 0 {
			return nil, err
		}
		for _, v := range vs {
			r, err := s.Act(ctx, v.ID, ActInput{Action: ActAssign, Actor: actor, Detail: name, claim: true})
			if errors.Is(err, errTaken) {
				continue
			}
			if err != nil {
				return nil, err
			}
			return s.ViewOf(r), nil
		}
		// All taken meanwhile: read the queue again.
	}
}

// claimable is the check a claim makes inside its transaction.
func claimable(r *Request) error {
	if !slices.Contains(working, r.Status) || len(r.Assignees) > 0 {
		return errTaken
	}
	return nil
}
