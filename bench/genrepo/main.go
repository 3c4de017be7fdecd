// Command genrepo writes a git fast-import stream for a large repository:
// N commits on main with a merged side branch every 50 commits, one file
// changed per commit across several component folders, Jira keys in most
// messages, a release tag every 1,000 commits and component tags.
//
//	go run ./bench/genrepo -commits 100000 | git -C DIR fast-import --quiet
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
)

var folders = []string{"api", "web", "shared/ui", "docs/admin", "core", "core/engine", "tools"}

func main() {
	commits := flag.Int("commits", 100000, "commits to generate (merges included)")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()

	when := int64(1577865600) // 2020-01-01
	mark := 0
	file := func(i int) string {
		return fmt.Sprintf("%s/file%03d.txt", folders[i%len(folders)], (i/len(folders))%200)
	}
	commit := func(ref string, from int, merge int, msg, path, content string) int {
		mark++
		when += 600
		fmt.Fprintf(w, "commit %s\nmark :%d\ncommitter Bench <bench@example.test> %d +0300\n", ref, mark, when)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
		if from > 0 {
			fmt.Fprintf(w, "from :%d\n", from)
		}
		if merge > 0 {
			fmt.Fprintf(w, "merge :%d\n", merge)
		}
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", path, len(content), content)
		return mark
	}

	head := 0
	n := 0
	release := 0
	mainline := 0
	for n < *commits {
		n++
		if n%50 == 0 && head > 10 {
			// A side branch of three commits from ten commits back, merged.
			side := head - 10
			for k := 0; k < 3 && n < *commits; k++ {
				side = commit("refs/heads/side", side, 0, fmt.Sprintf("SRV-%d side work %d", n, k), file(n+k), fmt.Sprintf("side %d %d\n", n, k))
				n++
			}
			head = commit("refs/heads/main", head, side, fmt.Sprintf("Merge branch 'side' (SRV-%d)", n), file(n), fmt.Sprintf("merge %d\n", n))
			continue
		}
		msg := fmt.Sprintf("SRV-%d change %d\n\nDetails of change %d.", n, n, n)
		if n%7 == 0 {
			msg = fmt.Sprintf("Housekeeping %d", n)
		}
		head = commit("refs/heads/main", head, 0, msg, file(n), fmt.Sprintf("content %d\n", n))
		mainline++
		if mainline%1000 == 0 {
			release++
			fmt.Fprintf(w, "reset refs/tags/v1.%d.%d\nfrom :%d\n\n", release, n, head)
		}
		if mainline%2000 == 0 {
			fmt.Fprintf(w, "reset refs/tags/api/v1.%d.%d\nfrom :%d\n\n", release, n, head)
		}
	}
	// A few commits after the last release, so "next" has work to do.
	for k := 1; k <= 5; k++ {
		head = commit("refs/heads/main", head, 0, fmt.Sprintf("SRV-%d after the release", 900000+k%2), file(k), fmt.Sprintf("after %d\n", k))
	}
}
