package release

import (
	"bytes"
	"io"
	"path"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	cgv2 "github.com/go-git/go-git/v5/plumbing/format/commitgraph/v2"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// commitInfo is the part of a commit that history walks need.
type commitInfo struct {
	tree    plumbing.Hash
	parents []plumbing.Hash
	when    time.Time
}

// graph answers parent and tree questions, from git's commit-graph file when
// the repository has one (as `git commit-graph write` or `git gc` leave it),
// and from the commit objects otherwise. Answers are cached for the run.
type graph struct {
	objects storer.EncodedObjectStorer
	index   cgv2.Index
	infos   map[plumbing.Hash]*commitInfo
}

func newGraph(r *git.Repository) *graph {
	g := &graph{objects: r.Storer, infos: map[plumbing.Hash]*commitInfo{}}
	if fs, ok := r.Storer.(*filesystem.Storage); ok {
		g.index = openCommitGraph(fs.Filesystem())
	}
	return g
}

// openCommitGraph loads the commit-graph into memory: go-git reads it with
// many small ReadAt calls, which are syscalls on a file and cheap on a slice.
// Any problem with the file only means the slower path is taken.
func openCommitGraph(fs billy.Filesystem) cgv2.Index {
	f, err := fs.Open(path.Join("objects", "info", "commit-graph"))
	if err != nil {
		idx, err := cgv2.OpenChainIndex(fs)
		if err != nil {
			return nil
		}
		return idx
	}
	data, err := io.ReadAll(f)
	_ = f.Close()
	if err != nil {
		return nil
	}
	idx, err := cgv2.OpenFileIndex(memFile{bytes.NewReader(data)})
	if err != nil {
		return nil
	}
	return idx
}

type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }

// UsesCommitGraph reports whether a commit-graph file is being used.
func (r *Repo) UsesCommitGraph() bool { return r.graph.index != nil }

func (g *graph) info(h plumbing.Hash) (*commitInfo, error) {
	if ci, ok := g.infos[h]; ok {
		return ci, nil
	}
	var ci *commitInfo
	if g.index != nil {
		if i, err := g.index.GetIndexByHash(h); err == nil {
			if d, err := g.index.GetCommitDataByIndex(i); err == nil {
				ci = &commitInfo{tree: d.TreeHash, parents: d.ParentHashes, when: d.When}
			}
		}
	}
	if ci == nil {
		obj, err := g.objects.EncodedObject(plumbing.CommitObject, h)
		if err != nil {
			return nil, err
		}
		c, err := object.DecodeCommit(g.objects, obj)
		if err != nil {
			return nil, err
		}
		ci = &commitInfo{tree: c.TreeHash, parents: c.ParentHashes, when: c.Committer.When}
	}
	g.infos[h] = ci
	return ci, nil
}

// walk visits every commit reachable from tips and not in stop, each once,
// all parents of merges included (as `git rev-list` does).
func (g *graph) walk(tips []plumbing.Hash, stop map[plumbing.Hash]struct{}, visit func(plumbing.Hash, *commitInfo) error) error {
	seen := make(map[plumbing.Hash]struct{}, 1024)
	queue := make([]plumbing.Hash, 0, 64)
	for _, t := range tips {
		if _, ok := stop[t]; ok {
			continue
		}
		if _, ok := seen[t]; !ok {
			seen[t] = struct{}{}
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		h := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		ci, err := g.info(h)
		if err != nil {
			return err
		}
		if err := visit(h, ci); err != nil {
			return err
		}
		for _, p := range ci.parents {
			if _, ok := stop[p]; ok {
				continue
			}
			if _, ok := seen[p]; !ok {
				seen[p] = struct{}{}
				queue = append(queue, p)
			}
		}
	}
	return nil
}

// reachable is the set of commits reachable from tips.
func (g *graph) reachable(tips ...plumbing.Hash) (map[plumbing.Hash]struct{}, error) {
	set := map[plumbing.Hash]struct{}{}
	err := g.walk(tips, nil, func(h plumbing.Hash, _ *commitInfo) error {
		set[h] = struct{}{}
		return nil
	})
	return set, err
}
