package release

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	cgv2 "github.com/go-git/go-git/v5/plumbing/format/commitgraph/v2"
)

// TestCommitGraphParentsMatchGoGit reads every commit's parent positions
// from a commit-graph git wrote, with merges and octopus merges (the extra
// edge list), and compares them with go-git's reader; the count over the
// graph is compared with git rev-list --count.
func TestCommitGraphParentsMatchGoGit(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed; the comparison needs it")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(gitBin, append([]string{"-C", dir, "-c", "user.name=T", "-c", "user.email=t@example.test"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	commit := func(msg string) { git("commit", "-q", "--allow-empty", "-m", msg) }
	commit("root")
	for round := 0; round < 3; round++ {
		var branches []string
		for b := 0; b < 2+round; b++ { // merged with main: octopus merges of 3, 4 and 5 parents
			name := "b" + string(rune('a'+round)) + string(rune('0'+b))
			git("checkout", "-q", "-b", name, "main")
			commit(name + " 1")
			commit(name + " 2")
			branches = append(branches, name)
		}
		git("checkout", "-q", "main")
		commit("main " + string(rune('0'+round)))
		git(append([]string{"merge", "-q", "--no-ff", "-m", "merge"}, branches...)...)
	}
	git("commit-graph", "write", "--reachable")

	data, err := os.ReadFile(filepath.Join(dir, ".git", "objects", "info", "commit-graph"))
	if err != nil {
		t.Fatal(err)
	}
	p := parseCGParents(data)
	if p == nil {
		t.Fatal("the commit-graph git wrote was not read")
	}
	if len(p.edge) == 0 {
		t.Fatal("no extra-edge chunk: the octopus merges were not tested")
	}
	idx, err := cgv2.OpenFileIndex(memFile{bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if p.n != idx.MaximumNumberOfHashes() {
		t.Fatalf("%d commits, go-git says %d", p.n, idx.MaximumNumberOfHashes())
	}
	octopus := 0
	for i := uint32(0); i < p.n; i++ {
		got, err := p.parents(i, nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err := idx.GetCommitDataByIndex(i)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, d.ParentIndexes) && !(len(got) == 0 && len(d.ParentIndexes) == 0) {
			t.Errorf("position %d: parents %v, go-git says %v", i, got, d.ParentIndexes)
		}
		if len(got) > 2 {
			octopus++
		}
	}
	if octopus != 3 { // main and 2, 3, 4 branches
		t.Errorf("%d octopus merges read, want 3", octopus)
	}
	if _, err := p.parents(p.n, nil); err == nil {
		t.Error("a position past the end was read")
	}

	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.graph.cgp == nil {
		t.Fatal("Open does not read parents from the mapped commit-graph")
	}
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	n, err := r.graph.countReachable(ctx, head.Commit.git())
	if want := git("rev-list", "--count", "HEAD"); err != nil || strings.TrimSpace(want) != strconv.Itoa(n) {
		t.Errorf("count = %d, %v; git says %s", n, err, want)
	}
}

// TestCommitGraphDamagedEdges: an extra-edge list that runs off the chunk
// is an error, not a read past the file.
func TestCommitGraphDamagedEdges(t *testing.T) {
	p := &cgParents{n: 1, rec: 36, cdat: make([]byte, 36), edge: []byte{0, 0, 0, 1}}
	copy(p.cdat[20:], []byte{0, 0, 0, 0, 0x80, 0, 0, 0}) // parent 0, then edges from 0, never ended
	if _, err := p.parents(0, nil); err == nil {
		t.Fatal("an unterminated extra-edge list was accepted")
	}
}
