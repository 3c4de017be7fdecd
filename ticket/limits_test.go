package ticket_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
	"github.com/sustain-cli/sustain/ticket"
)

func TestTextsOverTheLimitAreRefused(t *testing.T) {
	p := regulationQ
	p.TextMaxBytes = 1 << 10
	e := newEnv(t, p)
	_, err := e.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: "big", Channel: "phone",
		Description: strings.Repeat("x", 1<<10+1)})
	problemtest.Want(t, err, problem.Refused, "support.text_max_kb")
	_, err = e.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: strings.Repeat("s", 1<<10+1), Description: "d", Channel: "phone"})
	problemtest.Want(t, err, problem.Refused, "over the limit")

	r := e.open(ticket.OpenInput{Channel: "phone", Description: strings.Repeat("x", 1<<10)}) // exactly the limit
	_, err = e.svc.Act(ctx, r.ID, ticket.ActInput{Action: ticket.ActComment, Actor: "anna", Text: strings.Repeat("y", 2<<10)})
	problemtest.Want(t, err, problem.Refused, "support.text_max_kb")
	if v, err := e.svc.Show(ctx, r.ID); err != nil || len(v.History) != 1 {
		t.Errorf("a refused comment reached the history: %v, %v", v, err)
	}
}

func TestSanitizeNameCutsByCharacters(t *testing.T) {
	long := strings.Repeat("отчёт", 40) // 200 runes, 400 bytes
	for in, want := range map[string]string{
		long + ".pdf":                   string([]rune(long)[:116]) + ".pdf",
		long:                            string([]rune(long)[:120]),
		"журнал\xff\xfe.log":            "журнал_.log",
		strings.Repeat("я", 121):        strings.Repeat("я", 120),
		"a" + strings.Repeat("я", 200):  "a" + strings.Repeat("я", 119),
		"x." + strings.Repeat("ё", 130): "x." + strings.Repeat("ё", 118),
	} {
		got := ticket.SanitizeName(in)
		if got != want || !utf8.ValidString(got) {
			t.Errorf("SanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// retryingStore runs every change once on a copy and throws the result
// away before the real run, as a store does when SQLite answers BUSY and
// the transaction is run again.
type retryingStore struct{ ticket.Store }

func (s retryingStore) UpdateRequests(ctx context.Context, ids []string, change func(*ticket.Request) (*ticket.Event, error)) ([]*ticket.Request, error) {
	for _, id := range ids {
		r, err := s.Store.Request(ctx, id)
		if err != nil {
			return nil, err
		}
		_, _ = change(r)
	}
	return s.Store.UpdateRequests(ctx, ids, change)
}

func TestSweepReportsEachCloseOnceWhenTheTransactionIsRetried(t *testing.T) {
	e := newEnv(t, regulationQ)
	var ids []string
	for i := 0; i < 3; i++ {
		r := e.open(ticket.OpenInput{Channel: "phone"})
		e.act(r.ID, ticket.ActInput{Action: ticket.ActAnswer, Text: "done"})
		ids = append(ids, r.ID)
	}
	e.now = e.now.AddDate(0, 2, 0)
	e.svc.Store = retryingStore{e.svc.Store}
	res, err := e.svc.Sweep(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sw := range res.Closed {
		got = append(got, sw.ID)
	}
	if strings.Join(got, " ") != strings.Join(ids, " ") {
		t.Errorf("sweep reported %v, want each of %v once", got, ids)
	}
}

func TestCheckTime(t *testing.T) {
	for _, ok := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 2, 1, 0, 0, 0, msk),
		time.Date(2200, 12, 31, 23, 59, 59, 999999999, time.UTC),
	} {
		if err := ticket.CheckTime(ok); err != nil {
			t.Errorf("CheckTime(%v) = %v", ok, err)
		}
	}
	for _, bad := range []time.Time{
		time.Date(1600, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2201, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC),
		{},
	} {
		problemtest.Want(t, ticket.CheckTime(bad), problem.Usage, "1970-01-01 to 2200-12-31")
	}
}
