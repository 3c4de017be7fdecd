package ticket

import "time"

// The clocks a request's due time belongs to (SLA.DueFor).
const (
	DueReaction  = "reaction"   // the first staff action (Q12)
	DueAutoclose = "auto-close" // the customer's reply to the answer (Q15, A12)
)

// dueOf is the due time of the clock running on r now: the reaction
// deadline while no one has reacted, the auto-close deadline while it is
// resolved; nil when no clock runs (reacted and not resolved, or closed).
func dueOf(r *Request, s SLA) (*time.Time, *string) {
	switch {
	case r.Status == StatusResolved && s.AutocloseAt != nil:
		at, kind := *s.AutocloseAt, DueAutoclose
		return &at, &kind
	case r.Open() && r.FirstResponse == nil:
		at, kind := s.ReactionDue, DueReaction
		return &at, &kind
	}
	return nil, nil
}
