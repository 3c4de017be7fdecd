package report

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/internal/output"
)

// Report is any of the three reports.
type Report interface {
	doc(w words, loc *time.Location) *doc
	csvRows(loc *time.Location) [][]string
}

// ListMax bounds the rows of a list in Markdown and HTML; JSON and CSV carry
// them all.
const ListMax = 50

// doc is a report laid out for people: what Markdown, HTML and the table
// print, in one language.
type doc struct {
	Lang     string
	Title    string
	Meta     [][2]string // period, customer, policy, generated
	Sections []section
}

type section struct {
	Title string
	KV    [][2]string
	Chart *chart
	Table *table
	Note  string // said when there are no rows, or rows left out
}

type table struct {
	Header []string
	Rows   [][]string
	Num    []bool // right-aligned columns
}

func (t *table) add(cells ...string) { t.Rows = append(t.Rows, cells) }

// capped keeps ListMax rows and says how many were left out.
func (s *section) capped(w words, empty string) {
	if s.Table == nil || len(s.Table.Rows) == 0 {
		s.Table, s.Note = nil, w.t(empty)
		return
	}
	if n := len(s.Table.Rows); n > ListMax {
		s.Table.Rows = s.Table.Rows[:ListMax]
		s.Note = w.f("more", n-ListMax)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func reactionKV(w words, r Reaction) [][2]string {
	return [][2]string{{w.t("requests"), itoa(r.Requests)}, {w.t("met"), itoa(r.Met)}, {w.t("breached"), itoa(r.Breached)},
		{w.t("running"), itoa(r.Running)}, {w.t("met share"), w.share(r.MetShare)}}
}

func answerSection(w words, a AnswerTimes) section {
	s := section{Title: w.t("answer time"), KV: [][2]string{{w.t("answered"), itoa(a.Answered)},
		{w.t("median"), w.hours(a.MedianHours)}, {w.t("p90"), w.hours(a.P90Hours)}}}
	c := &chart{Title: w.t("answer time"), Series: []series{{Name: w.t("answered")}}}
	for _, b := range a.Buckets {
		c.Labels = append(c.Labels, w.t("ans."+b.Key))
		c.Series[0].Values = append(c.Series[0].Values, float64(b.Count))
	}
	s.Chart = c
	return s
}

func outcomesKV(w words, o Outcomes) [][2]string {
	return [][2]string{{w.t("closed"), itoa(o.Closed)}, {w.t("auto_closed"), itoa(o.AutoClosed)},
		{w.t("confirmed"), itoa(o.Confirmed)}, {w.t("withdrawn"), itoa(o.Withdrawn)},
		{w.t("open"), itoa(o.Open)}, {w.t("disputed"), itoa(o.Disputed)}}
}

// reactionChart is met / breached / running stacked per period.
func reactionChart(w words, title string, ps []Period, by string) *chart {
	c := &chart{Title: title, Stacked: true, Series: []series{{Name: w.t("met")}, {Name: w.t("breached")}, {Name: w.t("running")}}}
	for _, p := range ps {
		c.Labels = append(c.Labels, w.periodLabel(p, by))
		c.Series[0].Values = append(c.Series[0].Values, float64(p.Met))
		c.Series[1].Values = append(c.Series[1].Values, float64(p.Breached))
		c.Series[2].Values = append(c.Series[2].Values, float64(p.Running))
	}
	return c
}

func (r *SLAReport) doc(w words, loc *time.Location) *doc {
	d := &doc{Title: w.t("sla.title")}
	who := w.t("all customers")
	if r.Customer != "" {
		who = r.Customer
	}
	d.Meta = [][2]string{{w.t("period"), w.span(r.From, r.To)}, {w.t("customer"), who},
		{w.t("policy"), w.policy(r.Policy)}, {w.t("generated"), stamp(r.GeneratedAt, loc)}}
	title := w.t("by week")
	if r.By == "month" {
		title = w.t("by month")
	}
	d.Sections = append(d.Sections, section{Title: title, KV: reactionKV(w, r.Totals), Chart: reactionChart(w, title, r.Periods, r.By)})
	d.Sections = append(d.Sections, answerSection(w, r.AnswerTime))
	d.Sections = append(d.Sections, section{Title: w.t("outcomes"), KV: outcomesKV(w, r.Outcomes)})
	b := section{Title: w.t("breaches"), Table: &table{Header: []string{w.t("request"), w.t("customer"), w.t("priority"), w.t("due"), w.t("reacted")}}}
	for _, x := range r.Breaches {
		reacted := stampp(x.ReactedAt, loc)
		if x.ReactedAt == nil {
			reacted = w.t("not yet")
		}
		b.Table.add(x.ID, x.Customer, w.of("pr.", x.Priority), stampp(&x.Due, loc), reacted)
	}
	b.capped(w, "no breaches")
	d.Sections = append(d.Sections, b)
	return d
}

func (r *QueueReport) doc(w words, loc *time.Location) *doc {
	d := &doc{Title: w.t("queue.title")}
	d.Meta = [][2]string{{w.t("at"), stamp(r.At, loc)}, {w.t("policy"), w.policy(r.Policy)}, {w.t("generated"), stamp(r.GeneratedAt, loc)}}
	age := section{Title: w.t("by age"), KV: [][2]string{{w.t("open"), itoa(r.Open)}}}
	ac := &chart{Title: w.t("by age"), Series: []series{{Name: w.t("open")}}}
	for _, b := range r.ByAge {
		ac.Labels = append(ac.Labels, w.t("age."+b.Key))
		ac.Series[0].Values = append(ac.Series[0].Values, float64(b.Count))
	}
	age.Chart = ac
	d.Sections = append(d.Sections, age)
	pr := section{Title: w.t("by priority"), KV: [][2]string{{w.t("contract"), itoa(r.Contract)}, {w.t("residual"), itoa(r.Residual)}}}
	pc := &chart{Title: w.t("by priority"), Stacked: true, Series: []series{{Name: w.t("contract")}, {Name: w.t("residual")}}}
	for _, p := range r.ByPriority {
		pc.Labels = append(pc.Labels, w.of("pr.", p.Priority))
		pc.Series[0].Values = append(pc.Series[0].Values, float64(p.Contract))
		pc.Series[1].Values = append(pc.Series[1].Values, float64(p.Residual))
	}
	pr.Chart = pc
	d.Sections = append(d.Sections, pr)
	st := section{Title: w.t("state")}
	for _, b := range r.ByState {
		st.KV = append(st.KV, [2]string{w.of("st.", b.Key), itoa(b.Count)})
	}
	d.Sections = append(d.Sections, st)
	h := section{Title: w.t("holders"), Table: &table{Header: []string{w.t("holder"), w.t("open"), w.t("overdue")}, Num: []bool{false, true, true}}}
	for _, x := range r.Holders {
		name := output.OneLine(x.Name, 80)
		if name == "" {
			name = w.t("nobody")
		}
		h.Table.add(name, itoa(x.Open), itoa(x.Overdue))
	}
	h.capped(w, "nothing open")
	d.Sections = append(d.Sections, h)
	for _, l := range []struct {
		key string
		ds  []Due
	}{{"overdue", r.Overdue}, {"due today", r.DueToday}, {"due tomorrow", r.DueTomorrow}} {
		s := section{Title: fmt.Sprintf("%s: %d", w.t(l.key), len(l.ds)),
			Table: &table{Header: []string{w.t("request"), w.t("customer"), w.t("priority"), w.t("due"), w.t("subject")}}}
		for _, x := range l.ds {
			s.Table.add(x.ID, x.Customer, w.of("pr.", x.Priority), stampp(&x.Due, loc), output.OneLine(x.Subject, 80))
		}
		s.capped(w, "none")
		d.Sections = append(d.Sections, s)
	}
	return d
}

func (r *CustomerReport) doc(w words, loc *time.Location) *doc {
	name := output.OneLine(r.Customer.Name, 200)
	d := &doc{Title: w.t("customer.title") + ": " + name}
	contract := w.t("no contract")
	if r.Customer.ContractStart != nil && r.Customer.ContractEnd != nil {
		contract = w.span(*r.Customer.ContractStart, *r.Customer.ContractEnd) + ", " + w.t("contract."+r.Customer.Contract)
	}
	d.Meta = [][2]string{{w.t("customer"), name + " (" + r.Customer.Code + ")"}, {w.t("period"), w.month(r.From)},
		{w.t("contract dates"), contract}, {w.t("policy"), w.policy(r.Policy)}, {w.t("generated"), stamp(r.GeneratedAt, loc)}}
	kv := [][2]string{{w.t("opened"), itoa(r.Opened)}, {w.t("closed"), itoa(r.Closed)}, {w.t("open at end"), itoa(r.OpenAtEnd)}}
	kv = append(kv, reactionKV(w, r.Reaction)[1:]...)
	d.Sections = append(d.Sections, section{Title: w.t("by week"), KV: kv, Chart: reactionChart(w, w.t("by week"), r.Weeks, "week")})
	d.Sections = append(d.Sections, answerSection(w, r.AnswerTime))
	d.Sections = append(d.Sections, section{Title: w.t("outcomes"), KV: outcomesKV(w, r.Outcomes)})
	rq := section{Title: w.t("month requests"), Table: &table{Header: []string{w.t("request"), w.t("subject"), w.t("priority"),
		w.t("created"), w.t("reaction"), w.t("answer"), w.t("closure"), w.t("status")}}}
	for _, x := range r.Requests {
		reaction := w.of("re.", x.Reaction)
		if x.ReactedAt != nil {
			reaction = stampp(x.ReactedAt, loc) + " (" + reaction + ")"
		}
		closed := stampp(x.ClosedAt, loc)
		if x.ClosedAt != nil && x.Closure != "" {
			closed += " (" + w.of("cl.", x.Closure) + ")"
		}
		rq.Table.add(x.ID, output.OneLine(x.Subject, 60), w.of("pr.", x.Priority), stampp(&x.CreatedAt, loc), reaction,
			w.hours(x.AnswerHours), closed, w.of("st.", string(x.Status)))
	}
	rq.capped(w, "no requests")
	d.Sections = append(d.Sections, rq)
	es := section{Title: w.t("escalations"), Table: &table{Header: []string{w.t("request"), w.t("task"), w.t("fixed in")}}}
	for _, x := range r.Escalations {
		v := w.t("unknown")
		if x.FixedIn != nil {
			v = cmp.Or(*x.FixedIn, w.t("not released"))
		}
		es.Table.add(x.Request, x.Task, v)
	}
	es.capped(w, "none")
	d.Sections = append(d.Sections, es)
	return d
}

// Markdown writes the report as Markdown.
func Markdown(r Report, lang string, loc *time.Location) []byte {
	d := r.doc(wordsOf(lang), loc)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", mdText(d.Title))
	for _, m := range d.Meta {
		fmt.Fprintf(&b, "- **%s:** %s\n", mdText(m[0]), mdText(m[1]))
	}
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "\n## %s\n\n", mdText(s.Title))
		if len(s.KV) > 0 {
			fmt.Fprintf(&b, "| | |\n|---|---:|\n")
			for _, kv := range s.KV {
				fmt.Fprintf(&b, "| %s | %s |\n", mdCell(kv[0]), mdCell(kv[1]))
			}
		}
		if s.Chart != nil && len(s.Chart.Labels) > 0 && s.Table == nil {
			if len(s.KV) > 0 {
				b.WriteString("\n")
			}
			hdr := []string{""}
			for _, se := range s.Chart.Series {
				hdr = append(hdr, se.Name)
			}
			fmt.Fprintf(&b, "| %s |\n|---|%s\n", strings.Join(mapStr(hdr, mdCell), " | "), strings.Repeat("---:|", len(s.Chart.Series)))
			for i, l := range s.Chart.Labels {
				row := []string{mdCell(l)}
				for _, se := range s.Chart.Series {
					row = append(row, strconv.FormatFloat(se.Values[i], 'f', -1, 64))
				}
				fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
			}
		}
		if s.Table != nil {
			fmt.Fprintf(&b, "| %s |\n|%s\n", strings.Join(mapStr(s.Table.Header, mdCell), " | "), strings.Repeat("---|", len(s.Table.Header)))
			for _, row := range s.Table.Rows {
				fmt.Fprintf(&b, "| %s |\n", strings.Join(mapStr(row, mdCell), " | "))
			}
		}
		if s.Note != "" {
			if s.Table != nil || len(s.KV) > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s\n", mdText(s.Note))
		}
	}
	return b.Bytes()
}

func mapStr(xs []string, f func(string) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// mdText is stored text made safe for Markdown: one line, no control
// characters, no markup characters that would start links or HTML.
func mdText(s string) string {
	s = output.OneLine(s, 500)
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "#", `\#`)
	return r.Replace(s)
}

func mdCell(s string) string { return strings.ReplaceAll(mdText(s), "|", `\|`) }

// CSV writes the report's rows: the periods of an SLA report, the open
// requests of the queue, the requests of a customer's month.
func CSV(r Report, loc *time.Location) ([]byte, error) {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	for _, row := range r.csvRows(loc) {
		for i, c := range row {
			row[i] = csvCell(c)
		}
		if err := cw.Write(row); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return b.Bytes(), cw.Error()
}

// csvCell keeps a spreadsheet from running stored text as a formula.
func csvCell(s string) string {
	s = output.OneLine(s, 1000)
	if s != "" && strings.ContainsAny(s[:1], "=+-@") {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

func csvTime(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func csvShare(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func (r *SLAReport) csvRows(*time.Location) [][]string {
	rows := [][]string{{"period_start", "period_end", "requests", "met", "breached", "running", "met_share"}}
	for _, p := range r.Periods {
		rows = append(rows, []string{p.Start.String(), p.End.String(), itoa(p.Requests), itoa(p.Met), itoa(p.Breached), itoa(p.Running), csvShare(p.MetShare)})
	}
	return rows
}

func (r *QueueReport) csvRows(loc *time.Location) [][]string {
	rows := [][]string{{"id", "customer", "priority", "status", "contract", "age_business_days", "assignees", "created_at", "reaction_due", "reaction"}}
	for _, q := range r.Requests {
		rows = append(rows, []string{q.ID, q.Customer, q.Priority, string(q.Status), strconv.FormatBool(q.Contract), itoa(q.AgeDays),
			strings.Join(q.Assignees, ";"), csvTime(&q.CreatedAt, loc), csvTime(&q.Due, loc), q.Reaction})
	}
	return rows
}

func (r *CustomerReport) csvRows(loc *time.Location) [][]string {
	rows := [][]string{{"id", "subject", "priority", "status", "created_at", "reaction_due", "reacted_at", "reaction", "answered_at",
		"answer_hours", "closed_at", "closure", "open_at_end", "tasks"}}
	for _, x := range r.Requests {
		ah := ""
		if x.AnswerHours != nil {
			ah = strconv.FormatFloat(*x.AnswerHours, 'f', -1, 64)
		}
		rows = append(rows, []string{x.ID, x.Subject, x.Priority, string(x.Status), csvTime(&x.CreatedAt, loc), csvTime(&x.ReactionDue, loc),
			csvTime(x.ReactedAt, loc), x.Reaction, csvTime(x.AnsweredAt, loc), ah, csvTime(x.ClosedAt, loc), x.Closure,
			strconv.FormatBool(x.OpenAtEnd), strings.Join(x.Tasks, ";")})
	}
	return rows
}

// Lines is the report's figures as rows of a two-column table (section,
// figure, value), for the terminal.
func Lines(r Report, lang string, loc *time.Location) [][]string {
	d := r.doc(wordsOf(lang), loc)
	var rows [][]string
	for _, m := range d.Meta {
		rows = append(rows, []string{m[0], m[1]})
	}
	for _, s := range d.Sections {
		for _, kv := range s.KV {
			rows = append(rows, []string{s.Title + ": " + kv[0], kv[1]})
		}
		if s.Table != nil {
			for _, row := range s.Table.Rows {
				rows = append(rows, []string{s.Title, strings.Join(row, "  ")})
			}
		}
		if s.Note != "" && s.Table == nil && len(s.KV) == 0 {
			rows = append(rows, []string{s.Title, s.Note})
		}
	}
	return rows
}
