package ticket_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
	"github.com/sustain-cli/sustain/ticket"
)

func TestPhoneHours(t *testing.T) {
	p := regulationQ
	p.PhoneHours = &ticket.Hours{Start: 9 * time.Hour, End: 18 * time.Hour}
	e := newEnv(t, p)
	in := ticket.OpenInput{Customer: "ACME", Subject: "call", Description: "x", Channel: "phone"}
	for _, tc := range []struct {
		now   time.Time
		opens string // "" when taken
	}{
		{time.Date(2026, 11, 20, 9, 0, 0, 0, msk), ""},
		{time.Date(2026, 11, 20, 17, 59, 0, 0, msk), ""},
		{time.Date(2026, 11, 20, 18, 0, 0, 0, msk), "Mon 2026-11-23 09:00"},
		{time.Date(2026, 11, 21, 12, 0, 0, 0, msk), "Mon 2026-11-23 09:00"},
		{time.Date(2025, 11, 1, 12, 0, 0, 0, msk), "Wed 2025-11-05 09:00"}, // a working Saturday, then 2-4 Nov off
		{time.Date(2026, 5, 8, 23, 0, 0, 0, msk), "Tue 2026-05-12 09:00"},
	} {
		e.now = tc.now
		_, err := e.svc.Open(ctx, in)
		if tc.opens == "" {
			if err != nil {
				t.Errorf("%v: %v", tc.now, err)
			}
			continue
		}
		problemtest.Want(t, err, problem.Refused, "phone requests are taken Monday to Friday")
		if err == nil || !strings.Contains(err.Error()+problemHint(err), tc.opens) {
			t.Errorf("%v: %v, want the line to open %s", tc.now, problemHint(err), tc.opens)
		}
	}
	e.now = time.Date(2026, 11, 21, 12, 0, 0, 0, msk)
	anyway := in
	anyway.OutsideHours = true
	r, err := e.svc.Open(ctx, anyway)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := e.svc.Show(ctx, r.ID)
	if d := v.History[0].Detail; d != "phone, "+ticket.OutsideHoursNote {
		t.Errorf("history detail %q", d)
	}
}

func problemHint(err error) string {
	if pe, ok := err.(*problem.Error); ok {
		return pe.Hint
	}
	return ""
}

// The request form requires a description (Q9, A7).
func TestDescriptionRequired(t *testing.T) {
	e := newEnv(t, regulationQ)
	for _, d := range []string{"", " \n\t "} {
		_, err := e.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: "x", Description: d, Channel: "phone"})
		problemtest.Want(t, err, problem.Usage, "a request needs a description of the problem (Q9, A7")
	}
	if rs, _ := e.svc.List(ctx, ticket.Filter{}, false); len(rs) != 0 {
		t.Errorf("a refused request was stored: %d", len(rs))
	}
}
