package bizcal

import (
	"strings"
	"testing"
	"time"
)

var msk = time.FixedZone("MSK", 3*3600)

func ru(t *testing.T) (*Calendar, *[]string) {
	t.Helper()
	var warnings []string
	return New(Russian(), msk, 9*time.Hour, 18*time.Hour, func(s string) { warnings = append(warnings, s) }), &warnings
}

func date(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWorkdays(t *testing.T) {
	c, warnings := ru(t)
	cases := []struct {
		from, to string
		want     int
	}{
		{"2026-01-01", "2026-01-31", 15}, // the example: January 2026
		{"2025-11-01", "2025-11-01", 1},  // a transferred working Saturday
		{"2025-11-03", "2025-11-04", 0},  // its transferred day off, and Unity Day
		{"2025-12-31", "2025-12-31", 0},  // transferred from 2025-01-05
		{"2024-02-01", "2024-02-29", 20},
		{"2026-01-31", "2026-01-01", 0},
	}
	for _, tc := range cases {
		if got := c.Workdays(date(t, tc.from), date(t, tc.to)); got != tc.want {
			t.Errorf("Workdays(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
	if len(*warnings) != 0 {
		t.Errorf("warnings inside the data: %v", *warnings)
	}
}

func TestAddWorkdays(t *testing.T) {
	c, _ := ru(t)
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-20", 1, "2026-11-23"},  // Friday -> Monday
		{"2026-11-20", 10, "2026-12-04"}, // 10 business days after a Friday
		{"2025-12-30", 1, "2026-01-12"},  // across the New Year holidays
		{"2025-10-31", 1, "2025-11-01"},  // a Friday -> the working Saturday
		{"2025-10-31", 2, "2025-11-05"},  // skipping Sunday, the transferred Monday and Unity Day
		{"2026-01-12", -1, "2025-12-30"},
		{"2026-03-10", 0, "2026-03-10"},
	}
	for _, tc := range cases {
		if got := c.AddWorkdays(date(t, tc.from), tc.n).String(); got != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

func TestHoursAndDeadlines(t *testing.T) {
	c, _ := ru(t)
	// A shortened pre-holiday day ends at 17:00; a short working Saturday too.
	for _, d := range []string{"2025-11-01", "2020-06-11"} {
		_, end, ok := c.Hours(date(t, d))
		if !ok || end.Hour() != 17 {
			t.Errorf("Hours(%s) end = %v, %v; want 17:00", d, end, ok)
		}
	}
	if _, end, _ := c.Hours(date(t, "2024-12-28")); end.Hour() != 18 {
		t.Errorf("2024-12-28, a full working Saturday, ends at %v", end)
	}
	if _, _, ok := c.Hours(date(t, "2026-01-05")); ok {
		t.Error("2026-01-05 is a holiday")
	}
	// Reaction deadline: end of the business day after the day of the request.
	friEvening := time.Date(2026, 11, 20, 21, 30, 0, 0, msk)
	if got := c.EndOfNextWorkday(friEvening); !got.Equal(time.Date(2026, 11, 23, 18, 0, 0, 0, msk)) {
		t.Errorf("deadline after Friday evening = %v", got)
	}
	// A request at 01:00 UTC on Monday is Monday in Moscow: due Tuesday.
	if got := c.EndOfNextWorkday(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)); !got.Equal(time.Date(2026, 11, 24, 18, 0, 0, 0, msk)) {
		t.Errorf("deadline = %v", got)
	}
	// Working time: Friday 17:00 to Monday 10:30 is 1h + 1h30m.
	from := time.Date(2026, 11, 20, 17, 0, 0, 0, msk)
	to := time.Date(2026, 11, 23, 10, 30, 0, 0, msk)
	if got := c.WorkingTime(from, to); got != 150*time.Minute {
		t.Errorf("WorkingTime = %v, want 2h30m", got)
	}
	if got := c.WorkingTime(to, from); got != 0 {
		t.Errorf("backwards WorkingTime = %v", got)
	}
}

func TestOutsideTheDataWarnsOnceAndUsesFixedHolidays(t *testing.T) {
	c, warnings := ru(t)
	if c.IsWorkday(date(t, "2031-01-07")) {
		t.Error("2031-01-07 (fixed holiday) counted as a working day")
	}
	if !c.IsWorkday(date(t, "2031-01-09")) {
		t.Error("2031-01-09 (a Thursday, no fixed holiday) is not a working day")
	}
	if c.IsWorkday(date(t, "2031-01-11")) {
		t.Error("a Saturday outside the data is a working day")
	}
	if len(*warnings) != 1 || !strings.Contains((*warnings)[0], "2031") {
		t.Errorf("warnings = %v, want one naming 2031", *warnings)
	}
}

func TestUserCalendarOverridesItsYears(t *testing.T) {
	user, err := Parse(strings.NewReader("# our own\n2026-03-10 off Company day\n*-12-24 off Christmas Eve\n"), "user.txt")
	if err != nil {
		t.Fatal(err)
	}
	c := New(Russian().Merge(user), msk, 9*time.Hour, 18*time.Hour, nil)
	if c.IsWorkday(date(t, "2026-03-10")) {
		t.Error("the user's day off is a working day")
	}
	// 2026 now comes from the user file alone: the Russian holidays of 2026 are gone.
	if !c.IsWorkday(date(t, "2026-01-05")) {
		t.Error("the user file covers 2026, yet the embedded 2026 holidays still apply")
	}
	if c.IsWorkday(date(t, "2040-12-24")) {
		t.Error("the user's fixed holiday is ignored outside the data")
	}
	for _, bad := range []string{"2026-13-01 off", "2026-01-01 holiday", "2026-01-01", "*-01-01 work"} {
		if _, err := Parse(strings.NewReader(bad), "bad.txt"); err == nil || !strings.Contains(err.Error(), "bad.txt:1") {
			t.Errorf("Parse(%q) err = %v, want one naming bad.txt:1", bad, err)
		}
	}
}

func TestParseHours(t *testing.T) {
	s, e, err := ParseHours("09:00-18:00")
	if err != nil || s != 9*time.Hour || e != 18*time.Hour {
		t.Errorf("ParseHours = %v %v %v", s, e, err)
	}
	for _, bad := range []string{"9-18", "18:00-09:00", "09:00-09:30", ""} {
		if _, _, err := ParseHours(bad); err == nil {
			t.Errorf("ParseHours(%q) accepted", bad)
		}
	}
}
