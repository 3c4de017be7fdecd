package ticket

import (
	"fmt"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/problem"
)

// OutsideHoursNote marks, in the history, a phone call taken outside the
// phone hours.
const OutsideHoursNote = "taken outside the phone hours (Q10)"

// checkPhoneHours applies the phone hours (Q10) to a request by phone now:
// Monday to Friday, on business days, within the hours. Outside them it is
// refused with the next opening time, unless taken anyway; it reports
// whether the call is outside the hours.
func (s *Service) checkPhoneHours(anyway bool) (bool, error) {
	h := s.Policy.PhoneHours
	if h == nil {
		return false, nil
	}
	loc := s.Calendar.Location()
	now := s.Now().In(loc)
	day := bizcal.DateOf(now)
	since := now.Sub(day.In(loc))
	if s.phoneDay(day) && since >= h.Start && since < h.End {
		return false, nil
	}
	if anyway {
		return true, nil
	}
	opens := s.nextPhoneOpening(day, since)
	return false, problem.New(problem.Refused,
		fmt.Sprintf("the line opens %s; to record a call taken anyway, add --outside-hours", opens.Format("Mon 2006-01-02 15:04 -07:00")),
		"phone requests are taken Monday to Friday %s on business days (Q10, support.phone_hours): it is %s",
		hm(h.Start)+"-"+hm(h.End), now.Format("Mon 2006-01-02 15:04 -07:00"))
}

func (s *Service) phoneDay(d bizcal.Date) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && s.Calendar.IsWorkday(d)
}

// nextPhoneOpening is the next start of the phone hours after the time
// since midnight of day.
func (s *Service) nextPhoneOpening(day bizcal.Date, since time.Duration) time.Time {
	h := s.Policy.PhoneHours
	if s.phoneDay(day) && since < h.Start {
		return day.In(s.Calendar.Location()).Add(h.Start)
	}
	for i := 1; i < 400; i++ {
		if d := day.AddDays(i); s.phoneDay(d) {
			return d.In(s.Calendar.Location()).Add(h.Start)
		}
	}
	return day.AddDays(1).In(s.Calendar.Location()).Add(h.Start)
}

func hm(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
