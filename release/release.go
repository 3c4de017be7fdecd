// Package release derives versions from git history under two schemes:
// semver-jira (MAJOR.MINOR.PATCH where PATCH is the Jira issue number, Q2–Q5)
// and build (a build number and date from the repository's revisions, A1, A3),
// for the whole product or per component.
package release

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/sustain-cli/sustain/internal/problem"
)

// Schemes.
const (
	SchemeSemverJira = "semver-jira"
	SchemeBuild      = "build"
)

// Settings is what the release package needs from the configuration.
type Settings struct {
	Scheme             string
	TagFormat          string
	ComponentTagFormat string
	BuildFormat        string
	FirstVersion       string // MAJOR.MINOR of the first release
	Location           *time.Location
	JiraProject        string
	KeyPattern         string // issue keys in messages; "" is DefaultKeyPattern
	// Prereleases: tags like v2.0.0-rc.1 count as releases (current,
	// next, the previous release of a document); by default they do not.
	Prereleases bool
	Components  map[string]Component
}

// Component is a named set of path globs released on its own.
type Component struct {
	Paths     []string
	TagFormat string // overrides Settings.ComponentTagFormat
}

// Versioner answers release questions about one repository.
type Versioner struct {
	Repo     *Repo
	Settings Settings
}

// scope is the whole product or one component.
type scope struct {
	name   string // component name; "" for the whole product
	format TagFormat
	filter *pathFilter // nil for the whole product
}

func (v *Versioner) scope(component string) (*scope, error) {
	if component == "" {
		f, err := ParseTagFormat(v.Settings.TagFormat, "")
		return &scope{format: f}, err
	}
	c, ok := v.Settings.Components[component]
	if !ok {
		names := make([]string, 0, len(v.Settings.Components))
		for n := range v.Settings.Components {
			names = append(names, n)
		}
		sort.Strings(names)
		hint := "define it under components: in .sustain.yaml"
		if len(names) > 0 {
			hint = "known components: " + strings.Join(names, ", ")
		}
		return nil, problem.New(problem.Usage, hint, "unknown component %q", component)
	}
	format := c.TagFormat
	if format == "" {
		format = v.Settings.ComponentTagFormat
	}
	f, err := ParseTagFormat(format, component)
	if err != nil {
		return nil, err
	}
	filter, err := newPathFilter(v.Repo, c.Paths)
	if err != nil {
		return nil, err
	}
	return &scope{name: component, format: f, filter: filter}, nil
}

// Current is the latest release of the scope reachable from HEAD.
func (v *Versioner) Current(ctx context.Context, component string) (*Release, error) {
	s, err := v.scope(component)
	if err != nil {
		return nil, err
	}
	head, err := v.Repo.Head()
	if err != nil {
		return nil, err
	}
	rel, err := v.latest(ctx, s.format, head.Commit.git())
	if err != nil {
		return nil, err
	}
	if rel == nil {
		return nil, v.noRelease(s)
	}
	return rel, nil
}

func (v *Versioner) noRelease(s *scope) error {
	what := "the product"
	if s.name != "" {
		what = "component " + s.name
	}
	first := v.Settings.FirstVersion + ".N, where N is the Jira issue number"
	if v.Settings.Scheme == SchemeBuild {
		first = "the build number of HEAD"
	}
	return problem.New(problem.NotFound, "see it with: sustain release next",
		"no release of %s yet: no tag like %s is reachable from HEAD; the first release will be %s",
		what, s.format.Render("<version>"), first)
}

// since lists the commits reachable from head but not from base (base may be
// zero), limited to the scope's paths, newest first.
func (v *Versioner) since(ctx context.Context, s *scope, head, base plumbing.Hash) ([]plumbing.Hash, error) {
	commits, err := v.Repo.graph.between(ctx, head, base)
	if err != nil || s.filter == nil {
		return commits, err
	}
	out := commits[:0]
	for _, h := range commits {
		if err := stopped(ctx); err != nil {
			return nil, err
		}
		ok, err := s.filter.touches(h, v.Repo.graph.infos[h])
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, h)
		}
	}
	return out, nil
}
