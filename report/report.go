// Package report computes the support reports people look at: SLA
// compliance over a period, the queue as it stands, and a customer's month.
// Each report reads the ticket store once (one listing, never a request per
// request) and returns its own types; render.go, html.go and chart.go turn
// them into Markdown, CSV, HTML, SVG and PNG in Russian or English.
package report

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/ticket"
)

// Env is what every report needs: the store, the production calendar with
// the working hours, the regulation's policy and the time of the report.
type Env struct {
	Store    ticket.Store
	Calendar *bizcal.Calendar
	Policy   ticket.Policy
	// WorkingHours is the configured support.working_hours, for the
	// "policy in force" line (the calendar keeps them as durations).
	WorkingHours string
	Now          time.Time
}

// Policy is the regulation in force, printed with every report.
type Policy struct {
	// Reaction is the reaction deadline rule: next_business_day (Q12).
	Reaction                 string `json:"reaction"`
	WorkingHours             string `json:"working_hours"`
	TimeZone                 string `json:"time_zone"`
	AutocloseBusinessDays    int    `json:"autoclose_business_days"`
	PriorityRequiresContract bool   `json:"priority_requires_contract"`
}

func (e *Env) policy() Policy {
	return Policy{Reaction: "next_business_day", WorkingHours: e.WorkingHours, TimeZone: e.Calendar.Location().String(),
		AutocloseBusinessDays: e.Policy.AutocloseBusinessDays, PriorityRequiresContract: e.Policy.PriorityRequiresContract}
}

// Reaction counts requests against the reaction SLA (Q12).
type Reaction struct {
	Requests int `json:"requests"`
	Met      int `json:"met"`
	// Breached is reacted late, or not reacted and past the deadline.
	Breached int `json:"breached"`
	// Running is not reacted yet, the deadline still ahead.
	Running int `json:"running"`
	// MetShare is met / (met + breached), 0..1; null when nothing is decided.
	MetShare *float64 `json:"met_share"`
}

func (r *Reaction) add(state string) {
	r.Requests++
	switch state {
	case "met":
		r.Met++
	case "breached", "overdue":
		r.Breached++
	default:
		r.Running++
	}
}

func (r *Reaction) finish() {
	if d := r.Met + r.Breached; d > 0 {
		v := round(float64(r.Met)/float64(d), 4)
		r.MetShare = &v
	}
}

// Period is one bar of a weekly or monthly chart.
type Period struct {
	Start bizcal.Date `json:"start"`
	End   bizcal.Date `json:"end"` // inclusive
	Reaction
}

// Bucket is one bar of a distribution.
type Bucket struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// AnswerTimes is the time from a request to its answer in business hours
// (working hours of working days only).
type AnswerTimes struct {
	Answered    int      `json:"answered"`
	MedianHours *float64 `json:"median_hours"`
	P90Hours    *float64 `json:"p90_hours"`
	// Buckets: lt4h, 4h_1d, 1d_2d, 2d_5d, 5d_10d, gt10d, a day being a
	// full working day.
	Buckets []Bucket `json:"buckets"`
}

// answerKeys are the AnswerTimes buckets, with their upper bounds in working
// days (the first in hours).
var answerKeys = []string{"lt4h", "4h_1d", "1d_2d", "2d_5d", "5d_10d", "gt10d"}

type answerAcc struct {
	day   time.Duration
	hours []float64
}

func (a *answerAcc) add(d time.Duration) { a.hours = append(a.hours, d.Hours()) }

func (a *answerAcc) result() AnswerTimes {
	out := AnswerTimes{Answered: len(a.hours), Buckets: make([]Bucket, len(answerKeys))}
	for i, k := range answerKeys {
		out.Buckets[i].Key = k
	}
	day := a.day.Hours()
	if day <= 0 {
		day = 8
	}
	for _, h := range a.hours {
		i := 5
		switch {
		case h < 4:
			i = 0
		case h <= day:
			i = 1
		case h <= 2*day:
			i = 2
		case h <= 5*day:
			i = 3
		case h <= 10*day:
			i = 4
		}
		out.Buckets[i].Count++
	}
	if len(a.hours) > 0 {
		slices.Sort(a.hours)
		m, p := round(quantile(a.hours, 0.5), 2), round(quantile(a.hours, 0.9), 2)
		out.MedianHours, out.P90Hours = &m, &p
	}
	return out
}

// quantile of sorted xs by linear interpolation between closest ranks.
func quantile(xs []float64, q float64) float64 {
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (xs[hi]-xs[lo])*(pos-float64(lo))
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// Outcomes are how requests ended, or did not yet.
type Outcomes struct {
	Closed     int `json:"closed"`
	AutoClosed int `json:"auto_closed"` // no reply for N business days (Q15, A12)
	Confirmed  int `json:"confirmed"`   // closure confirmed by the customer (A12)
	Withdrawn  int `json:"withdrawn"`   // the customer no longer needed it
	// Disputed are open requests that were answered and went back to work:
	// the customer disputed the answer or replied to it (A11). The listing
	// carries no history, so disputes since settled are not counted.
	Disputed int `json:"disputed"`
	Open     int `json:"open"`
}

func (o *Outcomes) add(r *ticket.Request) {
	if r.Open() {
		o.Open++
		if r.AnsweredAt != nil && r.Status != ticket.StatusResolved {
			o.Disputed++
		}
		return
	}
	o.Closed++
	switch r.Closure {
	case "auto":
		o.AutoClosed++
	case "confirmed":
		o.Confirmed++
	case "withdrawn":
		o.Withdrawn++
	}
}

// Breach is a request that missed its reaction deadline.
type Breach struct {
	ID        string     `json:"id"`
	Customer  string     `json:"customer"`
	Priority  string     `json:"priority"`
	Subject   string     `json:"subject"`
	CreatedAt time.Time  `json:"created_at"`
	Due       time.Time  `json:"due"`
	ReactedAt *time.Time `json:"reacted_at"` // null: no reaction yet
}

// dkey orders dates as integers (Date.Before builds two times.Time).
func dkey(d bizcal.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// periodOf is the index of the period holding day, or -1.
func periodOf(ps []Period, day bizcal.Date) int {
	k := dkey(day)
	i, _ := slices.BinarySearchFunc(ps, k, func(p Period, k int) int { return cmp.Compare(dkey(p.End), k) })
	if i < len(ps) && dkey(ps[i].Start) <= k {
		return i
	}
	return -1
}

// dayStart is midnight starting d in the support time zone.
func (e *Env) dayStart(d bizcal.Date) time.Time { return d.In(e.Calendar.Location()) }

func (e *Env) dateOf(t time.Time) bizcal.Date { return bizcal.DateOf(t.In(e.Calendar.Location())) }

// workdayIndex counts working days with a memo by date, so ages over a
// long queue cost one calendar walk per distinct date.
type workdayIndex struct {
	cal  *bizcal.Calendar
	to   bizcal.Date
	memo map[bizcal.Date]int
}

// age is the working days from d to the index's date, d not counted: 0 for
// a request of today, 1 for one of the previous working day.
func (w *workdayIndex) age(d bizcal.Date) int {
	if n, ok := w.memo[d]; ok {
		return n
	}
	n := 0
	if d.Before(w.to) {
		n = w.cal.Workdays(d.AddDays(1), w.to)
	}
	w.memo[d] = n
	return n
}

func sortBreaches(bs []Breach) {
	slices.SortFunc(bs, func(a, b Breach) int {
		return cmp.Or(a.Due.Compare(b.Due), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
}
