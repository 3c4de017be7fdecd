package release

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/sustain-cli/sustain/internal/problem"
)

// Repo is a git repository opened for release questions.
type Repo struct {
	git   *git.Repository
	graph *graph
	// Warn receives notes that are not errors (skipped tags, a dirty tree).
	Warn     func(string)
	tagCache map[TagFormat][]Release // tags read once per run
}

// Open opens the repository containing dir. A shallow clone is refused:
// revision counts and "commits since the last release" would silently be wrong.
func Open(dir string) (*Repo, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, problem.New(problem.Repository, "run it inside a git repository, or point at one with -C DIR",
			"%s is not in a git repository", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	if r, err = reopenForWalks(r); err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	shallow, err := r.Storer.Shallow()
	if err != nil {
		return nil, fmt.Errorf("read shallow list: %w", err)
	}
	if len(shallow) > 0 {
		return nil, problem.New(problem.Repository,
			"fetch the whole history: git fetch --unshallow (GitHub Actions: actions/checkout with fetch-depth: 0)",
			"this is a shallow clone: build numbers and the commits since the last release would be wrong")
	}
	return &Repo{git: r, graph: newGraph(r), Warn: func(string) {}}, nil
}

// reopenForWalks reopens the repository's storage tuned for reading many
// objects once: pack files stay open (go-git otherwise reopens the pack for
// every object) and the decoded-object cache is small, since a history walk
// rarely reads an object twice.
func reopenForWalks(r *git.Repository) (*git.Repository, error) {
	fsStore, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return r, nil
	}
	st := filesystem.NewStorageWithOptions(fsStore.Filesystem(), treeCache{cache.NewObjectLRU(32 * cache.MiByte)},
		filesystem.Options{KeepDescriptors: true})
	var wt billy.Filesystem
	if w, err := r.Worktree(); err == nil {
		wt = w.Filesystem
	}
	return git.Open(st, wt)
}

// treeCache keeps trees and blobs (delta bases for the component filter) but
// not commits: each is read once per walk, and caching one costs a SHA-1 of
// its content.
type treeCache struct{ *cache.ObjectLRU }

func (c treeCache) Put(o plumbing.EncodedObject) {
	if o.Type() != plumbing.CommitObject {
		c.ObjectLRU.Put(o)
	}
}

// Close releases the open pack files and the commit-graph.
func (r *Repo) Close() error {
	if r.graph.release != nil {
		_ = r.graph.release()
	}
	if st, ok := r.git.Storer.(*filesystem.Storage); ok {
		return st.Close()
	}
	return nil
}

// Head describes what HEAD points at.
type Head struct {
	Commit   Hash
	Branch   string // short branch name; empty when detached
	Detached bool
}

// Head resolves HEAD. A repository without commits is an error that says so.
func (r *Repo) Head() (Head, error) {
	ref, err := r.git.Reference(plumbing.HEAD, false)
	if err != nil {
		return Head{}, fmt.Errorf("read HEAD: %w", err)
	}
	h := Head{}
	if ref.Type() == plumbing.SymbolicReference {
		h.Branch = ref.Target().Short()
	} else {
		h.Detached = true
	}
	resolved, err := r.git.Reference(plumbing.HEAD, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return Head{}, problem.New(problem.Repository, "commit something first: a version is computed from history",
			"the repository has no commits yet")
	}
	if err != nil {
		return Head{}, fmt.Errorf("resolve HEAD: %w", err)
	}
	h.Commit = hashOf(resolved.Hash())
	return h, nil
}

// Resolve turns a revision (HEAD, a branch, a tag, a hash prefix) into a
// commit ID.
func (r *Repo) Resolve(rev string) (Hash, error) {
	h, err := r.resolve(rev)
	return hashOf(h), err
}

func (r *Repo) resolve(rev string) (plumbing.Hash, error) {
	if rev == "" || rev == "HEAD" {
		h, err := r.Head()
		return h.Commit.git(), err
	}
	if err := checkRevision(rev); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := r.git.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		if kind := r.objectKind(rev); kind != plumbing.InvalidObject && kind != plumbing.CommitObject {
			return plumbing.ZeroHash, notCommit(rev, kind.String())
		}
		return plumbing.ZeroHash, problem.New(problem.NotFound, "give a branch, tag or commit hash that exists here",
			"unknown revision %q", rev)
	}
	// A tag name resolves to the tagged commit; make sure it is a commit.
	if _, err := r.graph.info(*h); err != nil {
		return plumbing.ZeroHash, notCommit(rev, "")
	}
	return *h, nil
}

func notCommit(rev, kind string) error {
	what := "does not name a commit"
	if kind != "" {
		what = "names a " + kind + ", not a commit"
	}
	return problem.New(problem.Usage, "give a branch, tag or commit, optionally with ~N or ^N", "revision %q %s", rev, what)
}

// checkRevision refuses the revision syntax go-git parses but then ignores,
// which would silently stand for the commit before it: HEAD^{tree} and
// HEAD:path would be HEAD, HEAD@{1} would be HEAD. Left are a name or hash
// followed by ~N, ^N, ^{}, ^{commit} and ^{/regex}.
func checkRevision(rev string) error {
	i := strings.IndexAny(rev, "^~:")
	if j := strings.Index(rev, "@{"); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return nil
	}
	for rest := rev[i:]; rest != ""; {
		switch {
		case strings.HasPrefix(rest, "^{"):
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return notCommit(rev, "")
			}
			switch inner := rest[2:end]; {
			case inner == "tree" || inner == "blob" || inner == "tag":
				return notCommit(rev, inner)
			case inner != "" && inner != "commit" && !strings.HasPrefix(inner, "/"):
				return notCommit(rev, "")
			}
			rest = rest[end+1:]
		case rest[0] == '^' || rest[0] == '~':
			rest = strings.TrimLeft(rest[1:], "0123456789")
		case rest[0] == ':':
			return notCommit(rev, "file or tree")
		default:
			return notCommit(rev, "") // @{...}: reflog and upstream are not supported
		}
	}
	return nil
}

// objectKind is the type of the object a full hash or a reference names,
// tags peeled; InvalidObject when it names none. It explains a failed
// resolution.
func (r *Repo) objectKind(rev string) plumbing.ObjectType {
	var h plumbing.Hash
	if len(rev) == 40 && plumbing.IsHash(rev) {
		h = plumbing.NewHash(rev)
	} else {
		found := false
		for _, name := range []string{"refs/tags/" + rev, "refs/heads/" + rev, rev} {
			if ref, err := r.git.Reference(plumbing.ReferenceName(name), true); err == nil {
				h, found = ref.Hash(), true
				break
			}
		}
		if !found {
			return plumbing.InvalidObject
		}
	}
	for i := 0; i < 10; i++ {
		obj, err := r.git.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return plumbing.InvalidObject
		}
		if obj.Type() != plumbing.TagObject {
			return obj.Type()
		}
		t, err := r.git.TagObject(h)
		if err != nil {
			return plumbing.InvalidObject
		}
		h = t.Target
	}
	return plumbing.InvalidObject
}

// commitMessage reads a commit's full message.
func (r *Repo) commitMessage(h plumbing.Hash) (string, error) {
	c, err := r.git.CommitObject(h)
	if err != nil {
		return "", err
	}
	return c.Message, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
