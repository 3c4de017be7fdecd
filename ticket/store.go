package ticket

import (
	"context"
	"errors"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
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
	Task       string    // linked development task
	NoResponse bool      // no staff reaction yet
	// Queue orders by the priority system instead of by number: customers
	// with a contract active on Today first (when ContractMatters), then
	// priority, then age; the rest by age.
	Queue           bool
	ContractMatters bool
	Today           bizcal.Date
	Limit           int
}
