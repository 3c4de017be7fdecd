package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/internal/output"
)

func TestVersionAndManArguments(t *testing.T) {
	var vo *VersionOptions
	cmd := NewCmdVersion(&app{format: output.Format{JSON: true}}, func(o *VersionOptions) error { vo = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil || vo == nil || !vo.Format.JSON {
		t.Errorf("version: %+v %v", vo, err)
	}
	cmd = NewCmdVersion(&app{}, func(*VersionOptions) error { return nil })
	cmd.SetArgs([]string{"extra"})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "takes no arguments") {
		t.Errorf("version extra: %v", err)
	}
	for _, tc := range []struct {
		args []string
		dir  string
		err  string
	}{{[]string{"out"}, "out", ""}, {nil, "", "takes one argument"}, {[]string{"a", "b"}, "", "takes one argument"}} {
		var mo *ManOptions
		cmd := NewCmdMan(newRootCmd(&app{}), func(o *ManOptions) error { mo = o; return nil })
		cmd.SetArgs(tc.args)
		err := cmd.Execute()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("man %v: %v", tc.args, err)
			}
		} else if err != nil || mo.Dir != tc.dir {
			t.Errorf("man %v: %+v %v", tc.args, mo, err)
		}
	}
}

func TestVersionAndManRuns(t *testing.T) {
	var out bytes.Buffer
	opts := &VersionOptions{Out: &out, Format: output.Format{Template: "{{.version}} {{.os}}"}, Version: func() versionInfo {
		return versionInfo{Version: "1.2.3", OS: "plan9\x1b[2J"}
	}}
	if err := versionRun(context.Background(), opts); err != nil || out.String() != "1.2.3 plan9^[[2J" {
		t.Errorf("version: %q %v", out.String(), err)
	}
	dir := filepath.Join(t.TempDir(), "man1")
	var gotDir string
	if err := manRun(context.Background(), &ManOptions{Dir: dir, Generate: func(d string) error { gotDir = d; return nil }}); err != nil || gotDir != dir {
		t.Fatalf("man: %v %q", err, gotDir)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Errorf("man did not create %s: %v", dir, err)
	}
	boom := errors.New("disk full")
	if err := manRun(context.Background(), &ManOptions{Dir: dir, Generate: func(string) error { return boom }}); !errors.Is(err, boom) {
		t.Errorf("man error lost: %v", err)
	}
}
