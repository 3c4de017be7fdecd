package customerfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

func TestStoreRoundTripsThroughTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "team", "customers.yaml")
	s := Open(path)
	ctx := context.Background()
	if cs, err := s.Customers(ctx); err != nil || len(cs) != 0 {
		t.Fatalf("a missing file is an empty base: %v %v", cs, err)
	}
	start, end := bizcal.Date{Year: 2026, Month: 1, Day: 1}, bizcal.Date{Year: 2027, Month: 12, Day: 31}
	in := &ticket.Customer{Code: "ACME", Name: "Acme LLC", Emails: []string{"ops@acme.test"},
		Responsible: []ticket.Person{{Name: "Иван Петров", Email: "ivan@acme.test"}}, ContractStart: &start, ContractEnd: &end}
	if err := s.AddCustomer(ctx, in); err != nil {
		t.Fatal(err)
	}
	var pe *problem.Error
	if err := s.AddCustomer(ctx, &ticket.Customer{Code: "ACME", Name: "again"}); !errors.As(err, &pe) || pe.Kind != problem.Refused {
		t.Errorf("duplicate code: %v", err)
	}
	if _, err := s.UpdateCustomer(ctx, "ACME", func(c *ticket.Customer) error {
		c.Emails = append(c.Emails, "it@acme.test")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err := Open(path).Customer(ctx, "ACME")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Acme LLC" || len(got.Emails) != 2 || got.Responsible[0].Name != "Иван Петров" || got.ContractEnd.String() != "2027-12-31" {
		t.Errorf("read back %+v", got)
	}
	if _, err := s.Customer(ctx, "NOPE"); !errors.As(err, &pe) || pe.Kind != problem.NotFound {
		t.Errorf("unknown: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestParseRefusesBadEntriesWithFileAndEntry(t *testing.T) {
	for text, want := range map[string]string{
		"customers:\n  - code: A\n    name: A\n    emails: [nope]\n":                                           `f.yaml: customer 1 (A): "nope" is not an e-mail address`,
		"customers:\n  - code: A\n    name: A\n  - code: a\n    name: B\n":                                     "customer A appears twice",
		"customers:\n  - code: A\n    name: A\n    contract_start: 2026-13-01\n    contract_end: 2027-01-01\n": "customer 1 (A)",
		"customers:\n  - code: A\n    nmae: A\n":                                                               "field nmae not found",
	} {
		_, err := Parse([]byte(text), "f.yaml")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", text, err, want)
		}
	}
	if cs, err := Parse(nil, "empty.yaml"); err != nil || len(cs) != 0 {
		t.Errorf("empty file: %v %v", cs, err)
	}
}
