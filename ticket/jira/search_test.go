package jira

import (
	"testing"
)

func TestJQLString(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:         `"plain"`,
		`a"b`:           `"a\"b"`,
		`back\slash`:    `"back\\slash"`,
		`\" OR key = 1`: `"\\\" OR key = 1"`,
	} {
		if got := jqlString(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

// Hostile text reaches Jira as words inside one JQL string: the search
// stays in the project and finds what has the words.
func TestSearchHostileText(t *testing.T) {
	s, _ := newStore(t)
	r, err := s.CreateRequest(ctx, "SUP", request(), nil, openEvent())
	if err != nil {
		t.Fatal(err)
	}
	for query, found := range map[string]int{
		`login`:                                  1,
		`LOGIN" OR project = SUP OR text ~ "x`:   0,
		`"login\" AND page\\`:                    1,
		`login) ORDER BY key -- \u0000`:          0,
		`page AND NOT login OR issuetype = Task`: 0,
		`answers 500`:                            1,
	} {
		rs, err := s.SearchRequests(ctx, query, 0)
		if err != nil {
			t.Errorf("%q: %v", query, err)
			continue
		}
		if len(rs) != found || (found == 1 && rs[0].ID != r.ID) {
			t.Errorf("%q: %d found, want %d", query, len(rs), found)
		}
	}
}
