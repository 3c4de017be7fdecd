package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
)

// gitCLI runs git for the tests that compare with it or build what go-git
// cannot (bare clones with packs, linked worktrees); they skip without git.
func gitCLI(t *testing.T) func(dir string, args ...string) string {
	t.Helper()
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed; the comparison needs it")
	}
	return func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(gitBin, append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.test",
			"GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.test")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
}

// TestLayoutsAsGitFindsThem opens a bare clone (from itself and from a
// directory inside it), a GIT_DIR, and a linked worktree (.git file), each
// with and without a commit-graph, and compares counts and the current
// release with git's.
func TestLayoutsAsGitFindsThem(t *testing.T) {
	git := gitCLI(t)
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.1", true)
	f.do(f.r.Branch("feat"))
	f.commit("SRV-2 feat", "web/b=1")
	f.do(f.r.Checkout("main"))
	f.commit("SRV-3 main", "api/a=2")
	_, err := f.r.Merge("feat", "merge feat")
	f.do(err)
	f.tag("v1.0.3", false)
	f.commit("SRV-4 after", "api/a=3")

	tmp := t.TempDir()
	bare := filepath.Join(tmp, "repo.git")
	git(tmp, "clone", "--quiet", "--bare", "--no-local", f.r.Dir, bare)
	wt := filepath.Join(tmp, "wt")
	git(f.r.Dir, "worktree", "add", "--quiet", "-b", "side", wt, "v1.0.3")

	cases := []struct {
		name string
		o    OpenOptions
		gitC string // where git answers
	}{
		{"bare", OpenOptions{Dir: bare}, bare},
		{"inside bare", OpenOptions{Dir: filepath.Join(bare, "refs")}, bare},
		{"GIT_DIR absolute", OpenOptions{Dir: tmp, GitDir: bare}, bare},
		{"GIT_DIR relative", OpenOptions{Dir: tmp, GitDir: "repo.git"}, bare},
		{"GIT_DIR .git", OpenOptions{Dir: tmp, GitDir: filepath.Join(f.r.Dir, ".git")}, f.r.Dir},
		{"worktree", OpenOptions{Dir: wt}, wt},
		{"worktree subdir", OpenOptions{Dir: filepath.Join(wt, "api")}, wt},
		{"main work tree", OpenOptions{Dir: f.r.Dir}, f.r.Dir},
	}
	for _, graph := range []bool{false, true} {
		if graph {
			git(bare, "commit-graph", "write", "--reachable")
			git(f.r.Dir, "commit-graph", "write", "--reachable")
		}
		for _, c := range cases {
			t.Run(c.name+map[bool]string{false: "", true: " with commit-graph"}[graph], func(t *testing.T) {
				r, err := c.o.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				if r.UsesCommitGraph() != graph {
					t.Errorf("uses commit-graph = %v, want %v", r.UsesCommitGraph(), graph)
				}
				v := &Versioner{Repo: r, Settings: settings()}
				b, err := v.BuildInfo(ctx, "HEAD", "")
				if err != nil {
					t.Fatal(err)
				}
				want, _ := strconv.Atoi(git(c.gitC, "rev-list", "--count", "HEAD"))
				if b.Number != want || b.Commit != git(c.gitC, "rev-parse", "HEAD") {
					t.Errorf("build %d at %s, git says %d at %s", b.Number, b.Commit, want, git(c.gitC, "rev-parse", "HEAD"))
				}
				cur, err := v.Current(ctx, "")
				if err != nil {
					t.Fatal(err)
				}
				if want := git(c.gitC, "describe", "--tags", "--abbrev=0"); cur.Tag != want {
					t.Errorf("current %s, git describe says %s", cur.Tag, want)
				}
			})
		}
	}

	t.Run("refusals", func(t *testing.T) {
		_, err := OpenOptions{Dir: tmp, GitDir: "nope"}.Open()
		problemtest.Want(t, err, problem.Repository, "GIT_DIR=nope is not a git directory")
		_, err = OpenOptions{Dir: tmp}.Open()
		problemtest.Want(t, err, problem.Repository, "is not in a git repository")
		broken := filepath.Join(tmp, "broken")
		f.do(os.MkdirAll(broken, 0o755))
		f.do(os.WriteFile(filepath.Join(broken, ".git"), []byte("gitdir: ../gone\n"), 0o644))
		_, err = OpenOptions{Dir: broken}.Open()
		problemtest.Want(t, err, problem.Repository, "which is not a git directory")
	})
}

// TestDamagedPackIsNotAnsweredFromTheCommitGraph cuts a bare clone's pack
// in half: git refuses HEAD ("bad object"), and so must build-info and
// current, though the commit-graph alone could give a count.
func TestDamagedPackIsNotAnsweredFromTheCommitGraph(t *testing.T) {
	git := gitCLI(t)
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.1", true)
	f.commit("SRV-2 more", "api/a=2")
	bare := filepath.Join(t.TempDir(), "repo.git")
	git(filepath.Dir(bare), "clone", "--quiet", "--bare", "--no-local", f.r.Dir, bare)
	git(bare, "commit-graph", "write", "--reachable")
	packs, _ := filepath.Glob(filepath.Join(bare, "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("%d packs in the clone, want 1", len(packs))
	}
	st, err := os.Stat(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(packs[0], st.Size()/2); err != nil {
		t.Fatal(err)
	}
	r, err := Open(bare)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	v := &Versioner{Repo: r, Settings: settings()}
	if b, err := v.BuildInfo(ctx, "HEAD", ""); err == nil {
		t.Errorf("build-info on a damaged pack: build %d, no error", b.Number)
	}
	if cur, err := v.Current(ctx, ""); err == nil {
		t.Errorf("current on a damaged pack: %s, no error", cur.Tag)
	}
}
