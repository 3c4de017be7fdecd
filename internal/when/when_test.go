package when

import (
	"strings"
	"testing"
	"time"
)

var (
	msk = time.FixedZone("MSK", 3*3600)
	now = time.Date(2026, 11, 20, 10, 0, 0, 0, msk)
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
	}{
		{"2027-01-15", time.Date(2027, 1, 15, 0, 0, 0, 0, msk)},
		{"2027-01-15T15:04", time.Date(2027, 1, 15, 15, 4, 0, 0, msk)},
		{"2027-01-15 15:04", time.Date(2027, 1, 15, 15, 4, 0, 0, msk)},
		{"2027-01-15T15:04:05", time.Date(2027, 1, 15, 15, 4, 5, 0, msk)},
		{"2027-01-15T10:30:00Z", time.Date(2027, 1, 15, 10, 30, 0, 0, time.UTC)},
		{"72h", now.Add(-72 * time.Hour)},
		{"3d", now.Add(-72 * time.Hour)},
		{"0d", now},
		{" 90m ", now.Add(-90 * time.Minute)},
	}
	for _, tc := range cases {
		got, err := Parse(tc.in, now, msk)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "empty",
		"yesterday":        "not a time",
		"2027-13-01":       "not a time",
		"1600-06-01":       "outside the years 1970-2200",
		"9999-12-31T23:59": "outside the years",
		"1969-12-31":       "outside",
		"-72h":             "cannot be negative",
		"-3d":              "number of days",
		"99999999d":        "number of days",
		"2562047h":         "outside", // 292 years back
	} {
		_, err := Parse(in, now, msk)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q): %v, want an error with %q", in, err, want)
		}
	}
}

func TestEdgesOfTheRange(t *testing.T) {
	for _, in := range []string{"1970-01-01T00:00:00Z", "2200-12-31T23:59:59Z"} {
		if _, err := Parse(in, now, nil); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2027-01-15", "2027-01-15T15:04", "72h", "3d", "1600-06-01", "-1d", "9223372036854775807ns", "2027-01-15T10:30:00+14:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s, now, msk)
		if err != nil {
			return
		}
		if got.Before(Min) || got.After(Max) {
			t.Fatalf("Parse(%q) = %v, outside the range", s, got)
		}
		// What is accepted survives a round trip through UnixNano, the
		// conversion that corrupted far times before.
		if back := time.Unix(0, got.UnixNano()); !back.Equal(got) {
			t.Fatalf("Parse(%q) = %v does not survive UnixNano", s, got)
		}
	})
}
