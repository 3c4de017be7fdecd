// Package bizcal answers business-day questions: is a date a working day,
// how many working days lie between two dates, which date is N working days
// later, when a business day ends, and how many working hours are left until
// a deadline. Business days follow a production calendar — the official
// Russian one is embedded — and working hours in a time zone.
package bizcal

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

//go:embed calendars/ru.txt
var russian string

// Date is a calendar date without a time or a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date: use YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf is the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// In is midnight starting d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays moves d by n calendar days.
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err == nil {
		*d = v
	}
	return err
}

// Weekday of d.
func (d Date) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// Before reports whether d comes before o.
func (d Date) Before(o Date) bool { return d.In(time.UTC).Before(o.In(time.UTC)) }

// Kind is what a calendar line says of a date.
type Kind int

const (
	Off       Kind = iota + 1 // not a working day
	Work                      // a full working day (a transferred working Saturday)
	WorkShort                 // a working weekend day, one hour shorter
	Short                     // a working weekday, one hour shorter (a holiday's eve)
)

var kinds = map[string]Kind{"off": Off, "work": Work, "work-short": WorkShort, "short": Short}

// Data is a parsed calendar file: deviations from the Monday–Friday week for
// the years it covers, and fixed-date holidays for the years it does not.
type Data struct {
	days  map[Date]Kind
	fixed map[[2]int]bool // month, day
	years map[int]bool
}

// Parse reads a calendar file. Lines are `DATE KIND [note]` with DATE as
// YYYY-MM-DD (a deviation in a covered year) or *-MM-DD (a fixed-date
// holiday), KIND one of off, work, work-short, short; # starts a comment.
func Parse(r io.Reader, name string) (*Data, error) {
	d := &Data{days: map[Date]Kind{}, fixed: map[[2]int]bool{}, years: map[int]bool{}}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) < 2 {
			return nil, fmt.Errorf("%s:%d: want DATE KIND, got %q", name, line, text)
		}
		kind, ok := kinds[f[1]]
		if !ok {
			return nil, fmt.Errorf("%s:%d: unknown kind %q (use off, work, work-short or short)", name, line, f[1])
		}
		if rest, ok := strings.CutPrefix(f[0], "*-"); ok {
			var m, day int
			if _, err := fmt.Sscanf(rest, "%02d-%02d", &m, &day); err != nil || kind != Off || m < 1 || m > 12 || day < 1 || day > 31 {
				return nil, fmt.Errorf("%s:%d: a fixed-date line is *-MM-DD off", name, line)
			}
			d.fixed[[2]int{m, day}] = true
			continue
		}
		date, err := ParseDate(f[0])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		d.days[date] = kind
		d.years[date.Year] = true
	}
	return d, sc.Err()
}

// Russian is the embedded Russian production calendar.
func Russian() *Data {
	d, err := Parse(strings.NewReader(russian), "embedded Russian calendar")
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return d
}

// LoadFile reads a user calendar file.
func LoadFile(path string) (*Data, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Merge lays over on top of d: its years replace d's, its fixed holidays add.
func (d *Data) Merge(over *Data) *Data {
	out := &Data{days: map[Date]Kind{}, fixed: map[[2]int]bool{}, years: map[int]bool{}}
	for k, v := range d.days {
		if !over.years[k.Year] {
			out.days[k] = v
		}
	}
	for k, v := range over.days {
		out.days[k] = v
	}
	for _, m := range []map[int]bool{d.years, over.years} {
		for y := range m {
			out.years[y] = true
		}
	}
	for _, m := range []map[[2]int]bool{d.fixed, over.fixed} {
		for k := range m {
			out.fixed[k] = true
		}
	}
	return out
}

// Calendar is a production calendar with working hours in a time zone.
type Calendar struct {
	data       *Data
	loc        *time.Location
	start, end time.Duration // working hours, from midnight
	warn       func(string)

	mu     sync.Mutex
	warned map[int]bool
}

// New makes a calendar. warn, if not nil, hears once per year that a date
// falls outside the data.
func New(data *Data, loc *time.Location, start, end time.Duration, warn func(string)) *Calendar {
	return &Calendar{data: data, loc: loc, start: start, end: end, warn: warn, warned: map[int]bool{}}
}

// ParseHours reads working hours such as "09:00-18:00".
func ParseHours(s string) (start, end time.Duration, err error) {
	a, b, ok := strings.Cut(s, "-")
	parse := func(v string) (time.Duration, error) {
		t, err := time.Parse("15:04", strings.TrimSpace(v))
		if err != nil {
			return 0, err
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
	}
	if ok {
		if start, err = parse(a); err == nil {
			end, err = parse(b)
		}
	}
	if !ok || err != nil || end <= start+time.Hour {
		return 0, 0, fmt.Errorf("%q is not working hours: use HH:MM-HH:MM, e.g. 09:00-18:00", s)
	}
	return start, end, nil
}

// FullDay is the length of an ordinary working day.
func (c *Calendar) FullDay() time.Duration { return c.end - c.start }

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

func (c *Calendar) kind(d Date) (Kind, bool) {
	if c.data.years[d.Year] {
		k, ok := c.data.days[d]
		return k, ok
	}
	c.mu.Lock()
	if !c.warned[d.Year] && c.warn != nil {
		c.warned[d.Year] = true
		c.warn(fmt.Sprintf("the production calendar has no data for %d: using Monday-Friday with fixed-date holidays", d.Year))
	}
	c.mu.Unlock()
	if c.data.fixed[[2]int{int(d.Month), d.Day}] {
		return Off, true
	}
	return 0, false
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	if k, ok := c.kind(d); ok {
		return k != Off
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Hours are the working hours of d; ok is false on a day off. A shortened
// day ends an hour early.
func (c *Calendar) Hours(d Date) (start, end time.Time, ok bool) {
	if !c.IsWorkday(d) {
		return time.Time{}, time.Time{}, false
	}
	midnight := d.In(c.loc)
	endOff := c.end
	if k, _ := c.kind(d); k == Short || k == WorkShort {
		endOff -= time.Hour
	}
	return midnight.Add(c.start), midnight.Add(endOff), true
}

// Workdays counts the working days from from to to, both included; zero
// when to is before from.
func (c *Calendar) Workdays(from, to Date) int {
	n := 0
	for d := from; !to.Before(d); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// AddWorkdays is the n-th working day after d (before d when n < 0); d itself
// is not counted. With n == 0 it is d.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// EndOfNextWorkday is when the business day after t's date ends: the
// reaction deadline of a request made at t (Q12).
func (c *Calendar) EndOfNextWorkday(t time.Time) time.Time {
	next := c.AddWorkdays(DateOf(t.In(c.loc)), 1)
	_, end, _ := c.Hours(next)
	return end
}

// WorkingTime is the working time between from and to (zero when to is not
// after from), counting only working hours of working days.
func (c *Calendar) WorkingTime(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	var total time.Duration
	for d := DateOf(from.In(c.loc)); !DateOf(to.In(c.loc)).Before(d); d = d.AddDays(1) {
		start, end, ok := c.Hours(d)
		if !ok {
			continue
		}
		if start.Before(from) {
			start = from
		}
		if end.After(to) {
			end = to
		}
		if end.After(start) {
			total += end.Sub(start)
		}
	}
	return total
}

// WithHours is the same calendar with other working hours.
func (c *Calendar) WithHours(start, end time.Duration) *Calendar {
	return New(c.data, c.loc, start, end, c.warn)
}

// WorkingHours are the calendar's working hours as HH:MM-HH:MM.
func (c *Calendar) WorkingHours() string {
	hm := func(d time.Duration) string {
		return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return hm(c.start) + "-" + hm(c.end)
}
