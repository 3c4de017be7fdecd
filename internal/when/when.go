// Package when reads the times users write on the command line (--now,
// --since): one parser, so every flag accepts the same forms.
package when

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The range of times sustain accepts. Outside it a time is a typing mistake
// (0026 for 2026), and far outside it Go's nanosecond arithmetic overflows.
var (
	Min = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	Max = time.Date(2200, 12, 31, 23, 59, 59, 0, time.UTC)
)

// Forms is what the parser accepts, for messages.
const Forms = "a date (2027-01-15), a time (2027-01-15T10:30, 2027-01-15 10:30, RFC 3339 2027-01-15T10:30:00+03:00) or a duration back from now (72h, 3d)"

var layouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// Parse reads s as a date or time in loc (unless it names its zone), or as a
// duration before now ("72h", "90m", "3d"). The result lies in [Min, Max].
func Parse(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("empty time: use %s", Forms)
	}
	if loc == nil {
		loc = time.UTC
	}
	if d, ok, err := duration(s); ok {
		if err != nil {
			return time.Time{}, err
		}
		return Check(now.Add(-d))
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return Check(t)
		}
	}
	return time.Time{}, fmt.Errorf("not a time: use %s", Forms)
}

// Check refuses times outside [Min, Max].
func Check(t time.Time) (time.Time, error) {
	if t.Before(Min) || t.After(Max) {
		return time.Time{}, fmt.Errorf("%s is outside the years %d-%d sustain works in", t.Format("2006-01-02 15:04"), Min.Year(), Max.Year())
	}
	return t, nil
}

// duration reads Go durations and whole days ("3d"); ok says s looked like
// a duration at all, so a bad one gets a duration's message.
func duration(s string) (d time.Duration, ok bool, err error) {
	if strings.ContainsAny(s, ":T ") || strings.Count(s, "-") > 1 {
		return 0, false, nil // a date or a time
	}
	if n, found := strings.CutSuffix(s, "d"); found {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, false, nil
		}
		if days < 0 || days > 100*366 {
			return 0, true, fmt.Errorf("give a number of days from 0 to %d", 100*366)
		}
		return time.Duration(days) * 24 * time.Hour, true, nil
	}
	d, err = time.ParseDuration(s)
	if err != nil {
		return 0, false, nil
	}
	if d < 0 {
		return 0, true, fmt.Errorf("a duration counts back from now and cannot be negative")
	}
	return d, true, nil
}
