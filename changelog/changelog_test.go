package changelog_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/internal/gittest"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
	"github.com/sustain-cli/sustain/release"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// ctx is the context of calls that are not about cancellation.
var ctx = context.Background()

// fixture is a history with what change documents must handle: a release
// tag, conventional commits, several keys in one commit, a key only in the
// body, a merge whose branch name carries the key, a Cyrillic message with a
// BREAKING CHANGE footer, trailers, a revert pair, and documentation paths.
func fixture(t *testing.T) *release.Versioner {
	t.Helper()
	r, err := gittest.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Commit("SRV-1 initial import", "api/main.go=v1", "web/index.html=v1", "docs/api/guide.md=v1"))
	must(nil, r.Tag("v1.0.1", "Release 1.0.1"))
	must(r.Commit("feat(api): export to CSV\n\nRefs: SRV-42", "api/export.go=v1"))
	must(r.Commit("fix: crash on an empty list (SRV-40, SRV-41)\n\nUpgrade-Note: run migrate.sh before the restart", "api/list.go=v1"))
	must(r.Commit("Polish the export dialog\n\nThe dialog now remembers the last folder.\nPart of SRV-42.", "web/export.js=v1"))
	must(nil, r.Branch("feature/SRV-50-report"))
	must(r.Commit("Исправлена выгрузка отчёта\n\nBREAKING CHANGE: поле total удалено из ответа API", "api/report.go=v1"))
	must(nil, r.Checkout("main"))
	must(r.Merge("feature/SRV-50-report", "Merge branch 'feature/SRV-50-report'"))
	bump, err := r.Commit("chore: bump dependencies", "go.sum=v2")
	must(nil, err)
	must(r.Commit("Revert \"chore: bump dependencies\"\n\nThis reverts commit "+bump.String()+".", "go.sum="))
	must(r.Commit("perf!: cache the catalogue\n\nCompat: the cache directory must be writable", "web/cache.js=v1"))
	must(r.Commit("docs: fix a typo in the web guide", "docs/web/guide.md=v2"))
	must(nil, r.Tag("v1.1.50", "Release 1.1.50"))
	repo, err := release.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return &release.Versioner{Repo: repo, Settings: release.Settings{
		Scheme: release.SchemeSemverJira, TagFormat: "v{version}", ComponentTagFormat: "{component}/v{version}",
		BuildFormat: "{number} ({date})", FirstVersion: "1.0", Location: time.FixedZone("MSK", 3*3600), JiraProject: "SRV",
		Components: map[string]release.Component{"api": {Paths: []string{"api/**"}}, "web": {Paths: []string{"web/**"}}},
	}}
}

var settings = changelog.Settings{
	RestartRequired: true, MaintenanceWindow: true, UpgradeFrom: "1.0.0",
	Components: map[string]changelog.ComponentDocs{
		"api": {Paths: []string{"api/**"}, Docs: []string{"docs/api/**"}},
		"web": {Paths: []string{"web/**"}, Docs: []string{"docs/web/**"}},
	},
}

func build(t *testing.T, v *release.Versioner, o release.RangeOptions, lang string) *changelog.Document {
	t.Helper()
	rg, err := v.Range(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := changelog.NewParser("", []string{"SRV"})
	in := changelog.Input{Lang: lang, Range: rg, Date: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	if rg.Current != nil {
		in.Version, in.Tag = rg.Current.Version, rg.Current.Tag
	}
	if rg.Previous != nil {
		in.Previous = rg.Previous.Version
	}
	if in.Changed, err = v.ChangedPaths(ctx, rg); err != nil {
		t.Fatal(err)
	}
	d, err := changelog.Build(p, settings, in)
	if err != nil {
		t.Fatal(err)
	}
	d.Requests = []changelog.Request{{ID: "SUP-12", Customer: "ACME", Subject: "Export fails", Status: "resolved", Tasks: []string{"SRV-42"}}}
	return d
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./changelog -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./changelog -update rewrites it):\n%s", name, got)
	}
}

func TestGolden(t *testing.T) {
	v := fixture(t)
	for _, lang := range changelog.Languages {
		d := build(t, v, release.RangeOptions{To: "v1.1.50"}, lang)
		for _, kind := range []string{changelog.KindChangelog, changelog.KindNotes, changelog.KindCompat} {
			for _, format := range changelog.Formats {
				if format == "json" && kind != changelog.KindNotes {
					continue // one model: the same JSON for every kind
				}
				var buf bytes.Buffer
				if err := changelog.Render(&buf, []*changelog.Document{d}, kind, format); err != nil {
					t.Fatal(err)
				}
				golden(t, kind+"."+lang+"."+format, buf.Bytes())
			}
		}
	}
}

func TestContent(t *testing.T) {
	d := build(t, fixture(t), release.RangeOptions{To: "v1.1.50"}, "en")
	entries := map[string]changelog.Entry{}
	var titles []string
	for _, s := range d.Sections {
		for _, e := range s.Entries {
			entries[e.Key+"|"+s.ID] = e
			titles = append(titles, s.ID+":"+e.Key+":"+e.Title)
		}
	}
	all := strings.Join(titles, "\n")
	for _, want := range []string{
		"added:SRV-42:export to CSV",                // one entry for the issue...
		"fixed:SRV-40:crash on an empty list",       // several keys in one commit
		"fixed:SRV-41:crash on an empty list",       // ... each gets the entry
		"changed:SRV-50:Исправлена выгрузка отчёта", // the key from the merge's branch name
		"changed::cache the catalogue",              // perf → changed, no key
		"other::fix a typo in the web guide",        // docs → other
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in\n%s", want, all)
		}
	}
	if e := entries["SRV-42|added"]; len(e.Commits) != 2 {
		t.Errorf("SRV-42 has %d commits, want 2 (the key only in a body counts)", len(e.Commits))
	}
	if strings.Contains(all, "bump dependencies") {
		t.Error("a reverted commit is listed")
	}
	if len(d.Compat.Breaking) != 2 || len(d.Compat.UpgradeNotes) != 1 || d.Compat.UpgradeNotes[0].Key != "SRV-40" {
		t.Errorf("compat = %+v", d.Compat)
	}
	if len(d.Components) != 2 || !d.Components[0].DocsMissing || d.Components[1].DocsMissing || d.Components[1].DocsChanged[0] != "docs/web/guide.md" {
		t.Errorf("components = %+v", d.Components)
	}
	if d.Version != "1.1.50" || d.Previous != "1.0.1" || d.Count != 6 {
		t.Errorf("version %q previous %q count %d", d.Version, d.Previous, d.Count)
	}
}

func TestConfiguredSections(t *testing.T) {
	v := fixture(t)
	rg, err := v.Range(ctx, release.RangeOptions{To: "v1.1.50"})
	if err != nil {
		t.Fatal(err)
	}
	s := changelog.Settings{Sections: []changelog.SectionSpec{
		{ID: "fixed", Types: []string{"fix"}},
		{ID: "features", Title: "New features", Types: []string{"feat"}},
		{ID: "rest"},
	}}
	p, _ := changelog.NewParser("", []string{"SRV"}, s.Sections...)
	d, err := changelog.Build(p, s, changelog.Input{Lang: "ru", Range: rg})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sec := range d.Sections {
		got = append(got, fmt.Sprintf("%s=%d", sec.Title, len(sec.Entries)))
	}
	if strings.Join(got, " ") != "Исправлено=2 New features=1 rest=3" {
		t.Errorf("sections = %v", got)
	}
}

func TestEdges(t *testing.T) {
	v := fixture(t)
	// An empty range is a document that says so.
	d := build(t, v, release.RangeOptions{From: "v1.1.50", To: "v1.1.50"}, "ru")
	var buf bytes.Buffer
	if err := changelog.Render(&buf, []*changelog.Document{d}, changelog.KindChangelog, "md"); err != nil {
		t.Fatal(err)
	}
	if d.Count != 0 || !strings.Contains(buf.String(), "В этом выпуске нет изменений.") {
		t.Errorf("empty range:\n%s", buf.String())
	}
	// No previous release: everything from the root, with a note.
	d = build(t, v, release.RangeOptions{To: "v1.0.1"}, "en")
	if d.From != "" || len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "first commit") {
		t.Errorf("from the root: from %q notes %v", d.From, d.Notes)
	}
	_, err := v.Range(ctx, release.RangeOptions{From: "v1.1.50", To: "v1.0.1"})
	problemtest.Want(t, err, problem.Usage, "--from v1.1.50 is not an ancestor of --to v1.0.1")
	_, err = v.Range(ctx, release.RangeOptions{To: "no-such-tag"})
	problemtest.Want(t, err, problem.NotFound, "unknown revision")
	// Only the main line.
	rg, err := v.Range(ctx, release.RangeOptions{To: "v1.1.50", FirstParent: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rg.Commits {
		if strings.Contains(c.Message, "Исправлена") {
			t.Error("--first-parent lists a commit of the merged branch")
		}
	}
}

func TestParseOddMessages(t *testing.T) {
	p, _ := changelog.NewParser("", nil)
	huge := "SRV-7 big\n\n" + strings.Repeat("x", 10<<20) + "\nSRV-8 at the very end"
	c := p.Parse("h", huge, "a", "d")
	// Keys are read from all of it (as release next does); the rest from 64 KiB.
	if c.Subject != "SRV-7 big" || strings.Join(c.Keys, ",") != "SRV-7,SRV-8" {
		t.Errorf("10 MB message: subject %q keys %v", c.Subject, c.Keys)
	}
	c = p.Parse("h", "fix: caf\xe9 \xff broken\n", "a", "d")
	if c.Subject != "caf\uFFFD \uFFFD broken" || c.Type != "fix" {
		t.Errorf("invalid UTF-8: %q", c.Subject)
	}
	c = p.Parse("h", "feat(ui)!: drop IE\n\nBREAKING CHANGE: IE 11 is gone\nDocs: docs/admin/browsers.md\nReviewed-by: x", "a", "d")
	if !c.Breaking || c.Scope != "ui" || len(c.BreakingNotes) != 1 || c.Docs[0] != "docs/admin/browsers.md" {
		t.Errorf("footers: %+v", c)
	}
	if c := p.Parse("h", "Web: new button", "a", "d"); c.Type != "" || c.Subject != "Web: new button" {
		t.Errorf("a component prefix taken for a type: %+v", c)
	}
	if c := p.Parse("h", "FIX(api): upper case", "a", "d"); c.Type != "fix" || c.Subject != "upper case" {
		t.Errorf("upper-case type: %+v", c)
	}
	only, _ := changelog.NewParser("", []string{"SRV"})
	if c := only.Parse("h", "SRV-1 and OPS-2 and SRV-1", "a", "d"); strings.Join(c.Keys, ",") != "SRV-1" {
		t.Errorf("projects filter: %v", c.Keys)
	}
}

func TestTemplateErrorsNameTheLine(t *testing.T) {
	d := build(t, fixture(t), release.RangeOptions{To: "v1.1.50"}, "en")
	path := filepath.Join(t.TempDir(), "notes.tmpl")
	os.WriteFile(path, []byte("# {{.version}}\n{{range .sections}}{{.title}}\n{{.nope}}{{end}}\n"), 0o644)
	err := changelog.RenderTemplate(&bytes.Buffer{}, []*changelog.Document{d}, path)
	if err == nil || !strings.Contains(err.Error(), "notes.tmpl:3") {
		t.Errorf("err = %v, want one naming notes.tmpl:3", err)
	}
	os.WriteFile(path, []byte("{{.version}} {{count .count}} {{date .date}}"), 0o644)
	var buf bytes.Buffer
	if err := changelog.RenderTemplate(&buf, []*changelog.Document{d}, path); err != nil || buf.String() != "1.1.50 6 changes 2026-11-22" {
		t.Errorf("template = %q, %v", buf.String(), err)
	}
}

func TestRussianPlurals(t *testing.T) {
	for n, want := range map[int]string{1: "1 изменение", 2: "2 изменения", 5: "5 изменений", 11: "11 изменений", 21: "21 изменение", 22: "22 изменения"} {
		got := changelog.CountText("ru", n)
		if got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	if got := changelog.CountText("en", 1); got != "1 change" {
		t.Errorf("en 1: %q", got)
	}
}

func TestMergeSection(t *testing.T) {
	file := "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- wip\n\n## [1.0.37] - 2026-10-01\n\n- old\n"
	section := "## [1.0.42] - 2026-11-22\n\n### Added\n\n- new\n"
	once := changelog.MergeSection(file, section)
	want := "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- wip\n\n## [1.0.42] - 2026-11-22\n\n### Added\n\n- new\n\n## [1.0.37] - 2026-10-01\n\n- old\n"
	if once != want {
		t.Errorf("first write:\n%s\nwant\n%s", once, want)
	}
	if twice := changelog.MergeSection(once, section); twice != once {
		t.Errorf("the second write changed the file:\n%s", twice)
	}
	updated := changelog.MergeSection(once, "## [1.0.42] - 2026-11-22\n\n### Fixed\n\n- other\n")
	if !strings.Contains(updated, "### Fixed") || strings.Contains(updated, "- new") || !strings.Contains(updated, "- old") {
		t.Errorf("replacing a section:\n%s", updated)
	}
	if fresh := changelog.MergeSection("", section); !strings.HasPrefix(fresh, "# Changelog") || !strings.HasSuffix(fresh, "- new\n") {
		t.Errorf("new file:\n%s", fresh)
	}
}

// TestHugeAndBrokenMessagesInARepository runs a 10 MB commit message and
// one with invalid UTF-8 through the whole path: range, parse, render.
func TestHugeAndBrokenMessagesInARepository(t *testing.T) {
	r, err := gittest.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit("SRV-1 start", "a=1"); err != nil {
		t.Fatal(err)
	}
	if err := r.Tag("v1.0.1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit("feat: SRV-2 huge\n\n"+strings.Repeat("log line\n", 10<<20/9), "b=1"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit("fix: SRV-3 caf\xe9 \xff", "c=1"); err != nil {
		t.Fatal(err)
	}
	repo, err := release.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	v := &release.Versioner{Repo: repo, Settings: release.Settings{Scheme: release.SchemeSemverJira, TagFormat: "v{version}",
		ComponentTagFormat: "{component}/v{version}", Location: time.UTC, JiraProject: "SRV"}}
	d := build(t, v, release.RangeOptions{}, "en")
	var buf bytes.Buffer
	if err := changelog.Render(&buf, []*changelog.Document{d}, changelog.KindChangelog, "md"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "**SRV-2** huge") || !strings.Contains(out, "**SRV-3** caf\uFFFD \uFFFD") || len(out) > 4096 {
		t.Errorf("document (%d bytes):\n%.2000s", len(out), out)
	}
}

// TestKeysPast64KiBAgree: release next and the change documents find the
// same keys in a message whose only key comes after its first 64 KiB
// (defect 12: the changelog used to miss it).
func TestKeysPast64KiBAgree(t *testing.T) {
	r, err := gittest.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit("SRV-1 start", "a=1"); err != nil {
		t.Fatal(err)
	}
	if err := r.Tag("v1.0.1", ""); err != nil {
		t.Fatal(err)
	}
	msg := "fix: a long story\n\n" + strings.Repeat("log line\n", 80<<10/9) + "\nRefs: SRV-77\n"
	if strings.Index(msg, "SRV-77") < 64<<10 {
		t.Fatal("the key is not past the first 64 KiB")
	}
	if _, err := r.Commit(msg, "b=1"); err != nil {
		t.Fatal(err)
	}
	repo, err := release.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	v := &release.Versioner{Repo: repo, Settings: release.Settings{Scheme: release.SchemeSemverJira, TagFormat: "v{version}",
		ComponentTagFormat: "{component}/v{version}", FirstVersion: "1.0", Location: time.UTC, JiraProject: "SRV"}}
	n, err := v.Next(ctx, release.NextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := build(t, v, release.RangeOptions{}, "en")
	if got := strings.Join(d.Keys(), ","); got != strings.Join(n.Keys, ",") || got != "SRV-77" {
		t.Errorf("changelog keys %q, release next keys %q; want SRV-77 in both", got, n.Keys)
	}
}

// TestKeyPatternWithoutDash: a configured pattern may match keys with no
// dash (#12); the project filter then leaves them out instead of slicing
// before the dash that is not there (it panicked).
func TestKeyPatternWithoutDash(t *testing.T) {
	only, err := changelog.NewParser(`#[0-9]+`, []string{"SRV"})
	if err != nil {
		t.Fatal(err)
	}
	if c := only.Parse("h", "fix: #12 and #13", "a", "d"); len(c.Keys) != 0 {
		t.Errorf("with a project filter: keys %v", c.Keys)
	}
	any, err := changelog.NewParser(`#[0-9]+`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := any.Parse("h", "fix: #12 and #13, #12", "a", "d"); strings.Join(c.Keys, ",") != "#12,#13" {
		t.Errorf("without one: keys %v", c.Keys)
	}
}
