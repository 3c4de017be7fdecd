package ticket

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/problem"
)

// Store keeps customers and requests. The SQLite store (ticket/sqlite)
// implements it; a Jira store can too: registration numbers, statuses,
// history and attachments are all it needs.
type Store interface {
	AddCustomer(ctx context.Context, c *Customer) error
	// UpdateCustomer changes a customer in one transaction.
	UpdateCustomer(ctx context.Context, code string, change func(*Customer) error) (*Customer, error)
	Customer(ctx context.Context, code string) (*Customer, error)
	Customers(ctx context.Context) ([]*Customer, error)

	// CreateRequest stores a new request with its files and its first event,
	// giving it the next registration number (prefix-N), in one transaction.
	CreateRequest(ctx context.Context, prefix string, r *Request, files []File, first Event) (*Request, error)
	// Request returns a request with its history and attachments.
	Request(ctx context.Context, id string) (*Request, error)
	// Requests lists requests without history, in f's order.
	Requests(ctx context.Context, f Filter) ([]*Request, error)
	// UpdateRequests runs change on each request in one transaction; the
	// events it returns are appended to their histories. change returns
	// ErrSkip to leave a request as it is.
	UpdateRequests(ctx context.Context, ids []string, change func(*Request) (*Event, error)) ([]*Request, error)
	// AttachmentData returns an attachment's content.
	AttachmentData(ctx context.Context, id, name string) (*Attachment, []byte, error)
	Close() error
}

// ErrSkip tells UpdateRequests to leave a request unchanged.
var ErrSkip = errors.New("skip")

// Filter selects requests. Zero fields do not filter.
type Filter struct {
	Statuses   []Status
	Customer   string
	Assignee   string
	Priority   string
	Since      time.Time // created at or after
	Until      time.Time // created before
	Task       string    // linked development task
	NoResponse bool      // no staff reaction yet
	// Queue orders by the priority system instead of by number: customers
	// with a contract active on Today first (when ContractMatters), then
	// priority, then age; the rest by age.
	Queue           bool
	ContractMatters bool
	Today           bizcal.Date
	// Sort, when Queue is not set: by number (""), newest first, or most
	// recently updated first.
	Sort  string
	Limit int
}

// The orders of Filter.Sort.
const (
	SortNumber  = ""
	SortNewest  = "newest"
	SortUpdated = "updated"
)

// Counter is a store that counts the requests a filter selects without
// reading them (the footer of a cut list says how many there are).
type Counter interface {
	CountRequests(ctx context.Context, f Filter) (int, error)
}

// Walker is a store that hands requests over one at a time, as it reads
// them, so a list of any length takes the memory of one request. The
// requests are those of Requests, in the same order; fn returning an error
// stops the walk with it.
type Walker interface {
	EachRequest(ctx context.Context, f Filter, fn func(*Request) error) error
}

// Match reports whether r passes f's filters (all but the order and the
// limit), for stores that filter in memory.
func (f Filter) Match(r *Request) bool {
	switch {
	case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, r.Status),
		f.Customer != "" && !strings.EqualFold(f.Customer, r.Customer),
		f.Priority != "" && f.Priority != r.Priority,
		!f.Since.IsZero() && r.CreatedAt.Before(f.Since),
		!f.Until.IsZero() && !r.CreatedAt.Before(f.Until),
		f.Assignee != "" && !slices.Contains(r.Assignees, f.Assignee),
		f.Task != "" && !slices.Contains(r.Tasks, strings.ToUpper(f.Task)),
		f.NoResponse && r.FirstResponse != nil:
		return false
	}
	return true
}

// Order sorts rs as f asks and applies the limit, for stores that sort in
// memory: by number, or in the queue of the priority system. customer finds
// a customer by code; requests of unknown customers leave the queue.
func (f Filter) Order(rs []*Request, customer func(code string) *Customer) []*Request {
	switch {
	case !f.Queue && f.Sort == SortNewest:
		slices.SortStableFunc(rs, func(a, b *Request) int { return cmp.Compare(b.Number, a.Number) })
	case !f.Queue && f.Sort == SortUpdated:
		slices.SortStableFunc(rs, func(a, b *Request) int {
			return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(b.Number, a.Number))
		})
	case !f.Queue:
		slices.SortStableFunc(rs, func(a, b *Request) int { return cmp.Compare(a.Number, b.Number) })
	default:
		type entry struct {
			r          *Request
			tier, rank int
		}
		es := make([]entry, 0, len(rs))
		for _, r := range rs {
			c := customer(r.Customer)
			if c == nil {
				continue
			}
			rank, _ := PriorityRank(r.Priority)
			e := entry{r: r, rank: rank}
			if f.ContractMatters && !c.ContractActive(f.Today) {
				e.tier, e.rank = 1, 0 // the rest are served by age alone
			}
			es = append(es, e)
		}
		slices.SortStableFunc(es, func(a, b entry) int {
			return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(a.rank, b.rank),
				a.r.CreatedAt.Compare(b.r.CreatedAt), cmp.Compare(a.r.Number, b.r.Number))
		})
		rs = rs[:0]
		for _, e := range es {
			rs = append(rs, e.r)
		}
	}
	if f.Limit > 0 && len(rs) > f.Limit {
		rs = rs[:f.Limit]
	}
	return rs
}

// The errors every store gives for the same situations, so both stores
// read the same to users and scripts.

// ErrNoRequest is an unknown registration number.
func ErrNoRequest(id string) error {
	return problem.New(problem.NotFound, "see the requests with: sustain ticket list", "no request %s", strings.ToUpper(id))
}

// ErrNoAttachment is a request without the named attachment.
func ErrNoAttachment(id, name string) error {
	return problem.New(problem.NotFound, "see its attachments with: sustain ticket show "+strings.ToUpper(id),
		"request %s has no attachment %q", strings.ToUpper(id), name)
}

// ErrNoCustomer is an unknown customer code.
func ErrNoCustomer(code string) error {
	return problem.New(problem.NotFound, "see the customers with: sustain customer list", "no customer %s", code)
}

// ErrCustomerExists refuses a taken customer code.
func ErrCustomerExists(code string) error {
	return problem.New(problem.Refused, "choose another --code, or change it with sustain customer edit "+code,
		"customer %s already exists", code)
}

// IDCompleter is a store that finds registration numbers for shell
// completion: those starting with prefix (any case), open requests first,
// newest first within each group, at most n.
type IDCompleter interface {
	CompleteIDs(ctx context.Context, prefix string, n int) ([]IDHint, error)
}

// IDHint is a registration number with what a shell shows beside it.
type IDHint struct {
	ID, Status, Subject string
}
