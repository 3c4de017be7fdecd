package bizcal

import "time"

// MonthStats is a month of the calendar at a glance: what `calendar show`
// prints, one row a month.
type MonthStats struct {
	Year            int
	Month           time.Month
	Workdays        int
	WorkingTime     time.Duration
	DaysOff         []Date // Monday–Friday dates that are not working days
	WorkingWeekends []Date // Saturdays and Sundays that are
	ShortDays       []Date // working days an hour shorter
}

// Month counts the working days and hours of a month and lists the days
// that differ from the plain Monday–Friday week.
func (c *Calendar) Month(year int, m time.Month) MonthStats {
	s := MonthStats{Year: year, Month: m, DaysOff: []Date{}, WorkingWeekends: []Date{}, ShortDays: []Date{}}
	for d := (Date{Year: year, Month: m, Day: 1}); d.Month == m; d = d.AddDays(1) {
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		start, end, ok := c.Hours(d)
		switch {
		case ok:
			s.Workdays++
			s.WorkingTime += end.Sub(start)
			if weekend {
				s.WorkingWeekends = append(s.WorkingWeekends, d)
			}
			if end.Sub(start) < c.FullDay() {
				s.ShortDays = append(s.ShortDays, d)
			}
		case !weekend:
			s.DaysOff = append(s.DaysOff, d)
		}
	}
	return s
}
