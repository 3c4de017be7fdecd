package release

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// TestPackReaderMatchesGoGit reads every object of a repacked repository
// (deltas of deltas, with git's own delta search) through the pack reader
// and through go-git, and compares type and content.
func TestPackReaderMatchesGoGit(t *testing.T) {
	git := gitCLI(t)
	f := newFixture(t)
	body := strings.Repeat("a line of text that stays the same\n", 80)
	for i := 0; i < 60; i++ {
		f.commit(fmt.Sprintf("SRV-%d edit %d", i+1, i), fmt.Sprintf("src/deep/dir/file%d.txt=%s\nchange %d", i%5, body, i), fmt.Sprintf("docs/n%d=%d", i%3, i))
		if i%20 == 0 {
			f.tag(fmt.Sprintf("v1.0.%d", i+1), true)
		}
	}
	git(f.r.Dir, "repack", "-a", "-d", "-f", "-q", "--depth=20", "--window=50")
	r, err := Open(f.r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if len(r.graph.packs.files) != 1 {
		t.Fatalf("%d packs mapped, want 1", len(r.graph.packs.files))
	}
	deltas := 0
	for _, line := range strings.Split(git(f.r.Dir, "rev-list", "--objects", "--all"), "\n") {
		h := plumbing.NewHash(strings.Fields(line)[0])
		typ, data, err := r.graph.packs.read(h)
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		obj, err := r.git.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			t.Fatal(err)
		}
		rd, _ := obj.Reader()
		want, _ := io.ReadAll(rd)
		rd.Close()
		if typ != obj.Type() || !bytes.Equal(data, want) {
			t.Errorf("%s: pack reader gives %s of %d bytes, go-git %s of %d", h, typ, len(data), obj.Type(), len(want))
		}
		if off, _ := r.graph.packs.files[0].offset(h); r.graph.packs.files[0].pack[off]>>4&7 >= 6 {
			deltas++
		}
	}
	if deltas < 20 {
		t.Errorf("only %d objects are deltas: the test does not exercise them", deltas)
	}
	if _, _, err := r.graph.packs.read(plumbing.NewHash(strings.Repeat("ab", 20))); err != errNotPacked {
		t.Errorf("an absent object: %v, want errNotPacked", err)
	}
}

// TestApplyDeltaRefusesMalformed: a delta that copies outside its base or
// claims another size is an error, not a panic.
func TestApplyDeltaRefusesMalformed(t *testing.T) {
	base := []byte("0123456789")
	for name, delta := range map[string][]byte{
		"copy past the base": {10, 5, 0x91, 8, 5},
		"wrong base size":    {9, 1, 1, 'x'},
		"short insert":       {10, 5, 5, 'a'},
		"zero opcode":        {10, 1, 0},
		"truncated":          {10},
	} {
		if _, err := applyDelta(base, delta); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	out, err := applyDelta(base, []byte{10, 6, 0x91, 2, 3, 3, 'a', 'b', 'c'})
	if err != nil || string(out) != "234abc" {
		t.Errorf("valid delta: %q, %v", out, err)
	}
}

// TestChangedPathsMatchGitDiff compares the files between two commits with
// git diff --name-only, on a history where files are added, deleted, and a
// file becomes a directory.
func TestChangedPathsMatchGitDiff(t *testing.T) {
	git := gitCLI(t)
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1", "api/deep/x/y=1", "web/w=1", "top=1")
	f.tag("v1.0.1", false)
	f.commit("SRV-2 edit", "api/a=2", "docs/new/guide.md=1")
	f.commit("SRV-3 delete", "web/w=", "web/v=1")
	f.commit("SRV-4 file to dir", "top=", "top/inside=1")
	f.commit("SRV-5 deep", "api/deep/x/y=2", "api/deep/x/z=1")
	git(f.r.Dir, "repack", "-a", "-d", "-q")
	v := f.versioner(settings())
	revs := strings.Fields(git(f.r.Dir, "rev-list", "HEAD"))
	for i := range revs {
		for j := i + 1; j < len(revs); j++ {
			rg, err := v.Range(ctx, RangeOptions{From: revs[j], To: revs[i]})
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.ChangedPaths(ctx, rg)
			if err != nil {
				t.Fatal(err)
			}
			want := git(f.r.Dir, "diff", "--name-only", "--no-renames", revs[j], revs[i])
			if strings.Join(got, "\n") != want {
				t.Errorf("%s..%s: got\n%s\ngit diff:\n%s", revs[j][:7], revs[i][:7], strings.Join(got, "\n"), want)
			}
		}
	}
	rg, err := v.Range(ctx, RangeOptions{To: "v1.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v.ChangedPaths(ctx, rg); err != nil || strings.Join(got, " ") != "api/a api/deep/x/y top web/w" {
		t.Errorf("from the root: %v, %v", got, err)
	}
}

// TestSignatureTimeAsGoGit: the committer time read without decoding the
// signature is go-git's.
func TestSignatureTimeAsGoGit(t *testing.T) {
	for _, s := range []string{
		"A B <a@b> 1421339927 +0300", "A <a@b> 1421339927 -0530", "A <a@b> 0 +0000",
		"<> 1700000000 +1400", "A <a@b>", "A <a@b> x +0100", "A <a@b> 1421339927 +3",
	} {
		var sig object.Signature
		sig.Decode([]byte(s))
		got := signatureTime([]byte(s))
		if !got.Equal(sig.When) || got.Format(time.RFC3339) != sig.When.Format(time.RFC3339) {
			t.Errorf("%q: %s, go-git %s", s, got.Format(time.RFC3339), sig.When.Format(time.RFC3339))
		}
	}
}
