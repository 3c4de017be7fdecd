package release

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/sustain-cli/sustain/internal/problem"
)

// Commit is a commit as change documents see it.
type Commit struct {
	Hash    string
	Parents int
	Message string
	Author  string
	When    time.Time
	// Merged lists, for a merge, the commits of the range it brought in
	// (reachable from its other parents, not from its first).
	Merged []string
}

// RangeOptions choose the commits of a change document.
type RangeOptions struct {
	From, To    string // revisions; To defaults to HEAD, From to the previous release
	FirstParent bool   // follow only first parents from To (the main line)
	Component   string // only commits that touch the component
}

// Range is the commits between two revisions, newest first.
type Range struct {
	From     string // commit hash; empty from the root
	FromRev  string // --from as given; empty when it defaulted
	To       string
	Previous *Release  // the release From defaulted to, if any
	Current  *Release  // the release tag at To, if any
	Date     time.Time // To's committer date
	Commits  []Commit
	// Shipped is set when From is not an ancestor of To (a release cut
	// from trunk after the previous one was tagged on its own branch): the
	// commits reachable from From and not from To, the previous release's
	// own commits and cherry-picks, newest first. Documents leave out the
	// issues they already shipped.
	Shipped  []Commit
	from, to plumbing.Hash
}

// Range lists the commits reachable from To and not from From.
func (v *Versioner) Range(ctx context.Context, o RangeOptions) (*Range, error) {
	s, err := v.scope(o.Component)
	if err != nil {
		return nil, err
	}
	if o.To == "" {
		o.To = "HEAD"
	}
	to, err := v.Repo.resolve(o.To)
	if err != nil {
		return nil, err
	}
	rg := &Range{To: to.String(), to: to}
	if ci, err := v.Repo.graph.info(to); err == nil {
		rg.Date = ci.when.In(v.Settings.Location)
	}
	all, err := v.Repo.versionTags(s.format)
	if err != nil {
		return nil, err
	}
	for i := range all { // a pre-release's own document names it
		if all[i].Commit == hashOf(to) {
			rg.Current = &all[i]
			break
		}
	}
	rels, err := v.releases(s.format)
	if err != nil {
		return nil, err
	}
	if o.From != "" {
		from, err := v.Repo.resolve(o.From)
		if err != nil {
			return nil, err
		}
		if err := v.sideOf(ctx, rg, o, from, to); err != nil {
			return nil, err
		}
		rg.from, rg.From, rg.FromRev = from, from.String(), o.From
	} else {
		// The previous release: the highest release reachable from To other
		// than one at To itself.
		var earlier []Release
		for _, r := range rels {
			if r.Commit != hashOf(to) {
				earlier = append(earlier, r)
			}
		}
		commits := make([]plumbing.Hash, len(earlier))
		for i, r := range earlier {
			commits[i] = r.Commit.git()
		}
		i, err := v.Repo.graph.firstReachable(ctx, to, commits)
		if err != nil {
			return nil, err
		}
		if i >= 0 {
			rg.Previous = &earlier[i]
			rg.from, rg.From = earlier[i].Commit.git(), earlier[i].Commit.String()
		}
	}
	hashes, err := v.since(ctx, s, to, rg.from)
	if err != nil {
		return nil, err
	}
	if o.FirstParent {
		hashes = v.firstParentLine(to, hashes)
	}
	inRange := make(map[plumbing.Hash]bool, len(hashes))
	for _, h := range hashes {
		inRange[h] = true
	}
	for _, h := range hashes {
		if err := stopped(ctx); err != nil {
			return nil, err
		}
		commit, parents, err := v.Repo.commit(h)
		if err != nil {
			return nil, err
		}
		for _, side := range parents[min(1, len(parents)):] {
			merged, err := v.Repo.graph.between(ctx, side, parents[0])
			if err != nil {
				return nil, err
			}
			for _, m := range merged {
				if inRange[m] {
					commit.Merged = append(commit.Merged, m.String())
				}
			}
		}
		rg.Commits = append(rg.Commits, commit)
	}
	sort.SliceStable(rg.Commits, func(i, j int) bool { return rg.Commits[i].When.After(rg.Commits[j].When) })
	return rg, nil
}

// sideOf checks a --from that is not an ancestor of --to and fills
// rg.Shipped with the commits only it has. The range keeps git's meaning
// (reachable from To and not from From); refused are a --from that To
// contains the other way round (the range would be empty: the two are
// swapped) and two revisions with no commit in common.
func (v *Versioner) sideOf(ctx context.Context, rg *Range, o RangeOptions, from, to plumbing.Hash) error {
	g := v.Repo.graph
	if i, err := g.firstReachable(ctx, to, []plumbing.Hash{from}); err != nil || i >= 0 {
		return err
	}
	if i, err := g.firstReachable(ctx, from, []plumbing.Hash{to}); err != nil {
		return err
	} else if i >= 0 {
		return problem.New(problem.Usage, "swap them: --from is the older release",
			"--from %s is not an ancestor of --to %s but a descendant: the range would be empty", o.From, o.To)
	}
	shipped, common, err := g.betweenMeet(ctx, from, to)
	if err != nil {
		return err
	}
	if !common {
		return problem.New(problem.Usage, "give two revisions of the same history",
			"--from %s is not an ancestor of --to %s and they have no commit in common", o.From, o.To)
	}
	for _, h := range shipped {
		if err := stopped(ctx); err != nil {
			return err
		}
		c, _, err := v.Repo.commit(h)
		if err != nil {
			return err
		}
		rg.Shipped = append(rg.Shipped, c)
	}
	return nil
}

// commit reads a commit's message and author, kept from the walk when
// PreloadMessages ran.
func (r *Repo) commit(h plumbing.Hash) (Commit, []plumbing.Hash, error) {
	if ci := r.graph.infos[h]; ci != nil && ci.full != nil {
		return Commit{Hash: h.String(), Parents: len(ci.parents), Message: ci.full.message, Author: ci.full.author, When: ci.when}, ci.parents, nil
	}
	data, err := r.graph.raw(h, plumbing.CommitObject)
	if err != nil {
		return Commit{}, nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	ci, err := parseCommitHeader(data, true)
	if err != nil {
		return Commit{}, nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	return Commit{Hash: h.String(), Parents: len(ci.parents), Message: ci.full.message, Author: ci.full.author, When: ci.when}, ci.parents, nil
}

// PreloadMessages reads every commit reachable from HEAD with its message,
// ahead of documents that cover the whole history (changelog --all): one
// walk over commits only, each read from the packs through their index,
// never a scan of every object. Its only error is ctx's or a read's.
func (v *Versioner) PreloadMessages(ctx context.Context) error {
	g := v.Repo.graph
	if !g.withMessages {
		g.withMessages = true
		for h, ci := range g.infos {
			if ci.full == nil {
				delete(g.infos, h) // read again, with the message
			}
		}
	}
	head, err := v.Repo.Head()
	if err != nil {
		return err
	}
	return g.walk(ctx, []plumbing.Hash{head.Commit.git()}, nil, func(plumbing.Hash, *commitInfo) error { return nil })
}

// firstParentLine keeps the commits of the line from to through first
// parents.
func (v *Versioner) firstParentLine(to plumbing.Hash, in []plumbing.Hash) []plumbing.Hash {
	member := make(map[plumbing.Hash]bool, len(in))
	for _, h := range in {
		member[h] = true
	}
	var out []plumbing.Hash
	for h := to; member[h]; {
		out = append(out, h)
		ci := v.Repo.graph.infos[h]
		if ci == nil || len(ci.parents) == 0 {
			break
		}
		h = ci.parents[0]
	}
	return out
}

// ChangedPaths lists the files that differ between the range's ends (every
// file of To when the range starts at the root), reading only the subtrees
// whose hashes differ.
func (v *Versioner) ChangedPaths(ctx context.Context, rg *Range) ([]string, error) {
	g := v.Repo.graph
	to, err := g.info(rg.to)
	if err != nil {
		return nil, err
	}
	var fromTree plumbing.Hash
	if !rg.from.IsZero() {
		from, err := g.info(rg.from)
		if err != nil {
			return nil, err
		}
		fromTree = from.tree
	}
	var out []string
	if err := g.changedFiles(ctx, fromTree, to.tree, "", &out); err != nil {
		if cerr := stopped(ctx); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("compare %s with %s: %w", rg.From, rg.To, err)
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// Releases lists the releases of a scope reachable from HEAD, newest first.
func (v *Versioner) Releases(ctx context.Context, component string) ([]Release, error) {
	s, err := v.scope(component)
	if err != nil {
		return nil, err
	}
	head, err := v.Repo.Head()
	if err != nil {
		return nil, err
	}
	rels, err := v.releases(s.format)
	if err != nil {
		return nil, err
	}
	reach, err := v.reachableSet(ctx, head.Commit.git())
	if err != nil {
		return nil, err
	}
	var out []Release
	for _, r := range rels {
		if reach[r.Commit.git()] {
			out = append(out, r)
		}
	}
	return out, nil
}

func (v *Versioner) reachableSet(ctx context.Context, h plumbing.Hash) (map[plumbing.Hash]bool, error) {
	set := map[plumbing.Hash]bool{}
	err := v.Repo.graph.walk(ctx, []plumbing.Hash{h}, nil, func(c plumbing.Hash, _ *commitInfo) error {
		set[c] = true
		return nil
	})
	return set, err
}

// Matcher tells whether file paths belong to a set of path globs, as a
// component's paths do.
type Matcher struct{ f *pathFilter }

// NewMatcher compiles globs once, for matching many paths.
func NewMatcher(globs []string) (*Matcher, error) {
	f, err := newPathFilter(nil, globs)
	if err != nil {
		return nil, err
	}
	return &Matcher{f}, nil
}

// Match reports whether path belongs to one of the globs.
func (m *Matcher) Match(path string) bool { return m.f.matches(path) }
