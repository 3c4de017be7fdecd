package release

import (
	"bytes"
	"context"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// preload reads every commit stored whole in the pack files, on all cores,
// before a walk over the whole history. Without a commit-graph a walk is a
// chain — a commit's parents are known only once it is inflated — so it
// cannot use more than one core; reading the packs in offset order has no
// such chain. Commits stored as deltas, and loose ones, are left to the walk.
// Any problem here only means the walk does all the work; the one error is
// the context's, when it is cancelled.
func (g *graph) preload(ctx context.Context, fs billy.Filesystem) error {
	if g.preloaded {
		return nil
	}
	if err := stopped(ctx); err != nil {
		return err
	}
	names, err := fs.ReadDir(path.Join("objects", "pack"))
	if err != nil {
		g.preloaded = true
		return nil
	}
	for _, fi := range names {
		if name := fi.Name(); strings.HasSuffix(name, ".idx") {
			if err := g.preloadPack(ctx, fs, path.Join("objects", "pack", strings.TrimSuffix(name, ".idx"))); err != nil {
				return err
			}
		}
	}
	g.preloaded = true
	return nil
}

// preloadWorkers counts the preload goroutines still running, for the
// test that none outlives a cancelled call.
var preloadWorkers atomic.Int64

type packEntry struct {
	hash   plumbing.Hash
	offset int64
}

func (g *graph) preloadPack(ctx context.Context, fs billy.Filesystem, base string) error {
	f, err := fs.Open(base + ".idx")
	if err != nil {
		return nil
	}
	idx := idxfile.NewMemoryIndex()
	err = idxfile.NewDecoder(f).Decode(idx)
	_ = f.Close()
	if err != nil {
		return nil
	}
	iter, err := idx.Entries()
	if err != nil {
		return nil
	}
	var entries []packEntry
	for {
		e, err := iter.Next()
		if err != nil {
			break
		}
		entries = append(entries, packEntry{e.Hash, int64(e.Offset)})
	}
	_ = iter.Close()
	sort.Slice(entries, func(i, j int) bool { return entries[i].offset < entries[j].offset })

	data, unmap, err := mapFile(filepath.Join(g.objDir, "pack", path.Base(base)+".pack"))
	if err != nil {
		return nil
	}
	// The workers are waited for before the pack is unmapped and before
	// returning, cancelled or not: none outlives the call.
	defer unmap()

	workers := runtime.GOMAXPROCS(0)
	results := make([]map[plumbing.Hash]*commitInfo, workers)
	var wg sync.WaitGroup
	chunk := (len(entries) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := min(w*chunk, len(entries)), min((w+1)*chunk, len(entries))
		wg.Add(1)
		preloadWorkers.Add(1)
		go func(w int, part []packEntry) {
			defer wg.Done()
			defer preloadWorkers.Add(-1)
			results[w] = readPackedCommits(ctx, data, part, g.withMessages)
		}(w, entries[lo:hi])
	}
	wg.Wait()
	if err := stopped(ctx); err != nil {
		return err
	}
	for _, r := range results {
		for h, ci := range r {
			if old, ok := g.infos[h]; !ok {
				g.infos[h] = ci
			} else if old.full == nil {
				old.full = ci.full
			}
		}
	}
	return nil
}

// readPackedCommits inflates the commits among entries, skipping other
// objects after reading only their headers. It stops early when ctx is
// cancelled; the caller then discards the part read.
func readPackedCommits(ctx context.Context, pack []byte, entries []packEntry, withMessages bool) map[plumbing.Hash]*commitInfo {
	out := make(map[plumbing.Hash]*commitInfo, len(entries)/3)
	sc := packfile.NewScanner(bytes.NewReader(pack))
	var buf bytes.Buffer
	for _, e := range entries {
		if stopped(ctx) != nil {
			return out
		}
		h, err := sc.SeekObjectHeader(e.offset)
		if err != nil {
			return out
		}
		if h.Type != plumbing.CommitObject {
			continue
		}
		buf.Reset()
		if _, _, err := sc.NextObject(&buf); err != nil {
			return out
		}
		if ci, err := parseCommitHeader(buf.Bytes(), withMessages); err == nil {
			out[e.hash] = ci
		}
	}
	return out
}
