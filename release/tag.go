package release

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sustain-cli/sustain/internal/problem"
)

// TagOptions are the choices of `release tag`.
type TagOptions struct {
	NextOptions
	DryRun  bool
	Message string
	// Tagger overrides the git config user (user.name, user.email).
	TaggerName, TaggerEmail string
	Now                     time.Time
}

// TagResult says what `release tag` did.
type TagResult struct {
	Next
	Created bool   `json:"created"` // false on --dry-run
	Message string `json:"message"`
	Tagger  string `json:"tagger"`
	Dirty   bool   `json:"dirty"` // uncommitted changes in the work tree
}

// Tag creates the annotated tag of the next version on HEAD.
func (v *Versioner) Tag(ctx context.Context, o TagOptions) (*TagResult, error) {
	n, err := v.Next(ctx, o.NextOptions)
	if err != nil {
		return nil, err
	}
	if v.Settings.Scheme == SchemeBuild && v.Repo.tagExists(n.Tag) {
		return nil, problem.New(problem.Refused, "commit something new first: a build is a commit", "tag %s already exists", n.Tag)
	}
	res := &TagResult{Next: *n, Message: o.Message}
	if res.Message == "" {
		res.Message = "Release " + n.Version
		if n.Issue != "" {
			res.Message += " (" + n.Issue + ")"
		}
	}
	if res.Dirty, err = v.Repo.dirty(); err != nil {
		return nil, err
	}
	sig, err := v.Repo.tagger(o.TaggerName, o.TaggerEmail)
	if err != nil {
		return nil, err
	}
	sig.When = o.Now
	res.Tagger = fmt.Sprintf("%s <%s>", sig.Name, sig.Email)
	if o.DryRun {
		return res, nil
	}
	if err := v.Repo.createTag(n.Tag, plumbing.NewHash(n.Commit), sig, res.Message); err != nil {
		return nil, fmt.Errorf("create tag %s: %w", n.Tag, err)
	}
	res.Created = true
	return res, nil
}

// tagger is the configured identity, else git's user.name and user.email.
func (r *Repo) tagger(name, email string) (object.Signature, error) {
	if name == "" || email == "" {
		cfg, err := r.git.ConfigScoped(gitconfig.GlobalScope)
		if err == nil {
			if name == "" {
				name = cfg.User.Name
			}
			if email == "" {
				email = cfg.User.Email
			}
		}
	}
	if strings.TrimSpace(name) == "" || strings.TrimSpace(email) == "" {
		return object.Signature{}, problem.New(problem.Usage,
			"set versioning.tagger.name and .email (or SUSTAIN_VERSIONING_TAGGER_NAME / _EMAIL), or git config user.name / user.email",
			"no tagger identity: an annotated tag needs a name and an e-mail")
	}
	return object.Signature{Name: name, Email: email}, nil
}

// dirty reports uncommitted changes to tracked files.
func (r *Repo) dirty() (bool, error) {
	wt, err := r.git.Worktree()
	if err != nil {
		return false, nil // a bare repository has no work tree to be dirty
	}
	st, err := wt.Status()
	if err != nil {
		return false, err
	}
	for _, s := range st {
		if s.Worktree == git.Untracked && s.Staging == git.Untracked {
			continue // new files the tag cannot contain anyway
		}
		if s.Worktree != git.Unmodified || s.Staging != git.Unmodified {
			return true, nil
		}
	}
	return false, nil
}
