package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/sustain-cli/sustain/ticket"
)

// SearchRequests finds the requests whose subject, description or history
// texts hold every word of query (each word also as the start of a longer
// one: «принтер» finds «принтера»), best match first (BM25, the subject
// weighing most), at most limit (0: all). The requests come without their
// descriptions, as in lists.
func (s *Store) SearchRequests(ctx context.Context, query string, limit int) ([]*ticket.Request, error) {
	words := ticket.SearchWords(query)
	if len(words) == 0 {
		return []*ticket.Request{}, nil
	}
	match := make([]string, len(words))
	for i, w := range words {
		// words are letters and digits: nothing to escape
		var terms []string
		for _, v := range yoVariants(w) {
			terms = append(terms, `"`+v+`"*`)
		}
		match[i] = "(" + strings.Join(terms, " OR ") + ")"
	}
	q := `SELECT rowid FROM request_search WHERE request_search MATCH ? ORDER BY bm25(request_search, 10.0, 5.0, 1.0), rowid`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	numbers, err := queryAll(ctx, s.db, func(row scanner) (any, error) {
		var n int
		err := row.Scan(&n)
		return n, err
	}, q, strings.Join(match, " AND "))
	if err != nil {
		return nil, fail(s.path, err)
	}
	if len(numbers) == 0 {
		return []*ticket.Request{}, nil
	}
	rs, _, err := s.loadRequests(ctx, s.db, listColumns, numberIDs(numbers))
	return rs, fail(s.path, err)
}

// yoVariants are w with е and ё in every combination, as Russian is written
// both ways («елка», «ёлка»; the index keeps the letters as written): the
// first three such letters vary, so a word makes at most eight terms.
func yoVariants(w string) []string {
	out := []string{""}
	varied := 0
	for _, r := range w {
		alts := []rune{r}
		if (r == 'е' || r == 'ё') && varied < 3 {
			alts = []rune{'е', 'ё'}
			varied++
		}
		next := make([]string, 0, len(out)*len(alts))
		for _, prefix := range out {
			for _, a := range alts {
				next = append(next, prefix+string(a))
			}
		}
		out = next
	}
	return out
}
