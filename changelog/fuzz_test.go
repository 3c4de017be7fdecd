package changelog_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/release"
)

// FuzzRender runs hostile commit messages, Jira summaries and request
// fields through parse, build, enrich and every format, the built-in
// templates and a user template: no error, no panic, nothing a terminal
// obeys in md, text, html or the template's data, and json that is valid
// and escaped. Seeds are in testdata/fuzz/FuzzRender.
func FuzzRender(f *testing.F) {
	tmpl := filepath.Join(f.TempDir(), "user.txt")
	src := "{{range .}}{{range .sections}}{{.title}}:{{range .entries}} {{index . \"key\"}} {{.title}}{{range .commits}} {{.subject}} {{.author}}{{end}}{{end}}\n{{end}}{{range .compat.breaking}}{{.text}}{{end}}{{range .requests}}{{.customer}} {{.subject}}{{end}}{{end}}"
	if err := os.WriteFile(tmpl, []byte(src), 0o644); err != nil {
		f.Fatal(err)
	}
	p, err := changelog.NewParser("", []string{"SRV"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, message, summary, customer string, ru bool) {
		lang := "en"
		if ru {
			lang = "ru"
		}
		rg := &release.Range{To: "89abcdef0123456789abcdef0123456789abcdef", Commits: []release.Commit{
			{Hash: "0123456789abcdef0123456789abcdef01234567", Parents: 1, Message: message, Author: customer, When: time.Unix(1e9, 0)},
			{Hash: "1123456789abcdef0123456789abcdef01234567", Parents: 1, Message: "fix: SRV-1 " + summary + "\n\nCompat: " + customer, Author: "a", When: time.Unix(1e9-1, 0)},
		}}
		d, err := changelog.Build(p, changelog.Settings{UpgradeFrom: customer}, changelog.Input{Lang: lang, Version: summary, Range: rg, Changed: []string{message}})
		if err != nil {
			t.Fatal(err)
		}
		issues := map[string]changelog.Issue{}
		for _, k := range d.Keys() {
			issues[k] = changelog.Issue{Key: k, Found: k != "SRV-2", Summary: summary, Type: message}
		}
		d.Enrich(issues, map[string]string{"Bug": "fixed"})
		d.Requests = []changelog.Request{{ID: "SUP-1", Customer: customer, Subject: message, Tasks: d.Keys()}}
		docs := []*changelog.Document{d, d}
		for _, kind := range []string{changelog.KindNotes, changelog.KindChangelog, changelog.KindCompat} {
			for _, format := range []string{"md", "text", "html"} {
				var buf bytes.Buffer
				if err := changelog.Render(&buf, docs, kind, format); err != nil {
					t.Fatalf("%s %s: %v", kind, format, err)
				}
				if r, bad := unsafeRune(buf.String()); bad {
					t.Fatalf("%s %s: %U in the output:\n%q", kind, format, r, buf.String())
				}
			}
		}
		var buf bytes.Buffer
		if err := changelog.Render(&buf, docs, changelog.KindNotes, "json"); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(buf.Bytes()) {
			t.Fatalf("invalid json:\n%s", buf.Bytes())
		}
		if r, bad := unsafeRune(buf.String()); bad && !(r >= 0x202a && r <= 0x2069) {
			t.Fatalf("json: raw %U", r)
		}
		buf.Reset()
		if err := changelog.RenderTemplate(&buf, docs, tmpl); err != nil {
			t.Fatal(err)
		}
		if r, bad := unsafeRune(buf.String()); bad {
			t.Fatalf("template: %U in the output:\n%q", r, buf.String())
		}
	})
}
