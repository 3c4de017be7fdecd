package release

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5"
)

// stepCtx is cancelled at its n-th poll: Ctrl-C pressed in the middle of a
// walk, at a point the test chooses, without timers.
type stepCtx struct {
	context.Context
	cancel context.CancelFunc
	at     int64
	polls  atomic.Int64
}

func newStepCtx(at int64) *stepCtx {
	ctx, cancel := context.WithCancel(context.Background())
	return &stepCtx{Context: ctx, cancel: cancel, at: at}
}

func (c *stepCtx) Done() <-chan struct{} {
	if c.polls.Add(1) == c.at {
		c.cancel()
	}
	return c.Context.Done()
}

func (c *stepCtx) fired() bool { return c.Context.Err() != nil }

// walkHistory is a generated history of 120 commits over three components,
// with merges and releases, and unreleased work on top.
func walkHistory(t *testing.T) *fixture {
	f := newFixture(t)
	dirs := []string{"api", "web", "docs"}
	for i := 1; i <= 120; i++ {
		if i%15 == 0 {
			f.do(f.r.Branch(fmt.Sprintf("side%d", i)))
			f.commit(fmt.Sprintf("SRV-%d side", i), fmt.Sprintf("%s/side.md=%d", dirs[i%3], i))
			f.do(f.r.Checkout("main"))
			_, err := f.r.Merge(fmt.Sprintf("side%d", i), "merge")
			f.do(err)
			continue
		}
		f.commit(fmt.Sprintf("SRV-%d change", i), fmt.Sprintf("%s/f%d.md=%d", dirs[i%3], i%7, i))
		if i%30 == 1 {
			f.tag(fmt.Sprintf("v1.%d.%d", i/30, i), true)
			f.tag(fmt.Sprintf("api/v1.%d.%d", i/30, i), false)
		}
	}
	f.commit("SRV-500 after the last release", "api/x=1")
	return f
}

// walkOps are the exported questions that walk history, each on a freshly
// opened repository so that no cache answers for the walk.
func walkOps(t *testing.T, dir string) map[string]func(context.Context) error {
	open := func() *Versioner {
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return &Versioner{Repo: r, Settings: settings()}
	}
	return map[string]func(context.Context) error{
		"Current":          func(ctx context.Context) error { _, err := open().Current(ctx, ""); return err },
		"CurrentComponent": func(ctx context.Context) error { _, err := open().Current(ctx, "api"); return err },
		"Next":             func(ctx context.Context) error { _, err := open().Next(ctx, NextOptions{Pick: "highest"}); return err },
		"NextComponent": func(ctx context.Context) error {
			_, err := open().Next(ctx, NextOptions{Pick: "highest", Component: "web"})
			return err
		},
		"BuildInfo":          func(ctx context.Context) error { _, err := open().BuildInfo(ctx, "HEAD", ""); return err },
		"BuildInfoComponent": func(ctx context.Context) error { _, err := open().BuildInfo(ctx, "HEAD", "web"); return err },
		"Components":         func(ctx context.Context) error { _, err := open().Components(ctx); return err },
		"Releases":           func(ctx context.Context) error { _, err := open().Releases(ctx, ""); return err },
		"Range":              func(ctx context.Context) error { _, err := open().Range(ctx, RangeOptions{}); return err },
		"RangeFromRoot": func(ctx context.Context) error {
			_, err := open().Range(ctx, RangeOptions{From: "v1.0.1", FirstParent: true})
			return err
		},
		"ChangedPaths": func(ctx context.Context) error {
			v := open()
			rg, err := v.Range(context.Background(), RangeOptions{From: "v1.0.1"})
			if err != nil {
				return fmt.Errorf("setting up: %w", err)
			}
			_, err = v.ChangedPaths(ctx, rg)
			return err
		},
		"PreloadMessages": func(ctx context.Context) error { return open().PreloadMessages(ctx) },
	}
}

// TestWalksStopWhenCancelled cancels every walk before it starts and at
// growing points in its middle, on loose objects and on pack files (where
// the preload runs workers on all cores): whenever the cancellation is seen
// the answer is context.Canceled, and no worker outlives the call.
func TestWalksStopWhenCancelled(t *testing.T) {
	f := walkHistory(t)
	check := func(t *testing.T, packed bool) {
		for name, op := range walkOps(t, f.r.Dir) {
			t.Run(name, func(t *testing.T) {
				if err := op(context.Background()); err != nil {
					t.Fatalf("uncancelled: %v", err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				if err := op(ctx); !errors.Is(err, context.Canceled) {
					t.Fatalf("already cancelled: got %v, want context.Canceled", err)
				}
				midWalk := 0
				for at := int64(2); ; at *= 2 {
					ctx := newStepCtx(at)
					err := op(ctx)
					if !ctx.fired() {
						if err != nil {
							t.Fatalf("not cancelled: %v", err)
						}
						break // the walk polls fewer than at times
					}
					midWalk++
					if !errors.Is(err, context.Canceled) {
						t.Fatalf("cancelled at poll %d of the walk: got %v, want context.Canceled", at, err)
					}
				}
				if midWalk == 0 {
					t.Fatal("the walk polls the context fewer than twice: it cannot stop in its middle")
				}
			})
		}
	}
	t.Run("loose objects", func(t *testing.T) { check(t, false) })
	f.do(f.r.Git.RepackObjects(&git.RepackConfig{}))
	t.Run("pack files", func(t *testing.T) { check(t, true) })
	// With a commit-graph, counting walks graph positions instead.
	if gitBin, err := exec.LookPath("git"); err == nil {
		if out, err := exec.Command(gitBin, "-C", f.r.Dir, "commit-graph", "write", "--reachable").CombinedOutput(); err != nil {
			t.Fatalf("git commit-graph write: %v\n%s", err, out)
		}
		t.Run("commit-graph", func(t *testing.T) { check(t, true) })
	}
}
