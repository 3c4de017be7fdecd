package release

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestWalksMatchGit builds a random history of branches and merges, then
// checks the walks against git itself, with and without a commit-graph file:
// counts (rev-list --count), commits since a revision (rev-list A..B) and the
// highest reachable tag.
func TestWalksMatchGit(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed; the comparison needs it")
	}
	f := newFixture(t)
	rng := rand.New(rand.NewSource(7))
	f.commit("root", "a=0")
	branches := []string{"main"}
	for i := 1; i <= 120; i++ {
		switch r := rng.Intn(10); {
		case r == 0 && len(branches) < 5:
			name := fmt.Sprintf("b%d", i)
			f.do(f.r.Branch(name))
			branches = append(branches, name)
		case r == 1 && len(branches) > 1:
			other := branches[1+rng.Intn(len(branches)-1)]
			cur, _ := f.r.Git.Head()
			if cur.Name().Short() != other {
				_, err := f.r.Merge(other, fmt.Sprintf("merge %s at %d", other, i))
				f.do(err)
			}
		case r == 2:
			f.do(f.r.Checkout(branches[rng.Intn(len(branches))]))
		default:
			f.commit(fmt.Sprintf("SRV-%d change", i), fmt.Sprintf("f%d=%d", rng.Intn(8), i))
		}
		if i%15 == 0 {
			f.tag(fmt.Sprintf("v1.%d.%d", rng.Intn(4), i), false)
		}
	}
	git := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(gitBin, append([]string{"-C", f.r.Dir}, args...)...).Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	revs := strings.Fields(git("rev-list", "--all"))
	tags := strings.Fields(git("tag"))

	check := func(t *testing.T) {
		r, err := Open(f.r.Dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		format, _ := ParseTagFormat("v{version}", "")
		for i, head := range revs {
			if i%7 != 0 {
				continue
			}
			h := plumbing.NewHash(head)
			n, err := r.graph.countReachable(ctx, h)
			if err != nil || fmt.Sprint(n) != git("rev-list", "--count", head) {
				t.Errorf("count %s = %d, %v; git says %s", head[:7], n, err, git("rev-list", "--count", head))
			}
			base := revs[rng.Intn(len(revs))]
			got, err := r.graph.between(ctx, h, plumbing.NewHash(base))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Fields(git("rev-list", base+".."+head))
			if a, b := hashes(got), sorted(want); a != b {
				t.Errorf("between %s..%s:\n got %s\nwant %s", base[:7], head[:7], a, b)
			}
			rel, err := (&Versioner{Repo: r, Settings: settings()}).latest(ctx, format, h)
			if err != nil {
				t.Fatal(err)
			}
			wantTag := highestMerged(git, head, tags)
			if gotTag := ""; rel != nil {
				gotTag = rel.Tag
				if gotTag != wantTag {
					t.Errorf("latest from %s = %s, git says %s", head[:7], gotTag, wantTag)
				}
			} else if wantTag != "" {
				t.Errorf("latest from %s = none, git says %s", head[:7], wantTag)
			}
		}
	}
	t.Run("loose objects", check)
	// Packed (with deltas), the walks read the packs through their index.
	git("repack", "-a", "-d", "-f", "-q")
	t.Run("pack files", func(t *testing.T) {
		r, _ := Open(f.r.Dir)
		defer r.Close()
		if len(r.graph.packs.files) == 0 {
			t.Fatal("no pack file mapped")
		}
		check(t)
	})
	git("commit-graph", "write", "--reachable")
	if _, err := os.Stat(filepath.Join(f.r.Dir, ".git", "objects", "info", "commit-graph")); err != nil {
		t.Fatalf("no commit-graph written: %v", err)
	}
	t.Run("commit-graph", func(t *testing.T) {
		r, _ := Open(f.r.Dir)
		if !r.UsesCommitGraph() {
			t.Fatal("the commit-graph file is not used")
		}
		r.Close()
		check(t)
	})
}

// highestMerged is the highest v-tag git says is merged into head.
func highestMerged(git func(...string) string, head string, tags []string) string {
	best, bestV := "", ""
	for _, tag := range strings.Fields(git("tag", "--merged", head)) {
		v := strings.TrimPrefix(tag, "v")
		if best == "" || versionLess(bestV, v) {
			best, bestV = tag, v
		}
	}
	return best
}

func versionLess(a, b string) bool {
	var x, y [3]int
	fmt.Sscanf(a, "%d.%d.%d", &x[0], &x[1], &x[2])
	fmt.Sscanf(b, "%d.%d.%d", &y[0], &y[1], &y[2])
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

func hashes(hs []plumbing.Hash) string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = h.String()
	}
	return sorted(s)
}

func sorted(s []string) string {
	sort.Strings(s)
	return strings.Join(s, " ")
}
