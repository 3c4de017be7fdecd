package ticket

import (
	"time"

	"github.com/sustain-cli/sustain/bizcal"
)

// Policy is a support regulation's rules, from the configuration.
type Policy struct {
	Prefix                        string // registration numbers are Prefix-N (A8)
	AutocloseBusinessDays         int    // Q15: 10, A12: 8
	ConfirmRequiresResponsible    bool   // A12: only a responsible person confirms closure
	EmailRequiresRegisteredSender bool   // Q10: e-mail only from registered addresses
	PriorityRequiresContract      bool   // A4: priority service only with an active contract
	AttachmentMaxBytes            int64
	// TextMaxBytes bounds a subject, a description and an action's text
	// (support.text_max_kb); 0 means no limit.
	TextMaxBytes int64
	// CalendarVersion names the production calendar in use (the embedded
	// data, and the support.calendar file by its digest), kept with each
	// new request.
	CalendarVersion string
	// PhoneHours are when phone requests are taken, Monday to Friday on
	// business days (Q10); nil takes them any time.
	PhoneHours *Hours
}

// Hours are a span of the day, from midnight.
type Hours struct{ Start, End time.Duration }

// RequestPolicy is the part of the policy a request keeps from the moment
// it is opened: its deadlines never move because someone runs sustain with
// another configuration; `ticket repolicy` changes it on purpose.
type RequestPolicy struct {
	AutocloseBusinessDays      int    `json:"autoclose_business_days"`
	ConfirmRequiresResponsible bool   `json:"confirm_requires_responsible_person"`
	WorkingHours               string `json:"working_hours"` // HH:MM-HH:MM
	CalendarVersion            string `json:"calendar_version"`
}

// ForRequest is the policy a request opened now keeps.
func (p Policy) ForRequest(cal *bizcal.Calendar) *RequestPolicy {
	return &RequestPolicy{AutocloseBusinessDays: p.AutocloseBusinessDays, ConfirmRequiresResponsible: p.ConfirmRequiresResponsible,
		WorkingHours: cal.WorkingHours(), CalendarVersion: p.CalendarVersion}
}

// Governing is the calendar and policy that apply to r: those it keeps,
// over the current ones; the current ones for a request that keeps none.
func Governing(r *Request, cal *bizcal.Calendar, p Policy) (*bizcal.Calendar, Policy) {
	rp := r.Policy
	if rp == nil {
		return cal, p
	}
	p.AutocloseBusinessDays, p.ConfirmRequiresResponsible = rp.AutocloseBusinessDays, rp.ConfirmRequiresResponsible
	if rp.WorkingHours != "" && rp.WorkingHours != cal.WorkingHours() {
		if start, end, err := bizcal.ParseHours(rp.WorkingHours); err == nil {
			cal = cal.WithHours(start, end)
		}
	}
	return cal, p
}

// SLA is a request's position against the reaction deadline and auto-close.
type SLA struct {
	// ReactionDue is the end of the business day after the day of the
	// request (Q12).
	ReactionDue time.Time `json:"reaction_due"`
	// Reaction: met, breached (reacted late), overdue (no reaction, past
	// due) or pending.
	Reaction string `json:"reaction"`
	// ReactionLeft is the working time left until ReactionDue, in minutes
	// (0 once due).
	ReactionLeft int `json:"reaction_left_minutes"`
	// AutocloseAt is when a resolved request closes without a reply.
	AutocloseAt *time.Time `json:"autoclose_at"`
	// Due is when the clock running now ends: ReactionDue while no one
	// has reacted, AutocloseAt while resolved; DueFor names it (reaction,
	// auto-close). Both nil when no clock runs.
	Due    *time.Time `json:"due"`
	DueFor *string    `json:"due_for"`
}

// SLAOf computes r's SLA at now.
func SLAOf(r *Request, cal *bizcal.Calendar, p Policy, now time.Time) SLA {
	cal, p = Governing(r, cal, p)
	s := SLA{ReactionDue: cal.EndOfNextWorkday(r.CreatedAt)}
	switch {
	case r.FirstResponse != nil && r.FirstResponse.After(s.ReactionDue):
		s.Reaction = "breached"
	case r.FirstResponse != nil:
		s.Reaction = "met"
	case !r.Open():
		s.Reaction = "met" // closed (withdrawn) before anyone had to react
	case now.After(s.ReactionDue):
		s.Reaction = "overdue"
	default:
		s.Reaction = "pending"
		s.ReactionLeft = int(cal.WorkingTime(now, s.ReactionDue) / time.Minute)
	}
	if at, ok := AutocloseAt(r, cal, p); ok {
		s.AutocloseAt = &at
	}
	s.Due, s.DueFor = dueOf(r, s)
	return s
}

// AutocloseAt is when a resolved request closes for want of a reply: at the
// end (midnight) of the N-th business day after the day of the answer. The
// day of the answer does not count. A reply or dispute moves the request out
// of resolved, which stops the clock; the next answer starts it again.
func AutocloseAt(r *Request, cal *bizcal.Calendar, p Policy) (time.Time, bool) {
	cal, p = Governing(r, cal, p)
	if r.Status != StatusResolved || r.AnsweredAt == nil || p.AutocloseBusinessDays <= 0 {
		return time.Time{}, false
	}
	answered := bizcal.DateOf(r.AnsweredAt.In(cal.Location()))
	last := cal.AddWorkdays(answered, p.AutocloseBusinessDays)
	return last.AddDays(1).In(cal.Location()), true
}
