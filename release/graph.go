package release

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
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
	gen     uint64 // topological level from the commit-graph; 0 when unknown
	full    *commitText
}

// commitText is the part of a commit only documents need.
type commitText struct {
	message, author string
}

// newerThan orders a newest-first walk: by generation where both commits
// have one (exact: a parent's is always lower), else by committer time.
// Commits missing from the commit-graph are newer than all in it.
func (ci *commitInfo) newerThan(o *commitInfo) bool {
	switch {
	case ci.gen != 0 && o.gen != 0 && ci.gen != o.gen:
		return ci.gen > o.gen
	case ci.gen == 0 && o.gen != 0:
		return true
	case ci.gen != 0 && o.gen == 0:
		return false
	}
	return ci.when.After(o.when)
}

// graph answers parent and tree questions, from git's commit-graph file when
// the repository has one (as `git commit-graph write` or `git gc` leave it),
// and from the commit objects otherwise. Answers are cached for the run.
type graph struct {
	objects storer.EncodedObjectStorer
	index   cgv2.Index
	cgp     *cgParents   // parent positions read from a single mapped graph file; nil otherwise
	release func() error // unmaps the commit-graph
	infos   map[plumbing.Hash]*commitInfo
	dotgit  billy.Filesystem // nil for storage that is not a .git directory
	objDir  string           // the objects directory on disk; "" when dotgit is nil
	packs   *packs           // the pack files, read without go-git's index
	// withMessages: commits read keep their messages and authors too.
	withMessages bool
}

func newGraph(r *git.Repository, objects string) *graph {
	g := &graph{objects: r.Storer, infos: map[plumbing.Hash]*commitInfo{}}
	if fs, ok := r.Storer.(*filesystem.Storage); ok && objects != "" {
		g.dotgit, g.objDir = fs.Filesystem(), objects
		g.index, g.release, g.cgp = openCommitGraph(g.dotgit, objects)
		if mapsFiles {
			g.packs = openPacks(objects)
		}
	}
	return g
}

// openCommitGraph opens objects/info/commit-graph, memory-mapped: go-git
// reads it with many small ReadAt calls, which are syscalls on a file and
// cheap on memory. A chain of graph files is read through go-git as it is.
// Any problem with the files only means the slower path is taken.
func openCommitGraph(fs billy.Filesystem, objects string) (cgv2.Index, func() error, *cgParents) {
	single := filepath.Join(objects, "info", "commit-graph")
	data, unmap, err := mapFile(single)
	if err != nil {
		if idx, err := cgv2.OpenChainIndex(fs); err == nil {
			return idx, idx.Close, nil
		}
		return nil, nil, nil
	}
	idx, err := cgv2.OpenFileIndex(memFile{bytes.NewReader(data)})
	if err != nil {
		_ = unmap()
		return nil, nil, nil
	}
	cgp := parseCGParents(data)
	if cgp != nil && cgp.n != idx.MaximumNumberOfHashes() {
		cgp = nil
	}
	return idx, unmap, cgp
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
				ci = &commitInfo{tree: d.TreeHash, parents: d.ParentHashes, when: d.When, gen: d.Generation}
			}
		}
	}
	if ci == nil {
		data, err := g.raw(h, plumbing.CommitObject)
		if err != nil {
			return nil, err
		}
		if ci, err = parseCommitHeader(data, g.withMessages); err != nil {
			return nil, fmt.Errorf("commit %s: %w", h, err)
		}
	}
	g.infos[h] = ci
	return ci, nil
}

// raw is an object's content, of type want (AnyObject: any): from the packs
// directly, else (loose objects) through go-git. The bytes are valid until
// the next read.
func (g *graph) raw(h plumbing.Hash, want plumbing.ObjectType) ([]byte, error) {
	if g.packs != nil {
		typ, data, err := g.packs.read(h)
		if err == nil {
			if want != plumbing.AnyObject && typ != want {
				return nil, plumbing.ErrObjectNotFound
			}
			return data, nil
		}
		if !errors.Is(err, errNotPacked) {
			return nil, fmt.Errorf("read %s: %w", h, err)
		}
	}
	obj, err := g.objects.EncodedObject(want, h)
	if err != nil {
		return nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// rawType is raw for any type, with the type.
func (g *graph) rawType(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if g.packs != nil {
		typ, data, err := g.packs.read(h)
		if err == nil || !errors.Is(err, errNotPacked) {
			return typ, data, err
		}
	}
	obj, err := g.objects.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	return obj.Type(), data, err
}

// parseCommitHeader reads tree, parents and committer time, and stops at
// the blank line: the message is not needed to walk history.
func parseCommitHeader(data []byte, withMessage bool) (*commitInfo, error) {
	ci := &commitInfo{}
	var author, message []byte
	if withMessage {
		if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
			message = data[i+2:]
		}
	}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			break
		}
		key, val, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree":
			ci.tree = parseHash(val)
		case "parent":
			ci.parents = append(ci.parents, parseHash(val))
		case "committer":
			ci.when = signatureTime(val)
		case "author":
			author = val
		}
	}
	if withMessage {
		var sig object.Signature
		sig.Decode(author)
		ci.full = &commitText{message: string(message), author: sig.Name}
	}
	if ci.tree.IsZero() {
		return nil, errors.New("malformed commit: no tree")
	}
	return ci, nil
}

// parseHash reads 40 hex digits without allocating; zero when malformed.
func parseHash(hexa []byte) plumbing.Hash {
	var h plumbing.Hash
	if len(hexa) != 40 {
		return h
	}
	if _, err := hex.Decode(h[:], hexa); err != nil {
		return plumbing.ZeroHash
	}
	return h
}

// zones are the fixed zones of the offsets seen, one Location each rather
// than one per commit.
var zones sync.Map

// signatureTime reads the time of "Name <email> 1421339927 +0300" as
// object.Signature does, without decoding the name and e-mail.
func signatureTime(val []byte) time.Time {
	i := bytes.LastIndexByte(val, '>')
	if i < 0 {
		var sig object.Signature
		sig.Decode(val)
		return sig.When
	}
	secs, tz, _ := bytes.Cut(bytes.TrimSpace(val[i+1:]), []byte{' '})
	n, err := strconv.ParseInt(string(secs), 10, 64)
	if err != nil {
		var sig object.Signature
		sig.Decode(val)
		return sig.When
	}
	offset := 0
	if len(tz) == 5 && (tz[0] == '+' || tz[0] == '-') {
		hh, err1 := strconv.Atoi(string(tz[1:3]))
		mm, err2 := strconv.Atoi(string(tz[3:5]))
		if err1 == nil && err2 == nil {
			offset = hh*3600 + mm*60
			if tz[0] == '-' {
				offset = -offset
			}
		}
	}
	loc, ok := zones.Load(offset)
	if !ok {
		loc, _ = zones.LoadOrStore(offset, time.FixedZone("", offset))
	}
	return time.Unix(n, 0).In(loc.(*time.Location))
}

// walk visits every commit reachable from tips and not in stop, each once,
// all parents of merges included (as `git rev-list` does).
func (g *graph) walk(ctx context.Context, tips []plumbing.Hash, stop map[plumbing.Hash]struct{}, visit func(plumbing.Hash, *commitInfo) error) error {
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
		if err := stopped(ctx); err != nil {
			return err
		}
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

// countReachable is `git rev-list --count tip`. With a commit-graph it walks
// graph positions with a bitset, which is several times faster than hashes
// in a map; commits newer than the graph are walked by hash first.
func (g *graph) countReachable(ctx context.Context, tip plumbing.Hash) (int, error) {
	if g.index == nil {
		// A walk of commits only, each read from the pack by its index
		// entry: git rev-list's own work. Reading ahead through the packs
		// would touch every tree and blob of a real repository.
		n := 0
		err := g.walk(ctx, []plumbing.Hash{tip}, nil, func(plumbing.Hash, *commitInfo) error { n++; return nil })
		return n, err
	}
	n := 0
	inGraph := make([]bool, g.index.MaximumNumberOfHashes())
	var positions []uint32
	seen := map[plumbing.Hash]bool{tip: true}
	hashes := []plumbing.Hash{tip}
	for len(hashes) > 0 {
		if err := stopped(ctx); err != nil {
			return 0, err
		}
		h := hashes[len(hashes)-1]
		hashes = hashes[:len(hashes)-1]
		if i, err := g.index.GetIndexByHash(h); err == nil {
			if !inGraph[i] {
				inGraph[i] = true
				positions = append(positions, i)
			}
			continue
		}
		ci, err := g.info(h)
		if err != nil {
			return 0, err
		}
		n++
		for _, p := range ci.parents {
			if !seen[p] {
				seen[p] = true
				hashes = append(hashes, p)
			}
		}
	}
	var buf []uint32
	for len(positions) > 0 {
		// Polled every 1024 commits: this loop is cheap enough per commit
		// for the poll to show.
		if n&1023 == 0 {
			if err := stopped(ctx); err != nil {
				return 0, err
			}
		}
		i := positions[len(positions)-1]
		positions = positions[:len(positions)-1]
		n++
		var parents []uint32
		if g.cgp != nil {
			var err error
			if parents, err = g.cgp.parents(i, buf[:0]); err != nil {
				return 0, err
			}
			buf = parents
		} else {
			d, err := g.index.GetCommitDataByIndex(i)
			if err != nil {
				return 0, err
			}
			parents = d.ParentIndexes
		}
		for _, p := range parents {
			if int(p) < len(inGraph) && !inGraph[p] {
				inGraph[p] = true
				positions = append(positions, p)
			}
		}
	}
	return n, nil
}

// queue is a newest-first priority queue of commits.
type queue struct {
	g     *graph
	items []plumbing.Hash
}

func (q *queue) Len() int           { return len(q.items) }
func (q *queue) Less(i, j int) bool { return q.g.infos[q.items[i]].newerThan(q.g.infos[q.items[j]]) }
func (q *queue) Swap(i, j int)      { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *queue) Push(x any)         { q.items = append(q.items, x.(plumbing.Hash)) }
func (q *queue) Pop() any {
	h := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return h
}

func (q *queue) add(h plumbing.Hash) error {
	if _, err := q.g.info(h); err != nil {
		return err
	}
	heap.Push(q, h)
	return nil
}

func (q *queue) next() plumbing.Hash { return heap.Pop(q).(plumbing.Hash) }

// slop is how many more commits a date-ordered walk reads after it looks
// finished, against clocks that ran backwards (git log uses the same margin).
const slop = 5

// between is `git log base..head` without the log: the commits reachable from
// head and not from base, found by one newest-first walk from both ends that
// stops once every queued commit is reachable from base. It reads only the
// commits since base plus a few, not the whole history.
func (g *graph) between(ctx context.Context, head, base plumbing.Hash) ([]plumbing.Hash, error) {
	out, _, err := g.betweenMeet(ctx, head, base)
	return out, err
}

// betweenMeet is between, and also reports whether head and base have a
// commit in common (a merge base).
func (g *graph) betweenMeet(ctx context.Context, head, base plumbing.Hash) ([]plumbing.Hash, bool, error) {
	p := &paint{g: g, flags: map[plumbing.Hash]uint8{}, q: &queue{g: g}}
	if err := p.push(head, false); err != nil {
		return nil, false, err
	}
	if !base.IsZero() {
		if err := p.push(base, true); err != nil {
			return nil, false, err
		}
	}
	var out []plumbing.Hash
	extra := slop
	for p.q.Len() > 0 {
		if err := stopped(ctx); err != nil {
			return nil, false, err
		}
		if p.interesting == 0 {
			if extra == 0 {
				break
			}
			extra--
		} else {
			extra = slop
		}
		h := p.q.next()
		f := p.flags[h]
		p.flags[h] = f&^queued | walked
		bad := f&uninteresting != 0
		if !bad {
			p.interesting--
			out = append(out, h)
		}
		for _, parent := range g.infos[h].parents {
			if err := p.push(parent, bad); err != nil {
				return nil, false, err
			}
		}
	}
	// A commit taken early may have been reached from base afterwards.
	kept := out[:0]
	for _, h := range out {
		if p.flags[h]&uninteresting == 0 {
			kept = append(kept, h)
		}
	}
	return kept, p.meet || base == head, nil
}

const (
	queued uint8 = 1 << iota
	walked
	uninteresting // reachable from base
	fromHead      // reachable from head
)

// paint is the state of between's walk.
type paint struct {
	g           *graph
	flags       map[plumbing.Hash]uint8
	q           *queue
	interesting int  // queued commits not known to be reachable from base
	meet        bool // a commit is reachable from both ends
}

func (p *paint) push(h plumbing.Hash, fromBase bool) error {
	if fromBase {
		p.markUninteresting(h)
	} else {
		if p.flags[h]&uninteresting != 0 {
			p.meet = true
		}
		p.flags[h] |= fromHead
	}
	f := p.flags[h]
	if f&(queued|walked) != 0 {
		return nil
	}
	p.flags[h] = f | queued
	if f&uninteresting == 0 {
		p.interesting++
	}
	return p.q.add(h)
}

// markUninteresting flags h and, through commits already walked, their
// ancestors as reachable from base.
func (p *paint) markUninteresting(h plumbing.Hash) {
	stack := []plumbing.Hash{h}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		f := p.flags[c]
		if f&uninteresting != 0 {
			continue
		}
		if f&fromHead != 0 {
			p.meet = true
		}
		p.flags[c] = f | uninteresting
		if f&queued != 0 {
			p.interesting--
		}
		if f&walked != 0 {
			stack = append(stack, p.g.infos[c].parents...)
		}
	}
}

// firstReachable walks newest-first from head and returns the index of the
// first of targets (in their order of preference) that is reachable, or -1.
// It stops once no better target can still turn up: a target is out of reach
// when the newest queued commit is older than it (exact with generation
// numbers; by date with a day's margin for skewed clocks without them). In
// the usual case, the newest release being the highest, it reads only the
// commits since that release.
func (g *graph) firstReachable(ctx context.Context, head plumbing.Hash, targets []plumbing.Hash) (int, error) {
	rank := map[plumbing.Hash]int{}
	byAge := make([]int, len(targets)) // target indices, newest first
	for i := len(targets) - 1; i >= 0; i-- {
		if _, err := g.info(targets[i]); err != nil {
			return -1, err
		}
		rank[targets[i]] = i
		byAge[i] = i
	}
	sort.SliceStable(byAge, func(a, b int) bool {
		return g.infos[targets[byAge[a]]].newerThan(g.infos[targets[byAge[b]]])
	})
	best := -1
	limit := len(targets) // targets ranked below limit could still beat best
	open := limit         // how many of them are not yet out of reach
	next := 0             // byAge[next:] are not yet out of reach
	seen := map[plumbing.Hash]bool{head: true}
	q := &queue{g: g}
	if err := q.add(head); err != nil {
		return -1, err
	}
	for q.Len() > 0 && open > 0 {
		if err := stopped(ctx); err != nil {
			return -1, err
		}
		top := g.infos[q.items[0]]
		for next < len(byAge) && outOfReach(top, g.infos[targets[byAge[next]]]) {
			if byAge[next] < limit {
				open--
			}
			next++
		}
		if open == 0 {
			break
		}
		h := q.next()
		if r, ok := rank[h]; ok && (best < 0 || r < best) {
			best, limit, open = r, r, 0
			for _, t := range byAge[next:] {
				if t < limit {
					open++
				}
			}
		}
		for _, p := range g.infos[h].parents {
			if !seen[p] {
				seen[p] = true
				if err := q.add(p); err != nil {
					return -1, err
				}
			}
		}
	}
	return best, nil
}

// outOfReach reports that target cannot be an ancestor of any queued commit,
// top being the newest of them.
func outOfReach(top, target *commitInfo) bool {
	switch {
	case top.gen != 0 && target.gen != 0:
		return top.gen < target.gen
	case top.gen != 0:
		return true // target is newer than the commit-graph, top is in it
	case target.gen != 0:
		return false
	}
	return top.when.Before(target.when.Add(-24 * time.Hour))
}

// stopped returns the context's error once it is cancelled. Walks poll it
// once per commit, so Ctrl-C stops them within a commit's work.
func stopped(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
		return nil
	}
}
