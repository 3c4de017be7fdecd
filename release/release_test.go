package release

import (
	"context"
	"github.com/sustain-cli/sustain/internal/problem"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sustain-cli/sustain/internal/gittest"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
)

// ctx is the context of calls that are not about cancellation.
var ctx = context.Background()

func settings() Settings {
	return Settings{
		Scheme:             SchemeSemverJira,
		TagFormat:          "v{version}",
		ComponentTagFormat: "{component}/v{version}",
		BuildFormat:        "{number} ({date})",
		FirstVersion:       "1.0",
		Location:           time.FixedZone("MSK", 3*3600),
		JiraProject:        "SRV",
		Components: map[string]Component{
			"api": {Paths: []string{"api/**"}},
			"web": {Paths: []string{"web/**", "shared/ui/**"}},
			"doc": {Paths: []string{"docs/**/*.md"}},
		},
	}
}

type fixture struct {
	t testing.TB
	r *gittest.Repo
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	r, err := gittest.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, r: r}
}

func (f *fixture) commit(msg string, files ...string) {
	f.t.Helper()
	if _, err := f.r.Commit(msg, files...); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) tag(name string, annotated bool) {
	f.t.Helper()
	msg := ""
	if annotated {
		msg = "Release " + name
	}
	if err := f.r.Tag(name, msg); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) do(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) versioner(s Settings) *Versioner {
	f.t.Helper()
	repo, err := Open(f.r.Dir)
	if err != nil {
		f.t.Fatal(err)
	}
	return &Versioner{Repo: repo, Settings: s}
}

func TestCurrentPicksHighestReachableSemverTag(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.9", false)
	f.commit("SRV-37 fix", "api/a=2")
	f.tag("v1.0.37", true) // annotated counts as well
	f.tag("v1.2", false)   // not semver: skipped
	f.tag("api/v3.0.1", false)
	f.do(f.r.Branch("other"))
	f.commit("SRV-90 elsewhere", "web/x=1")
	f.tag("v9.9.9", false) // not reachable from main
	f.do(f.r.Checkout("main"))

	v := f.versioner(settings())
	var warned []string
	v.Repo.Warn = func(s string) { warned = append(warned, s) }
	rel, err := v.Current(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if rel.Version != "1.0.37" || rel.Tag != "v1.0.37" {
		t.Errorf("current = %+v, want 1.0.37", rel)
	}
	if !strings.Contains(strings.Join(warned, "\n"), "v1.2") {
		t.Errorf("warnings %q do not name the skipped tag v1.2", warned)
	}
	api, err := v.Current(ctx, "api")
	if err != nil || api.Version != "3.0.1" {
		t.Errorf("api current = %+v, %v", api, err)
	}
}

func TestCurrentWithoutTagsSaysFirstVersion(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start")
	_, err := f.versioner(settings()).Current(ctx, "")
	problemtest.Want(t, err, problem.NotFound, "1.0.N", "release next")
}

func TestNextFromCommitsBranchAndFlag(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.37", false)
	f.commit("Fix login\n\nRefs: SRV-42", "api/a=2")
	v := f.versioner(settings())

	n, err := v.Next(ctx, NextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Version != "1.0.42" || n.Tag != "v1.0.42" || n.Issue != "SRV-42" || n.IssueSource != "commits" || n.Commits != 1 {
		t.Errorf("next = %+v", n)
	}

	n, err = v.Next(ctx, NextOptions{Issue: "srv-50", Minor: true})
	if err != nil {
		t.Fatal(err)
	}
	if n.Version != "1.1.50" || n.IssueSource != "flag" || n.Bump != "minor" {
		t.Errorf("next --minor = %+v", n)
	}
	n, err = v.Next(ctx, NextOptions{Issue: "SRV-3", Major: true})
	if err != nil || n.Version != "2.0.3" {
		t.Errorf("next --major = %+v, %v", n, err)
	}

	f.do(f.r.Branch("feature/SRV-77-export"))
	f.commit("SRV-12 and SRV-13 touched", "api/b=1")
	n, err = f.versioner(settings()).Next(ctx, NextOptions{})
	if err != nil || n.Issue != "SRV-77" || n.IssueSource != "branch" {
		t.Errorf("next on branch = %+v, %v", n, err)
	}
}

func TestNextRefusals(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start")
	f.tag("v1.0.37", false)
	f.commit("SRV-12 small fix and SRV-40 too")
	v := f.versioner(settings())

	_, err := v.Next(ctx, NextOptions{})
	problemtest.Want(t, err, problem.Refused, "SRV-12, SRV-40", "--pick highest")

	n, err := v.Next(ctx, NextOptions{Pick: "highest"})
	if err != nil || n.Version != "1.0.40" {
		t.Errorf("--pick highest = %+v, %v", n, err)
	}

	_, err = v.Next(ctx, NextOptions{Issue: "SRV-12"})
	problemtest.Want(t, err, problem.Refused, "not be greater", "1.0.37", "--minor", "1.1.12")

	_, err = v.Next(ctx, NextOptions{Issue: "OPS-99"})
	problemtest.Want(t, err, problem.Refused, "OPS", "SRV")

	for _, bad := range []string{"SRV42", "SRV-", "SRV-042", "42", "SRV-4x", "SRV-18446744073709551616"} { // the last overflows PATCH
		_, err = v.Next(ctx, NextOptions{Issue: bad})
		problemtest.Want(t, err, problem.Usage, "PROJECT-NUMBER")
	}

	f.tag("v1.0.40", false)
	f.commit("SRV-40 follow-up")
	_, err = f.versioner(settings()).Next(ctx, NextOptions{})
	problemtest.Want(t, err, problem.Refused, "not be greater") // 1.0.40 is not > 1.0.40

	f.commit("no key here")
	f.tag("v1.0.77", false)
	f.commit("still no key")
	_, err = f.versioner(settings()).Next(ctx, NextOptions{})
	problemtest.Want(t, err, problem.Refused, "no SRV issue key", "--issue SRV-N")

	_, err = f.versioner(settings()).Next(ctx, NextOptions{Issue: "SRV-77"})
	problemtest.Want(t, err, problem.Refused, "not be greater")
	s := settings()
	s.TagFormat = "x{version}"
	f.tag("x1.1.77", false)
	n, err = f.versioner(s).Next(ctx, NextOptions{Issue: "SRV-77", Minor: true})
	if err != nil || n.Version != "1.2.77" {
		t.Errorf("minor over x1.1.77 = %+v, %v", n, err)
	}
}

func TestNextTagAlreadyExists(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start")
	f.tag("v1.0.37", false)
	f.do(f.r.Branch("old"))
	f.commit("SRV-50 on a side branch")
	f.tag("v1.0.50", false)
	f.do(f.r.Checkout("main"))
	f.commit("SRV-50 again")
	_, err := f.versioner(settings()).Next(ctx, NextOptions{})
	problemtest.Want(t, err, problem.Refused, "v1.0.50 already exists")
}

func TestNothingToRelease(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-5 start")
	f.tag("v1.0.5", false)
	_, err := f.versioner(settings()).Next(ctx, NextOptions{})
	problemtest.Want(t, err, problem.Refused, "no commits since v1.0.5")
}

func TestFirstRelease(t *testing.T) {
	f := newFixture(t)
	f.commit("init")
	f.commit("SRV-7 first feature")
	n, err := f.versioner(settings()).Next(ctx, NextOptions{})
	if err != nil || n.Version != "1.0.7" || n.Current != nil || n.Commits != 2 {
		t.Errorf("first = %+v, %v", n, err)
	}
}

func TestDetachedHeadFallsBackToCommits(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start")
	f.tag("v1.0.1", false)
	f.commit("SRV-8 fix")
	f.do(f.r.Checkout("HEAD"))
	v := f.versioner(settings())
	head, _ := v.Repo.Head()
	if !head.Detached {
		t.Fatal("HEAD is not detached")
	}
	n, err := v.Next(ctx, NextOptions{})
	if err != nil || n.Version != "1.0.8" {
		t.Errorf("detached next = %+v, %v", n, err)
	}
}

func TestComponentNextCountsOnlyItsCommits(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1", "web/w=1")
	f.tag("api/v1.0.1", false)
	f.tag("web/v1.0.1", false)
	f.commit("SRV-20 api change", "api/a=2")
	f.commit("SRV-21 web change", "shared/ui/button=2")
	v := f.versioner(settings())
	n, err := v.Next(ctx, NextOptions{Component: "api"})
	if err != nil || n.Version != "1.0.20" || n.Tag != "api/v1.0.20" || n.Commits != 1 {
		t.Errorf("api next = %+v, %v", n, err)
	}
	n, err = v.Next(ctx, NextOptions{Component: "web"})
	if err != nil || n.Version != "1.0.21" || n.Tag != "web/v1.0.21" {
		t.Errorf("web next = %+v, %v", n, err)
	}
	_, err = v.Next(ctx, NextOptions{Component: "nope"})
	problemtest.Want(t, err, problem.Usage, "api, doc, web")

	states, err := v.Components(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ComponentState{}
	for _, s := range states {
		got[s.Name] = s
	}
	if !got["api"].Changed || got["api"].Commits != 1 || got["api"].Build != 2 || got["api"].Current.Version != "1.0.1" {
		t.Errorf("api state = %+v", got["api"])
	}
	if got["doc"].Changed || got["doc"].Build != 0 || got["doc"].Current != nil {
		t.Errorf("doc state = %+v", got["doc"])
	}
}

func TestBuildInfo(t *testing.T) {
	f := newFixture(t)
	f.commit("one", "api/a=1")
	f.commit("two", "web/b=1")
	f.commit("three", "docs/admin/x.md=1")
	f.commit("four", "docs/admin/y.txt=1")
	s := settings()
	s.Scheme = SchemeBuild
	v := f.versioner(s)
	b, err := v.BuildInfo(ctx, "HEAD", "")
	if err != nil {
		t.Fatal(err)
	}
	// Start 07:00Z + 4 hours = 11:00Z = 14:00 MSK.
	if b.Number != 4 || b.Date != "2026-01-05T14:00:00+03:00" || b.Version != "4 (2026-01-05)" {
		t.Errorf("build = %+v", b)
	}
	b, err = v.BuildInfo(ctx, "HEAD~2", "")
	if err != nil || b.Number != 2 {
		t.Errorf("HEAD~2 = %+v, %v", b, err)
	}
	for comp, want := range map[string]int{"api": 1, "web": 1, "doc": 1} {
		b, err := v.BuildInfo(ctx, "HEAD", comp)
		if err != nil || b.Number != want || b.Component != comp {
			t.Errorf("%s build = %+v, %v; want %d", comp, b, err, want)
		}
	}
	_, err = v.BuildInfo(ctx, "no-such-rev", "")
	problemtest.Want(t, err, problem.NotFound, "no-such-rev")
}

func TestBuildSchemeNext(t *testing.T) {
	f := newFixture(t)
	f.commit("one")
	f.commit("two")
	s := settings()
	s.Scheme, s.TagFormat = SchemeBuild, "build-{number}"
	v := f.versioner(s)
	n, err := v.Next(ctx, NextOptions{})
	if err != nil || n.Tag != "build-2" || n.Build == nil || n.Build.Number != 2 {
		t.Fatalf("build next = %+v, %v", n, err)
	}
	_, err = v.Next(ctx, NextOptions{Minor: true})
	problemtest.Want(t, err, problem.Usage, "semver-jira")
}

func TestRepositoryErrors(t *testing.T) {
	_, err := Open(t.TempDir())
	problemtest.Want(t, err, problem.Repository, "not in a git repository", "-C")

	f := newFixture(t)
	_, err = f.versioner(settings()).BuildInfo(ctx, "HEAD", "")
	problemtest.Want(t, err, problem.Repository, "no commits")

	f.commit("one")
	f.do(f.r.MarkShallow())
	_, err = Open(f.r.Dir)
	problemtest.Want(t, err, problem.Repository, "shallow", "git fetch --unshallow", "fetch-depth: 0")
}

func TestTagCreatesAnnotatedTag(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start")
	f.tag("v1.0.1", false)
	f.commit("SRV-42 fix", "a=1")
	v := f.versioner(settings())
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	res, err := v.Tag(ctx, TagOptions{DryRun: true, TaggerName: "Rel Eng", TaggerEmail: "rel@example.test", Now: now})
	if err != nil || res.Created || res.Tag != "v1.0.42" {
		t.Fatalf("dry run = %+v, %v", res, err)
	}
	if v.Repo.tagExists("v1.0.42") {
		t.Fatal("dry run created the tag")
	}
	res, err = v.Tag(ctx, TagOptions{TaggerName: "Rel Eng", TaggerEmail: "rel@example.test", Now: now})
	if err != nil || !res.Created || res.Message != "Release 1.0.42 (SRV-42)" {
		t.Fatalf("tag = %+v, %v", res, err)
	}
	ref, err := f.r.Git.Reference("refs/tags/v1.0.42", false)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := f.r.Git.TagObject(ref.Hash())
	if err != nil {
		t.Fatalf("tag is not annotated: %v", err)
	}
	if obj.Tagger.Email != "rel@example.test" || !obj.Tagger.When.Equal(now) || obj.Message != "Release 1.0.42 (SRV-42)\n" {
		t.Errorf("tag object = %+v", obj)
	}
	rel, err := f.versioner(settings()).Current(ctx, "")
	if err != nil || rel.Version != "1.0.42" {
		t.Errorf("current after tag = %+v, %v", rel, err)
	}
	_, err = f.versioner(settings()).Tag(ctx, TagOptions{TaggerName: "x", TaggerEmail: "y@z"})
	problemtest.Want(t, err, problem.Refused, "no commits since v1.0.42")
}

// TestCountsMatchGit checks build numbers against git itself on a history
// with merges, a merge that changes nothing of a component, and an octopus.
func TestCountsMatchGit(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed; the comparison needs it")
	}
	f := newFixture(t)
	f.commit("root", "api/a=0", "web/w=0")
	f.do(f.r.Branch("feat"))
	f.commit("feat api", "api/a=1")
	f.commit("feat web", "web/w=1")
	f.do(f.r.Checkout("main"))
	f.commit("main docs", "docs/admin/guide.md=1")
	_, err = f.r.Merge("feat", "merge feat")
	f.do(err)
	f.do(f.r.Branch("side"))
	f.commit("side shared", "shared/ui/b=1")
	f.do(f.r.Checkout("main"))
	f.do(f.r.Branch("side2"))
	f.commit("side2 other", "other/x=1")
	f.do(f.r.Checkout("main"))
	f.commit("main api", "api/c=1")
	_, err = f.r.Merge("side", "merge side")
	f.do(err)
	_, err = f.r.Merge("side2", "merge side2 (touches no component)")
	f.do(err)

	gitCount := func(args ...string) int {
		t.Helper()
		out, err := exec.Command(gitBin, append([]string{"-C", f.r.Dir, "rev-list", "--count"}, args...)...).Output()
		if err != nil {
			t.Fatalf("git rev-list %v: %v", args, err)
		}
		n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
		return n
	}
	v := f.versioner(settings())
	b, err := v.BuildInfo(ctx, "HEAD", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := gitCount("HEAD"); b.Number != want {
		t.Errorf("build number %d, git rev-list --count says %d", b.Number, want)
	}
	for comp, paths := range map[string][]string{"api": {"api/"}, "web": {"web/", "shared/ui/"}} {
		b, err := v.BuildInfo(ctx, "HEAD", comp)
		if err != nil {
			t.Fatal(err)
		}
		want := gitCount(append([]string{"--full-history", "HEAD", "--"}, paths...)...)
		if b.Number != want {
			t.Errorf("%s: build number %d, git rev-list --count --full-history says %d", comp, b.Number, want)
		}
	}
}

// TestRevisionsThatAreNotCommits: a revision naming a tree, a blob or a tag
// object, or using syntax go-git ignores, is refused instead of silently
// standing for the commit before it (defect 12: HEAD^{tree} was HEAD).
func TestRevisionsThatAreNotCommits(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.1", true)
	head, err := f.r.Commit("SRV-2 more", "api/a=2")
	f.do(err)
	c, err := f.r.Git.CommitObject(head)
	f.do(err)
	tree, err := c.Tree()
	f.do(err)
	file, err := tree.File("api/a")
	f.do(err)
	_, err = f.r.Git.CreateTag("treetag", tree.Hash, &git.CreateTagOptions{Message: "a tree",
		Tagger: &object.Signature{Name: "T", Email: "t@example.test"}})
	f.do(err)
	f.do(f.r.Git.Storer.SetReference(plumbing.NewHashReference("refs/tags/blobtag", file.Hash)))
	v := f.versioner(settings())

	for rev, want := range map[string]string{
		"HEAD^{tree}":          "names a tree",
		"v1.0.1^{blob}":        "names a blob",
		"v1.0.1^{tag}":         "names a tag",
		"HEAD^{object}":        "does not name a commit",
		"HEAD:api/a":           "names a file or tree",
		"HEAD@{1}":             "does not name a commit",
		"main@{upstream}":      "does not name a commit",
		tree.Hash.String():     "names a tree",
		file.Hash.String():     "names a blob",
		"treetag":              "names a tree",
		"blobtag":              "names a blob",
		"HEAD~1^{tree}~1":      "names a tree",
		"HEAD^{commit}^{tree}": "names a tree",
	} {
		_, err := v.BuildInfo(ctx, rev, "")
		problemtest.Want(t, err, problem.Usage, rev, want)
		_, err = v.Range(ctx, RangeOptions{To: rev})
		problemtest.Want(t, err, problem.Usage, rev, want)
	}
	// What names a commit still works, and names the right one.
	for rev, want := range map[string]int{"HEAD^{commit}": 2, "HEAD^{}": 2, "HEAD~1": 1, "HEAD^": 1, "v1.0.1^{}": 1,
		"v1.0.1": 1, "HEAD^{/start}": 1, head.String(): 2} {
		b, err := v.BuildInfo(ctx, rev, "")
		if err != nil || b.Number != want {
			t.Errorf("%s: build %+v, %v; want number %d", rev, b, err, want)
		}
	}
}
