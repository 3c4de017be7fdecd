package release

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
)

// TestMaintenanceLine: release/1.0 with 1.0.x tags while main has 1.1.x.
// next works within the line reachable from HEAD (current agrees with git
// describe), a version whose tag exists on another branch is refused with
// the tag named, and raising MINOR into main's line is refused.
func TestMaintenanceLine(t *testing.T) {
	git := gitCLI(t)
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.1", true)
	f.commit("SRV-5 fix", "api/a=2")
	f.tag("v1.0.5", false)
	f.do(f.r.Branch("release/1.0"))
	f.do(f.r.Checkout("main"))
	f.commit("feat: SRV-10 new things", "api/b=1")
	f.tag("v1.1.10", true)
	f.commit("SRV-12 more", "api/b=2")
	f.tag("v1.1.12", false)
	// A hotfix tagged from a branch of its own.
	f.do(f.r.Checkout("v1.0.5"))
	f.do(f.r.Branch("hotfix"))
	f.commit("SRV-9 urgent", "api/a=3")
	f.tag("v1.0.9", false)
	f.do(f.r.Checkout("release/1.0"))

	f.commit("SRV-7 backport", "api/a=4")
	v := f.versioner(settings())
	cur, err := v.Current(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := git(f.r.Dir, "describe", "--tags", "--abbrev=0"); cur.Tag != want {
		t.Errorf("current %s, git describe says %s", cur.Tag, want)
	}
	n, err := v.Next(ctx, NextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Version != "1.0.7" || n.Current.Tag != "v1.0.5" || n.Commits != 1 {
		t.Errorf("next on release/1.0 = %s from %s, %d commits; want 1.0.7 from v1.0.5, 1", n.Version, n.Current.Tag, n.Commits)
	}
	// The hotfix branch has v1.0.9 already.
	_, err = v.Next(ctx, NextOptions{Issue: "SRV-9"})
	problemtest.Want(t, err, problem.Refused, "tag v1.0.9 already exists (on commit ")
	// 1.1 belongs to main.
	_, err = v.Next(ctx, NextOptions{Issue: "SRV-7", Minor: true})
	problemtest.Want(t, err, problem.Refused, "1.1 is released from another branch already (v1.1.12")
	// A lower issue number: the hint does not send the line into 1.1.
	f.commit("SRV-3 old bug", "api/a=5")
	v = f.versioner(settings())
	_, err = v.Next(ctx, NextOptions{Issue: "SRV-3"})
	problemtest.Want(t, err, problem.Refused, "would not be greater than the current release 1.0.5")
	var pe *problem.Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Hint, "maintenance line") {
		t.Errorf("hint of %v does not say it is a maintenance line", err)
	}
	// On main the same history gives main's line.
	f.do(f.r.Checkout("main"))
	f.commit("SRV-20 trunk", "api/c=1")
	v = f.versioner(settings())
	if n, err := v.Next(ctx, NextOptions{}); err != nil || n.Version != "1.1.20" {
		t.Errorf("next on main = %v, %v; want 1.1.20", n, err)
	}
}

// TestPrereleases: v2.0.0-rc.1 is not the current release, nor the previous
// release of a document, unless Settings.Prereleases; git describe, which
// knows no pre-releases, agrees with the included case.
func TestPrereleases(t *testing.T) {
	git := gitCLI(t)
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.1", false)
	f.commit("SRV-2 big", "api/a=2")
	f.tag("v2.0.0-rc.1", true)
	f.commit("SRV-3 more", "api/a=3")

	v := f.versioner(settings())
	cur, err := v.Current(ctx, "")
	if err != nil || cur.Tag != "v1.0.1" {
		t.Fatalf("current = %v, %v; want v1.0.1 (rc excluded)", cur, err)
	}
	rg, err := v.Range(ctx, RangeOptions{})
	if err != nil || rg.Previous == nil || rg.Previous.Tag != "v1.0.1" || len(rg.Commits) != 2 {
		t.Errorf("range previous %v with %d commits, %v; want v1.0.1 and 2", rg.Previous, len(rg.Commits), err)
	}
	n, err := v.Next(ctx, NextOptions{Pick: "highest"})
	if err != nil || n.Current.Tag != "v1.0.1" || n.Version != "1.0.3" {
		t.Errorf("next = %+v, %v", n, err)
	}

	s := settings()
	s.Prereleases = true
	v = f.versioner(s)
	cur, err = v.Current(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := git(f.r.Dir, "describe", "--tags", "--abbrev=0"); cur.Tag != want {
		t.Errorf("current with pre-releases %s, git describe %s", cur.Tag, want)
	}
	if rg, err := v.Range(ctx, RangeOptions{To: "v2.0.0-rc.1"}); err != nil || rg.Current == nil || rg.Current.Tag != "v2.0.0-rc.1" {
		t.Errorf("range at the rc: %v, %v", rg, err)
	}
}

// TestLongKeyListsAreCut: release next on a history with many keys names
// ten of them and the count of the rest, not thousands in one line.
func TestLongKeyListsAreCut(t *testing.T) {
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.1", false)
	for i := 2; i <= 40; i++ {
		f.commit(fmt.Sprintf("SRV-%d change", i), fmt.Sprintf("api/a=%d", i))
	}
	_, err := f.versioner(settings()).Next(ctx, NextOptions{})
	problemtest.Want(t, err, problem.Refused, "mention 39 SRV issues: SRV-2, SRV-3,", "SRV-11 … and 29 more (--json for all)")
	if strings.Contains(err.Error(), "SRV-12") {
		t.Errorf("the message lists more than ten keys: %v", err)
	}
	if got := CutList(make([]string, 7187)); !strings.HasSuffix(got, "… and 7,177 more (--json for all)") {
		t.Errorf("CutList of 7187 ends %q", got[len(got)-40:])
	}
}
