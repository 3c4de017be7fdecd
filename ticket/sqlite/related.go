package sqlite

import (
	"context"
	"strings"
)

// FollowUps lists the registration numbers of the requests that arose
// from id (their related is id), oldest first.
func (s *Store) FollowUps(ctx context.Context, id string) ([]string, error) {
	out, err := queryAll(ctx, s.db, func(row scanner) (string, error) {
		var v string
		return v, row.Scan(&v)
	}, "SELECT id FROM requests WHERE related = ? AND related <> '' ORDER BY number", strings.ToUpper(id))
	return out, fail(s.path, err)
}
