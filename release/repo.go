package release

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

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

// Open opens the repository containing dir, as git finds it: a work tree
// with a .git directory or a .git file (linked worktrees, submodules), or a
// bare repository (dir or a directory above it is the git directory). A
// shallow clone is refused: revision counts and "commits since the last
// release" would silently be wrong.
func Open(dir string) (*Repo, error) { return OpenOptions{Dir: dir}.Open() }

// OpenOptions say where the repository is.
type OpenOptions struct {
	Dir string // where the command runs (-C)
	// GitDir is $GIT_DIR: the git directory itself, relative to Dir when
	// not absolute. Discovery from Dir is skipped, as git skips it.
	GitDir string
	// WorkTree is $GIT_WORK_TREE, used with GitDir; without it a GIT_DIR
	// repository has no work tree (only release tag's dirty check uses one).
	WorkTree string
}

// Open opens the repository.
func (o OpenOptions) Open() (*Repo, error) {
	gitDir, workTree, err := o.locate()
	if err != nil {
		return nil, err
	}
	r, objects, err := openStorage(gitDir, workTree)
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", gitDir, err)
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
	return &Repo{git: r, graph: newGraph(r, objects), Warn: func(string) {}}, nil
}

// locate finds the git directory and the work tree ("" for a bare
// repository).
func (o OpenOptions) locate() (gitDir, workTree string, err error) {
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	if o.GitDir != "" {
		gd := o.GitDir
		if !filepath.IsAbs(gd) {
			gd = filepath.Join(abs, gd)
		}
		if !isGitDir(gd) {
			return "", "", problem.New(problem.Repository, "point GIT_DIR at a git directory (the .git directory, or a bare repository), or unset it",
				"GIT_DIR=%s is not a git directory", o.GitDir)
		}
		wt := o.WorkTree
		if wt != "" && !filepath.IsAbs(wt) {
			wt = filepath.Join(abs, wt)
		}
		return gd, wt, nil
	}
	for d := abs; ; {
		dotgit := filepath.Join(d, ".git")
		if fi, err := os.Stat(dotgit); err == nil {
			if fi.IsDir() {
				return dotgit, d, nil
			}
			gd, err := readGitFile(dotgit)
			if err != nil {
				return "", "", err
			}
			return gd, d, nil
		}
		if isGitDir(d) {
			return d, "", nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return "", "", problem.New(problem.Repository, "run it inside a git repository, or point at one with -C DIR",
		"%s is not in a git repository", dir)
}

// isGitDir reports whether dir looks like a git directory, by git's own
// test: a HEAD file, an objects directory and a refs directory (a linked
// worktree's directory has them through commondir).
func isGitDir(dir string) bool {
	if fi, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	common := commonDir(dir)
	for _, sub := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(common, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// readGitFile follows a .git file ("gitdir: PATH").
func readGitFile(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", file, err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	gd, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
	gd = strings.TrimSpace(gd)
	if !ok || gd == "" {
		return "", problem.New(problem.Repository, "repair it (git worktree repair) or remove it",
			"%s is a file without a \"gitdir: PATH\" line", file)
	}
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(filepath.Dir(file), gd)
	}
	if !isGitDir(gd) {
		return "", problem.New(problem.Repository, "the worktree was moved or removed: git worktree repair, or git worktree prune",
			"%s points at %s, which is not a git directory", file, gd)
	}
	return gd, nil
}

// commonDir is where a git directory's objects and refs are: its
// commondir for a linked worktree, itself otherwise.
func commonDir(gitDir string) string {
	data, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if err != nil {
		return gitDir
	}
	c := strings.TrimSpace(string(data))
	if c == "" {
		return gitDir
	}
	if !filepath.IsAbs(c) {
		c = filepath.Join(gitDir, c)
	}
	return filepath.Clean(c)
}

// openStorage opens the git directory tuned for reading many objects once:
// pack files stay open (go-git otherwise reopens the pack for every object)
// and the decoded-object cache is small, since a history walk rarely reads
// an object twice. It returns the objects directory too.
func openStorage(gitDir, workTree string) (*git.Repository, string, error) {
	var fs billy.Filesystem = osfs.New(gitDir)
	common := commonDir(gitDir)
	if common != gitDir {
		fs = dotgit.NewRepositoryFilesystem(fs, osfs.New(common))
	}
	st := filesystem.NewStorageWithOptions(fs, treeCache{cache.NewObjectLRU(32 * cache.MiByte)},
		filesystem.Options{KeepDescriptors: true})
	var wt billy.Filesystem
	if workTree != "" {
		wt = osfs.New(workTree)
	}
	r, err := git.Open(st, wt)
	return r, filepath.Join(common, "objects"), err
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
	if r.graph.packs != nil {
		r.graph.packs.close()
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
	// Read the commit itself, as git does, so a damaged repository is not
	// answered from the commit-graph alone. One object: cheap.
	if _, err := r.graph.raw(resolved.Hash(), plumbing.CommitObject); err != nil {
		return Head{}, fmt.Errorf("read HEAD's commit %s: %w (the repository is damaged: `git fsck` says more)", resolved.Hash(), err)
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
	if h, ok := r.resolveSimple(rev); ok {
		return h, nil
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

// resolveSimple resolves a full hash or a reference name the way git
// does (refs/NAME, refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME, in
// git's order), peeling annotated tags through the packs directly: go-git's
// ResolveRevision would load its whole pack index to peel a tag. Anything
// else (~N, ^N, abbreviated hashes) is left to go-git.
func (r *Repo) resolveSimple(rev string) (plumbing.Hash, bool) {
	if strings.ContainsAny(rev, "^~:@") {
		return plumbing.ZeroHash, false
	}
	if len(rev) == 40 && plumbing.IsHash(rev) {
		h, ok := r.peel(plumbing.NewHash(rev))
		return h, ok
	}
	for _, name := range []string{rev, "refs/" + rev, "refs/tags/" + rev, "refs/heads/" + rev, "refs/remotes/" + rev} {
		if !strings.HasPrefix(name, "refs/") && name != "HEAD" {
			continue
		}
		ref, err := r.git.Reference(plumbing.ReferenceName(name), true)
		if err != nil {
			continue
		}
		h, ok := r.peel(ref.Hash())
		return h, ok
	}
	return plumbing.ZeroHash, false
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
	if ci := r.graph.infos[h]; ci != nil && ci.full != nil {
		return ci.full.message, nil
	}
	data, err := r.graph.raw(h, plumbing.CommitObject)
	if err != nil {
		return "", err
	}
	_, msg, _ := bytes.Cut(data, []byte("\n\n"))
	return string(msg), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
