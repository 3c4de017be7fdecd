package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func load(t *testing.T, dir, userFile string, env map[string]string) (*Loaded, error) {
	t.Helper()
	return Load(Options{
		Dir:      dir,
		UserFile: userFile,
		Getenv:   func(k string) string { return env[k] },
		Environ: func() []string {
			var out []string
			for k, v := range env {
				out = append(out, k+"="+v)
			}
			return out
		},
	})
}

func TestPrecedence(t *testing.T) {
	root := t.TempDir()
	user := filepath.Join(root, "xdg", "sustain", "config.yaml")
	write(t, user, "store: /from/user\nversioning:\n  timezone: UTC\n  tag_format: \"u{version}\"\n")
	write(t, filepath.Join(root, "repo", RepoFileName), "versioning:\n  tag_format: \"r{version}\"\njira:\n  project: SRV\ncomponents:\n  api: { paths: [\"api/**\"] }\n")
	sub := filepath.Join(root, "repo", "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}

	cfg, err := load(t, sub, user, map[string]string{"SUSTAIN_JIRA_PROJECT": "OPS"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Store != "/from/user" {
		t.Errorf("store = %q, want the user file's value", cfg.Store)
	}
	if cfg.Versioning.Timezone != "UTC" {
		t.Errorf("timezone = %q, want UTC from the user file", cfg.Versioning.Timezone)
	}
	if cfg.Versioning.TagFormat != "r{version}" {
		t.Errorf("tag_format = %q, want the repository file to win over the user file", cfg.Versioning.TagFormat)
	}
	if cfg.Jira.Project != "OPS" {
		t.Errorf("jira.project = %q, want the environment to win", cfg.Jira.Project)
	}
	if cfg.Versioning.Scheme != SchemeSemverJira {
		t.Errorf("scheme = %q, want the default", cfg.Versioning.Scheme)
	}
	if got := cfg.Components["api"].Paths; len(got) != 1 || got[0] != "api/**" {
		t.Errorf("components.api.paths = %v", got)
	}
	if len(cfg.Files) != 2 {
		t.Errorf("files = %v, want user and repository files", cfg.Files)
	}
	if o := cfg.Origin("jira.project"); o != "environment SUSTAIN_JIRA_PROJECT" {
		t.Errorf("origin = %q", o)
	}
}

func TestErrorsNameFileLineAndKey(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown top key", "versioning:\n  scheme: build\nrelease: x\n", []string{":3:", `unknown key "release"`, "versioning"}},
		{"unknown nested key", "versioning:\n  sheme: build\n", []string{":2:", `"versioning.sheme"`, "scheme"}},
		{"unknown component key", "components:\n  api:\n    path: [a]\n", []string{":3:", `"components.api.path"`, "paths"}},
		{"wrong type", "components:\n  api:\n    paths: api/**\n", []string{":3:", `"components.api.paths"`, "must be a list"}},
		{"mapping for string", "jira:\n  project:\n    a: b\n", []string{":3:", `"jira.project"`, "must be a string"}},
		{"bad scheme", "versioning:\n  scheme: calver\n", []string{":2", "versioning.scheme", "semver-jira"}},
		{"bad project", "jira:\n  project: srv\n", []string{":2", "jira.project"}},
		{"bad timezone", "versioning:\n  timezone: Mars/Olympus\n", []string{":2", "Mars/Olympus"}},
		{"bad support lang", "support:\n  lang: de\n", []string{":2", "support.lang", "en or ru"}},
		{"no paths", "components:\n  api: {}\n", []string{"components.api.paths"}},
		{"syntax", "versioning: [\n", []string{RepoFileName}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, RepoFileName), tc.yaml)
			_, err := load(t, dir, filepath.Join(dir, "none.yaml"), nil)
			if err == nil {
				t.Fatal("no error")
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("error type %T, want *config.Error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), RepoFileName) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestEnvTypeError(t *testing.T) {
	dir := t.TempDir()
	_, err := load(t, dir, filepath.Join(dir, "none.yaml"), map[string]string{"SUSTAIN_VERSIONING_SCHEME": "nope"})
	if err == nil || !strings.Contains(err.Error(), "SUSTAIN_VERSIONING_SCHEME") {
		t.Fatalf("err = %v, want it to name the variable", err)
	}
}

func TestExplicitFileMustExist(t *testing.T) {
	_, err := Load(Options{File: filepath.Join(t.TempDir(), "missing.yaml"), UserFile: "/nonexistent/x"})
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestEnvKeysCoverScalars(t *testing.T) {
	keys := strings.Join(EnvKeys(), " ")
	for _, k := range []string{"store", "versioning.scheme", "versioning.tagger.email", "jira.project"} {
		if !strings.Contains(keys, k) {
			t.Errorf("EnvKeys misses %s", k)
		}
	}
}

// TestExamplesLoad keeps the shipped example configurations valid.
func TestExamplesLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("examples: %v, %v", files, err)
	}
	for _, f := range files {
		cfg, err := Load(Options{File: f, UserFile: filepath.Join(t.TempDir(), "none.yaml"), Environ: func() []string { return nil }})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(cfg.Components) == 0 {
			t.Errorf("%s: no components", f)
		}
		sup := cfg.Support
		switch cfg.Versioning.Scheme {
		case SchemeSemverJira: // regulation Q
			if sup.AutocloseBusinessDays != 10 || !sup.EmailRequiresRegisteredSender {
				t.Errorf("%s: regulation Q wants 10 days (Q15) and registered senders (Q10): %+v", f, sup)
			}
		case SchemeBuild: // regulation A
			if sup.AutocloseBusinessDays != 8 || !sup.ConfirmRequiresResponsiblePerson || !sup.PriorityRequiresContract {
				t.Errorf("%s: regulation A wants 8 days and responsible persons (A12), contracts (A4): %+v", f, sup)
			}
			if cfg.Changelog.RestartRequired || cfg.Changelog.MaintenanceWindow {
				t.Errorf("%s: regulation A is a hosted platform: no container restart or maintenance window text", f)
			}
		}
	}
}
