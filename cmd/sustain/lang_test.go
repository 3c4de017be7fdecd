package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// runIn runs sustain with args and returns stdout, stderr and the code.
func runIn(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestJSONDoesNotChangeWithLanguage: field names, codes and values of
// --json are the same whatever --lang says; the table is not.
func TestJSONDoesNotChangeWithLanguage(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("SUSTAIN_LANG", "")
	store := "--store=" + filepath.Join(t.TempDir(), "s.db")
	now := "--now=2026-04-30T10:00"
	for _, args := range [][]string{
		{"customer", "add", "--code", "ACME", "--name", "Acme", "--email", "ops@acme.test", "--notice-lang", "ru"},
		{"ticket", "open", "--customer", "ACME", "--from", "ops@acme.test", "--subject", "Login fails", "--description", "HTTP 500", "--priority", "high"},
		{"ticket", "assign", "SUP-1", "--to", "anna"},
		{"ticket", "answer", "SUP-1", "--text", "Fixed"},
	} {
		if _, stderr, code := runIn(t, append([]string{store, now}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	for _, args := range [][]string{
		{"ticket", "show", "SUP-1"},
		{"ticket", "list", "--status", "all"},
		{"ticket", "sweep", "--dry-run", "--now=2026-06-01"},
		{"customer", "show", "ACME"},
		{"customer", "list"},
		{"calendar", "workdays", "--from", "2026-05-01", "--to", "2026-05-31"},
		{"ticket", "show", "SUP-9"},
		{"ticket", "show", "abc"},
	} {
		base := append([]string{store, now, "--json"}, args...)
		en, enErr, enCode := runIn(t, append(base, "--lang", "en")...)
		ru, ruErr, ruCode := runIn(t, append(base, "--lang", "ru")...)
		if en != ru || enCode != ruCode {
			t.Errorf("%v: JSON differs with the language:\nen %d %s\nru %d %s", args, enCode, en, ruCode, ru)
		}
		if enCode != 0 {
			var e, r map[string]any
			if json.Unmarshal([]byte(enErr), &e) != nil || json.Unmarshal([]byte(ruErr), &r) != nil {
				t.Fatalf("%v: error not JSON: %s / %s", args, enErr, ruErr)
			}
			if e["exit_code"] != r["exit_code"] || len(e) != len(r) {
				t.Errorf("%v: error JSON shape differs: %v / %v", args, e, r)
			}
		}
		if strings.Contains(en, "Завершен") || strings.Contains(ru, "Завершен") {
			t.Errorf("%v: JSON carries a state's words instead of its code", args)
		}
	}
	// ... while the table does change: the test would pass vacuously if
	// --lang did nothing.
	en, _, _ := runIn(t, store, now, "ticket", "show", "SUP-1", "--lang", "en")
	ru, _, _ := runIn(t, store, now, "ticket", "show", "SUP-1", "--lang", "ru")
	if !strings.Contains(en, "Completed, requires user confirmation") || !strings.Contains(ru, "Завершен, требует подтверждения пользователя") {
		t.Errorf("tables:\n%s\n%s", en, ru)
	}
}

// TestLangPrecedence: --lang over SUSTAIN_LANG over support.lang over
// English; an unknown one is a usage error.
func TestLangPrecedence(t *testing.T) {
	cfgDir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfgDir)
	store := "--store=" + filepath.Join(t.TempDir(), "s.db")
	show := []string{store, "ticket", "show", "SUP-1"}
	say := func(extra ...string) (string, int) {
		_, stderr, code := runIn(t, append(show, extra...)...)
		return stderr, code
	}
	t.Setenv("SUSTAIN_LANG", "")
	if s, code := say(); code != 5 || !strings.Contains(s, "no request SUP-1") {
		t.Errorf("default: %d %s", code, s)
	}
	t.Setenv("SUSTAIN_LANG", "ru")
	if s, _ := say(); !strings.Contains(s, "нет обращения SUP-1") {
		t.Errorf("SUSTAIN_LANG=ru: %s", s)
	}
	if s, _ := say("--lang", "en"); !strings.Contains(s, "no request SUP-1") {
		t.Errorf("--lang en over SUSTAIN_LANG: %s", s)
	}
	t.Setenv("SUSTAIN_LANG", "")
	t.Setenv("SUSTAIN_SUPPORT_LANG", "ru")
	if s, _ := say(); !strings.Contains(s, "нет обращения SUP-1") {
		t.Errorf("support.lang ru: %s", s)
	}
	t.Setenv("SUSTAIN_LANG", "en")
	if s, _ := say(); !strings.Contains(s, "no request SUP-1") {
		t.Errorf("SUSTAIN_LANG over support.lang: %s", s)
	}
	t.Setenv("SUSTAIN_SUPPORT_LANG", "")
	for _, bad := range [][]string{{"--lang", "de"}, {"--lang", "RU"}} {
		if s, code := say(bad...); code != exitUsage || !strings.Contains(s, "use en or ru") {
			t.Errorf("%v: %d %s", bad, code, s)
		}
	}
	t.Setenv("SUSTAIN_LANG", "fr")
	if s, code := say(); code != exitUsage || !strings.Contains(s, "SUSTAIN_LANG") {
		t.Errorf("SUSTAIN_LANG=fr: %d %s", code, s)
	}
	// Not a desk command: release's output does not follow SUSTAIN_LANG.
	if _, _, code := runIn(t, "version"); code != 0 {
		t.Errorf("version under SUSTAIN_LANG=fr: exit %d", code)
	}
}
