package release

import (
	"bytes"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

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
// Any problem here only means the walk does all the work.
func (g *graph) preload(fs billy.Filesystem) {
	if g.preloaded {
		return
	}
	g.preloaded = true
	names, err := fs.ReadDir(path.Join("objects", "pack"))
	if err != nil {
		return
	}
	for _, fi := range names {
		if name := fi.Name(); strings.HasSuffix(name, ".idx") {
			g.preloadPack(fs, path.Join("objects", "pack", strings.TrimSuffix(name, ".idx")))
		}
	}
}

type packEntry struct {
	hash   plumbing.Hash
	offset int64
}

func (g *graph) preloadPack(fs billy.Filesystem, base string) {
	f, err := fs.Open(base + ".idx")
	if err != nil {
		return
	}
	idx := idxfile.NewMemoryIndex()
	err = idxfile.NewDecoder(f).Decode(idx)
	_ = f.Close()
	if err != nil {
		return
	}
	iter, err := idx.Entries()
	if err != nil {
		return
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

	data, unmap, err := mapFile(path.Join(fs.Root(), base+".pack"))
	if err != nil {
		return
	}
	defer unmap()

	workers := runtime.GOMAXPROCS(0)
	results := make([]map[plumbing.Hash]*commitInfo, workers)
	var wg sync.WaitGroup
	chunk := (len(entries) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := min(w*chunk, len(entries)), min((w+1)*chunk, len(entries))
		wg.Add(1)
		go func(w int, part []packEntry) {
			defer wg.Done()
			results[w] = readPackedCommits(data, part, g.withMessages)
		}(w, entries[lo:hi])
	}
	wg.Wait()
	for _, r := range results {
		for h, ci := range r {
			if old, ok := g.infos[h]; !ok {
				g.infos[h] = ci
			} else if old.full == nil {
				old.full = ci.full
			}
		}
	}
}

// readPackedCommits inflates the commits among entries, skipping other
// objects after reading only their headers.
func readPackedCommits(pack []byte, entries []packEntry, withMessages bool) map[plumbing.Hash]*commitInfo {
	out := make(map[plumbing.Hash]*commitInfo, len(entries)/3)
	sc := packfile.NewScanner(bytes.NewReader(pack))
	var buf bytes.Buffer
	for _, e := range entries {
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
