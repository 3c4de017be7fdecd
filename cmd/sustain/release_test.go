package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/internal/gittest"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/release"
)

func TestReleaseFlags(t *testing.T) {
	var cur *ReleaseCurrentOptions
	if err := execute(NewCmdReleaseCurrent(&app{}, func(o *ReleaseCurrentOptions) error { cur = o; return nil }), "--component", "api", "--output", "env"); err != nil ||
		cur.Component != "api" || cur.Output != "env" {
		t.Errorf("current: %+v %v", cur, err)
	}
	if err := execute(NewCmdReleaseCurrent(&app{}, func(*ReleaseCurrentOptions) error { return nil }), "--output", "yaml"); err == nil || !strings.Contains(err.Error(), `"yaml": use env or github`) {
		t.Errorf("current --output yaml: %v", err)
	}
	for _, tc := range []struct {
		args    []string
		want    release.NextOptions
		wantErr string
	}{
		{args: []string{"--issue", "SRV-42", "--minor"}, want: release.NextOptions{Issue: "SRV-42", Minor: true}},
		{args: []string{"--pick", "highest", "--component", "api"}, want: release.NextOptions{Pick: "highest", Component: "api"}},
		{args: []string{"--minor", "--major"}, wantErr: "--minor and --major cannot be used together"},
		{args: []string{"--pick", "lowest"}, wantErr: `unknown --pick "lowest"`},
	} {
		var got *ReleaseNextOptions
		err := execute(NewCmdReleaseNext(&app{}, func(o *ReleaseNextOptions) error { got = o; return nil }), tc.args...)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("next %v: %v", tc.args, err)
			}
		} else if err != nil || !reflect.DeepEqual(got.Next, tc.want) {
			t.Errorf("next %v: %+v %v", tc.args, got, err)
		}
	}
	var tag *ReleaseTagOptions
	if err := execute(NewCmdReleaseTag(&app{}, func(o *ReleaseTagOptions) error { tag = o; return nil }), "--dry-run", "-m", "March", "--jira-fix-version", "--issue", "SRV-1"); err != nil ||
		!tag.Tag.DryRun || tag.Tag.Message != "March" || !tag.FixVersion || tag.Tag.Issue != "SRV-1" || tag.AddFixVersion == nil {
		t.Errorf("tag: %+v %v", tag, err)
	}
	var bi *ReleaseBuildInfoOptions
	if err := execute(NewCmdReleaseBuildInfo(&app{}, func(o *ReleaseBuildInfoOptions) error { bi = o; return nil })); err != nil || bi.Rev != "HEAD" {
		t.Errorf("build-info: %+v %v", bi, err)
	}
	if err := execute(NewCmdReleaseBuildInfo(&app{}, func(*ReleaseBuildInfoOptions) error { return nil }), "--rev", ""); err == nil {
		t.Error("build-info --rev '' accepted")
	}
	for _, tc := range []struct {
		kind    string
		a       *app
		args    []string
		check   func(*ReleaseDocOptions) bool
		wantErr string
	}{
		{kind: changelog.KindChangelog, a: &app{}, args: []string{"--from", "v1", "--to", "v2", "--lang", "ru", "--format", "html", "-o", "x.html"},
			check: func(o *ReleaseDocOptions) bool {
				return o.From == "v1" && o.To == "v2" && o.Lang == "ru" && o.DocFormat == "html" && o.OutputFile == "x.html" && o.Requests != nil
			}},
		{kind: changelog.KindNotes, a: &app{format: output.Format{JSON: true}}, args: nil, check: func(o *ReleaseDocOptions) bool { return o.DocFormat == "json" && o.To == "HEAD" }},
		{kind: changelog.KindChangelog, a: &app{}, args: []string{"--all", "--from", "v1"}, wantErr: "--all renders every release"},
		{kind: changelog.KindChangelog, a: &app{}, args: []string{"--write", "CHANGELOG.md", "--format", "html"}, wantErr: "--write takes Markdown"},
		{kind: changelog.KindNotes, a: &app{}, args: []string{"--offline"}, wantErr: "--offline applies to --jira"},
		{kind: changelog.KindCompat, a: &app{}, args: []string{"--format", "pdf"}, wantErr: `--format "pdf"`},
		{kind: changelog.KindCompat, a: &app{}, args: []string{"--jira"}, wantErr: "unknown flag: --jira"},
	} {
		var got *ReleaseDocOptions
		err := execute(NewCmdReleaseDoc(tc.a, tc.kind, func(o *ReleaseDocOptions) error { got = o; return nil }), tc.args...)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s %v: %v", tc.kind, tc.args, err)
			}
		} else if err != nil || !tc.check(got) {
			t.Errorf("%s %v: %+v %v", tc.kind, tc.args, got, err)
		}
	}
}

// releaseRepo is a real repository with two releases and a fix after them;
// the deps read it as the commands do.
func releaseRepo(t *testing.T) (releaseDeps, *bytes.Buffer, *[]string) {
	t.Helper()
	dir := t.TempDir()
	r, err := gittest.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { _, err := r.Commit("SRV-1 initial import", "api/main.go=v1"); return err },
		func() error { return r.Tag("v1.0.1", "") },
		func() error { _, err := r.Commit("SRV-37 fix the login form", "api/main.go=v2"); return err },
		func() error { return r.Tag("v1.0.37", "Release 1.0.37") },
		func() error { _, err := r.Commit("fix: SRV-42 export \x1b[2J to CSV", "api/export.go=v1"); return err },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".sustain.yaml"), []byte("jira:\n  project: SRV\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := &app{dir: dir, out: io.Discard, err: io.Discard, getenv: os.Getenv, environ: func() []string { return nil }, now: time.Now}
	t.Cleanup(func() {
		for _, c := range a.closers {
			c()
		}
	})
	var out bytes.Buffer
	var warnings []string
	deps := a.releaseDeps()
	deps.Out = &out
	deps.Warnf = func(f string, args ...any) { warnings = append(warnings, f) }
	deps.Getenv = func(k string) string { return "" }
	return deps, &out, &warnings
}

func TestReleaseRuns(t *testing.T) {
	ctx := context.Background()
	deps, out, _ := releaseRepo(t)
	deps.Format = output.Format{Template: "{{.version}} {{.tag}}"}
	if err := releaseCurrentRun(ctx, &ReleaseCurrentOptions{releaseDeps: deps}); err != nil || out.String() != "1.0.37 v1.0.37" {
		t.Errorf("current: %q %v", out.String(), err)
	}
	out.Reset()
	if err := releaseNextRun(ctx, &ReleaseNextOptions{releaseDeps: deps}); err != nil || out.String() != "1.0.42 v1.0.42" {
		t.Errorf("next: %q %v", out.String(), err)
	}
	out.Reset()
	deps.Format = output.Format{}
	if err := releaseNextRun(ctx, &ReleaseNextOptions{releaseDeps: deps, Output: "env"}); err != nil || !strings.Contains(out.String(), "SUSTAIN_VERSION=1.0.42\n") {
		t.Errorf("next --output env: %q %v", out.String(), err)
	}
	if err := releaseNextRun(ctx, &ReleaseNextOptions{releaseDeps: deps, Output: "github"}); err == nil || !strings.Contains(err.Error(), "GITHUB_OUTPUT is not set") {
		t.Errorf("next --output github without GITHUB_OUTPUT: %v", err)
	}
	out.Reset()
	if err := releaseBuildInfoRun(ctx, &ReleaseBuildInfoOptions{releaseDeps: deps, Rev: "v1.0.37"}); err != nil || !strings.Contains(strings.Join(strings.Fields(out.String()), " "), "BUILD NUMBER 2") {
		t.Errorf("build-info: %q %v", out.String(), err)
	}
	if err := releaseComponentsRun(ctx, &ReleaseComponentsOptions{deps}); err == nil || !strings.Contains(err.Error(), "no components are configured") {
		t.Errorf("components: %v", err)
	}
	// --jira-fix-version: Jira first; when it fails, no tag is left behind.
	var asked []string
	err := releaseTagRun(ctx, &ReleaseTagOptions{releaseDeps: deps, FixVersion: true,
		AddFixVersion: func(_ context.Context, project, version string, keys []string) ([]string, error) {
			asked = append([]string{project, version}, keys...)
			return nil, errors.New("Jira is down")
		}})
	if err == nil || !reflect.DeepEqual(asked, []string{"SRV", "1.0.42", "SRV-42"}) {
		t.Errorf("tag --jira-fix-version: %v (asked %v)", err, asked)
	}
	out.Reset()
	deps.Format = output.Format{Template: "{{.version}}"}
	if err := releaseCurrentRun(ctx, &ReleaseCurrentOptions{releaseDeps: deps}); err != nil || out.String() != "1.0.37" {
		t.Errorf("a failed Jira update left a tag: %q %v", out.String(), err)
	}
	deps.Format = output.Format{}
	out.Reset()
	if err := releaseTagRun(ctx, &ReleaseTagOptions{releaseDeps: deps, Tag: release.TagOptions{DryRun: true}}); err != nil || !strings.Contains(out.String(), "not created (--dry-run)") {
		t.Errorf("tag --dry-run: %q %v", out.String(), err)
	}
}

func TestReleaseDocRun(t *testing.T) {
	deps, out, _ := releaseRepo(t)
	var asked []string
	opts := &ReleaseDocOptions{releaseDeps: deps, Kind: changelog.KindNotes, DocFormat: "md", RangeOptions: release.RangeOptions{To: "HEAD"},
		Requests: func(_ context.Context, keys []string, online bool) ([]changelog.Request, error) {
			asked = keys
			return []changelog.Request{{ID: "SUP-7", Customer: "ACME", Subject: "Export", Status: "resolved", Tasks: []string{"SRV-42"}}}, nil
		}}
	if err := releaseDocRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(asked, []string{"SRV-42"}) || !strings.Contains(out.String(), "SUP-7") || !strings.Contains(out.String(), "SRV-42") {
		t.Errorf("keys %v, notes:\n%s", asked, out.String())
	}
	// Written to a file, atomically.
	opts.OutputFile = filepath.Join(t.TempDir(), "notes.md")
	out.Reset()
	if err := releaseDocRun(context.Background(), opts); err != nil || out.Len() != 0 {
		t.Fatalf("-o: %v, stdout %q", err, out.String())
	}
	if data, err := os.ReadFile(opts.OutputFile); err != nil || !strings.Contains(string(data), "SUP-7") {
		t.Errorf("-o wrote %q, %v", data, err)
	}
	// A store that fails fails the document.
	boom := errors.New("store is locked")
	opts.Requests = func(context.Context, []string, bool) ([]changelog.Request, error) { return nil, boom }
	if err := releaseDocRun(context.Background(), opts); !errors.Is(err, boom) {
		t.Errorf("store error: %v", err)
	}
	// Cancelled (Ctrl-C): no range is read.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opts.Kind, opts.All, opts.OutputFile = changelog.KindChangelog, true, ""
	if err := releaseDocRun(ctx, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled --all: %v", err)
	}
}

// TestGitHubOutputDelimiter: a value that holds the delimiter gets another.
func TestGitHubOutputDelimiter(t *testing.T) {
	ds := []string{"EOF", "EOF", "EOF2"}
	next := func() string { d := ds[0]; ds = ds[1:]; return d }
	got := githubOutput([][2]string{{"A", "one"}, {"B", "x\nEOF\ny"}}, next)
	want := "A=one\nB<<EOF2\nx\nEOF\ny\nEOF2\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if q := shellQuote("it's"); q != `'it'\''s'` {
		t.Errorf("shellQuote = %s", q)
	}
	if q := shellQuote(""); q != "''" {
		t.Errorf("shellQuote of empty = %s", q)
	}
}
