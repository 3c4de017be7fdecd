package ticket

import (
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
)

// The times sustain keeps. Wider than any support request needs, narrower
// than every store's encoding, so a mistyped year is refused instead of
// being stored as some other year.
var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2201, 1, 1, 0, 0, 0, 0, time.UTC) // exclusive: all of 2200-12-31 is in
)

// TimeRange is the range CheckTime accepts, for messages.
const TimeRange = "1970-01-01 to 2200-12-31 UTC"

// CheckTime refuses a time outside 1970-01-01..2200-12-31 as a usage error.
func CheckTime(t time.Time) error {
	if t.Before(minTime) || !t.Before(maxTime) {
		return problem.New(problem.Usage, "use a time from "+TimeRange,
			"%s is outside the times sustain keeps (%s)", t.Format(time.RFC3339), TimeRange)
	}
	return nil
}
