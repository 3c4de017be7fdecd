// Package customerfile keeps the customer base in a YAML file. It is the
// exchange format of `sustain customer export|import`, and the customer
// store of teams that keep requests in Jira: the file lives in git, so the
// registered addresses, responsible persons and contracts (Q10, A4, A12) are
// shared, reviewed and versioned like code.
package customerfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/atomicfile"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

// header opens every file written.
const header = "# The customer base of sustain (sustain customer export|import).\n# Edit with `sustain customer add|edit` or by hand, and review changes in git.\n"

type file struct {
	Customers []entry `yaml:"customers"`
}

type entry struct {
	Code           string    `yaml:"code"`
	Name           string    `yaml:"name"`
	Emails         []string  `yaml:"emails,omitempty"`
	Responsible    []person  `yaml:"responsible,omitempty"`
	ContractStart  string    `yaml:"contract_start,omitempty"`
	ContractEnd    string    `yaml:"contract_end,omitempty"`
	ProjectAddress string    `yaml:"project_address,omitempty"`
	Lang           string    `yaml:"lang,omitempty"` // of notices: ru or en
	CreatedAt      time.Time `yaml:"created_at,omitempty"`
}

type person struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
}

// Parse reads a customers file; name is used in errors. Every customer is
// validated as `customer add` would, and a code may appear once.
func Parse(data []byte, name string) ([]*ticket.Customer, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) { // an empty file is no customers
		return nil, problem.New(problem.Usage, "fix the file; `sustain customer export` shows the format", "%s: %v", name, err)
	}
	out := make([]*ticket.Customer, 0, len(f.Customers))
	seen := map[string]bool{}
	for i, e := range f.Customers {
		c := &ticket.Customer{Code: e.Code, Name: e.Name, Emails: e.Emails, ProjectAddress: e.ProjectAddress, Lang: e.Lang, CreatedAt: e.CreatedAt}
		if c.Emails == nil {
			c.Emails = []string{}
		}
		for _, p := range e.Responsible {
			c.Responsible = append(c.Responsible, ticket.Person{Name: p.Name, Email: strings.ToLower(p.Email)})
		}
		if c.Responsible == nil {
			c.Responsible = []ticket.Person{}
		}
		for _, d := range []struct {
			text string
			to   **bizcal.Date
		}{{e.ContractStart, &c.ContractStart}, {e.ContractEnd, &c.ContractEnd}} {
			if d.text == "" {
				continue
			}
			day, err := bizcal.ParseDate(d.text)
			if err != nil {
				return nil, problem.New(problem.Usage, "write dates as 2026-01-31", "%s: customer %d (%s): %v", name, i+1, e.Code, err)
			}
			*d.to = &day
		}
		if err := c.Validate(); err != nil {
			return nil, problem.New(problem.Usage, "fix the entry in the file", "%s: customer %d (%s): %v", name, i+1, e.Code, err)
		}
		if seen[c.Code] {
			return nil, problem.New(problem.Usage, "keep one entry per code", "%s: customer %s appears twice", name, c.Code)
		}
		seen[c.Code] = true
		out = append(out, c)
	}
	return out, nil
}

// Format writes customers in the file format, sorted by code.
func Format(cs []*ticket.Customer) ([]byte, error) {
	f := file{Customers: []entry{}}
	sorted := slices.Clone(cs)
	slices.SortFunc(sorted, func(a, b *ticket.Customer) int { return strings.Compare(a.Code, b.Code) })
	for _, c := range sorted {
		e := entry{Code: c.Code, Name: c.Name, Emails: c.Emails, ProjectAddress: c.ProjectAddress, Lang: c.Lang, CreatedAt: c.CreatedAt.UTC()}
		for _, p := range c.Responsible {
			e.Responsible = append(e.Responsible, person(p))
		}
		if c.ContractStart != nil {
			e.ContractStart, e.ContractEnd = c.ContractStart.String(), c.ContractEnd.String()
		}
		f.Customers = append(f.Customers, e)
	}
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// Store is the customer half of a ticket store, kept in one file. Each
// change rewrites the file atomically.
type Store struct{ path string }

// Open uses the customers file at path; a missing file is an empty base.
func Open(path string) *Store { return &Store{path: path} }

// Path is the file's path.
func (s *Store) Path() string { return s.path }

func (s *Store) load() ([]*ticket.Customer, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return []*ticket.Customer{}, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(data, s.path)
}

func (s *Store) save(cs []*ticket.Customer) error {
	data, err := Format(cs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(s.path, data, 0o644)
}

// AddCustomer adds a customer; a taken code is refused.
func (s *Store) AddCustomer(_ context.Context, c *ticket.Customer) error {
	cs, err := s.load()
	if err != nil {
		return err
	}
	for _, old := range cs {
		if old.Code == c.Code {
			return ticket.ErrCustomerExists(c.Code)
		}
	}
	return s.save(append(cs, c))
}

// UpdateCustomer changes a customer and rewrites the file.
func (s *Store) UpdateCustomer(_ context.Context, code string, change func(*ticket.Customer) error) (*ticket.Customer, error) {
	cs, err := s.load()
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Code == code {
			if err := change(c); err != nil {
				return nil, err
			}
			return c, s.save(cs)
		}
	}
	return nil, ticket.ErrNoCustomer(code)
}

// Customer returns one customer.
func (s *Store) Customer(_ context.Context, code string) (*ticket.Customer, error) {
	cs, err := s.load()
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Code == code {
			return c, nil
		}
	}
	return nil, ticket.ErrNoCustomer(code)
}

// Customers lists all customers by code.
func (s *Store) Customers(context.Context) ([]*ticket.Customer, error) {
	cs, err := s.load()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(cs, func(a, b *ticket.Customer) int { return strings.Compare(a.Code, b.Code) })
	return cs, nil
}
