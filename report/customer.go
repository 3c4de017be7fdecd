package report

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

// CustomerOptions selects a customer's month.
type CustomerOptions struct {
	Code  string
	Month string // YYYY-MM
	// FixedIn names the release that carries a development task (Q13), ""
	// when none does yet; known is false when the releases cannot be read
	// (no repository). Nil: not known.
	FixedIn func(task string) (version string, known bool)
}

// CustomerReport is a customer's month: the account a vendor sends a
// contract customer.
type CustomerReport struct {
	Report      string       `json:"report"` // "customer"
	Month       string       `json:"month"`
	From        bizcal.Date  `json:"from"`
	To          bizcal.Date  `json:"to"`
	GeneratedAt time.Time    `json:"generated_at"`
	Policy      Policy       `json:"policy"`
	Customer    CustomerInfo `json:"customer"`
	Opened      int          `json:"opened"`
	Closed      int          `json:"closed"`
	OpenAtEnd   int          `json:"open_at_end"`
	// Reaction and AnswerTime are of the requests opened in the month.
	Reaction   Reaction    `json:"reaction"`
	AnswerTime AnswerTimes `json:"answer_time"`
	// Outcomes are of the requests closed in the month, and the open ones.
	Outcomes Outcomes `json:"outcomes"`
	// Weeks are the reaction to the requests opened in each week.
	Weeks       []Period          `json:"weeks"`
	Requests    []CustomerRequest `json:"requests"`
	Escalations []Escalation      `json:"escalations"`
}

// CustomerInfo is the customer and its contract (A4).
type CustomerInfo struct {
	Code          string       `json:"code"`
	Name          string       `json:"name"`
	ContractStart *bizcal.Date `json:"contract_start"`
	ContractEnd   *bizcal.Date `json:"contract_end"`
	// Contract covers the month: full, partial or none.
	Contract string `json:"contract"`
}

// CustomerRequest is one request of the month: opened in it, closed in it,
// or open at its end.
type CustomerRequest struct {
	ID          string        `json:"id"`
	Subject     string        `json:"subject"`
	Priority    string        `json:"priority"`
	Status      ticket.Status `json:"status"`
	CreatedAt   time.Time     `json:"created_at"`
	ReactionDue time.Time     `json:"reaction_due"`
	ReactedAt   *time.Time    `json:"reacted_at"`
	// Reaction is met, breached, overdue or pending (as ticket show).
	Reaction    string     `json:"reaction"`
	AnsweredAt  *time.Time `json:"answered_at"`
	AnswerHours *float64   `json:"answer_hours"` // business hours to the answer
	ClosedAt    *time.Time `json:"closed_at"`
	Closure     string     `json:"closure"`
	OpenAtEnd   bool       `json:"open_at_end"`
	Tasks       []string   `json:"tasks"`
}

// Escalation is a development task a request was escalated to (Q13) and
// the release that carries it ("" for none yet).
type Escalation struct {
	Request string `json:"request"`
	Task    string `json:"task"`
	// FixedIn is the first release that carries the task, "" for none yet,
	// null when the releases are not known (no repository at -C).
	FixedIn *string `json:"fixed_in"`
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (from, to bizcal.Date, err error) {
	t, perr := time.Parse("2006-01", strings.TrimSpace(s))
	if perr != nil || t.Year() < 1970 || t.Year() > 2200 {
		return from, to, problem.New(problem.Usage, "write the month as 2026-10", "%q is not a month", s)
	}
	from = bizcal.DateOf(t)
	to = bizcal.DateOf(t.AddDate(0, 1, -1))
	return from, to, nil
}

// Customer computes a customer's month from one listing of its requests.
func Customer(ctx context.Context, e *Env, o CustomerOptions) (*CustomerReport, error) {
	from, to, err := ParseMonth(o.Month)
	if err != nil {
		return nil, err
	}
	code := strings.ToUpper(strings.TrimSpace(o.Code))
	c, err := e.Store.Customer(ctx, code)
	if err != nil {
		return nil, err
	}
	weeks, err := periods(from, to, "week")
	if err != nil {
		return nil, err
	}
	rs, err := e.Store.Requests(ctx, ticket.Filter{Customer: c.Code})
	if err != nil {
		return nil, err
	}
	start, end := e.dayStart(from), e.dayStart(to.AddDays(1))
	// The figures of a past month are as they stood at its end; of the
	// current month, as they stand now.
	asOf := end
	if e.Now.Before(end) {
		asOf = e.Now
	}
	rep := &CustomerReport{Report: "customer", Month: from.String()[:7], From: from, To: to, GeneratedAt: e.Now,
		Policy: e.policy(), Weeks: weeks, Requests: []CustomerRequest{}, Escalations: []Escalation{},
		Customer: CustomerInfo{Code: c.Code, Name: c.Name, ContractStart: c.ContractStart, ContractEnd: c.ContractEnd,
			Contract: coverage(c, from, to)}}
	answers := answerAcc{day: e.Calendar.FullDay()}
	for _, r := range rs {
		if !r.CreatedAt.Before(end) {
			continue
		}
		openedIn := !r.CreatedAt.Before(start)
		closedIn := r.ClosedAt != nil && !r.ClosedAt.Before(start) && r.ClosedAt.Before(end)
		openAtEnd := r.ClosedAt == nil && r.Open() || r.ClosedAt != nil && !r.ClosedAt.Before(end)
		if !openedIn && !closedIn && !openAtEnd {
			continue
		}
		q := *r
		if q.FirstResponse != nil && !q.FirstResponse.Before(asOf) {
			q.FirstResponse = nil
		}
		if openAtEnd && !q.Open() {
			q.Status = ticket.StatusInProgress // still open at the month's end
		}
		sla := ticket.SLAOf(&q, e.Calendar, e.Policy, asOf)
		cr := CustomerRequest{ID: r.ID, Subject: r.Subject, Priority: r.Priority, Status: r.Status, CreatedAt: r.CreatedAt,
			ReactionDue: sla.ReactionDue, ReactedAt: q.FirstResponse, Reaction: sla.Reaction, AnsweredAt: r.AnsweredAt,
			ClosedAt: r.ClosedAt, Closure: r.Closure, OpenAtEnd: openAtEnd, Tasks: slices.Clone(r.Tasks)}
		if cr.Tasks == nil {
			cr.Tasks = []string{}
		}
		if r.AnsweredAt != nil {
			h := round(e.Calendar.WorkingTime(r.CreatedAt, *r.AnsweredAt).Hours(), 2)
			cr.AnswerHours = &h
		}
		if openedIn {
			rep.Opened++
			rep.Reaction.add(sla.Reaction)
			if i := periodOf(rep.Weeks, e.dateOf(r.CreatedAt)); i >= 0 {
				rep.Weeks[i].add(sla.Reaction)
			}
			if r.AnsweredAt != nil && r.AnsweredAt.Before(end) {
				answers.add(e.Calendar.WorkingTime(r.CreatedAt, *r.AnsweredAt))
			}
		}
		if closedIn {
			rep.Closed++
			rep.Outcomes.add(r)
		}
		if openAtEnd {
			rep.OpenAtEnd++
			rep.Outcomes.Open++
			if r.Open() && r.AnsweredAt != nil && r.Status != ticket.StatusResolved {
				rep.Outcomes.Disputed++
			}
		}
		for _, t := range r.Tasks {
			esc := Escalation{Request: r.ID, Task: t}
			if o.FixedIn != nil {
				if v, ok := o.FixedIn(t); ok {
					esc.FixedIn = &v
				}
			}
			rep.Escalations = append(rep.Escalations, esc)
		}
		rep.Requests = append(rep.Requests, cr)
	}
	rep.Reaction.finish()
	for i := range rep.Weeks {
		rep.Weeks[i].finish()
	}
	rep.AnswerTime = answers.result()
	slices.SortFunc(rep.Requests, func(a, b CustomerRequest) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return rep, nil
}

// coverage says whether the contract covers all of [from, to], part or none.
func coverage(c *ticket.Customer, from, to bizcal.Date) string {
	if c.ContractStart == nil || c.ContractEnd == nil || c.ContractEnd.Before(from) || to.Before(*c.ContractStart) {
		return "none"
	}
	if c.ContractActive(from) && c.ContractActive(to) {
		return "full"
	}
	return "partial"
}
