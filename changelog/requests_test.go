package changelog

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestJoinRequests(t *testing.T) {
	found := []Request{
		{ID: "SUP-3", Customer: "ACME", Tasks: []string{"SRV-1", "SRV-9"}},
		{ID: "SUP-1", Customer: "BETA", Tasks: []string{"SRV-2"}},
		{ID: "SUP-3", Customer: "ACME", Tasks: []string{"SRV-1", "SRV-9"}}, // found again through SRV-9
		{ID: "SUP-2", Customer: "ACME", Tasks: []string{"OPS-1"}},          // not in the release
		{ID: "SUP-4", Tasks: []string{"SRV-2", "SRV-2"}},
	}
	got := JoinRequests([]string{"SRV-1", "SRV-2"}, found)
	want := []Request{
		{ID: "SUP-1", Customer: "BETA", Tasks: []string{"SRV-2"}},
		{ID: "SUP-3", Customer: "ACME", Tasks: []string{"SRV-1"}},
		{ID: "SUP-4", Tasks: []string{"SRV-2"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestResolvedRequests(t *testing.T) {
	calls := 0
	src := func(_ context.Context, tasks []string) ([]Request, error) {
		calls++
		return []Request{{ID: "SUP-1", Tasks: tasks}}, nil
	}
	if got, err := ResolvedRequests(context.Background(), nil, src); got != nil || err != nil || calls != 0 {
		t.Errorf("no keys: %v %v, %d calls", got, err, calls)
	}
	if got, err := ResolvedRequests(context.Background(), []string{"SRV-1"}, src); err != nil || len(got) != 1 {
		t.Errorf("%v %v", got, err)
	}
	boom := errors.New("store down")
	if _, err := ResolvedRequests(context.Background(), []string{"SRV-1"}, func(context.Context, []string) ([]Request, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("error lost: %v", err)
	}
}
