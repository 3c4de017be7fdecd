package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/output"
)

func newCalendarCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "calendar",
		Short: "Business days of the production calendar, for scripts",
		Long: `Business days as the ticket commands count them: the embedded Russian
production calendar (public holidays, transferred days off, transferred
working Saturdays; 2020-2026), plus support.calendar if set. Outside the
data: Monday-Friday with fixed-date holidays, and a warning. Dates run from
1900-01-01 to 2200-12-31.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(NewCmdCalendarWorkdays(a, nil), NewCmdCalendarAddWorkdays(a, nil), NewCmdCalendarShow(a, nil))
	addLangFlag(a, cmd)
	return cmd
}

// calendarDeps is what every calendar command needs.
type calendarDeps struct {
	Out      io.Writer
	Format   output.Format
	Calendar func() (*bizcal.Calendar, error)
}

func (a *app) calendarDeps() calendarDeps {
	return calendarDeps{Out: a.out, Format: a.deskFormat(), Calendar: a.calendar}
}

// The dates the calendar commands take: wide enough for any contract,
// narrow enough that a mistyped year (0001, 9999) is caught, not counted
// day by day.
var (
	firstDate = bizcal.Date{Year: 1900, Month: time.January, Day: 1}
	lastDate  = bizcal.Date{Year: 2200, Month: time.December, Day: 31}
)

func parseCalendarDate(s string) (bizcal.Date, error) {
	d, err := bizcal.ParseDate(s)
	if err != nil {
		return bizcal.Date{}, usagef("%v", err)
	}
	if d.Before(firstDate) || lastDate.Before(d) {
		return bizcal.Date{}, usagef("%s is outside the calendar's range, %s to %s", d, firstDate, lastDate)
	}
	return d, nil
}

// --- workdays ---

type CalendarWorkdaysOptions struct {
	calendarDeps
	From, To bizcal.Date
}

type workdaysView struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Workdays int    `json:"workdays"`
}

func (v workdaysView) Table() output.Table {
	return output.Table{Rows: [][]string{{strconv.Itoa(v.Workdays)}}}
}

func NewCmdCalendarWorkdays(a *app, runF func(*CalendarWorkdaysOptions) error) *cobra.Command {
	opts := &CalendarWorkdaysOptions{}
	return &cobra.Command{
		Use:     "workdays FROM TO",
		Short:   "Count the working days from FROM to TO, both included",
		Long:    "Count the working days from FROM to TO, both included. FROM after TO is a usage error.\n\n" + exitStatusHelp,
		Example: "  sustain calendar workdays 2026-01-01 2026-01-31   # 15",
		Args:    exactArgs(2, "two dates, YYYY-MM-DD"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.calendarDeps = a.calendarDeps()
			var err error
			if opts.From, err = parseCalendarDate(args[0]); err != nil {
				return err
			}
			if opts.To, err = parseCalendarDate(args[1]); err != nil {
				return err
			}
			if opts.To.Before(opts.From) {
				return usagef("%s is after %s: give the earlier date first", opts.From, opts.To)
			}
			if runF != nil {
				return runF(opts)
			}
			return calendarWorkdaysRun(cmd.Context(), opts)
		},
	}
}

func calendarWorkdaysRun(_ context.Context, opts *CalendarWorkdaysOptions) error {
	cal, err := opts.Calendar()
	if err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, workdaysView{opts.From.String(), opts.To.String(), cal.Workdays(opts.From, opts.To)})
}

// --- add-workdays ---

type CalendarAddWorkdaysOptions struct {
	calendarDeps
	Date bizcal.Date
	N    int
}

type addWorkdaysView struct {
	Date   string `json:"date"`
	N      int    `json:"n"`
	Result string `json:"result"`
}

func (v addWorkdaysView) Table() output.Table { return output.Table{Rows: [][]string{{v.Result}}} }

// maxAddWorkdays bounds N: forty years of working days, far past any
// deadline, and short of the calendar's range.
const maxAddWorkdays = 10000

func NewCmdCalendarAddWorkdays(a *app, runF func(*CalendarAddWorkdaysOptions) error) *cobra.Command {
	opts := &CalendarAddWorkdaysOptions{}
	cmd := &cobra.Command{
		Use:   "add-workdays DATE N",
		Short: "The date N working days after DATE (before it when N is negative)",
		Long: `Print the N-th working day after DATE; DATE itself is not counted. A
negative N counts back and needs no "--": add-workdays 2026-01-12 -1.

` + exitStatusHelp,
		Example: `  sustain calendar add-workdays 2025-12-30 1    # 2026-01-12, after the New Year holidays
  sustain calendar add-workdays 2026-11-20 10   # the 10th business day after a Friday
  sustain calendar add-workdays 2026-01-12 -1   # 2025-12-30`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Flag parsing stops at DATE (SetInterspersed below), so -1 is N
			// and not an unknown shorthand; flags after N are parsed here.
			if len(args) > 2 {
				if err := cmd.Flags().Parse(args[2:]); err != nil {
					return &usageError{err: err}
				}
				args = append(args[:2:2], cmd.Flags().Args()...)
				if err := a.format.Validate(); err != nil {
					return &usageError{err: err}
				}
			}
			if err := exactArgs(2, "a date and a number")(cmd, args); err != nil {
				return err
			}
			opts.calendarDeps = a.calendarDeps()
			var err error
			if opts.Date, err = parseCalendarDate(args[0]); err != nil {
				return err
			}
			opts.N, err = strconv.Atoi(args[1])
			if err != nil || opts.N > maxAddWorkdays || opts.N < -maxAddWorkdays {
				return usagef("%q is not a number of days from -%d to %d", args[1], maxAddWorkdays, maxAddWorkdays)
			}
			if runF != nil {
				return runF(opts)
			}
			return calendarAddWorkdaysRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func calendarAddWorkdaysRun(_ context.Context, opts *CalendarAddWorkdaysOptions) error {
	cal, err := opts.Calendar()
	if err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, addWorkdaysView{opts.Date.String(), opts.N, cal.AddWorkdays(opts.Date, opts.N).String()})
}

// --- show ---

type CalendarShowOptions struct {
	calendarDeps
	Year int
}

type monthView struct {
	Month           string   `json:"month"`
	Workdays        int      `json:"workdays"`
	WorkingHours    float64  `json:"working_hours"`
	DaysOff         []string `json:"days_off"`         // Monday-Friday dates that are not working days
	WorkingWeekends []string `json:"working_weekends"` // Saturdays and Sundays that are
	ShortDays       []string `json:"short_days"`       // working days one hour shorter
}

type yearView struct {
	Year     int         `json:"year"`
	Workdays int         `json:"workdays"`
	Months   []monthView `json:"months"`
}

func (v yearView) Table() output.Table {
	t := output.Table{Header: []string{"MONTH", "WORKDAYS", "HOURS", "WEEKDAYS OFF", "WORKING WEEKENDS", "SHORT DAYS"}}
	days := func(ds []string) string {
		if len(ds) == 0 {
			return "-"
		}
		out := make([]string, len(ds))
		for i, d := range ds {
			out[i] = d[8:]
		}
		return strings.Join(out, " ")
	}
	for _, m := range v.Months {
		t.Rows = append(t.Rows, []string{m.Month, strconv.Itoa(m.Workdays), strconv.FormatFloat(m.WorkingHours, 'f', -1, 64),
			days(m.DaysOff), days(m.WorkingWeekends), days(m.ShortDays)})
	}
	t.Rows = append(t.Rows, []string{"total", strconv.Itoa(v.Workdays), "", "", "", ""})
	return t
}

func NewCmdCalendarShow(a *app, runF func(*CalendarShowOptions) error) *cobra.Command {
	opts := &CalendarShowOptions{}
	return &cobra.Command{
		Use:     "show YEAR",
		Short:   "Working days, hours and deviations of each month of a year",
		Example: "  sustain calendar show 2026\n  sustain calendar show 2025 --json | jq '.months[10].working_weekends'",
		Args:    exactArgs(1, "a year"),
		RunE: func(cmd *cobra.Command, args []string) error {
			year, err := strconv.Atoi(args[0])
			if err != nil || year < firstDate.Year || year > lastDate.Year {
				return usagef("%q is not a year from %d to %d", args[0], firstDate.Year, lastDate.Year)
			}
			opts.calendarDeps = a.calendarDeps()
			opts.Year = year
			if runF != nil {
				return runF(opts)
			}
			return calendarShowRun(cmd.Context(), opts)
		},
	}
}

func calendarShowRun(_ context.Context, opts *CalendarShowOptions) error {
	cal, err := opts.Calendar()
	if err != nil {
		return err
	}
	v := yearView{Year: opts.Year}
	for m := time.January; m <= time.December; m++ {
		s := cal.Month(opts.Year, m)
		v.Months = append(v.Months, monthView{Month: fmt.Sprintf("%04d-%02d", opts.Year, m), Workdays: s.Workdays,
			WorkingHours: s.WorkingTime.Hours(), DaysOff: dateStrings(s.DaysOff),
			WorkingWeekends: dateStrings(s.WorkingWeekends), ShortDays: dateStrings(s.ShortDays)})
		v.Workdays += s.Workdays
	}
	return opts.Format.Print(opts.Out, v)
}

func dateStrings(ds []bizcal.Date) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}
