package changelog

import (
	"context"
	"slices"
	"strings"
)

// RequestSource finds support requests linked to development tasks: with
// tasks, those linked to any of them (a store may use an index per key);
// the caller's store decides how. Requests carry all their tasks.
type RequestSource func(ctx context.Context, tasks []string) ([]Request, error)

// ResolvedRequests joins a release with the support requests it answers
// (Q13): the requests linked to a task among keys, each once, with only the
// tasks in keys, by ID. A request linked to none of keys is left out, even
// when the source returned it.
func ResolvedRequests(ctx context.Context, keys []string, source RequestSource) ([]Request, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	found, err := source(ctx, keys)
	if err != nil {
		return nil, err
	}
	return JoinRequests(keys, found), nil
}

// JoinRequests is ResolvedRequests over requests already found.
func JoinRequests(keys []string, found []Request) []Request {
	inRange := make(map[string]bool, len(keys))
	for _, k := range keys {
		inRange[k] = true
	}
	seen := map[string]bool{}
	var out []Request
	for _, r := range found {
		if seen[r.ID] {
			continue
		}
		var tasks []string
		for _, t := range r.Tasks {
			if inRange[t] && !slices.Contains(tasks, t) {
				tasks = append(tasks, t)
			}
		}
		if len(tasks) == 0 {
			continue
		}
		seen[r.ID] = true
		r.Tasks = tasks
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y Request) int { return strings.Compare(x.ID, y.ID) })
	return out
}
