package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/report"
	"github.com/sustain-cli/sustain/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/report")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "report", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -update rewrites it); got:\n%s", name, got)
	}
}

func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := output.WriteJSON(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func reports(t *testing.T) map[string]report.Report {
	e, cs := fixture(t)
	sla, err := report.SLA(ctx, e, report.SLAOptions{From: bizcal.Date{Year: 2026, Month: 10, Day: 1}, To: bizcal.Date{Year: 2026, Month: 10, Day: 31}, By: "week"})
	if err != nil {
		t.Fatal(err)
	}
	queue, err := report.Queue(ctx, e, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	cust, err := report.Customer(ctx, e, report.CustomerOptions{Code: "acme", Month: "2026-10",
		FixedIn: func(task string) (string, bool) { return map[string]string{"SRV-42": "1.4.0"}[task], true }})
	if err != nil {
		t.Fatal(err)
	}
	if n, r := cs.lists.Load(), cs.reads.Load(); n != 3 || r != 0 {
		t.Errorf("three reports made %d listings and %d single reads, want 3 and 0", n, r)
	}
	return map[string]report.Report{"sla": sla, "queue": queue, "customer": cust}
}

func TestGolden(t *testing.T) {
	for name, r := range reports(t) {
		golden(t, name+".json", jsonOf(t, r))
		c, err := report.CSV(r, msk)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name+".csv", c)
		for _, lang := range []string{"en", "ru"} {
			golden(t, name+"."+lang+".md", report.Markdown(r, lang, msk))
		}
	}
}

// TestFigures checks the fixture's figures by hand, so a golden file
// rewritten with a mistake in it does not pass unnoticed.
func TestFigures(t *testing.T) {
	rs := reports(t)
	sla := rs["sla"].(*report.SLAReport)
	// October: SUP-2..SUP-9. Met: 2, 4 (withdrawn), 5, 7, 8; breached: 3
	// (late), 6 (overdue); running: 9.
	if tot := sla.Totals; tot.Requests != 8 || tot.Met != 5 || tot.Breached != 2 || tot.Running != 1 || *tot.MetShare != 0.7143 {
		t.Errorf("totals = %+v", tot)
	}
	if len(sla.Periods) != 5 || sla.Periods[0].Start.String() != "2026-10-01" || sla.Periods[0].End.String() != "2026-10-04" ||
		sla.Periods[4].End.String() != "2026-10-31" {
		t.Errorf("periods = %+v", sla.Periods)
	}
	if len(sla.Breaches) != 2 || sla.Breaches[0].ID != "SUP-3" || sla.Breaches[1].ID != "SUP-6" || sla.Breaches[1].ReactedAt != nil {
		t.Errorf("breaches = %+v", sla.Breaches)
	}
	if o := sla.Outcomes; o.AutoClosed != 1 || o.Confirmed != 1 || o.Withdrawn != 1 || o.Disputed != 1 || o.Open != 5 {
		t.Errorf("outcomes = %+v", o)
	}
	// Answers: SUP-2 1 Oct 10:00 → 2 Oct 15:00 = 8 + 6 = 14 h; SUP-3
	// 2 Oct 17:00 → 7 Oct 12:00 = 1 + 9 + 9 + 3 = 22 h; SUP-5 8 Oct 14:00
	// → 12 Oct 11:00 = 4 + 9 + 2 = 15 h.
	if a := sla.AnswerTime; a.Answered != 3 || *a.MedianHours != 15 || *a.P90Hours != 20.6 {
		t.Errorf("answer time = %+v median %v p90 %v", a, *a.MedianHours, *a.P90Hours)
	}
	q := rs["queue"].(*report.QueueReport)
	// Open: 1, 5, 6, 7, 9, 10 (8 is in progress too).
	if q.Open != 7 || len(q.Overdue) != 1 || q.Overdue[0].ID != "SUP-6" || len(q.DueToday) != 1 || q.DueToday[0].ID != "SUP-9" ||
		len(q.DueTomorrow) != 1 || q.DueTomorrow[0].ID != "SUP-10" {
		t.Errorf("queue = %+v", q)
	}
	if q.Residual != 1 || q.Contract != 6 {
		t.Errorf("contract %d, residual %d; want 6 and 1 (BETA has no contract)", q.Contract, q.Residual)
	}
	c := rs["customer"].(*report.CustomerReport)
	if c.Opened != 5 || c.Closed != 2 || c.OpenAtEnd != 4 || c.Customer.Contract != "full" {
		t.Errorf("customer month = opened %d closed %d open at end %d contract %s", c.Opened, c.Closed, c.OpenAtEnd, c.Customer.Contract)
	}
	if len(c.Escalations) != 1 || *c.Escalations[0].FixedIn != "1.4.0" {
		t.Errorf("escalations = %+v", c.Escalations)
	}
}

func TestRefusals(t *testing.T) {
	e, _ := fixture(t)
	d := func(s string) bizcal.Date { v, _ := bizcal.ParseDate(s); return v }
	for name, err := range map[string]error{
		"to before from": func() error {
			_, err := report.SLA(ctx, e, report.SLAOptions{From: d("2026-10-31"), To: d("2026-10-01")})
			return err
		}(),
		"too many weeks": func() error {
			_, err := report.SLA(ctx, e, report.SLAOptions{From: d("2020-01-01"), To: d("2026-10-01"), By: "week"})
			return err
		}(),
		"bad period": func() error {
			_, err := report.SLA(ctx, e, report.SLAOptions{From: d("2026-10-01"), To: d("2026-10-02"), By: "day"})
			return err
		}(),
		"bad month": func() error {
			_, err := report.Customer(ctx, e, report.CustomerOptions{Code: "ACME", Month: "2026-13"})
			return err
		}(),
	} {
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Kind != problem.Usage {
			t.Errorf("%s: %v, want a usage problem", name, err)
		}
	}
	_, err := report.Customer(ctx, e, report.CustomerOptions{Code: "NOPE", Month: "2026-10"})
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Kind != problem.NotFound {
		t.Errorf("unknown customer: %v, want not found", err)
	}
	_, err = report.SLA(ctx, e, report.SLAOptions{From: d("2026-10-01"), To: d("2026-10-02"), Customer: "NOPE"})
	if !errors.As(err, &pe) || pe.Kind != problem.NotFound {
		t.Errorf("unknown customer: %v, want not found", err)
	}
}

// TestQueueInThePast: a week before now, SUP-9 and SUP-10 did not exist
// and SUP-5 was resolved (its dispute came later... no: on 13 Oct).
func TestQueueInThePast(t *testing.T) {
	e, _ := fixture(t)
	q, err := report.Queue(ctx, e, time.Date(2026, 10, 12, 12, 0, 0, 0, msk))
	if err != nil {
		t.Fatal(err)
	}
	// Open on 12 Oct noon: SUP-1 (in work), SUP-3 (resolved), SUP-5
	// (answered at 11:00: resolved).
	ids := map[string]string{}
	for _, r := range q.Requests {
		ids[r.ID] = string(r.Status)
	}
	want := map[string]string{"SUP-1": "in_progress", "SUP-3": "resolved", "SUP-5": "resolved"}
	if len(ids) != len(want) {
		t.Errorf("open on 12 Oct = %v, want %v", ids, want)
	}
	for id, st := range want {
		if ids[id] != st {
			t.Errorf("%s on 12 Oct = %q, want %q", id, ids[id], st)
		}
	}
}

func TestCSVKeepsFormulasOut(t *testing.T) {
	rs := reports(t)
	c, err := report.CSV(rs["queue"], msk)
	if err != nil {
		t.Fatal(err)
	}
	// The queue CSV has no subjects; the customer CSV has them.
	c, err = report.CSV(rs["customer"], msk)
	if err != nil {
		t.Fatal(err)
	}
	_ = c
	e, _ := fixture(t)
	b, err := report.Customer(ctx, e, report.CustomerOptions{Code: "BETA", Month: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := report.CSV(b, msk)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `'=HYPERLINK`) {
		t.Errorf("a subject starting with = reaches the CSV as a formula:\n%s", out)
	}
}

func TestChartSVG(t *testing.T) {
	for name, r := range reports(t) {
		for _, lang := range []string{"en", "ru"} {
			svg, err := report.Chart(r, "svg", lang, msk)
			if err != nil {
				t.Fatal(err)
			}
			png, err := report.Chart(r, "png", lang, msk)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
				t.Errorf("%s %s: --format png is no PNG", name, lang)
			}
			if dir := os.Getenv("REPORT_SHOTS"); dir != "" {
				_ = os.WriteFile(filepath.Join(dir, "chart-"+name+"."+lang+".png"), png, 0o644)
			}
			dec := xml.NewDecoder(bytes.NewReader(svg))
			var text strings.Builder
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s %s: the SVG is not well-formed XML: %v", name, lang, err)
				}
				if cd, ok := tok.(xml.CharData); ok {
					text.Write(cd)
				}
			}
			want := map[string]map[string][]string{
				"sla":      {"en": {"Met", "Breached", "Running", "Reaction by week", "1 Oct", "26 Oct", "October 2026"}, "ru": {"В срок", "Просрочено", "Реакция по неделям", "1 окт"}},
				"queue":    {"en": {"Open requests by age", "today", "> 20"}, "ru": {"Открытые обращения по возрасту", "сегодня"}},
				"customer": {"en": {"Met", "Breached", "Акме", "October 2026"}, "ru": {"В срок", "Просрочено", "Акме", "октябрь 2026"}},
			}[name][lang]
			for _, w := range want {
				if !strings.Contains(text.String(), w) {
					t.Errorf("%s %s: the SVG has no %q; its text: %s", name, lang, w, text.String())
				}
			}
		}
	}
}

func TestJSONFieldsAlwaysPresent(t *testing.T) {
	e, _ := fixture(t)
	// A month with nothing in it still has every field.
	r, err := report.Customer(ctx, e, report.CustomerOptions{Code: "GAMMA", Month: "2025-01"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(jsonOf(t, r), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"requests", "escalations", "weeks", "answer_time", "reaction", "outcomes", "policy", "customer"} {
		if v, ok := m[k]; !ok || v == nil {
			t.Errorf("field %s = %v in an empty month", k, v)
		}
	}
}

// TestHostileText: stored text reaches the page as text, never as markup,
// and without control characters.
func TestHostileText(t *testing.T) {
	e, _ := fixture(t)
	bad := "<img src=x onerror=alert(1)>\x1b[31mred\x07 <script>alert(2)</script>"
	if _, err := e.Store.CreateRequest(ctx, "SUP", &ticket.Request{Customer: "BETA", Subject: bad, Channel: "phone",
		Priority: "normal", Status: ticket.StatusNew, CreatedAt: time.Date(2026, 10, 20, 10, 0, 0, 0, msk),
		UpdatedAt: time.Date(2026, 10, 20, 10, 0, 0, 0, msk)}, nil,
		ticket.Event{At: time.Date(2026, 10, 20, 10, 0, 0, 0, msk), Actor: "anna", Action: string(ticket.ActOpen), To: ticket.StatusNew}); err != nil {
		t.Fatal(err)
	}
	r, err := report.Customer(ctx, e, report.CustomerOptions{Code: "BETA", Month: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ru"} {
		html, err := report.HTML(r, lang, msk)
		if err != nil {
			t.Fatal(err)
		}
		md := report.Markdown(r, lang, msk)
		for name, out := range map[string][]byte{"html": html, "md": md} {
			if bytes.Contains(out, []byte("<img")) || bytes.Contains(out, []byte("<script")) {
				t.Errorf("%s: stored markup reaches the %s as markup", lang, name)
			}
			if bytes.ContainsAny(out, "\x1b\x07") {
				t.Errorf("%s: control characters reach the %s", lang, name)
			}
		}
		if !bytes.Contains(html, []byte("&lt;img src=x")) {
			t.Errorf("%s: the subject is not shown as text", lang)
		}
	}
}
