package bizcal

import (
	"testing"
	"time"
)

func TestMonth(t *testing.T) {
	c := New(Russian(), time.UTC, 9*time.Hour, 18*time.Hour, nil)
	nov := c.Month(2025, time.November)
	// 1 November 2025 is a working Saturday an hour short; 3 and 4 are off.
	if nov.Workdays != 19 || nov.WorkingTime != 19*9*time.Hour-time.Hour {
		t.Errorf("November 2025: %d days, %v", nov.Workdays, nov.WorkingTime)
	}
	if len(nov.WorkingWeekends) != 1 || nov.WorkingWeekends[0].String() != "2025-11-01" {
		t.Errorf("working weekends %v", nov.WorkingWeekends)
	}
	if len(nov.DaysOff) != 2 || nov.DaysOff[0].String() != "2025-11-03" || nov.DaysOff[1].String() != "2025-11-04" {
		t.Errorf("days off %v", nov.DaysOff)
	}
	if len(nov.ShortDays) != 1 || nov.ShortDays[0].String() != "2025-11-01" {
		t.Errorf("short days %v", nov.ShortDays)
	}
	if jan := c.Month(2026, time.January); jan.Workdays != 15 {
		t.Errorf("January 2026: %d working days, want 15", jan.Workdays)
	}
}
