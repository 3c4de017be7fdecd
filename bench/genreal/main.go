// Command genreal writes a git fast-import stream for a repository that
// looks like a real project's, not a toy: a deep source tree of thousands
// of files of a few KB that change in place (so packs hold deltas), a few
// large binary files, about 35 objects per commit (1,200,000 objects at
// the default size), side branches merged into main, release tags every
// 1,000 main-line commits and maintenance branches (release/1.N) with
// cherry-picks of trunk's fixes and their own patch tags.
//
//	go run ./bench/genreal -commits 36000 | git -C DIR fast-import --quiet
//	git -C DIR repack -a -d --window=0   # one pack in clone order (commits first)
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strings"
)

var words = strings.Fields(`the of and to in is for on that with as by this be are from or it an at
not which have has but can was all will one new more if when there their than other into only some
request handler server client cache index table record export import report session token config
module service payment invoice account order customer ticket release build version branch commit`)

func main() {
	commits := flag.Int("commits", 36000, "main-line commits to generate")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 4<<20)
	defer w.Flush()
	rng := rand.New(rand.NewSource(1))

	// The source tree: 24 modules × 4 packages × 4 subpackages under a
	// 7-level prefix, 8 files each: 3,072 files, up to 12 levels deep.
	var dirs []string
	for m := 0; m < 24; m++ {
		for p := 0; p < 4; p++ {
			for s := 0; s < 4; s++ {
				top := []string{"core", "api", "web", "services", "shared/ui", "tools"}[m%6]
				dirs = append(dirs, fmt.Sprintf("%s/src/main/java/org/example/mod%02d/pkg%d/sub%d", top, m, p, s))
			}
		}
	}
	type file struct {
		path  string
		lines []string
	}
	var files []*file
	para := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			k := 6 + rng.Intn(10)
			ws := make([]string, k)
			for j := range ws {
				ws[j] = words[rng.Intn(len(words))]
			}
			out[i] = "    " + strings.Join(ws, " ") + ";"
		}
		return out
	}
	for _, d := range dirs {
		for i := 0; i < 8; i++ {
			files = append(files, &file{path: fmt.Sprintf("%s/File%d.java", d, i), lines: para(60 + rng.Intn(80))})
		}
	}
	content := func(f *file) string { return strings.Join(f.lines, "\n") + "\n" }

	when := int64(1420070400) // 2015-01-01
	mark := 0
	authors := []string{"Anna Petrova <anna@example.test>", "Boris Ivanov <boris@example.test>", "Chen Wei <chen@example.test>", "Dana Smith <dana@example.test>"}
	blob := func(data string) int {
		mark++
		fmt.Fprintf(w, "blob\nmark :%d\ndata %d\n%s\n", mark, len(data), data)
		return mark
	}
	type change struct {
		path string
		mark int
	}
	commit := func(ref string, from, merge int, msg string, changes []change) int {
		mark++
		when += 300 + int64(rng.Intn(1800))
		a := authors[rng.Intn(len(authors))]
		fmt.Fprintf(w, "commit %s\nmark :%d\nauthor %s %d +0300\ncommitter %s %d +0300\ndata %d\n%s\n", ref, mark, a, when, a, when, len(msg), msg)
		if from > 0 {
			fmt.Fprintf(w, "from :%d\n", from)
		}
		if merge > 0 {
			fmt.Fprintf(w, "merge :%d\n", merge)
		}
		for _, c := range changes {
			fmt.Fprintf(w, "M 100644 :%d %s\n", c.mark, c.path)
		}
		w.WriteString("\n")
		return mark
	}
	edit := func(f *file) change {
		// In place: a few lines change, one is added.
		for k := 0; k < 3; k++ {
			f.lines[rng.Intn(len(f.lines))] = para(1)[0]
		}
		f.lines = append(f.lines, para(1)...)
		if len(f.lines) > 400 {
			f.lines = f.lines[100:]
		}
		return change{f.path, blob(content(f))}
	}
	subject := func(n int) string {
		ws := make([]string, 4+rng.Intn(5))
		for j := range ws {
			ws[j] = words[rng.Intn(len(words))]
		}
		return strings.Join(ws, " ")
	}
	message := func(n int) string {
		s := subject(n)
		switch {
		case n%9 == 0:
			return "chore: " + s
		case n%4 == 0:
			return fmt.Sprintf("feat(api): SRV-%d %s\n\n%s.\n\nRefs: SRV-%d", n, s, strings.TrimSpace(para(1)[0]), n)
		default:
			return fmt.Sprintf("fix: SRV-%d %s\n\n%s\n%s", n, s, strings.TrimSpace(para(1)[0]), strings.TrimSpace(para(1)[0]))
		}
	}

	// The initial import.
	var initial []change
	for _, f := range files {
		initial = append(initial, change{f.path, blob(content(f))})
	}
	head := commit("refs/heads/main", 0, 0, "Initial import", initial)

	random := func(n int) string {
		b := make([]byte, n)
		rng.Read(b)
		return string(b)
	}
	type fix struct {
		msg     string
		changes []change
	}
	var fixes []fix // trunk's fixes since the last release, for cherry-picks
	release := 0
	for n := 1; n <= *commits; n++ {
		m := rng.Intn(24) // a commit stays within one module, as real ones mostly do
		var ch []change
		for k := 0; k < 1+rng.Intn(4); k++ {
			ch = append(ch, edit(files[m*128+rng.Intn(128)]))
		}
		for k := 0; k < 2; k++ { // and a touch elsewhere: a shared interface, a test
			if f := files[rng.Intn(len(files))]; f.path != ch[0].path {
				ch = append(ch, edit(f))
			}
		}
		if n%1500 == 0 {
			// A large binary asset, replaced now and then.
			ch = append(ch, change{fmt.Sprintf("assets/bin/bundle%d.dat", n%6000/1500), blob(random(6 << 20))})
		}
		msg := message(n)
		if n%50 == 0 {
			// A side branch of three commits from a few commits back, merged.
			side := head
			for k := 0; k < 3; k++ {
				side = commit("refs/heads/side", side, 0, message(n*10+k), []change{edit(files[m*128+rng.Intn(128)])})
			}
			head = commit("refs/heads/main", head, side, fmt.Sprintf("Merge branch 'feature/SRV-%d-work'", n), ch)
			continue
		}
		head = commit("refs/heads/main", head, 0, msg, ch)
		if strings.HasPrefix(msg, "fix:") {
			fixes = append(fixes, fix{msg, ch})
		}
		if n%1000 == 1 && n > 1 { // n%1000 == 0 is always a merge
			release++
			tag := fmt.Sprintf("v1.%d.%d", release, n)
			fmt.Fprintf(w, "tag %s\nfrom :%d\ntagger Release Bot <bot@example.test> %d +0300\ndata 13\nRelease %04d\n\n", tag, head, when, release)
			if release%5 == 0 {
				// A maintenance branch from this release: cherry-picks of
				// the next fixes and a patch tag on the branch.
				br := fmt.Sprintf("refs/heads/release/1.%d", release)
				b := head
				for k := 0; k < 10 && k < len(fixes); k++ {
					fx := fixes[len(fixes)-1-k]
					b = commit(br, b, 0, fx.msg+"\n\n(cherry picked from a trunk commit)", fx.changes)
				}
				fmt.Fprintf(w, "tag v1.%d.%d\nfrom :%d\ntagger Release Bot <bot@example.test> %d +0300\ndata 6\nPatch\n\n", release, n+1, b, when)
			}
			fixes = fixes[:0]
		}
	}
	// Unreleased work after the last release, so next has work to do.
	for k := 1; k <= 5; k++ {
		head = commit("refs/heads/main", head, 0, fmt.Sprintf("fix: SRV-%d after the release", 990000+k%2), []change{edit(files[rng.Intn(len(files))])})
	}
}
