package main

import (
	"fmt"
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
data: Monday-Friday with fixed-date holidays, and a warning.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(newCalendarWorkdaysCmd(a), newCalendarAddWorkdaysCmd(a), newCalendarShowCmd(a))
	return cmd
}

type workdaysView struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Workdays int    `json:"workdays"`
}

func (v workdaysView) Table() output.Table {
	return output.Table{Rows: [][]string{{strconv.Itoa(v.Workdays)}}}
}

func twoDates(args []string) (bizcal.Date, bizcal.Date, error) {
	from, err := bizcal.ParseDate(args[0])
	if err != nil {
		return bizcal.Date{}, bizcal.Date{}, usagef("%v", err)
	}
	to, err := bizcal.ParseDate(args[1])
	if err != nil {
		return bizcal.Date{}, bizcal.Date{}, usagef("%v", err)
	}
	return from, to, nil
}

func newCalendarWorkdaysCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "workdays FROM TO",
		Short:   "Count the working days from FROM to TO, both included",
		Example: "  sustain calendar workdays 2026-01-01 2026-01-31   # 15",
		Args:    exactArgs(2, "two dates, YYYY-MM-DD"),
		RunE: func(cmd *cobra.Command, args []string) error {
			from, to, err := twoDates(args)
			if err != nil {
				return err
			}
			cal, err := a.calendar()
			if err != nil {
				return err
			}
			return a.print(workdaysView{from.String(), to.String(), cal.Workdays(from, to)})
		},
	}
}

type addWorkdaysView struct {
	Date   string `json:"date"`
	N      int    `json:"n"`
	Result string `json:"result"`
}

func (v addWorkdaysView) Table() output.Table { return output.Table{Rows: [][]string{{v.Result}}} }

func newCalendarAddWorkdaysCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "add-workdays DATE N",
		Short: "The date N working days after DATE (before it when N is negative)",
		Long:  "Print the N-th working day after DATE; DATE itself is not counted.",
		Example: `  sustain calendar add-workdays 2025-12-30 1    # 2026-01-12, after the New Year holidays
  sustain calendar add-workdays 2026-11-20 10   # the 10th business day after a Friday`,
		Args: exactArgs(2, "a date and a number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := bizcal.ParseDate(args[0])
			if err != nil {
				return usagef("%v", err)
			}
			n, err := strconv.Atoi(args[1])
			if err != nil || n > 10000 || n < -10000 {
				return usagef("%q is not a number of days", args[1])
			}
			cal, err := a.calendar()
			if err != nil {
				return err
			}
			return a.print(addWorkdaysView{d.String(), n, cal.AddWorkdays(d, n).String()})
		},
	}
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

func newCalendarShowCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "show YEAR",
		Short:   "Working days, hours and deviations of each month of a year",
		Example: "  sustain calendar show 2026\n  sustain calendar show 2025 --json | jq '.months[10].working_weekends'",
		Args:    exactArgs(1, "a year"),
		RunE: func(cmd *cobra.Command, args []string) error {
			year, err := strconv.Atoi(args[0])
			if err != nil || year < 1900 || year > 2200 {
				return usagef("%q is not a year", args[0])
			}
			cal, err := a.calendar()
			if err != nil {
				return err
			}
			v := yearView{Year: year}
			for m := time.January; m <= time.December; m++ {
				mv := monthView{Month: fmt.Sprintf("%04d-%02d", year, m), DaysOff: []string{}, WorkingWeekends: []string{}, ShortDays: []string{}}
				for d := (bizcal.Date{Year: year, Month: m, Day: 1}); d.Month == m; d = d.AddDays(1) {
					weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
					start, end, ok := cal.Hours(d)
					switch {
					case ok:
						mv.Workdays++
						mv.WorkingHours += end.Sub(start).Hours()
						if weekend {
							mv.WorkingWeekends = append(mv.WorkingWeekends, d.String())
						}
						if end.Sub(start) < cal.FullDay() {
							mv.ShortDays = append(mv.ShortDays, d.String())
						}
					case !weekend:
						mv.DaysOff = append(mv.DaysOff, d.String())
					}
				}
				v.Workdays += mv.Workdays
				v.Months = append(v.Months, mv)
			}
			return a.print(v)
		},
	}
}
