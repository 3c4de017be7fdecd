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
	// Tagger overrides the git identity (versioning.tagger).
	TaggerName, TaggerEmail string
	// Getenv reads GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL and EMAIL, which
	// come before git's user.name and user.email, as for git tag; nil reads
	// none.
	Getenv func(string) string
	Now    time.Time
}

// TagResult says what `release tag` did.
type TagResult struct {
	Next
	Created bool   `json:"created"` // false on --dry-run
	Message string `json:"message"`
	Tagger  string `json:"tagger"` // "" on --dry-run when no identity is set
	Dirty   bool   `json:"dirty"`  // uncommitted changes in the work tree
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
	sig, err := v.Repo.tagger(o)
	if err != nil {
		if o.DryRun {
			return res, nil // says what is missing; a real run fails
		}
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

// tagger is the tag's identity, each of name and e-mail from the first of:
// versioning.tagger; GIT_COMMITTER_NAME / GIT_COMMITTER_EMAIL; git's
// user.name / user.email (the repository's, then the global ones); EMAIL
// for the e-mail. That is git tag's order after sustain's own setting; git
// takes no GIT_AUTHOR_* for a tagger, and neither does this.
func (r *Repo) tagger(o TagOptions) (object.Signature, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	name, email := strings.TrimSpace(o.TaggerName), strings.TrimSpace(o.TaggerEmail)
	if name == "" {
		name = strings.TrimSpace(getenv("GIT_COMMITTER_NAME"))
	}
	if email == "" {
		email = strings.TrimSpace(getenv("GIT_COMMITTER_EMAIL"))
	}
	if name == "" || email == "" {
		cfg, err := r.git.ConfigScoped(gitconfig.GlobalScope)
		if err == nil {
			if name == "" {
				name = strings.TrimSpace(cfg.User.Name)
			}
			if email == "" {
				email = strings.TrimSpace(cfg.User.Email)
			}
		}
	}
	if email == "" {
		email = strings.TrimSpace(getenv("EMAIL"))
	}
	if name == "" || email == "" {
		missing := "a name"
		switch {
		case name == "" && email == "":
			missing = "a name and an e-mail"
		case email == "":
			missing = "an e-mail"
		}
		return object.Signature{}, problem.New(problem.Usage,
			"set GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL, git config user.name / user.email, or versioning.tagger.name and .email (SUSTAIN_VERSIONING_TAGGER_NAME / _EMAIL)",
			"no tagger identity: an annotated tag needs a name and an e-mail, and %s is not set", missing)
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
