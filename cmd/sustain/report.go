package main

import (
	"cmp"
	"context"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/internal/atomicfile"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/internal/when"
	"github.com/sustain-cli/sustain/release"
	"github.com/sustain-cli/sustain/report"
)

func newReportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Reports: SLA compliance, the queue, a customer's month",
		Long: `Reports people look at, printable, in Russian or English, from either
ticket store: the reaction SLA over a period, the queue as it stands, and a
customer's month (the account a vendor sends a contract customer).

Each report is printed as a table by default; --format html gives one
self-contained A4 page (inline SVG charts, no scripts, nothing fetched),
svg and png the main chart alone, md Markdown, csv its rows, json every
figure (also --json).`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(NewCmdReportSLA(a, nil), NewCmdReportQueue(a, nil), NewCmdReportCustomer(a, nil))
	return cmd
}

// ReportOptions are the flags every report shares and what it needs.
type ReportOptions struct {
	Out     io.Writer
	Format  string // html, svg, png, md, json, csv; "" a table
	Output  string // -o FILE
	Lang    string
	JSON    bool // --json
	Print   output.Format
	Env     func() (*report.Env, error)
	Warnf   func(format string, args ...any)
	Default func() string // the configured language
}

func (a *app) reportOptions(o *ReportOptions) {
	o.Out, o.JSON, o.Print, o.Warnf = a.out, a.format.JSON, a.deskFormat(), a.warnf
	o.Env = a.reportEnv
	o.Default = func() string {
		if cfg, err := a.config(); err == nil && cfg.Mail.Lang != "" {
			return cfg.Mail.Lang
		}
		return "en"
	}
}

func addReportFlags(cmd *cobra.Command, o *ReportOptions) {
	fl := cmd.Flags()
	fl.StringVar(&o.Format, "format", "", "html, svg, png (the main chart), md, json or csv (default: a table)")
	fl.StringVarP(&o.Output, "output", "o", "", "write to `FILE` (atomically: whole or not at all) instead of standard output")
	fl.StringVar(&o.Lang, "lang", "", "ru or en (default: mail.lang, else en)")
}

var reportFormats = []string{"html", "svg", "png", "md", "json", "csv"}

// check validates the shared flags before any work.
func (o *ReportOptions) check() error {
	if o.Format != "" && !containsStr(reportFormats, o.Format) {
		return usagef("--format %q: use html, svg, png, md, json or csv", o.Format)
	}
	if o.JSON && o.Format != "" && o.Format != "json" {
		return usagef("--json and --format %s cannot be used together", o.Format)
	}
	if o.JSON {
		o.Format = "json"
	}
	if o.Print.Template != "" && o.Format != "" {
		return usagef("--template and --format cannot be used together")
	}
	if o.Lang != "" && o.Lang != "ru" && o.Lang != "en" {
		return usagef("--lang %q: use ru or en", o.Lang)
	}
	if (o.Format == "png") && o.Output == "" {
		if f, ok := o.Out.(interface{ Fd() uintptr }); ok && isTerminal(f.Fd()) {
			return usagef("--format png writes an image: give -o FILE or redirect standard output")
		}
	}
	return nil
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

const reportMemoryLimit = 128 << 20

// reportEnv opens the store and reads the policy, calendar and clock as the
// ticket commands do.
func (a *app) reportEnv() (*report.Env, error) {
	// A report holds one listing of the store: with main's GOGC=400 the
	// heap would grow far past it. A soft ceiling keeps a 100,000-request
	// report within its memory target; GOMEMLIMIT, when set, decides.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(reportMemoryLimit)
	}
	svc, err := a.service()
	if err != nil {
		return nil, err
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	return &report.Env{Store: svc.Store, Calendar: svc.Calendar, Policy: svc.Policy,
		WorkingHours: cfg.Support.WorkingHours, Now: svc.Now()}, nil
}

// reportTable is a report on the terminal: its figures, one per line.
type reportTable struct {
	rep  report.Report
	lang string
	loc  *time.Location
}

func (t reportTable) MarshalJSON() ([]byte, error) { return jsonOf(t.rep) }

func (t reportTable) Table() output.Table {
	return output.Table{Header: []string{"WHAT", "VALUE"}, Rows: report.Lines(t.rep, t.lang, t.loc)}
}

// write renders rep as asked and writes it to -o FILE or standard output.
func (o *ReportOptions) write(rep report.Report, loc *time.Location) error {
	lang := cmp.Or(o.Lang, o.Default())
	var data []byte
	var err error
	switch o.Format {
	case "":
		if o.Output == "" {
			return o.Print.Print(o.Out, reportTable{rep, lang, loc})
		}
		data = []byte(strings.Join(linesOf(rep, lang, loc), "\n") + "\n")
	case "json":
		var b strings.Builder
		err = o.Print.WriteJSON(&b, rep)
		data = []byte(b.String())
	case "md":
		data = report.Markdown(rep, lang, loc)
	case "csv":
		data, err = report.CSV(rep, loc)
	case "html":
		data, err = report.HTML(rep, lang, loc)
	case "svg", "png":
		data, err = report.Chart(rep, o.Format, lang, loc)
	}
	if err != nil {
		return err
	}
	if o.Output != "" {
		return atomicfile.Write(o.Output, data, 0o644)
	}
	_, err = o.Out.Write(data)
	return err
}

func linesOf(rep report.Report, lang string, loc *time.Location) []string {
	var out []string
	for _, row := range report.Lines(rep, lang, loc) {
		out = append(out, output.Line(strings.Join(row, ": ")))
	}
	return out
}

// --- sla ---

type ReportSLAOptions struct {
	ReportOptions
	From, To string
	Customer string
	By       string
}

func NewCmdReportSLA(a *app, runF func(*ReportSLAOptions) error) *cobra.Command {
	opts := &ReportSLAOptions{}
	cmd := &cobra.Command{
		Use:   "sla",
		Short: "Reaction SLA over a period: met, breached, still running; time to answer; breaches",
		Long: `Report the reaction SLA (Q12: a staff reaction by the end of the business
day after the day of the request) for the requests made from --from to --to
(both days included, in the support time zone), per week or month: met,
breached (reacted late, or not yet and past the deadline) and still running,
with the share met; the time to answer in business hours (median, 90th
percentile, distribution); how requests ended (auto-closed, confirmed,
withdrawn, disputed); and the list of breaches.

` + exitStatusHelp,
		Example: `  sustain report sla --from 2026-10-01 --to 2026-10-31
  sustain report sla --from 2026-01-01 --to 2026-12-31 --by month --format html -o sla-2026.html
  sustain report sla --from 2026-10-01 --to 2026-12-31 --customer ACME --lang ru --format png -o sla.png
  sustain report sla --from 2026-10-01 --to 2026-10-31 --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.reportOptions(&opts.ReportOptions)
			if err := opts.check(); err != nil {
				return err
			}
			if opts.From == "" || opts.To == "" {
				return usagef("give the period: --from DATE --to DATE (for example --from 2026-10-01 --to 2026-10-31)")
			}
			if opts.By != "week" && opts.By != "month" {
				return usagef("--by %q: use week or month", opts.By)
			}
			if runF != nil {
				return runF(opts)
			}
			return reportSLARun(cmd.Context(), opts)
		},
	}
	addReportFlags(cmd, &opts.ReportOptions)
	fl := cmd.Flags()
	fl.StringVar(&opts.From, "from", "", "the first day of the period (`DATE`, 2026-10-01)")
	fl.StringVar(&opts.To, "to", "", "the last day of the period (`DATE`, 2026-10-31)")
	fl.StringVar(&opts.Customer, "customer", "", "only this customer's requests (`CODE`)")
	fl.StringVar(&opts.By, "by", "week", "bars per week or month")
	return cmd
}

func parseDay(flag, s string) (bizcal.Date, error) {
	d, err := bizcal.ParseDate(s)
	if err != nil {
		return d, usagef("--%s: %v", flag, err)
	}
	if _, err := when.Check(d.In(time.UTC)); err != nil {
		return d, usagef("--%s: %v", flag, err)
	}
	return d, nil
}

func reportSLARun(ctx context.Context, opts *ReportSLAOptions) error {
	from, err := parseDay("from", opts.From)
	if err != nil {
		return err
	}
	to, err := parseDay("to", opts.To)
	if err != nil {
		return err
	}
	e, err := opts.Env()
	if err != nil {
		return err
	}
	rep, err := report.SLA(ctx, e, report.SLAOptions{From: from, To: to, Customer: opts.Customer, By: opts.By})
	if err != nil {
		return err
	}
	return opts.write(rep, e.Calendar.Location())
}

// --- queue ---

type ReportQueueOptions struct {
	ReportOptions
	At string
}

func NewCmdReportQueue(a *app, runF func(*ReportQueueOptions) error) *cobra.Command {
	opts := &ReportQueueOptions{}
	cmd := &cobra.Command{
		Use:   "queue",
		Short: "What is open: by state, priority and contract, age, holder; what breaches today and tomorrow",
		Long: `Report the open requests now (or at --at): by state, by priority split into
contract and residual customers (A4), by age in business days, who holds
what, and whose reaction deadline has passed or falls today or on the next
business day.

At a past --at the requests made by then and not closed by then are counted,
in the state their recorded times give (answered: resolved; reacted to: in
progress; else new), since the listing carries no history.

` + exitStatusHelp,
		Example: `  sustain report queue
  sustain report queue --format html -o queue.html --lang ru
  sustain report queue --at 2026-10-30T18:00 --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.reportOptions(&opts.ReportOptions)
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return reportQueueRun(cmd.Context(), opts)
		},
	}
	addReportFlags(cmd, &opts.ReportOptions)
	cmd.Flags().StringVar(&opts.At, "at", "", "the queue as at `TIME` (2026-10-30, 2026-10-30T18:00; default now)")
	return cmd
}

func reportQueueRun(ctx context.Context, opts *ReportQueueOptions) error {
	e, err := opts.Env()
	if err != nil {
		return err
	}
	var at time.Time
	if opts.At != "" {
		if at, err = when.Parse(opts.At, e.Now, e.Calendar.Location()); err != nil {
			return usagef("--at %q: %v", opts.At, err)
		}
	}
	rep, err := report.Queue(ctx, e, at)
	if err != nil {
		return err
	}
	return opts.write(rep, e.Calendar.Location())
}

// --- customer ---

type ReportCustomerOptions struct {
	ReportOptions
	Code  string
	Month string
	// FixedIn finds the release of a development task, from the
	// repository at -C (Q13).
	FixedIn func(task string) (string, bool)
}

func NewCmdReportCustomer(a *app, runF func(*ReportCustomerOptions) error) *cobra.Command {
	opts := &ReportCustomerOptions{}
	cmd := &cobra.Command{
		Use:   "customer CODE --month YYYY-MM",
		Short: "A customer's month: requests, reaction and answer times, what is open, escalations",
		Long: `Report a customer's month, the document a vendor sends a contract customer:
the requests opened and closed, the reaction and answer times against the
regulation, what is still open at the month's end, the requests escalated to
development and the releases that carry their tasks (Q13: from the
repository at -C, when there is one), and the contract's dates.

` + exitStatusHelp,
		Example: `  sustain report customer ACME --month 2026-10
  sustain report customer ACME --month 2026-10 --lang ru --format html -o acme-2026-10.html
  sustain -C ../product report customer ACME --month 2026-10 --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("give one customer code, for example: sustain report customer ACME --month 2026-10")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a.reportOptions(&opts.ReportOptions)
			if err := opts.check(); err != nil {
				return err
			}
			opts.Code = args[0]
			if opts.Month == "" {
				return usagef("give the month: --month YYYY-MM (for example --month 2026-10)")
			}
			opts.FixedIn = a.fixedIn()
			if runF != nil {
				return runF(opts)
			}
			return reportCustomerRun(cmd.Context(), opts)
		},
	}
	addReportFlags(cmd, &opts.ReportOptions)
	cmd.Flags().StringVar(&opts.Month, "month", "", "the month (`YYYY-MM`)")
	return cmd
}

func reportCustomerRun(ctx context.Context, opts *ReportCustomerOptions) error {
	e, err := opts.Env()
	if err != nil {
		return err
	}
	rep, err := report.Customer(ctx, e, report.CustomerOptions{Code: opts.Code, Month: opts.Month, FixedIn: opts.FixedIn})
	if err != nil {
		return err
	}
	return opts.write(rep, e.Calendar.Location())
}

// fixedIn maps a development task to the first release whose commits name
// it, reading the repository at -C once, on first use. Without a readable
// repository the releases are not known.
func (a *app) fixedIn() func(task string) (string, bool) {
	var once sync.Once
	var first map[string]string
	var known bool
	return func(task string) (string, bool) {
		once.Do(func() {
			first, known = a.releaseOfTasks()
		})
		if !known {
			return "", false
		}
		return first[strings.ToUpper(task)], true
	}
}

func (a *app) releaseOfTasks() (map[string]string, bool) {
	v, err := a.versioner()
	if err != nil {
		if a.verbose {
			a.warnf("the releases of escalated tasks are not known: %v", err)
		}
		return nil, false
	}
	cfg, err := a.config()
	if err != nil {
		return nil, false
	}
	parser, err := changelog.NewParser(cfg.Changelog.KeyPattern, nil)
	if err != nil {
		a.warnf("changelog.key_pattern: %v", err)
		return nil, false
	}
	rels, err := v.Releases(a.ctx, "")
	if err != nil {
		a.warnf("the releases of escalated tasks are not known: %v", err)
		return nil, false
	}
	first := map[string]string{}
	// Newest first: the older release overwrites, so the first one wins.
	for _, rel := range rels {
		rg, err := v.Range(a.ctx, release.RangeOptions{To: rel.Tag})
		if err != nil {
			a.warnf("release %s: %v", rel.Version, err)
			continue
		}
		for _, key := range changelog.KeysOf(parser, rg) {
			first[strings.ToUpper(key)] = rel.Version
		}
	}
	return first, true
}

func isTerminal(fd uintptr) bool { return term.IsTerminal(int(fd)) }
