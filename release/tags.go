package release

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sustain-cli/sustain/internal/problem"
)

// TagFormat turns versions into tag names and back, e.g. "v{version}" or
// "api/v{version}" or "build-{number}".
type TagFormat struct {
	prefix, suffix string
	field          string // "version" or "number"
}

// ParseTagFormat checks format and fills in {component}.
func ParseTagFormat(format, component string) (TagFormat, error) {
	f := strings.ReplaceAll(format, "{component}", component)
	for _, field := range []string{"version", "number"} {
		ph := "{" + field + "}"
		if i := strings.Index(f, ph); i >= 0 {
			tf := TagFormat{prefix: f[:i], suffix: f[i+len(ph):], field: field}
			if strings.ContainsAny(tf.prefix+tf.suffix, "{}") {
				return TagFormat{}, problem.New(problem.Usage, "use {version} (semver-jira) or {number} (build), and {component}",
					"tag format %q has an unknown placeholder", format)
			}
			return tf, nil
		}
	}
	return TagFormat{}, problem.New(problem.Usage, "put {version} or {number} in it", "tag format %q has no {version} or {number}", format)
}

// Render gives the tag name for a version or build number.
func (f TagFormat) Render(value string) string { return f.prefix + value + f.suffix }

// match returns the version part of a tag name when the name has the
// format's prefix and suffix.
func (f TagFormat) match(name string) (string, bool) {
	if len(name) <= len(f.prefix)+len(f.suffix) || !strings.HasPrefix(name, f.prefix) || !strings.HasSuffix(name, f.suffix) {
		return "", false
	}
	return name[len(f.prefix) : len(name)-len(f.suffix)], true
}

var errOtherFormat = errors.New("not of the tag format")

// parse reads a tag name of the format into a release: a MAJOR.MINOR.PATCH
// version (semver-jira) or a build number, each written the one way Render
// writes it back, so that every version has one tag: "build-05" and
// "build-+5" are not build 5.
func (f TagFormat) parse(name string) (Release, error) {
	v, ok := f.match(name)
	if !ok {
		return Release{}, errOtherFormat
	}
	rel := Release{Version: v, Tag: name}
	switch f.field {
	case "version":
		sv, err := semver.StrictNewVersion(v)
		if err != nil || sv.String() != v {
			return Release{}, fmt.Errorf("%q is not a MAJOR.MINOR.PATCH version", v)
		}
		rel.semver = sv
	case "number":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || strconv.Itoa(n) != v {
			return Release{}, fmt.Errorf("%q is not a build number", v)
		}
		rel.number = n
	}
	return rel, nil
}

// refTag is a tag peeled to the commit it names.
type refTag struct {
	Name   string
	Commit plumbing.Hash
}

// tags lists every tag, annotated or lightweight, with its commit. Tags that
// point at something other than a commit are left out.
func (r *Repo) tags() ([]refTag, error) {
	iter, err := r.git.Tags()
	if err != nil {
		return nil, err
	}
	var out []refTag
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		h, ok := r.peel(ref.Hash())
		if !ok {
			return nil
		}
		if _, err := r.graph.info(h); err != nil {
			return nil
		}
		out = append(out, refTag{Name: ref.Name().Short(), Commit: h})
		return nil
	})
	return out, err
}

// peel follows annotated tags (tag objects, read from the packs directly)
// to what they name; false when that is not a commit.
func (r *Repo) peel(h plumbing.Hash) (plumbing.Hash, bool) {
	for i := 0; i < 10; i++ {
		typ, data, err := r.graph.rawType(h)
		if err != nil {
			return h, false
		}
		switch typ {
		case plumbing.CommitObject:
			// Without a commit-graph the commit's header is what
			// graph.info would read again: keep it.
			if g := r.graph; g.index == nil && g.infos[h] == nil {
				if ci, err := parseCommitHeader(data, g.withMessages); err == nil {
					g.infos[h] = ci
				}
			}
			return h, true
		case plumbing.TagObject:
			line, _, _ := bytes.Cut(data, []byte("\n"))
			target, ok := bytes.CutPrefix(line, []byte("object "))
			if !ok || !plumbing.IsHash(string(target)) {
				return h, false
			}
			h = plumbing.NewHash(string(target))
		default:
			return h, false
		}
	}
	return h, false
}

// tagExists reports whether a tag of that name exists.
func (r *Repo) tagExists(name string) bool {
	_, err := r.git.Reference(plumbing.NewTagReferenceName(name), false)
	return err == nil
}

// Release is a released version: its tag and commit.
type Release struct {
	Version string `json:"version"`
	Tag     string `json:"tag"`
	Commit  Hash   `json:"-"`
	semver  *semver.Version
	number  int
}

// versionTags returns the tags that match format, newest version first.
// Tags that have the format's shape but no valid version are reported to
// Warn and skipped.
func (r *Repo) versionTags(format TagFormat) ([]Release, error) {
	if rels, ok := r.tagCache[format]; ok {
		return rels, nil
	}
	all, err := r.tags()
	if err != nil {
		return nil, err
	}
	var out []Release
	for _, t := range all {
		rel, err := format.parse(t.Name)
		if err != nil {
			if err != errOtherFormat {
				r.Warn(fmt.Sprintf("skipping tag %s: %v", t.Name, err))
			}
			continue
		}
		rel.Commit = hashOf(t.Commit)
		out = append(out, rel)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].semver != nil {
			return out[i].semver.GreaterThan(out[j].semver)
		}
		return out[i].number > out[j].number
	})
	if r.tagCache == nil {
		r.tagCache = map[TagFormat][]Release{}
	}
	r.tagCache[format] = out
	return out, nil
}

// releases are the tags of format that count as releases, newest version
// first: pre-releases (v2.0.0-rc.1) only with Settings.Prereleases.
func (v *Versioner) releases(format TagFormat) ([]Release, error) {
	rels, err := v.Repo.versionTags(format)
	if err != nil || v.Settings.Prereleases {
		return rels, err
	}
	out := make([]Release, 0, len(rels))
	for _, r := range rels {
		if r.semver == nil || r.semver.Prerelease() == "" {
			out = append(out, r)
		}
	}
	return out, nil
}

// latest is the highest release of format reachable from head, or nil.
func (v *Versioner) latest(ctx context.Context, format TagFormat, head plumbing.Hash) (*Release, error) {
	rels, err := v.releases(format)
	if err != nil || len(rels) == 0 {
		return nil, err
	}
	commits := make([]plumbing.Hash, len(rels))
	for i, rel := range rels {
		commits[i] = rel.Commit.git()
	}
	i, err := v.Repo.graph.firstReachable(ctx, head, commits)
	if err != nil || i < 0 {
		return nil, err
	}
	return &rels[i], nil
}

// createTag writes an annotated tag.
func (r *Repo) createTag(name string, commit plumbing.Hash, tagger object.Signature, message string) error {
	_, err := r.git.CreateTag(name, commit, &git.CreateTagOptions{Tagger: &tagger, Message: message})
	r.tagCache = nil
	return err
}
