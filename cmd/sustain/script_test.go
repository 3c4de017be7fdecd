package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sustain-cli/sustain/internal/gittest"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script")

func TestMain(m *testing.M) {
	// Tests that need real, separate sustain processes run this binary again
	// with this variable set; it then behaves as the sustain command.
	if os.Getenv("SUSTAIN_TEST_AS_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"sustain": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script against the
// real command tree, built into the test binary as "sustain".
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(filepath.Join("..", "..", "testdata", "script"), false))
}

func scriptParams(dir string, onJira bool) testscript.Params {
	return testscript.Params{
		Dir:           dir,
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			// Nothing from the developer's machine leaks in.
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/home/.config")
			env.Setenv("XDG_DATA_HOME", env.WorkDir+"/home/.local/share")
			env.Setenv("XDG_CACHE_HOME", env.WorkDir+"/home/.cache")
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			if onJira {
				setupJira(env)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "jira" {
				return onJira, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"repo":   repoCmd,
			"exits":  exitsCmd,
			"mkfile": mkfileCmd,
			"jira":   jiraCmd,
		},
	}
}

// exitsCmd runs a program and checks its exit code; stdout and stderr are
// kept for the lines that follow, as after exec:
//
//	exits 4 sustain release next
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// mkfileCmd writes a file of SIZE bytes (suffixes K and M allowed):
//
//	mkfile big.log 26M
func mkfileCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkfile NAME SIZE")
	}
	mult := 1
	size := args[1]
	switch {
	case strings.HasSuffix(size, "M"):
		mult, size = 1<<20, strings.TrimSuffix(size, "M")
	case strings.HasSuffix(size, "K"):
		mult, size = 1<<10, strings.TrimSuffix(size, "K")
	}
	n, err := strconv.Atoi(size)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), bytes.Repeat([]byte("x"), n*mult), 0o644))
}

// repoCmd builds git repositories with go-git, in the current directory:
//
//	repo init
//	repo commit MESSAGE [PATH=CONTENT ...]   (PATH= deletes; -F FILE reads MESSAGE)
//	repo tag NAME [MESSAGE]                  (annotated when MESSAGE is given)
//	repo branch NAME                         (create and check out)
//	repo checkout BRANCH|REV                 (a non-branch detaches HEAD)
//	repo merge BRANCH MESSAGE
//	repo shallow
func repoCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("repo does not support !")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: repo init|commit|tag|branch|checkout|merge|shallow ...")
	}
	dir := ts.MkAbs(".")
	if args[0] == "init" {
		_, err := gittest.Init(dir)
		ts.Check(err)
		return
	}
	r, err := gittest.Open(dir)
	ts.Check(err)
	need := func(n int) {
		if len(args) < n {
			ts.Fatalf("repo %s: want %d arguments", args[0], n-1)
		}
	}
	switch args[0] {
	case "commit":
		need(2)
		msg, files := args[1], args[2:]
		if msg == "-F" {
			need(3)
			msg, files = ts.ReadFile(args[2]), args[3:]
		}
		_, err = r.Commit(msg, files...)
	case "tag":
		need(2)
		msg := ""
		if len(args) > 2 {
			msg = args[2]
		}
		err = r.Tag(args[1], msg)
	case "branch":
		need(2)
		err = r.Branch(args[1])
	case "checkout":
		need(2)
		err = r.Checkout(args[1])
	case "merge":
		need(3)
		_, err = r.Merge(args[1], args[2])
	case "shallow":
		err = r.MarkShallow()
	default:
		ts.Fatalf("repo: unknown operation %q", args[0])
	}
	ts.Check(err)
}
