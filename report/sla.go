package report

import (
	"context"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

// SLAOptions selects the requests of an SLA report.
type SLAOptions struct {
	From, To bizcal.Date // the days the requests were made, both included
	Customer string      // "" for all
	By       string      // week or month
}

// MaxPeriods bounds the bars of one chart: more are no longer readable.
const MaxPeriods = 120

// SLAReport is the reaction SLA over a period (Q12).
type SLAReport struct {
	Report      string      `json:"report"` // "sla"
	From        bizcal.Date `json:"from"`
	To          bizcal.Date `json:"to"`
	Customer    string      `json:"customer"`
	By          string      `json:"by"`
	GeneratedAt time.Time   `json:"generated_at"`
	Policy      Policy      `json:"policy"`
	Totals      Reaction    `json:"totals"`
	Periods     []Period    `json:"periods"`
	AnswerTime  AnswerTimes `json:"answer_time"`
	Outcomes    Outcomes    `json:"outcomes"`
	Breaches    []Breach    `json:"breaches"`
}

// periods splits [from, to] into weeks (Monday to Sunday) or calendar
// months, the first and last cut to the range.
func periods(from, to bizcal.Date, by string) ([]Period, error) {
	if to.Before(from) {
		return nil, problem.New(problem.Usage, "give --to on or after --from", "--to %s is before --from %s", to, from)
	}
	var out []Period
	for start := from; !to.Before(start); {
		var next bizcal.Date
		switch by {
		case "week":
			wd := (int(start.Weekday()) + 6) % 7 // Monday 0
			next = start.AddDays(7 - wd)
		case "month":
			next = bizcal.Date{Year: start.Year, Month: start.Month + 1, Day: 1}
			if start.Month == time.December {
				next = bizcal.Date{Year: start.Year + 1, Month: time.January, Day: 1}
			}
		default:
			return nil, problem.New(problem.Usage, "use --by week or --by month", "%q is not a period", by)
		}
		end := next.AddDays(-1)
		if to.Before(end) {
			end = to
		}
		out = append(out, Period{Start: start, End: end})
		if len(out) > MaxPeriods {
			hint := "shorten the range"
			if by == "week" {
				hint = "use --by month, or shorten the range"
			}
			return nil, problem.New(problem.Usage, hint, "%s to %s is more than %d %ss to chart", from, to, MaxPeriods, by)
		}
		start = next
	}
	return out, nil
}

// SLA computes the SLA report from one listing of the store.
func SLA(ctx context.Context, e *Env, o SLAOptions) (*SLAReport, error) {
	if o.By == "" {
		o.By = "week"
	}
	ps, err := periods(o.From, o.To, o.By)
	if err != nil {
		return nil, err
	}
	o.Customer = strings.ToUpper(strings.TrimSpace(o.Customer))
	if o.Customer != "" {
		if _, err := e.Store.Customer(ctx, o.Customer); err != nil {
			return nil, err
		}
	}
	from, to := e.dayStart(o.From), e.dayStart(o.To.AddDays(1))
	rs, err := e.Store.Requests(ctx, ticket.Filter{Customer: o.Customer, Since: from, Until: to})
	if err != nil {
		return nil, err
	}
	rep := &SLAReport{Report: "sla", From: o.From, To: o.To, Customer: o.Customer, By: o.By,
		GeneratedAt: e.Now, Policy: e.policy(), Periods: ps, Breaches: []Breach{}}
	answers := answerAcc{day: e.Calendar.FullDay()}
	for _, r := range rs {
		if r.CreatedAt.Before(from) || !r.CreatedAt.Before(to) {
			continue
		}
		sla := ticket.SLAOf(r, e.Calendar, e.Policy, e.Now)
		rep.Totals.add(sla.Reaction)
		if i := periodOf(rep.Periods, e.dateOf(r.CreatedAt)); i >= 0 {
			rep.Periods[i].add(sla.Reaction)
		}
		if sla.Reaction == "breached" || sla.Reaction == "overdue" {
			rep.Breaches = append(rep.Breaches, Breach{ID: r.ID, Customer: r.Customer, Priority: r.Priority,
				Subject: r.Subject, CreatedAt: r.CreatedAt, Due: sla.ReactionDue, ReactedAt: r.FirstResponse})
		}
		if r.AnsweredAt != nil {
			answers.add(e.Calendar.WorkingTime(r.CreatedAt, *r.AnsweredAt))
		}
		rep.Outcomes.add(r)
	}
	rep.Totals.finish()
	for i := range rep.Periods {
		rep.Periods[i].finish()
	}
	rep.AnswerTime = answers.result()
	sortBreaches(rep.Breaches)
	return rep, nil
}
