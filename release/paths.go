package release

import (
	"bytes"
	"context"
	"crypto/sha1"
	"fmt"
	"github.com/sustain-cli/sustain/internal/problem"
	"io"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// pathFilter decides whether a commit touches a component's paths.
//
// Each glob is split into a literal directory part and a rest ("api/**" is
// the directory api with rest "**"). A commit's signature is, per glob, the
// hash of that directory in its tree — or, when the rest is narrower than
// "everything below", a digest of the matching files. Two commits differ in
// the component exactly when their signatures differ, so most commits cost
// one or two tree reads instead of a full diff.
type pathFilter struct {
	repo  *Repo
	pats  []pathPattern
	sigs  map[plumbing.Hash]string
	trees map[plumbing.Hash]*object.Tree
	// entryCache: subtrees' entries, for lookup.
	entryCache map[plumbing.Hash][]treeEntry
	parts      map[[2]plumbing.Hash]plumbing.Hash // (subtree, pattern id) → digest
}

type pathPattern struct {
	dir  []string
	rest string // "" means the entry at dir itself, whatever it holds
	id   plumbing.Hash
}

func newPathFilter(r *Repo, globs []string) (*pathFilter, error) {
	f := &pathFilter{repo: r, sigs: map[plumbing.Hash]string{}, trees: map[plumbing.Hash]*object.Tree{}, entryCache: map[plumbing.Hash][]treeEntry{},
		parts: map[[2]plumbing.Hash]plumbing.Hash{}}
	for _, g := range globs {
		g = strings.Trim(strings.TrimPrefix(g, "./"), "/")
		if g == "" || !doublestar.ValidatePattern(g) {
			return nil, problem.New(problem.Usage, `use globs relative to the repository root, such as "api/**"`, "bad path glob %q", g)
		}
		segs := strings.Split(g, "/")
		n := 0
		for n < len(segs) && !strings.ContainsAny(segs[n], `*?[{\`) {
			n++
		}
		p := pathPattern{dir: segs[:n], rest: strings.Join(segs[n:], "/")}
		if p.rest == "**" {
			p.rest = ""
		}
		p.id = plumbing.Hash(sha1.Sum([]byte(g)))
		f.pats = append(f.pats, p)
	}
	return f, nil
}

// matches reports whether a file path belongs to the filter.
func (f *pathFilter) matches(path string) bool {
	segs := strings.Split(path, "/")
	for _, p := range f.pats {
		if len(segs) < len(p.dir) {
			continue
		}
		prefix := true
		for i, d := range p.dir {
			if segs[i] != d {
				prefix = false
				break
			}
		}
		if !prefix {
			continue
		}
		if p.rest == "" {
			return true
		}
		if ok, _ := doublestar.Match(p.rest, strings.Join(segs[len(p.dir):], "/")); ok {
			return true
		}
	}
	return false
}

// touches reports whether commit h changes the component relative to at
// least one parent; a root commit touches it when it holds any of its files.
// This is `git rev-list --full-history -- <paths>` without parent rewriting.
func (f *pathFilter) touches(h plumbing.Hash, ci *commitInfo) (bool, error) {
	sig, err := f.signature(h, ci)
	if err != nil {
		return false, err
	}
	if len(ci.parents) == 0 {
		return strings.Trim(sig, "\x00") != "", nil
	}
	for _, p := range ci.parents {
		pci, err := f.repo.graph.info(p)
		if err != nil {
			return false, err
		}
		psig, err := f.signature(p, pci)
		if err != nil {
			return false, err
		}
		if psig != sig {
			return true, nil
		}
	}
	return false, nil
}

func (f *pathFilter) signature(h plumbing.Hash, ci *commitInfo) (string, error) {
	if s, ok := f.sigs[h]; ok {
		return s, nil
	}
	var b strings.Builder
	for _, p := range f.pats {
		entry, isTree, err := f.lookup(ci.tree, p.dir)
		if err != nil {
			return "", err
		}
		if p.rest != "" && !entry.IsZero() {
			if !isTree {
				entry = plumbing.ZeroHash // a file cannot hold matches below it
			} else if entry, err = f.digest(entry, p); err != nil {
				return "", err
			}
		}
		b.Write(entry[:])
	}
	f.sigs[h] = b.String()
	return f.sigs[h], nil
}

// lookup finds the entry at dir below root; zero when absent.
func (f *pathFilter) lookup(root plumbing.Hash, dir []string) (plumbing.Hash, bool, error) {
	h, isTree := root, true
	for i, name := range dir {
		if !isTree {
			return plumbing.ZeroHash, false, nil
		}
		entries, err := f.entries(h, i > 0)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		found := false
		for _, e := range entries {
			if e.name == name {
				h, isTree, found = e.hash, e.dir, true
				break
			}
		}
		if !found {
			return plumbing.ZeroHash, false, nil
		}
	}
	return h, isTree, nil
}

// treeEntry is one entry of a tree, as lookup needs it.
type treeEntry struct {
	name string
	hash plumbing.Hash
	dir  bool
}

// entries reads a tree's entries from the packs directly (go-git for loose
// trees), parsing only names, hashes and whether each is a directory.
// Subtrees repeat from commit to commit and are kept; root trees are nearly
// all different and are not.
func (f *pathFilter) entries(h plumbing.Hash, keep bool) ([]treeEntry, error) {
	if es, ok := f.entryCache[h]; ok {
		return es, nil
	}
	out, err := f.repo.graph.treeEntries(h)
	if err != nil {
		return nil, err
	}
	if keep {
		if len(f.entryCache) > 20000 {
			clear(f.entryCache)
		}
		f.entryCache[h] = out
	}
	return out, nil
}

// tree reads a tree object. Subtrees repeat from commit to commit and are
// kept; root trees are nearly all different and are not.
func (f *pathFilter) tree(h plumbing.Hash, keep bool) (*object.Tree, error) {
	if t, ok := f.trees[h]; ok {
		return t, nil
	}
	t, err := object.GetTree(f.repo.git.Storer, h)
	if err != nil {
		return nil, err
	}
	if keep {
		if len(f.trees) > 20000 {
			clear(f.trees)
		}
		f.trees[h] = t
	}
	return t, nil
}

// digest summarises the files below subtree that match p.rest.
func (f *pathFilter) digest(subtree plumbing.Hash, p pathPattern) (plumbing.Hash, error) {
	key := [2]plumbing.Hash{subtree, p.id}
	if d, ok := f.parts[key]; ok {
		return d, nil
	}
	t, err := f.tree(subtree, true)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	hasher := sha1.New()
	matched := false
	walker := object.NewTreeWalker(t, true, nil)
	defer walker.Close()
	for {
		name, e, err := walker.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if e.Mode == filemode.Dir {
			continue
		}
		if ok, _ := doublestar.Match(p.rest, name); ok {
			matched = true
			hasher.Write([]byte(name))
			hasher.Write(e.Hash[:])
		}
	}
	var d plumbing.Hash
	if matched {
		copy(d[:], hasher.Sum(nil))
	}
	f.parts[key] = d
	return d, nil
}

// treeEntries reads a tree's entries from the packs directly (go-git for
// loose trees): names, hashes and whether each is a directory.
func (g *graph) treeEntries(h plumbing.Hash) ([]treeEntry, error) {
	data, err := g.raw(h, plumbing.TreeObject)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", h, err)
	}
	var out []treeEntry
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp < 0 || nul < sp || nul+21 > len(data) {
			return nil, fmt.Errorf("tree %s is malformed", h)
		}
		e := treeEntry{name: string(data[sp+1 : nul]), dir: string(data[:sp]) == "40000"}
		copy(e.hash[:], data[nul+1:nul+21])
		out = append(out, e)
		data = data[nul+21:]
	}
	return out, nil
}

// changedFiles appends the paths of the files that differ between trees a
// and b (either may be zero: absent), descending only into subtrees whose
// hashes differ, as git diff-tree -r does.
func (g *graph) changedFiles(ctx context.Context, a, b plumbing.Hash, prefix string, out *[]string) error {
	if a == b {
		return nil
	}
	if err := stopped(ctx); err != nil {
		return err
	}
	var ea, eb []treeEntry
	var err error
	if !a.IsZero() {
		if ea, err = g.treeEntries(a); err != nil {
			return err
		}
	}
	if !b.IsZero() {
		if eb, err = g.treeEntries(b); err != nil {
			return err
		}
	}
	byName := make(map[string]treeEntry, len(ea))
	for _, e := range ea {
		byName[e.name] = e
	}
	side := func(e treeEntry, other plumbing.Hash, fromA bool) error {
		path := prefix + e.name
		if !e.dir {
			*out = append(*out, path)
			return nil
		}
		if fromA {
			return g.changedFiles(ctx, e.hash, other, path+"/", out)
		}
		return g.changedFiles(ctx, other, e.hash, path+"/", out)
	}
	for _, e := range eb {
		old, ok := byName[e.name]
		delete(byName, e.name)
		switch {
		case !ok:
			if err := side(e, plumbing.ZeroHash, false); err != nil {
				return err
			}
		case old.hash == e.hash && old.dir == e.dir:
		case old.dir && e.dir:
			if err := g.changedFiles(ctx, old.hash, e.hash, prefix+e.name+"/", out); err != nil {
				return err
			}
		default: // a file changed, or a file became a directory or back
			for _, x := range []treeEntry{old, e} {
				if err := side(x, plumbing.ZeroHash, x == old); err != nil {
					return err
				}
			}
		}
	}
	for _, e := range ea {
		if _, ok := byName[e.name]; ok {
			if err := side(e, plumbing.ZeroHash, true); err != nil {
				return err
			}
		}
	}
	return nil
}
