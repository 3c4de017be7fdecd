package report_test

import (
	"os"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/report"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/sqlite"
)

// benchEnv opens the store bench/report.sh generates (BENCH_STORE), at the
// time the benchmark script uses.
func benchEnv(b *testing.B) *report.Env {
	path := os.Getenv("BENCH_STORE")
	if path == "" {
		b.Skip("BENCH_STORE=bench/work/tickets-100000.db (bash bench/report.sh makes it)")
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	loc, _ := time.LoadLocation("Europe/Moscow")
	cal := bizcal.New(bizcal.Russian(), loc, 9*time.Hour, 18*time.Hour, nil)
	return &report.Env{Store: st, Calendar: cal, Policy: ticket.Policy{AutocloseBusinessDays: 10},
		WorkingHours: "09:00-18:00", Now: time.Date(2026, 11, 20, 10, 0, 0, 0, loc)}
}

func BenchmarkSLAYear(b *testing.B) {
	e := benchEnv(b)
	for b.Loop() {
		if _, err := report.SLA(ctx, e, report.SLAOptions{From: bizcal.Date{Year: 2025, Month: 1, Day: 1},
			To: bizcal.Date{Year: 2025, Month: 12, Day: 31}, By: "week"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQueue(b *testing.B) {
	e := benchEnv(b)
	for b.Loop() {
		if _, err := report.Queue(ctx, e, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListing is the store's share of the SLA report: the one listing
// it makes, alone.
func BenchmarkListing(b *testing.B) {
	e := benchEnv(b)
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, e.Calendar.Location())
	until := since.AddDate(1, 0, 0)
	for b.Loop() {
		if _, err := e.Store.Requests(ctx, ticket.Filter{Since: since, Until: until}); err != nil {
			b.Fatal(err)
		}
	}
}
