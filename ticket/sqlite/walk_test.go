package sqlite

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/ticket"
)

// EachRequest gives what Requests gives, in the same order, for every sort,
// with assignees and tasks; CountRequests counts them; fn's error stops it.
func TestEachRequestIsRequestsStreamed(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	seed(t, s)
	for i, subject := range []string{"one", "two", "three", "four", "five"} {
		r := newRequest(subject)
		r.CreatedAt = r.CreatedAt.Add(time.Duration(i) * time.Hour)
		r.UpdatedAt = r.CreatedAt
		if _, err := s.CreateRequest(ctx, "SUP", r, nil, ticket.Event{At: evAt, Actor: "x", Action: "open", To: ticket.StatusNew}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.UpdateRequests(ctx, []string{"SUP-2", "SUP-4"}, func(r *ticket.Request) (*ticket.Event, error) {
		r.Assignees = []string{"zoe", "anna"}
		r.Tasks = []string{"SRV-2", "SRV-1"}
		r.UpdatedAt = evAt.Add(time.Duration(r.Number) * 24 * time.Hour)
		return &ticket.Event{At: evAt, Actor: "anna", Action: "assign"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []ticket.Filter{{}, {Sort: ticket.SortNewest}, {Sort: ticket.SortUpdated}, {Queue: true},
		{Sort: ticket.SortNewest, Limit: 2}, {Assignee: "anna"}, {Task: "srv-1", Sort: ticket.SortNewest}} {
		want, err := s.Requests(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []*ticket.Request
		if err := s.EachRequest(ctx, f, func(r *ticket.Request) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: walked\n%v\nlisted\n%v", f, ids(got), ids(want))
			for i := range min(len(got), len(want)) {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("%s walked %+v, listed %+v", got[i].ID, got[i], want[i])
				}
			}
		}
		f.Limit = 0
		all, _ := s.Requests(ctx, f)
		if n, err := s.CountRequests(ctx, f); err != nil || n != len(all) {
			t.Errorf("%+v: count %d, %v; want %d", f, n, err, len(all))
		}
	}
	// Since and Until bound the creation time as Filter.Match does: the
	// second and third of five requests made an hour apart.
	all, _ := s.Requests(ctx, ticket.Filter{})
	window := ticket.Filter{Since: all[1].CreatedAt, Until: all[3].CreatedAt}
	inWindow, err := s.Requests(ctx, window)
	if err != nil || !reflect.DeepEqual(ids(inWindow), []string{"SUP-2", "SUP-3"}) {
		t.Errorf("since %s until %s: %v, %v", window.Since, window.Until, ids(inWindow), err)
	}
	for _, r := range all {
		if in := slices.Contains(ids(inWindow), r.ID); window.Match(r) != in {
			t.Errorf("%s: Match says %v, the store %v", r.ID, !in, in)
		}
	}
	newest, _ := s.Requests(ctx, ticket.Filter{Sort: ticket.SortUpdated})
	if ids(newest)[0] != "SUP-4" || ids(newest)[1] != "SUP-2" {
		t.Errorf("--sort updated: %v", ids(newest))
	}
	stop := errors.New("stop")
	n := 0
	if err := s.EachRequest(ctx, ticket.Filter{}, func(*ticket.Request) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("stopped walk: %v after %d", err, n)
	}
}

func ids(rs []*ticket.Request) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}
