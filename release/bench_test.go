package release

import (
	"fmt"
	"testing"
)

// BenchmarkRelease measures the release questions on a 600-commit history
// with a merge every 20 commits and a tag every 100, built with go-git (loose
// objects). bench/run.sh measures packed 100,000-commit repositories against
// git itself.
func BenchmarkRelease(b *testing.B) {
	f := newFixture(b)
	dirs := []string{"api", "web", "shared/ui", "docs"}
	for i := 1; i <= 600; i++ {
		if i%20 == 0 {
			f.do(f.r.Branch(fmt.Sprintf("side%d", i)))
			f.commit(fmt.Sprintf("SRV-%d side", i), fmt.Sprintf("%s/side.txt=%d", dirs[i%4], i))
			f.do(f.r.Checkout("main"))
			_, err := f.r.Merge(fmt.Sprintf("side%d", i), "merge")
			f.do(err)
			continue
		}
		f.commit(fmt.Sprintf("SRV-%d change", i), fmt.Sprintf("%s/f%d.txt=%d", dirs[i%4], i%50, i))
		if i%100 == 1 {
			f.tag(fmt.Sprintf("v1.%d.%d", i/100, i), false)
		}
	}
	f.commit("SRV-5000 after the last release", "api/x=1")
	v := f.versioner(settings())
	b.Cleanup(func() { v.Repo.Close() })

	cases := []struct {
		name string
		run  func() error
	}{
		{"BuildInfo", func() error { _, err := v.BuildInfo(ctx, "HEAD", ""); return err }},
		{"BuildInfoComponent", func() error { _, err := v.BuildInfo(ctx, "HEAD", "api"); return err }},
		{"Current", func() error { _, err := v.Current(ctx, ""); return err }},
		{"Next", func() error { _, err := v.Next(ctx, NextOptions{Pick: "highest"}); return err }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				// A fresh graph each time: a command answers once per process.
				v.Repo.graph = newGraph(v.Repo.git, v.Repo.graph.objDir)
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
