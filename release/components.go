package release

import (
	"context"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
)

// ComponentState is a component's release position.
type ComponentState struct {
	Name    string   `json:"name"`
	Paths   []string `json:"paths"`
	Current *Release `json:"current"` // null before its first release
	Build   int      `json:"build_number"`
	// Changed: commits touch its paths since Current (or at all, before the
	// first release).
	Changed bool `json:"changed"`
	Commits int  `json:"commits"`
}

// Components reports every configured component.
func (v *Versioner) Components(ctx context.Context) ([]ComponentState, error) {
	head, err := v.Repo.Head()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(v.Settings.Components))
	for n := range v.Settings.Components {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]ComponentState, 0, len(names))
	for _, name := range names {
		s, err := v.scope(name)
		if err != nil {
			return nil, err
		}
		st := ComponentState{Name: name, Paths: v.Settings.Components[name].Paths}
		if st.Current, err = v.latest(ctx, s.format, head.Commit.git()); err != nil {
			return nil, err
		}
		if st.Build, err = v.count(ctx, s, head.Commit.git()); err != nil {
			return nil, err
		}
		base := plumbing.ZeroHash
		if st.Current != nil {
			base = st.Current.Commit.git()
		}
		commits, err := v.since(ctx, s, head.Commit.git(), base)
		if err != nil {
			return nil, err
		}
		st.Commits, st.Changed = len(commits), len(commits) > 0
		out = append(out, st)
	}
	return out, nil
}
