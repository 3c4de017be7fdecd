package ticket_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/sqlite"
)

var (
	ctx = context.Background()
	msk = time.FixedZone("MSK", 3*3600)
)

type env struct {
	t   *testing.T
	svc *ticket.Service
	now time.Time
}

// regulation Q: 10 days, registered e-mail senders, anyone of the customer
// confirms. regulation A: 8 days, responsible persons confirm, contract
// customers first.
var (
	regulationQ = ticket.Policy{Prefix: "SUP", AutocloseBusinessDays: 10, EmailRequiresRegisteredSender: true, AttachmentMaxBytes: 1024}
	regulationA = ticket.Policy{Prefix: "REQ", AutocloseBusinessDays: 8, ConfirmRequiresResponsible: true, PriorityRequiresContract: true, AttachmentMaxBytes: 1024}
)

func newEnv(t *testing.T, p ticket.Policy) *env {
	t.Helper()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sustain.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &env{t: t, now: time.Date(2026, 11, 16, 10, 0, 0, 0, msk)} // a Monday
	cal := bizcal.New(bizcal.Russian(), msk, 9*time.Hour, 18*time.Hour, nil)
	e.svc = &ticket.Service{Store: store, Policy: p, Calendar: cal, Now: func() time.Time { return e.now }}
	start, end := bizcal.Date{Year: 2026, Month: 1, Day: 1}, bizcal.Date{Year: 2026, Month: 12, Day: 31}
	for _, c := range []*ticket.Customer{
		{Code: "ACME", Name: "Acme LLC", Emails: []string{"ops@acme.test"},
			Responsible: []ticket.Person{{Name: "Ivan Petrov", Email: "ivan@acme.test"}}, ContractStart: &start, ContractEnd: &end},
		{Code: "BETA", Name: "Beta", Emails: []string{"it@beta.test"}},
	} {
		if err := e.svc.AddCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) open(in ticket.OpenInput) *ticket.Request {
	e.t.Helper()
	if in.Customer == "" {
		in.Customer = "ACME"
	}
	if in.Subject == "" {
		in.Subject = "Something broke"
	}
	if in.Description == "" {
		in.Description = "It stopped working"
	}
	if in.Channel == "" {
		in.Channel, in.From = "email", "ops@acme.test"
	}
	r, err := e.svc.Open(ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) act(id string, in ticket.ActInput) *ticket.Request {
	e.t.Helper()
	if in.Actor == "" {
		in.Actor = "anna"
	}
	r, err := e.svc.Act(ctx, id, in)
	if err != nil {
		e.t.Fatalf("%s %s: %v", in.Action, id, err)
	}
	return r
}

func TestLifecycle(t *testing.T) {
	e := newEnv(t, regulationQ)
	r := e.open(ticket.OpenInput{Description: "Error 500 on login", Params: []ticket.Param{{Key: "version", Value: "1.0.37"}},
		Files: []ticket.File{{Name: `C:\logs\..\app.log`, Data: []byte("trace")}}})
	if r.ID != "SUP-1" || r.Status != ticket.StatusNew || r.ProjectAddress != "" || r.Attachments[0].Name != "app.log" {
		t.Fatalf("opened = %+v", r)
	}
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActAssign, Detail: "anna"})
	if r.Status != ticket.StatusInProgress || r.FirstResponse == nil {
		t.Errorf("after assign = %s, first response %v", r.Status, r.FirstResponse)
	}
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActRequestInfo, Text: "Which browser?"})
	if r.Status != ticket.StatusWaiting {
		t.Errorf("after request-info = %s", r.Status)
	}
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActReply, From: "ops@acme.test", Text: "Firefox"})
	if r.Status != ticket.StatusInProgress {
		t.Errorf("after reply = %s", r.Status)
	}
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActEscalate, Detail: "srv-42"})
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "Fixed in 1.0.42"})
	if r.Status != ticket.StatusResolved || r.AnsweredAt == nil || r.Tasks[0] != "SRV-42" {
		t.Errorf("after answer = %+v", r)
	}
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActDispute, From: "ops@acme.test", Text: "Still fails on Safari"})
	if r.Status != ticket.StatusInProgress {
		t.Errorf("after dispute = %s", r.Status)
	}
	e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "Fixed for Safari too"})
	r = e.act(r.ID, ticket.ActInput{Action: ticket.ActConfirm, From: "ops@acme.test"})
	if r.Status != ticket.StatusClosed || r.Closure != "confirmed" || r.ClosedAt == nil {
		t.Errorf("after close = %+v", r)
	}
	v, err := e.svc.Show(ctx, "sup-1")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range v.History {
		actions = append(actions, ev.Actor+":"+ev.Action)
	}
	want := "ops@acme.test:open anna:assign anna:request-info ops@acme.test:reply anna:escalate anna:answer ops@acme.test:dispute anna:answer ops@acme.test:close"
	if strings.Join(actions, " ") != want {
		t.Errorf("history:\n %s\nwant\n %s", strings.Join(actions, " "), want)
	}

	// A closed request is not reopened (A6).
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActComment, Actor: "anna", Text: "late note"})
	problemtest.Want(t, err, problem.Refused, "SUP-1 is closed", "--related SUP-1")
	related := e.open(ticket.OpenInput{Related: "sup-1"})
	if related.Related != "SUP-1" || related.ID != "SUP-2" {
		t.Errorf("related = %+v", related)
	}
}

func TestRefusals(t *testing.T) {
	e := newEnv(t, regulationA)
	_, err := e.svc.Open(ctx, ticket.OpenInput{Customer: "NOPE", Subject: "x", Channel: "phone"})
	problemtest.Want(t, err, problem.NotFound, "no customer NOPE")
	_, err = e.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: "x", Description: "d", Channel: "fax"})
	problemtest.Want(t, err, problem.Usage, "unknown channel")
	_, err = e.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: "x", Description: "d", Channel: "phone", Files: []ticket.File{{Name: "big.bin", Data: make([]byte, 2048)}}})
	problemtest.Want(t, err, problem.Refused, "over the limit")
	_, err = e.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: "x", Description: "d", Channel: "phone", Related: "REQ-99"})
	problemtest.Want(t, err, problem.NotFound, "no request REQ-99")

	r := e.open(ticket.OpenInput{Channel: "phone"})
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActDispute, From: "ops@acme.test", Text: "no"})
	problemtest.Want(t, err, problem.Refused, "cannot dispute REQ-1: it is new", "allowed now: assign")
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActAnswer})
	problemtest.Want(t, err, problem.Usage, "answer needs the answer")
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActEscalate, Detail: "not a key"})
	problemtest.Want(t, err, problem.Usage, "not a Jira task key")
	e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActDispute, From: "ops@acme.test"})
	problemtest.Want(t, err, problem.Usage, "reasoned disagreement", "--reason")
	// A12: only a responsible person confirms.
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActConfirm, From: "ops@acme.test"})
	problemtest.Want(t, err, problem.Refused, "not a responsible person of ACME", "Ivan Petrov <ivan@acme.test>")
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActReply, From: "stranger@evil.test", Text: "hi"})
	problemtest.Want(t, err, problem.Refused, "neither the author")
	if r := e.act(r.ID, ticket.ActInput{Action: ticket.ActConfirm, From: "IVAN@acme.test"}); r.Status != ticket.StatusClosed {
		t.Errorf("responsible confirmation: %s", r.Status)
	}

	// Withdrawal from any open state.
	w := e.open(ticket.OpenInput{Channel: "phone"})
	if w = e.act(w.ID, ticket.ActInput{Action: ticket.ActWithdraw, From: "ops@acme.test"}); w.Closure != "withdrawn" {
		t.Errorf("withdrawn = %+v", w)
	}
}

func TestEmailFromUnregisteredSender(t *testing.T) {
	e := newEnv(t, regulationQ)
	_, err := e.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: "x", Description: "d", Channel: "email", From: "someone@else.test"})
	problemtest.Want(t, err, problem.Refused, "not a registered address of ACME", "--add-email someone@else.test")
	_, err = e.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: "x", Description: "d", Channel: "email"})
	problemtest.Want(t, err, problem.Usage, "sender")
	// By phone any caller may open one (Q10 restricts e-mail only).
	e.open(ticket.OpenInput{Channel: "phone", From: "someone@else.test"})
}

func TestReactionSLA(t *testing.T) {
	e := newEnv(t, regulationQ)
	e.now = time.Date(2026, 11, 20, 21, 30, 0, 0, msk) // Friday evening
	r := e.open(ticket.OpenInput{})
	e.now = time.Date(2026, 11, 23, 17, 0, 0, 0, msk) // Monday 17:00: one working hour left
	v, _ := e.svc.Show(ctx, r.ID)
	if v.SLA.Reaction != "pending" || v.SLA.ReactionLeft != 60 || !v.SLA.ReactionDue.Equal(time.Date(2026, 11, 23, 18, 0, 0, 0, msk)) {
		t.Errorf("SLA = %+v", v.SLA)
	}
	e.now = time.Date(2026, 11, 23, 18, 1, 0, 0, msk)
	overdue, err := e.svc.List(ctx, ticket.Filter{}, true)
	if err != nil || len(overdue) != 1 || overdue[0].SLA.Reaction != "overdue" {
		t.Fatalf("overdue = %+v, %v", overdue, err)
	}
	e.act(r.ID, ticket.ActInput{Action: ticket.ActComment, Text: "internal note only"})
	if v, _ := e.svc.Show(ctx, r.ID); v.SLA.Reaction != "overdue" {
		t.Errorf("an internal note counted as a reaction: %+v", v.SLA)
	}
	e.act(r.ID, ticket.ActInput{Action: ticket.ActTell, Text: "We are on it"})
	if v, _ := e.svc.Show(ctx, r.ID); v.SLA.Reaction != "breached" {
		t.Errorf("late reaction = %+v", v.SLA)
	}
	if overdue, _ := e.svc.List(ctx, ticket.Filter{}, true); len(overdue) != 0 {
		t.Errorf("still overdue after the reaction: %+v", overdue)
	}
}

func TestAutoClose(t *testing.T) {
	cases := []struct {
		name     string
		policy   ticket.Policy
		answered time.Time
		closesAt time.Time
	}{
		// Q15: answered Friday evening; ten business days are Mon 23 Nov .. Fri 4 Dec.
		{"friday evening", regulationQ, time.Date(2026, 11, 20, 20, 0, 0, 0, msk), time.Date(2026, 12, 5, 0, 0, 0, 0, msk)},
		// Across the New Year holidays: 31 Dec 2025 and 1-11 Jan 2026 are days off.
		{"new year", regulationQ, time.Date(2025, 12, 30, 15, 0, 0, 0, msk), time.Date(2026, 1, 24, 0, 0, 0, 0, msk)},
		// A12, 8 days, across the working Saturday 1 Nov 2025 (day 1) and the days off
		// 2-4 Nov: days 2..8 are 5-7 and 10-13 Nov.
		{"transferred saturday", regulationA, time.Date(2025, 10, 31, 12, 0, 0, 0, msk), time.Date(2025, 11, 14, 0, 0, 0, 0, msk)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.policy)
			e.now = tc.answered.Add(-time.Hour)
			r := e.open(ticket.OpenInput{Channel: "phone"})
			e.now = tc.answered
			e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
			v, _ := e.svc.Show(ctx, r.ID)
			if v.SLA.AutocloseAt == nil || !v.SLA.AutocloseAt.Equal(tc.closesAt) {
				t.Fatalf("autoclose at %v, want %v", v.SLA.AutocloseAt, tc.closesAt)
			}
			e.now = tc.closesAt.Add(-time.Second)
			if res, err := e.svc.Sweep(ctx, false); err != nil || len(res.Closed) != 0 {
				t.Fatalf("a second early: %+v, %v", res, err)
			}
			e.now = tc.closesAt
			res, err := e.svc.Sweep(ctx, true)
			if err != nil || len(res.Closed) != 1 {
				t.Fatalf("dry run: %+v, %v", res, err)
			}
			if stored, _ := e.svc.Store.Request(ctx, r.ID); stored.Status != ticket.StatusResolved {
				t.Fatal("the dry run closed the request in the store")
			}
			res, err = e.svc.Sweep(ctx, false)
			if err != nil || len(res.Closed) != 1 || res.Closed[0].ID != r.ID {
				t.Fatalf("sweep: %+v, %v", res, err)
			}
			if v, _ := e.svc.Show(ctx, r.ID); v.Status != ticket.StatusClosed || v.Closure != "auto" {
				t.Errorf("after sweep: %s %s", v.Status, v.Closure)
			}
			if res, _ := e.svc.Sweep(ctx, false); len(res.Closed) != 0 {
				t.Errorf("the second sweep closed again: %+v", res.Closed)
			}
		})
	}
}

func TestReplyStopsTheClock(t *testing.T) {
	e := newEnv(t, regulationQ)
	r := e.open(ticket.OpenInput{})
	e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
	e.now = e.now.Add(24 * time.Hour)
	e.act(r.ID, ticket.ActInput{Action: ticket.ActReply, From: "ops@acme.test", Text: "one more thing"})
	e.now = e.now.AddDate(0, 1, 0)
	res, err := e.svc.Sweep(ctx, false)
	if err != nil || len(res.Closed) != 0 {
		t.Errorf("a replied request was closed: %+v, %v", res, err)
	}
}

func TestQueue(t *testing.T) {
	e := newEnv(t, regulationA)
	// BETA has no contract: served only after ACME's requests, by age.
	old := e.open(ticket.OpenInput{Customer: "BETA", Channel: "phone", Priority: "critical", Subject: "residual, critical, oldest"})
	e.now = e.now.Add(time.Hour)
	low := e.open(ticket.OpenInput{Channel: "phone", Priority: "low", Subject: "contract, low"})
	e.now = e.now.Add(time.Hour)
	high := e.open(ticket.OpenInput{Channel: "phone", Priority: "high", Subject: "contract, high"})
	e.now = e.now.Add(time.Hour)
	waiting := e.open(ticket.OpenInput{Channel: "phone", Priority: "critical"})
	e.act(waiting.ID, ticket.ActInput{Action: ticket.ActRequestInfo, Text: "logs?"})

	order := func() string {
		vs, err := e.svc.List(ctx, ticket.Filter{Statuses: []ticket.Status{ticket.StatusNew, ticket.StatusInProgress}, Queue: true}, false)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
		return strings.Join(ids, " ")
	}
	if got, want := order(), strings.Join([]string{high.ID, low.ID, old.ID}, " "); got != want {
		t.Errorf("queue = %s, want %s", got, want)
	}
	if n, err := e.svc.Next(ctx); err != nil || n.ID != high.ID {
		t.Errorf("next = %+v, %v", n, err)
	}
	// The contract expires: the queue reflects it at once.
	e.now = time.Date(2027, 1, 1, 9, 0, 0, 0, msk)
	if got, want := order(), strings.Join([]string{old.ID, low.ID, high.ID}, " "); got != want {
		t.Errorf("queue after the contract ended = %s, want %s (all by age)", got, want)
	}
}

func TestQueueWithoutContractPriority(t *testing.T) {
	e := newEnv(t, regulationQ)
	low := e.open(ticket.OpenInput{Channel: "phone", Priority: "low"})
	e.now = e.now.Add(time.Hour)
	beta := e.open(ticket.OpenInput{Customer: "BETA", Channel: "phone", Priority: "high"})
	vs, err := e.svc.List(ctx, ticket.Filter{Queue: true}, false)
	if err != nil || len(vs) != 2 || vs[0].ID != beta.ID || vs[1].ID != low.ID {
		t.Fatalf("queue = %+v, %v; want %s then %s (priority first, contracts do not matter)", vs, err, beta.ID, low.ID)
	}
	if n, err := e.svc.Next(ctx); err != nil || n.ID != beta.ID {
		t.Errorf("next = %+v, %v", n, err)
	}
}

func TestCustomerValidation(t *testing.T) {
	e := newEnv(t, regulationQ)
	start, end := bizcal.Date{Year: 2027, Month: 1, Day: 1}, bizcal.Date{Year: 2026, Month: 1, Day: 1}
	cases := []struct {
		c    ticket.Customer
		kind problem.Kind
		msg  string
	}{
		{ticket.Customer{Code: "X1", Name: "X", Emails: []string{"not-an-address"}}, problem.Usage, "not an e-mail address"},
		{ticket.Customer{Code: "X2", Name: "X", ContractStart: &start, ContractEnd: &end}, problem.Usage, "before its start"},
		{ticket.Customer{Code: "acme", Name: "dup"}, problem.Refused, "already exists"},
		{ticket.Customer{Code: "bad code!", Name: "X"}, problem.Usage, "not a customer code"},
		{ticket.Customer{Code: "X3"}, problem.Usage, "no name"},
	}
	for _, tc := range cases {
		c := tc.c
		problemtest.Want(t, e.svc.AddCustomer(ctx, &c), tc.kind, tc.msg)
	}
	if _, err := ticket.ParsePerson("Ivan Petrov <ivan@acme.test>"); err != nil {
		t.Error(err)
	}
	if _, err := ticket.ParsePerson("ivan@acme.test"); err == nil {
		t.Error("a person without a name was accepted")
	}
}

func TestSanitizeName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":                "passwd",
		`C:\Users\me\shot 1.png`:          "shot 1.png",
		"отчёт.pdf":                       "отчёт.pdf",
		"a<b>|c?.log":                     "a_b_c_.log",
		"..":                              "attachment",
		strings.Repeat("x", 300) + ".log": strings.Repeat("x", 116) + ".log",
	} {
		if got := ticket.SanitizeName(in); got != want {
			t.Errorf("SanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConcurrentSweepsCloseEachOnce runs two sweeps at once, each through its
// own connection to the same store file, as two cron jobs would: every due
// request is closed exactly once, with one auto-close entry in its history.
func TestConcurrentSweepsCloseEachOnce(t *testing.T) {
	e := newEnv(t, regulationQ)
	var ids []string
	for i := 0; i < 40; i++ {
		r := e.open(ticket.OpenInput{Channel: "phone"})
		e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
		ids = append(ids, r.ID)
	}
	e.now = e.now.AddDate(0, 2, 0)
	path := e.svc.Store.(*sqlite.Store).Path()
	results := make(chan int, 2)
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			store, err := sqlite.Open(ctx, path)
			if err != nil {
				errs <- err
				return
			}
			defer store.Close()
			svc := *e.svc
			svc.Store = store
			res, err := svc.Sweep(ctx, false)
			if err != nil {
				errs <- err
				return
			}
			results <- len(res.Closed)
		}()
	}
	total := 0
	for i := 0; i < 2; i++ {
		select {
		case err := <-errs:
			t.Fatal(err)
		case n := <-results:
			total += n
		}
	}
	if total != len(ids) {
		t.Errorf("the two sweeps closed %d requests between them, want %d", total, len(ids))
	}
	for _, id := range ids {
		v, err := e.svc.Show(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		autoCloses := 0
		for _, ev := range v.History {
			if ev.Action == string(ticket.ActAutoClose) {
				autoCloses++
			}
		}
		if v.Status != ticket.StatusClosed || autoCloses != 1 {
			t.Errorf("%s: %s with %d auto-close entries", id, v.Status, autoCloses)
		}
	}
}

// TestNamesAreHandedOutOnce: many files of one name get -2, -3... in order,
// skipping a name already taken, each name once.
func TestNamesAreHandedOutOnce(t *testing.T) {
	names := ticket.NewNames()
	names.Take("a-3.log")
	seen := map[string]bool{"a-3.log": true}
	for k := range 10000 {
		name := names.Free("a.log")
		if seen[name] {
			t.Fatalf("file %d: %s handed out twice", k, name)
		}
		seen[name] = true
	}
	for _, want := range []string{"a.log", "a-2.log", "a-4.log", "a-10001.log"} {
		if !seen[want] {
			t.Errorf("%s not handed out", want)
		}
	}
	if got := names.Free("a-2.log"); got != "a-2-2.log" {
		t.Errorf("a taken suffixed name became %s", got)
	}
}
