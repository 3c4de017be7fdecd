package report

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/ticket"
)

// QueueReport is what is open at a time: by state, priority, contract,
// age and holder, and what breaches its reaction deadline today or tomorrow.
type QueueReport struct {
	Report      string    `json:"report"` // "queue"
	At          time.Time `json:"at"`
	GeneratedAt time.Time `json:"generated_at"`
	Policy      Policy    `json:"policy"`
	Open        int       `json:"open"`
	// ByState counts new, in_progress, waiting_for_customer and resolved.
	ByState []Bucket `json:"by_state"`
	// ByPriority splits each priority into contract and residual (A4).
	ByPriority []PriorityCount `json:"by_priority"`
	Contract   int             `json:"contract"`
	Residual   int             `json:"residual"`
	// ByAge counts by working days since the day of the request: 0, 1,
	// 2_3, 4_5, 6_10, 11_20, gt20.
	ByAge   []Bucket `json:"by_age"`
	Holders []Holder `json:"holders"`
	// Overdue are not reacted to and past the deadline; DueToday and
	// DueTomorrow are not reacted to with the deadline on that day.
	Overdue     []Due `json:"overdue"`
	DueToday    []Due `json:"due_today"`
	DueTomorrow []Due `json:"due_tomorrow"`
	// Requests is every open request, oldest first (the CSV form).
	Requests []QueueRequest `json:"-"`
}

// PriorityCount is one priority's open requests.
type PriorityCount struct {
	Priority string `json:"priority"`
	Contract int    `json:"contract"`
	Residual int    `json:"residual"`
}

// Holder is a staff member and the open requests assigned to them; Name ""
// is nobody.
type Holder struct {
	Name    string `json:"name"`
	Open    int    `json:"open"`
	Overdue int    `json:"overdue"`
}

// Due is a request whose reaction deadline is passed or near.
type Due struct {
	ID       string    `json:"id"`
	Customer string    `json:"customer"`
	Priority string    `json:"priority"`
	Subject  string    `json:"subject"`
	Due      time.Time `json:"due"`
}

// QueueRequest is one open request of the queue.
type QueueRequest struct {
	ID        string
	Customer  string
	Priority  string
	Status    ticket.Status
	Contract  bool
	AgeDays   int
	Assignees []string
	CreatedAt time.Time
	Due       time.Time
	Reaction  string
}

var ageKeys = []string{"0", "1", "2_3", "4_5", "6_10", "11_20", "gt20"}

func ageBucket(days int) int {
	switch {
	case days <= 1:
		return days
	case days <= 3:
		return 2
	case days <= 5:
		return 3
	case days <= 10:
		return 4
	case days <= 20:
		return 5
	}
	return 6
}

var openStatuses = []ticket.Status{ticket.StatusNew, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusResolved}

// Queue computes the queue at `at` (zero: now). At now it lists the open
// requests only; at another time it lists all and takes those made by then
// and not closed by then, in the state their recorded times give: answered
// by then is resolved, reacted to is in progress, else new.
func Queue(ctx context.Context, e *Env, at time.Time) (*QueueReport, error) {
	if at.IsZero() {
		at = e.Now
	}
	f := ticket.Filter{}
	current := at.Equal(e.Now)
	if current {
		f.Statuses = openStatuses
	}
	rs, err := e.Store.Requests(ctx, f)
	if err != nil {
		return nil, err
	}
	cs, err := e.Store.Customers(ctx)
	if err != nil {
		return nil, err
	}
	today := e.dateOf(at)
	contract := make(map[string]bool, len(cs))
	for _, c := range cs {
		contract[c.Code] = c.ContractActive(today)
	}
	rep := &QueueReport{Report: "queue", At: at, GeneratedAt: e.Now, Policy: e.policy(),
		Holders: []Holder{}, Overdue: []Due{}, DueToday: []Due{}, DueTomorrow: []Due{}}
	for _, s := range openStatuses {
		rep.ByState = append(rep.ByState, Bucket{Key: string(s)})
	}
	for _, p := range ticket.Priorities {
		rep.ByPriority = append(rep.ByPriority, PriorityCount{Priority: p})
	}
	for _, k := range ageKeys {
		rep.ByAge = append(rep.ByAge, Bucket{Key: k})
	}
	ages := workdayIndex{cal: e.Calendar, to: today, memo: map[bizcal.Date]int{}}
	tomorrow := e.Calendar.AddWorkdays(today, 1)
	holders := map[string]*Holder{}
	rep.Requests = make([]QueueRequest, 0, len(rs)) // grown by append, its copies were a third of the report's time
	for _, r := range rs {
		status := r.Status
		if !current {
			if r.CreatedAt.After(at) || (r.ClosedAt != nil && !r.ClosedAt.After(at)) || (r.ClosedAt == nil && !r.Open()) {
				continue
			}
			status = stateAt(r, at)
		}
		if status == ticket.StatusClosed {
			continue
		}
		q := *r
		q.Status = status
		if !current && (q.FirstResponse != nil && q.FirstResponse.After(at)) {
			q.FirstResponse = nil
		}
		sla := ticket.SLAOf(&q, e.Calendar, e.Policy, at)
		rep.Open++
		if i := slices.Index(openStatuses, status); i >= 0 {
			rep.ByState[i].Count++
		}
		onContract := contract[r.Customer] || !e.Policy.PriorityRequiresContract
		if i := slices.Index(ticket.Priorities, r.Priority); i >= 0 {
			if onContract {
				rep.ByPriority[i].Contract++
			} else {
				rep.ByPriority[i].Residual++
			}
		}
		if onContract {
			rep.Contract++
		} else {
			rep.Residual++
		}
		age := ages.age(e.dateOf(r.CreatedAt))
		rep.ByAge[ageBucket(age)].Count++
		names := r.Assignees
		if len(names) == 0 {
			names = []string{""}
		}
		for _, n := range names {
			h := holders[n]
			if h == nil {
				h = &Holder{Name: n}
				holders[n] = h
			}
			h.Open++
			if sla.Reaction == "overdue" {
				h.Overdue++
			}
		}
		d := Due{ID: r.ID, Customer: r.Customer, Priority: r.Priority, Subject: r.Subject, Due: sla.ReactionDue}
		switch {
		case sla.Reaction == "overdue":
			rep.Overdue = append(rep.Overdue, d)
		case sla.Reaction == "pending" && e.dateOf(sla.ReactionDue) == today:
			rep.DueToday = append(rep.DueToday, d)
		case sla.Reaction == "pending" && e.dateOf(sla.ReactionDue) == tomorrow:
			rep.DueTomorrow = append(rep.DueTomorrow, d)
		}
		rep.Requests = append(rep.Requests, QueueRequest{ID: r.ID, Customer: r.Customer, Priority: r.Priority, Status: status,
			Contract: onContract, AgeDays: age, Assignees: r.Assignees, CreatedAt: r.CreatedAt, Due: sla.ReactionDue, Reaction: sla.Reaction})
	}
	for _, h := range holders {
		rep.Holders = append(rep.Holders, *h)
	}
	slices.SortFunc(rep.Holders, func(a, b Holder) int {
		return cmp.Or(cmp.Compare(b.Open, a.Open), strings.Compare(a.Name, b.Name))
	})
	for _, l := range [][]Due{rep.Overdue, rep.DueToday, rep.DueTomorrow} {
		slices.SortFunc(l, func(a, b Due) int { return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ID, b.ID)) })
	}
	slices.SortFunc(rep.Requests, func(a, b QueueRequest) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return rep, nil
}

// stateAt is the state of a request not closed at `at`, from its times.
func stateAt(r *ticket.Request, at time.Time) ticket.Status {
	if r.Open() && r.UpdatedAt.Before(at) {
		return r.Status // nothing changed since
	}
	switch {
	case r.AnsweredAt != nil && !r.AnsweredAt.After(at):
		return ticket.StatusResolved
	case r.FirstResponse != nil && !r.FirstResponse.After(at):
		return ticket.StatusInProgress
	}
	return ticket.StatusNew
}
