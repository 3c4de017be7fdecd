package ticket

import (
	"context"
	"errors"
	"fmt"
)

// ActRepolicy gives a request the current policy, on purpose.
const ActRepolicy Action = "repolicy"

// RepolicyResult is what repolicy changed.
type RepolicyResult struct {
	Changed []Repolicied `json:"changed"`
}

// Repolicied is one request given the current policy.
type Repolicied struct {
	ID  string         `json:"id"`
	Old *RequestPolicy `json:"old"` // null: the request kept none
	New RequestPolicy  `json:"new"`
}

// DescribePolicy says a request policy in a line; "none kept" for nil.
func DescribePolicy(p *RequestPolicy) string {
	if p == nil {
		return "none kept (the configured one applies)"
	}
	confirm := "the author or a registered address confirms"
	if p.ConfirmRequiresResponsible {
		confirm = "a responsible person confirms"
	}
	return fmt.Sprintf("auto-close after %d business days; %s; working hours %s; calendar %s",
		p.AutocloseBusinessDays, confirm, p.WorkingHours, p.CalendarVersion)
}

// Repolicy gives open requests the current policy: the one named by ids,
// or every open request when ids is empty. Each change is recorded in the
// request's history with the old and the new policy; requests that already
// keep the current policy, and closed ones, are left as they are. A named
// request that is closed (by its deadline too) is refused.
func (s *Service) Repolicy(ctx context.Context, ids []string, actor string) (*RepolicyResult, error) {
	now := s.Now()
	named := len(ids) > 0
	if !named {
		rs, err := s.Store.Requests(ctx, Filter{Statuses: open})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
	} else {
		for i, id := range ids {
			var err error
			if ids[i], err = CheckID(id); err != nil {
				return nil, err
			}
		}
	}
	res := &RepolicyResult{Changed: []Repolicied{}}
	if len(ids) == 0 {
		return res, nil
	}
	cur := s.Policy.ForRequest(s.Calendar)
	var changed []Repolicied
	updated, err := s.Store.UpdateRequests(ctx, ids, func(r *Request) (*Event, error) {
		if s.lapse(r, now); r.Status == StatusClosed {
			if named {
				return nil, s.closedRefusal(r)
			}
			return nil, ErrSkip
		}
		if r.Policy != nil && *r.Policy == *cur {
			return nil, ErrSkip
		}
		changed = append(changed, Repolicied{ID: r.ID, Old: r.Policy, New: *cur})
		ev := &Event{At: now, Actor: actor, Action: string(ActRepolicy), From: r.Status, To: r.Status,
			Text: "policy: " + DescribePolicy(r.Policy) + " -> " + DescribePolicy(cur)}
		p := *cur
		r.Policy, r.UpdatedAt = &p, now
		return ev, nil
	})
	if err != nil && !errors.Is(err, ErrSkip) {
		return nil, err
	}
	// The store may run change again on a retry: report what it committed.
	byID := map[string]Repolicied{}
	for _, c := range changed {
		byID[c.ID] = c
	}
	for _, r := range updated {
		if c, ok := byID[r.ID]; ok {
			res.Changed = append(res.Changed, c)
		}
	}
	return res, nil
}
