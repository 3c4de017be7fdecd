package ticket

import (
	"context"
	"strings"
	"unicode"

	"github.com/sustain-cli/sustain/internal/problem"
)

// Searcher is a store that searches requests' texts: subject, description
// and messages, best match first, at most limit (0: all).
type Searcher interface {
	SearchRequests(ctx context.Context, query string, limit int) ([]*Request, error)
}

// SearchWords are the words of a search: runs of letters and digits, in
// lower case, at most 32 of them; everything else (quotes, operators,
// backslashes) separates words and is never passed on as syntax.
func SearchWords(query string) []string {
	words := strings.FieldsFunc(strings.ToLower(query), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	if len(words) > 32 {
		words = words[:32]
	}
	return words
}

// Search finds requests by their texts, best match first, with their SLA
// as read now.
func (s *Service) Search(ctx context.Context, query string, limit int) ([]View, error) {
	if len(SearchWords(query)) == 0 {
		return nil, problem.New(problem.Usage, "give words to look for, for example: sustain ticket search printer",
			"nothing to search for in %q: a search needs letters or digits", query)
	}
	if err := s.checkText("the search", query); err != nil {
		return nil, err
	}
	st, ok := s.Store.(Searcher)
	if !ok {
		return nil, problem.New(problem.Usage, "", "this store cannot search")
	}
	rs, err := st.SearchRequests(ctx, query, limit)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]View, 0, len(rs))
	for _, r := range rs {
		s.lapse(r, now)
		out = append(out, View{Request: r, SLA: SLAOf(r, s.Calendar, s.Policy, now)})
	}
	return out, nil
}
