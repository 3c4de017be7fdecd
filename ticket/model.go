// Package ticket is the support-request lifecycle of the regulations (Q8–Q15,
// A4–A12): customers, requests with registration numbers, their states and
// history, the priority system, the reaction SLA and auto-close. Storage is
// behind the Store interface (ticket/sqlite embeds one).
package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/lazyre"
	"github.com/sustain-cli/sustain/internal/problem"
)

// Person is someone with a name and an e-mail address.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (p Person) String() string { return fmt.Sprintf("%s <%s>", p.Name, p.Email) }

// Customer is an organisation in the customer base (Q10, A4, A12).
type Customer struct {
	Code           string       `json:"code"`
	Name           string       `json:"name"`
	Emails         []string     `json:"emails"`      // registered addresses (Q10)
	Responsible    []Person     `json:"responsible"` // may confirm closure (A12)
	ContractStart  *bizcal.Date `json:"contract_start"`
	ContractEnd    *bizcal.Date `json:"contract_end"`
	ProjectAddress string       `json:"project_address"` // A7
	// Lang is the language of the customer's notices: ru or en; "" means
	// the configured default (mail.lang).
	Lang      string    `json:"lang"`
	CreatedAt time.Time `json:"created_at"`
}

// ContractActive reports whether the support contract covers day (A4).
func (c *Customer) ContractActive(day bizcal.Date) bool {
	return c.ContractStart != nil && c.ContractEnd != nil &&
		!day.Before(*c.ContractStart) && !c.ContractEnd.Before(day)
}

// IsResponsible reports whether email is one of the responsible persons.
func (c *Customer) IsResponsible(email string) bool {
	for _, p := range c.Responsible {
		if strings.EqualFold(p.Email, email) {
			return true
		}
	}
	return false
}

// IsRegistered reports whether email is a registered address of the
// customer or a responsible person's.
func (c *Customer) IsRegistered(email string) bool {
	for _, e := range c.Emails {
		if strings.EqualFold(e, email) {
			return true
		}
	}
	return c.IsResponsible(email)
}

var codeRe = lazyre.New(`^[A-Z0-9][A-Z0-9_-]{0,31}$`)

// Validate checks a customer before it is stored.
func (c *Customer) Validate() error {
	c.Code = strings.ToUpper(strings.TrimSpace(c.Code))
	if !codeRe.MatchString(c.Code) {
		return problem.New(problem.Usage, "use letters, digits, - and _, for example ACME", "%q is not a customer code", c.Code)
	}
	if strings.TrimSpace(c.Name) == "" {
		return problem.New(problem.Usage, "give --name", "customer %s has no name", c.Code)
	}
	for i, e := range c.Emails {
		addr, err := ParseEmail(e)
		if err != nil {
			return err
		}
		c.Emails[i] = addr
	}
	for _, p := range c.Responsible {
		if _, err := ParseEmail(p.Email); err != nil {
			return err
		}
	}
	c.Lang = strings.ToLower(strings.TrimSpace(c.Lang))
	if c.Lang != "" && c.Lang != "ru" && c.Lang != "en" {
		return problem.New(problem.Usage, "use --notice-lang ru or --notice-lang en", "%q is not a language of notices", c.Lang)
	}
	if (c.ContractStart == nil) != (c.ContractEnd == nil) {
		return problem.New(problem.Usage, "give both --contract-start and --contract-end", "a support contract needs a start and an end date")
	}
	if c.ContractStart != nil && c.ContractEnd.Before(*c.ContractStart) {
		return problem.New(problem.Usage, "the end date must not be before the start date",
			"contract end %s is before its start %s", c.ContractEnd, c.ContractStart)
	}
	return nil
}

// ParseEmail checks a bare e-mail address and returns it in lower case.
func ParseEmail(s string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name != "" || !strings.Contains(a.Address, "@") || strings.ContainsAny(a.Address, " <>") {
		return "", problem.New(problem.Usage, "write a plain address such as ops@acme.test", "%q is not an e-mail address", s)
	}
	return strings.ToLower(a.Address), nil
}

// ParsePerson reads "Name <email>".
func ParsePerson(s string) (Person, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name == "" {
		return Person{}, problem.New(problem.Usage, `write it as "Ivan Petrov <ivan@acme.test>"`, "%q is not a name with an e-mail address", s)
	}
	return Person{Name: a.Name, Email: strings.ToLower(a.Address)}, nil
}

// Status is where a request is in its lifecycle.
type Status string

const (
	StatusNew        Status = "new"
	StatusInProgress Status = "in_progress"
	StatusWaiting    Status = "waiting_for_customer"
	// StatusResolved is "Completed, requires user confirmation" (Q14, A11).
	StatusResolved Status = "resolved"
	StatusClosed   Status = "closed"
)

// Statuses in lifecycle order.
var Statuses = []Status{StatusNew, StatusInProgress, StatusWaiting, StatusResolved, StatusClosed}

// ParseStatus accepts a status name.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", problem.New(problem.Usage, "use new, in_progress, waiting_for_customer, resolved or closed", "unknown status %q", s)
}

// Priority levels, most urgent first.
var Priorities = []string{"critical", "high", "normal", "low"}

// PriorityRank orders priorities: 1 is the most urgent.
func PriorityRank(p string) (int, error) {
	for i, name := range Priorities {
		if name == p {
			return i + 1, nil
		}
	}
	return 0, problem.New(problem.Usage, "use critical, high, normal or low", "unknown priority %q", p)
}

// Channels a request can arrive by (Q10, A5).
var Channels = []string{"email", "phone", "portal"}

// Param is an installation parameter (Q11).
type Param struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Request is a support request.
type Request struct {
	ID             string     `json:"id"` // the registration number, PREFIX-N (A8)
	Number         int        `json:"number"`
	Customer       string     `json:"customer"`
	Subject        string     `json:"subject"`
	Description    string     `json:"description"`
	Channel        string     `json:"channel"`
	From           string     `json:"from"`
	ProjectAddress string     `json:"project_address"`
	Params         []Param    `json:"params"`
	Priority       string     `json:"priority"`
	Status         Status     `json:"status"`
	Assignees      []string   `json:"assignees"`
	Related        string     `json:"related"` // the request this one arose from (A6)
	Tasks          []string   `json:"tasks"`   // linked development tasks (Q13)
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	FirstResponse  *time.Time `json:"first_response_at"` // first staff action (Q12)
	AnsweredAt     *time.Time `json:"answered_at"`       // last answer: the auto-close clock starts here
	ClosedAt       *time.Time `json:"closed_at"`
	Closure        string     `json:"closure"` // confirmed, withdrawn or auto
	// Policy is the regulation the request was opened under (or given by
	// repolicy); nil for requests stored before policies were kept.
	Policy *RequestPolicy `json:"policy"`

	History     []Event      `json:"history"`
	Attachments []Attachment `json:"attachments"`
}

// Open reports whether the request is not closed.
func (r *Request) Open() bool { return r.Status != StatusClosed }

// Event is one entry of a request's append-only history (A9, A10).
type Event struct {
	Seq    int       `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Text   string    `json:"text"`
	Detail string    `json:"detail"` // the assignee, task key, confirmer...
	From   Status    `json:"from_status"`
	To     Status    `json:"to_status"`
	// Mail is what the event does on the mail side, written with it.
	Mail *MailEffects `json:"-"`
}

// Attachment is a file kept with a request (Q9, Q11, A7).
type Attachment struct {
	Name    string    `json:"name"`
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
	AddedAt time.Time `json:"added_at"`
}

// File is an attachment's content on its way in.
type File struct {
	Name string
	Data []byte
}

// Verify checks data against the SHA-256 recorded when it was attached.
func (a *Attachment) Verify(data []byte) error {
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != a.SHA256 || int64(len(data)) != a.Size {
		return fmt.Errorf("attachment %s is damaged: sha256 %s, recorded %s", a.Name, got, a.SHA256)
	}
	return nil
}
