package report_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/report"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/sqlite"
)

var (
	ctx = context.Background()
	msk = time.FixedZone("MSK", 3*3600)
	// now is a Monday; 4 November is a holiday.
	now = time.Date(2026, 11, 2, 10, 0, 0, 0, msk)
)

func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, msk)
}

// countingStore counts the listings and single reads a report makes.
type countingStore struct {
	ticket.Store
	lists, reads atomic.Int32
}

func (s *countingStore) Requests(ctx context.Context, f ticket.Filter) ([]*ticket.Request, error) {
	s.lists.Add(1)
	return s.Store.Requests(ctx, f)
}

func (s *countingStore) Request(ctx context.Context, id string) (*ticket.Request, error) {
	s.reads.Add(1)
	return s.Store.Request(ctx, id)
}

// fixture is a real SQLite store with October 2026 lived through by the
// service: every request got its times from the actions on it.
func fixture(t *testing.T) (*report.Env, *countingStore) {
	t.Helper()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sustain.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	clock := now
	cal := bizcal.New(bizcal.Russian(), msk, 9*time.Hour, 18*time.Hour, nil)
	policy := ticket.Policy{Prefix: "SUP", AutocloseBusinessDays: 10, PriorityRequiresContract: true}
	svc := &ticket.Service{Store: store, Policy: policy, Calendar: cal, Now: func() time.Time { return clock }}
	year := func(y int, m time.Month, d int) *bizcal.Date { return &bizcal.Date{Year: y, Month: m, Day: d} }
	for _, c := range []*ticket.Customer{
		{Code: "ACME", Name: "ООО «Акме»", Emails: []string{"ops@acme.test"}, ContractStart: year(2026, 1, 1), ContractEnd: year(2026, 12, 31)},
		{Code: "BETA", Name: "Beta Ltd", Emails: []string{"it@beta.test"}},
		{Code: "GAMMA", Name: "Gamma", Emails: []string{"it@gamma.test"}, ContractStart: year(2026, 10, 15), ContractEnd: year(2027, 10, 14)},
	} {
		if err := svc.AddCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	type op struct {
		at time.Time
		do func() error
	}
	var ops []op
	open := func(when time.Time, customer, priority, subject string) {
		ops = append(ops, op{when, func() error {
			from := map[string]string{"ACME": "ops@acme.test", "BETA": "it@beta.test", "GAMMA": "it@gamma.test"}[customer]
			_, err := svc.Open(ctx, ticket.OpenInput{Customer: customer, Subject: subject, Description: subject, Channel: "email",
				From: from, Priority: priority, Actor: "anna"})
			return err
		}})
	}
	act := func(when time.Time, id string, in ticket.ActInput) {
		if in.Actor == "" && in.From == "" {
			in.Actor = "anna"
		}
		ops = append(ops, op{when, func() error { _, err := svc.Act(ctx, id, in); return err }})
	}
	sweep := func(when time.Time) {
		ops = append(ops, op{when, func() error { _, err := svc.Sweep(ctx, false); return err }})
	}
	// SUP-1: late September, still in work at the end of October.
	open(at(9, 25, 10, 0), "ACME", "normal", "Отчёт не строится")
	act(at(9, 25, 11, 0), "SUP-1", ticket.ActInput{Action: ticket.ActAssign, Detail: "anna"})
	// SUP-2: met, escalated, answered, confirmed.
	open(at(10, 1, 10, 0), "ACME", "critical", "Ошибка 500 при входе")
	act(at(10, 1, 11, 0), "SUP-2", ticket.ActInput{Action: ticket.ActAssign, Detail: "anna"})
	act(at(10, 1, 12, 0), "SUP-2", ticket.ActInput{Action: ticket.ActEscalate, Detail: "SRV-42"})
	act(at(10, 2, 15, 0), "SUP-2", ticket.ActInput{Action: ticket.ActAnswer, Text: "Исправлено в 1.4.0"})
	act(at(10, 5, 10, 0), "SUP-2", ticket.ActInput{Action: ticket.ActConfirm, From: "ops@acme.test"})
	// SUP-3: Friday evening, reacted on Tuesday (due Monday): breached;
	// answered, then auto-closed without a reply.
	open(at(10, 2, 17, 0), "ACME", "high", "Export hangs")
	act(at(10, 6, 10, 0), "SUP-3", ticket.ActInput{Action: ticket.ActAssign, Detail: "boris"})
	act(at(10, 7, 12, 0), "SUP-3", ticket.ActInput{Action: ticket.ActAnswer, Text: "Use the new export"})
	sweep(at(10, 22, 10, 0))
	// SUP-4: withdrawn before anyone had to react.
	open(at(10, 6, 9, 30), "BETA", "normal", "Password reset")
	act(at(10, 6, 12, 0), "SUP-4", ticket.ActInput{Action: ticket.ActWithdraw, From: "it@beta.test"})
	// SUP-5: met, answered, disputed: back in work.
	open(at(10, 8, 14, 0), "ACME", "normal", "Печать счетов")
	act(at(10, 9, 10, 0), "SUP-5", ticket.ActInput{Action: ticket.ActTell, Text: "Смотрим"})
	act(at(10, 12, 11, 0), "SUP-5", ticket.ActInput{Action: ticket.ActAnswer, Text: "Обновите шаблон"})
	act(at(10, 13, 9, 0), "SUP-5", ticket.ActInput{Action: ticket.ActDispute, From: "ops@acme.test", Text: "Не помогло"})
	// SUP-6: nobody reacted: overdue.
	open(at(10, 14, 10, 0), "GAMMA", "low", "Question about licences")
	// SUP-7: met by asking the customer; waiting.
	open(at(10, 20, 11, 0), "ACME", "high", "Slow reports")
	act(at(10, 20, 12, 0), "SUP-7", ticket.ActInput{Action: ticket.ActRequestInfo, Text: "Which report?"})
	// SUP-8: assigned the next morning.
	open(at(10, 29, 16, 0), "BETA", "normal", "=HYPERLINK(\"http://x\")")
	act(at(10, 30, 9, 30), "SUP-8", ticket.ActInput{Action: ticket.ActAssign, Detail: "boris"})
	// SUP-9: Friday afternoon, due today (Monday) at 18:00.
	open(at(10, 30, 15, 0), "ACME", "critical", "Сервер недоступен")
	// SUP-10: this morning, due the next business day.
	open(at(11, 2, 9, 15), "GAMMA", "normal", "New user")
	slices.SortStableFunc(ops, func(a, b op) int { return a.at.Compare(b.at) })
	for _, o := range ops {
		clock = o.at
		if err := o.do(); err != nil {
			t.Fatalf("at %s: %v", o.at, err)
		}
	}
	cs := &countingStore{Store: store}
	return &report.Env{Store: cs, Calendar: cal, Policy: policy, WorkingHours: "09:00-18:00", Now: now}, cs
}
