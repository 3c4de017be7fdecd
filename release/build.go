package release

import (
	"context"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Build is the build scheme's identity of a commit (A1, A3).
type Build struct {
	// Number is the revision count: commits reachable from Commit, all
	// parents of merges included (git rev-list --count); for a component,
	// only the commits that touch its paths.
	Number int `json:"number"`
	// Date is the commit's committer date in the configured zone, ISO 8601.
	Date      string `json:"date"`
	Commit    string `json:"commit"`
	Version   string `json:"version"`
	Component string `json:"component,omitempty"`
}

// BuildInfo computes the build number and date of rev.
func (v *Versioner) BuildInfo(ctx context.Context, rev, component string) (*Build, error) {
	s, err := v.scope(component)
	if err != nil {
		return nil, err
	}
	h, err := v.Repo.resolve(rev)
	if err != nil {
		return nil, err
	}
	return v.build(ctx, s, h)
}

func (v *Versioner) build(ctx context.Context, s *scope, h plumbing.Hash) (*Build, error) {
	n, err := v.count(ctx, s, h)
	if err != nil {
		return nil, err
	}
	ci, err := v.Repo.graph.info(h)
	if err != nil {
		return nil, err
	}
	when := ci.when.In(v.Settings.Location)
	b := &Build{
		Number:    n,
		Date:      when.Format("2006-01-02T15:04:05-07:00"),
		Commit:    h.String(),
		Component: s.name,
	}
	b.Version = strings.NewReplacer(
		"{number}", strconv.Itoa(n),
		"{date}", when.Format("2006-01-02"),
		"{datetime}", b.Date,
		"{commit}", hashOf(h).Short(),
		"{component}", s.name,
	).Replace(v.Settings.BuildFormat)
	return b, nil
}

// count is the number of commits reachable from h, or of those touching the
// scope's paths.
func (v *Versioner) count(ctx context.Context, s *scope, h plumbing.Hash) (int, error) {
	if s.filter == nil {
		return v.Repo.graph.countReachable(ctx, h)
	}
	n := 0
	err := v.Repo.graph.walk(ctx, []plumbing.Hash{h}, nil, func(c plumbing.Hash, ci *commitInfo) error {
		if s.filter != nil {
			ok, err := s.filter.touches(c, ci)
			if err != nil || !ok {
				return err
			}
		}
		n++
		return nil
	})
	return n, err
}
