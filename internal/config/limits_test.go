package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestStorePathResolution(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	repo := filepath.Join(root, "repo")
	sub := filepath.Join(repo, "a", "b")
	write(t, filepath.Join(sub, "keep"), "")
	user := filepath.Join(home, ".config", "sustain", "config.yaml")
	env := map[string]string{"HOME": home}
	for _, c := range []struct {
		userFile, repoFile string
		env                string
		want               string
	}{
		{userFile: "store: ~/x.db\n", want: filepath.Join(home, "x.db")},
		{userFile: "store: stores/s.db\n", want: filepath.Join(home, ".config", "sustain", "stores", "s.db")},
		{repoFile: "store: data/s.db\n", want: filepath.Join(repo, "data", "s.db")},
		{repoFile: "store: /abs/s.db\n", want: "/abs/s.db"},
		{repoFile: "store: 'jira:https://x.test?project=SUP'\n", want: "jira:https://x.test?project=SUP"},
		{repoFile: "store: data/s.db\n", env: "rel/s.db", want: "rel/s.db"}, // as a flag: the working directory's
		{repoFile: "store: data/s.db\n", env: "~/e.db", want: filepath.Join(home, "e.db")},
	} {
		write(t, user, c.userFile)
		write(t, filepath.Join(repo, RepoFileName), c.repoFile)
		env["SUSTAIN_STORE"] = c.env
		cfg, err := load(t, sub, user, env)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.StorePath(func(k string) string { return env[k] }); got != c.want {
			t.Errorf("user %q repo %q env %q: store = %q, want %q", c.userFile, c.repoFile, c.env, got, c.want)
		}
	}
}

func TestDuplicateKeysAndNestedListsAreRefused(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"store: a.db\nstore: b.db\n", `:2: key "store" is given twice (first at line 1)`},
		{"support:\n  prefix: A\n  actor: me\n  prefix: B\n", `:4: key "support.prefix" is given twice (first at line 2)`},
		{"jira:\n  issue_types:\n    Bug: fixed\n    Bug: added\n", `:4: key "jira.issue_types.Bug" is given twice`},
		{"changelog:\n  projects: [[SRV]]\n", `:2: key "changelog.projects" must be a list of strings, not a list`},
	} {
		dir := t.TempDir()
		file := filepath.Join(dir, RepoFileName)
		write(t, file, c.yaml)
		_, err := load(t, dir, filepath.Join(dir, "none.yaml"), nil)
		if err == nil || !strings.Contains(err.Error(), file+c.want) {
			t.Errorf("%q: err = %v, want %q", c.yaml, err, c.want)
		}
	}
}

func TestNumericKeysAreBounded(t *testing.T) {
	dir := t.TempDir()
	none := filepath.Join(dir, "none.yaml")
	cfg, err := load(t, dir, none, nil)
	if err != nil || cfg.Support.TextMaxKB != 1024 {
		t.Fatalf("default text_max_kb = %v, %v; want 1024", cfg, err)
	}
	for _, c := range []struct{ yaml, env, want string }{
		{yaml: "support:\n  attachment_max_mb: 8796093022208\n", want: "support.attachment_max_mb: 8796093022208: the attachment limit must be from 1 to 512 MiB"},
		{env: "8796093022208", want: "environment SUSTAIN_SUPPORT_ATTACHMENT_MAX_MB: support.attachment_max_mb"},
		{yaml: "support:\n  text_max_kb: 0\n", want: "support.text_max_kb: 0"},
		{yaml: "support:\n  text_max_kb: 1000000000\n", want: "support.text_max_kb: 1000000000: the text limit must be from 1 to 65536 KiB"},
		{yaml: "jira:\n  timeout_seconds: 9223372036\n", want: "jira.timeout_seconds"},
		{yaml: "support:\n  attachment_max_mb: 99999999999999999999999\n", want: "support.attachment_max_mb"},
	} {
		write(t, filepath.Join(dir, RepoFileName), c.yaml)
		_, err := load(t, dir, none, map[string]string{"SUSTAIN_SUPPORT_ATTACHMENT_MAX_MB": c.env})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q %q: err = %v, want %q", c.yaml, c.env, err, c.want)
		}
	}
	write(t, filepath.Join(dir, RepoFileName), "support:\n  text_max_kb: 64\n  attachment_max_mb: 512\n")
	if cfg, err := load(t, dir, none, nil); err != nil || cfg.Support.TextMaxKB != 64 || cfg.Support.AttachmentMaxMB != 512 {
		t.Errorf("in-range limits: %v, %v", cfg, err)
	}
}

// FuzzDecode feeds arbitrary YAML to the decoder: it may refuse, never
// panic, and what it accepts passes or fails Validate without panicking.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"store: ~/x.db\n",
		"support:\n  attachment_max_mb: 8796093022208\n",
		"a: &x [1, 2]\nb: *x\n",
		"jira:\n  requests:\n    statuses:\n      new: [Open, &o Todo]\n      closed: [*o]\n",
		"components:\n  api: { paths: [\"api/**\"], docs: [] }\n",
		"store: a\nstore: b\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Default()
		if err := c.mergeYAML("fuzz.yaml", data); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		_ = c.Validate()
		_ = c.resolveStore(func(string) string { return "/home/u" })
	})
}
