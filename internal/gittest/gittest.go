// Package gittest builds real git repositories with go-git for tests:
// commits with files, branches, merges, annotated and lightweight tags,
// detached HEADs and shallow markers. Times are deterministic.
package gittest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is a repository under construction.
type Repo struct {
	Dir   string
	Git   *git.Repository
	clock time.Time
}

// Start is the committer time of the first commit; each commit adds an hour.
var Start = time.Date(2026, 1, 5, 7, 0, 0, 0, time.UTC)

// Init creates an empty repository in dir with main as its branch.
func Init(dir string) (*Repo, error) {
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		return nil, err
	}
	return &Repo{Dir: dir, Git: r, clock: Start}, nil
}

// Open continues building an existing repository; the clock goes on from
// its latest commit.
func Open(dir string) (*Repo, error) {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return nil, err
	}
	rp := &Repo{Dir: dir, Git: r, clock: Start}
	if iter, err := r.Log(&git.LogOptions{All: true}); err == nil {
		_ = iter.ForEach(func(c *object.Commit) error {
			if c.Committer.When.After(rp.clock) {
				rp.clock = c.Committer.When
			}
			return nil
		})
	}
	return rp, nil
}

func (r *Repo) sig() *object.Signature {
	r.clock = r.clock.Add(time.Hour)
	return &object.Signature{Name: "Test Author", Email: "author@example.test", When: r.clock}
}

// Commit writes files ("path=content"; "path=" deletes) and commits them.
func (r *Repo) Commit(msg string, files ...string) (plumbing.Hash, error) {
	return r.commit(msg, nil, files)
}

func (r *Repo) commit(msg string, extraParents []plumbing.Hash, files []string) (plumbing.Hash, error) {
	wt, err := r.Git.Worktree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if len(files) == 0 {
		// Every commit changes something, so counts by path are meaningful.
		files = []string{fmt.Sprintf("log.txt=%s", msg)}
	}
	for _, f := range files {
		path, content, ok := strings.Cut(f, "=")
		if !ok {
			return plumbing.ZeroHash, fmt.Errorf("file %q: want path=content", f)
		}
		full := filepath.Join(r.Dir, filepath.FromSlash(path))
		if content == "" {
			if err := os.Remove(full); err != nil {
				return plumbing.ZeroHash, err
			}
			if _, err := wt.Remove(path); err != nil {
				return plumbing.ZeroHash, err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return plumbing.ZeroHash, err
		}
		if err := os.WriteFile(full, []byte(content+"\n"), 0o644); err != nil {
			return plumbing.ZeroHash, err
		}
		if _, err := wt.Add(path); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	opts := &git.CommitOptions{Author: r.sig(), AllowEmptyCommits: true}
	opts.Committer = opts.Author
	if len(extraParents) > 0 {
		head, err := r.Git.Head()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		opts.Parents = append([]plumbing.Hash{head.Hash()}, extraParents...)
	}
	return wt.Commit(msg, opts)
}

// Branch creates branch name at HEAD and checks it out. Only references
// change: the work tree is already right.
func (r *Repo) Branch(name string) error {
	head, err := r.Git.Head()
	if err != nil {
		return err
	}
	ref := plumbing.NewBranchReferenceName(name)
	if err := r.Git.Storer.SetReference(plumbing.NewHashReference(ref, head.Hash())); err != nil {
		return err
	}
	return r.Git.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, ref))
}

// Checkout switches to a branch, or detaches HEAD at a tag or commit.
// Untracked files survive, as with git (go-git's checkout removes them).
func (r *Repo) Checkout(rev string) error {
	wt, err := r.Git.Worktree()
	if err != nil {
		return err
	}
	st, err := wt.Status()
	if err != nil {
		return err
	}
	untracked := map[string][]byte{}
	for path, s := range st {
		if s.Worktree == git.Untracked {
			if data, err := os.ReadFile(filepath.Join(r.Dir, path)); err == nil {
				untracked[path] = data
			}
		}
	}
	opts := &git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(rev)}
	if _, err := r.Git.Reference(opts.Branch, false); err != nil {
		h, err := r.Git.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			return err
		}
		opts = &git.CheckoutOptions{Hash: *h}
	}
	if err := wt.Checkout(opts); err != nil {
		return err
	}
	for path, data := range untracked {
		full := filepath.Join(r.Dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Merge records a merge of branch into the current branch. The files of the
// other branch that differ are brought over (no conflicts are expected).
func (r *Repo) Merge(branch, msg string) (plumbing.Hash, error) {
	other, err := r.Git.ResolveRevision(plumbing.Revision(branch))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	oc, err := r.Git.CommitObject(*other)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tree, err := oc.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var files []string
	err = tree.Files().ForEach(func(f *object.File) error {
		content, err := f.Contents()
		if err != nil {
			return err
		}
		cur, err := os.ReadFile(filepath.Join(r.Dir, filepath.FromSlash(f.Name)))
		if err != nil || string(cur) != content {
			files = append(files, f.Name+"="+strings.TrimSuffix(content, "\n"))
		}
		return nil
	})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if len(files) == 0 {
		files = []string{"log.txt=" + msg}
	}
	return r.commit(msg, []plumbing.Hash{*other}, files)
}

// Tag creates a lightweight tag at HEAD, or an annotated one when msg is set.
func (r *Repo) Tag(name, msg string) error {
	head, err := r.Git.Head()
	if err != nil {
		return err
	}
	var opts *git.CreateTagOptions
	if msg != "" {
		opts = &git.CreateTagOptions{Tagger: r.sig(), Message: msg}
	}
	_, err = r.Git.CreateTag(name, head.Hash(), opts)
	return err
}

// MarkShallow makes the repository look like a shallow clone.
func (r *Repo) MarkShallow() error {
	head, err := r.Git.Head()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(r.Dir, ".git", "shallow"), []byte(head.Hash().String()+"\n"), 0o644)
}
