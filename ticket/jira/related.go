package jira

import (
	"context"
	"strings"

	"github.com/sustain-cli/sustain/ticket"
)

// FollowUps lists the requests that arose from id (A6), oldest first. The
// relation is kept in sustain's record, which JQL cannot search, so the
// project's requests are read (without descriptions) and their records
// checked.
func (s *Store) FollowUps(ctx context.Context, id string) ([]string, error) {
	id = strings.ToUpper(id)
	rs, err := s.Requests(ctx, ticket.Filter{})
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, r := range rs {
		if strings.EqualFold(r.Related, id) {
			out = append(out, r.ID)
		}
	}
	return out, nil
}
