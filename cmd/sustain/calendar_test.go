package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/output"
)

func TestCalendarArguments(t *testing.T) {
	type addCase struct {
		args    []string
		n       int
		date    string
		wantErr string
	}
	for _, tc := range []addCase{
		{args: []string{"2026-01-12", "1"}, n: 1, date: "2026-01-12"},
		{args: []string{"2026-01-12", "-1"}, n: -1, date: "2026-01-12"}, // defect 12: no "--" needed
		{args: []string{"2026-01-12", "-10000"}, n: -10000, date: "2026-01-12"},
		{args: []string{"2026-01-12", "-10001"}, wantErr: "not a number of days"},
		{args: []string{"2026-01-12", "x"}, wantErr: "not a number of days"},
		{args: []string{"0001-01-01", "1"}, wantErr: "outside the calendar's range"},
		{args: []string{"2026-01-12"}, wantErr: "takes 2 argument"},
	} {
		var got *CalendarAddWorkdaysOptions
		cmd := NewCmdCalendarAddWorkdays(&app{}, func(o *CalendarAddWorkdaysOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got == nil || got.N != tc.n || got.Date.String() != tc.date {
			t.Errorf("%v: %+v, %v", tc.args, got, err)
		}
	}
	for _, tc := range []struct {
		args     []string
		from, to string
		wantErr  string
	}{
		{args: []string{"2026-01-01", "2026-01-31"}, from: "2026-01-01", to: "2026-01-31"},
		{args: []string{"2026-01-01", "2026-01-01"}, from: "2026-01-01", to: "2026-01-01"},
		{args: []string{"2026-01-31", "2026-01-01"}, wantErr: "2026-01-31 is after 2026-01-01"},
		{args: []string{"0001-01-01", "9999-12-31"}, wantErr: "0001-01-01 is outside the calendar's range, 1900-01-01 to 2200-12-31"},
		{args: []string{"2026-01-01", "2201-01-01"}, wantErr: "outside the calendar's range"},
		{args: []string{"2026-02-30", "2026-03-01"}, wantErr: "2026-02-30"},
	} {
		var got *CalendarWorkdaysOptions
		cmd := NewCmdCalendarWorkdays(&app{}, func(o *CalendarWorkdaysOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("workdays %v: %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got.From.String() != tc.from || got.To.String() != tc.to {
			t.Errorf("workdays %v: %+v, %v", tc.args, got, err)
		}
	}
	for _, tc := range []struct {
		arg     string
		year    int
		wantErr string
	}{{"2026", 2026, ""}, {"1899", 0, "not a year"}, {"x", 0, "not a year"}} {
		var got *CalendarShowOptions
		cmd := NewCmdCalendarShow(&app{}, func(o *CalendarShowOptions) error { got = o; return nil })
		cmd.SetArgs([]string{tc.arg})
		err := cmd.Execute()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("show %s: %v", tc.arg, err)
			}
		} else if err != nil || got.Year != tc.year {
			t.Errorf("show %s: %+v %v", tc.arg, got, err)
		}
	}
}

func testCalendar(warn func(string)) func() (*bizcal.Calendar, error) {
	return func() (*bizcal.Calendar, error) {
		return bizcal.New(bizcal.Russian(), time.UTC, 9*time.Hour, 18*time.Hour, warn), nil
	}
}

func TestCalendarRuns(t *testing.T) {
	var out bytes.Buffer
	deps := calendarDeps{Out: &out, Calendar: testCalendar(nil)}
	d := func(s string) bizcal.Date { v, _ := bizcal.ParseDate(s); return v }
	ctx := context.Background()
	if err := calendarWorkdaysRun(ctx, &CalendarWorkdaysOptions{calendarDeps: deps, From: d("2026-01-01"), To: d("2026-01-31")}); err != nil || out.String() != "15\n" {
		t.Errorf("workdays: %q %v", out.String(), err)
	}
	out.Reset()
	if err := calendarAddWorkdaysRun(ctx, &CalendarAddWorkdaysOptions{calendarDeps: deps, Date: d("2026-01-12"), N: -1}); err != nil || out.String() != "2025-12-30\n" {
		t.Errorf("add-workdays -1: %q %v", out.String(), err)
	}
	out.Reset()
	deps.Format = output.Format{Template: "{{range .months}}{{.month}}:{{.workdays}} {{end}}"}
	if err := calendarShowRun(ctx, &CalendarShowOptions{calendarDeps: deps, Year: 2025}); err != nil || !strings.HasPrefix(out.String(), "2025-01:17 ") || !strings.Contains(out.String(), "2025-11:19 ") {
		t.Errorf("show: %q %v", out.String(), err)
	}
}

// Defect 12, end to end: negative N without "--" and with a flag after it;
// three centuries warn in two lines, not one per year.
func TestCalendarFromTheCommandLine(t *testing.T) {
	sustain := sandbox(t)
	if code, out, errs := sustain("", "calendar", "add-workdays", "2026-01-12", "-1", "--json"); code != 0 || !strings.Contains(out, `"result": "2025-12-30"`) {
		t.Errorf("add-workdays D -1 --json: exit %d %q %q", code, out, errs)
	}
	code, out, errs := sustain("", "calendar", "workdays", "1900-01-01", "2200-12-31")
	if code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("exit %d: %q", code, errs)
	}
	if n := strings.Count(errs, "warning"); n != 2 || !strings.Contains(errs, "no data for 1900") || !strings.Contains(errs, "for 293 more year(s)") {
		t.Errorf("%d warnings:\n%s", n, errs)
	}
	if code, _, errs := sustain("", "calendar", "workdays", "0001-01-01", "9999-12-31"); code != exitUsage || strings.Count(errs, "warning") != 0 {
		t.Errorf("0001..9999: exit %d, %q", code, errs)
	}
	if code, _, errs := sustain("", "calendar", "workdays", "2026-02-01", "2026-01-01"); code != exitUsage || !strings.Contains(errs, "is after") {
		t.Errorf("reversed: exit %d, %q", code, errs)
	}
}

// Defect 12: a template that fails while running is the user's mistake,
// exit 2; and --now outside 1970-2200 is refused (exit 2), not stored wrong.
func TestUsageExits(t *testing.T) {
	sustain := sandbox(t)
	if code, _, errs := sustain("", "version", "--template", "{{index .nope 3}}"); code != exitUsage || !strings.Contains(errs, "--template failed") {
		t.Errorf("template: exit %d %q", code, errs)
	}
	for _, now := range []string{"1600-06-01", "9999-12-31T23:59", "1969-12-31"} {
		if code, _, errs := sustain("", "--now", now, "ticket", "list"); code != exitUsage || !strings.Contains(errs, "outside the years 1970-2200") {
			t.Errorf("--now %s: exit %d %q", now, code, errs)
		}
	}
	// Also where the command does not read the clock.
	if code, _, errs := sustain("", "--now", "1600-06-01", "calendar", "workdays", "2026-01-01", "2026-01-31"); code != exitUsage || !strings.Contains(errs, "outside the years") {
		t.Errorf("--now 1600 calendar: exit %d %q", code, errs)
	}
}

// Ctrl-C: a cancelled context makes the run stop with exit 130.
func TestInterruptedExits130(t *testing.T) {
	sandbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errs bytes.Buffer
	code := run(ctx, []string{"ticket", "list"}, strings.NewReader(""), &out, &errs)
	if code != exitInterrupted || !strings.Contains(errs.String(), "interrupted") {
		t.Errorf("exit %d, %q", code, errs.String())
	}
	// Waiting for a description on a standard input nobody writes to: Ctrl-C
	// ends the wait.
	stdin, w := io.Pipe()
	defer w.Close()
	ctx, cancel = context.WithCancel(context.Background())
	codec := make(chan int, 1)
	go func() {
		codec <- run(ctx, []string{"ticket", "open", "--customer", "ACME", "--channel", "phone", "--subject", "x"}, stdin, io.Discard, io.Discard)
	}()
	cancel()
	if code := <-codec; code != exitInterrupted {
		t.Errorf("blocked on standard input: exit %d", code)
	}
}
