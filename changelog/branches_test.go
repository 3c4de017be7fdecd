package changelog_test

import (
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/internal/gittest"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
	"github.com/sustain-cli/sustain/release"
)

// TestReleaseBranchRange is 3.8 cut from trunk after 3.7 was tagged on its
// own branch, with trunk's fixes cherry-picked there: the range is git's
// (reachable from --to, not from --from), the cherry-picked issues are
// left out with a note, and revisions with nothing in common are refused.
func TestReleaseBranchRange(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed; the comparison needs it")
	}
	git := func(dir string, args ...string) string {
		t.Helper()
		out, err := exec.Command(gitBin, append([]string{"-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.test"}, args...)...).Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	r, err := gittest.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Commit("SRV-1 start", "api/a=1"))
	must(nil, r.Tag("v3.6.1", ""))
	must(nil, r.Branch("release/3.7"))
	must(r.Commit("fix: SRV-7 the 3.7 release fix", "api/b=1"))
	must(nil, r.Checkout("main"))
	must(r.Commit("fix: SRV-20 crash on save", "api/c=1"))
	must(r.Commit("feat: SRV-21 export", "api/d=1"))
	for i := 30; i < 42; i++ {
		must(r.Commit(fmt.Sprintf("fix: SRV-%d small fix", i), fmt.Sprintf("api/f%d=1", i)))
	}
	must(r.Commit("fix: SRV-21 SRV-50 export and import", "api/e=1"))
	must(nil, r.Checkout("release/3.7"))
	// Cherry-picks of trunk's fixes: the same keys, other commits.
	must(r.Commit("fix: SRV-20 crash on save\n\n(cherry picked)", "api/c=1"))
	for i := 30; i < 42; i++ {
		must(r.Commit(fmt.Sprintf("fix: SRV-%d small fix", i), fmt.Sprintf("api/f%d=1", i)))
	}
	must(nil, r.Tag("v3.7.20", ""))
	must(nil, r.Checkout("main"))
	must(r.Commit("feat: SRV-60 new report", "api/r=1"))
	must(nil, r.Tag("v3.8.60", ""))

	repo, err := release.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	v := &release.Versioner{Repo: repo, Settings: release.Settings{Scheme: release.SchemeSemverJira, TagFormat: "v{version}", JiraProject: "SRV", Location: time.UTC}}
	rg, err := v.Range(ctx, release.RangeOptions{From: "v3.7.20", To: "v3.8.60"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range rg.Commits {
		got = append(got, c.Hash)
	}
	if want := git(r.Dir, "rev-list", "v3.7.20..v3.8.60"); strings.Join(got, "\n") != want {
		t.Errorf("range commits:\n%s\ngit rev-list v3.7.20..v3.8.60:\n%s", strings.Join(got, "\n"), want)
	}
	var shipped []string
	for _, c := range rg.Shipped {
		shipped = append(shipped, c.Hash)
	}
	if want := git(r.Dir, "rev-list", "v3.8.60..v3.7.20"); strings.Join(shipped, "\n") != want {
		t.Errorf("shipped commits:\n%s\ngit rev-list v3.8.60..v3.7.20:\n%s", strings.Join(shipped, "\n"), want)
	}

	p, _ := changelog.NewParser("", []string{"SRV"})
	d, err := changelog.Build(p, settings, changelog.Input{Lang: "en", Range: rg})
	if err != nil {
		t.Fatal(err)
	}
	keys := d.Keys()
	sort.Strings(keys)
	if got := strings.Join(keys, " "); got != "SRV-21 SRV-50 SRV-60" {
		// SRV-1 is in both histories, so not in the range at all.
		t.Errorf("entries %s, want SRV-21 SRV-50 SRV-60 (SRV-20, SRV-30..41 shipped in 3.7)", got)
	}
	if len(d.Shipped) != 13 || d.Shipped[0] != "SRV-20" || d.Shipped[12] != "SRV-41" {
		t.Errorf("already_shipped = %v", d.Shipped)
	}
	note := strings.Join(d.Notes, "\n")
	for _, want := range []string{"13 issues already shipped in v3.7.20", "SRV-20, SRV-30,", "… and 3 more (--json for all)"} {
		if !strings.Contains(note, want) {
			t.Errorf("notes %q lack %q", note, want)
		}
	}
	if strings.Contains(note, "SRV-41") {
		t.Errorf("notes list more than 10 keys: %q", note)
	}

	// Swapped ends are still refused: the range would be empty.
	_, err = v.Range(ctx, release.RangeOptions{From: "v3.8.60", To: "v3.6.1"})
	problemtest.Want(t, err, problem.Usage, "but a descendant")
	// Histories with nothing in common.
	tree := git(r.Dir, "mktree")
	orphan := git(r.Dir, "commit-tree", tree, "-m", "SRV-99 unrelated")
	git(r.Dir, "tag", "unrelated", orphan)
	_, err = v.Range(ctx, release.RangeOptions{From: "unrelated", To: "v3.8.60"})
	problemtest.Want(t, err, problem.Usage, "they have no commit in common")
}
