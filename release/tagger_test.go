package release

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/problem/problemtest"
)

// TestTaggerAsGit compares the tagger identity with the one git tag -a
// writes under the same environment and configuration: GIT_COMMITTER_*
// before user.name/user.email, EMAIL last, GIT_AUTHOR_* not at all.
func TestTaggerAsGit(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed; the comparison needs it")
	}
	home := t.TempDir() // no global git config of the machine
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	f := newFixture(t)
	f.commit("SRV-1 start", "api/a=1")
	f.tag("v1.0.1", false)
	f.commit("SRV-2 next", "api/a=2")

	setRepoUser := func(name, email string) {
		t.Helper()
		for k, v := range map[string]string{"user.name": name, "user.email": email} {
			args := []string{"-C", f.r.Dir, "config", k, v}
			if v == "" {
				args = []string{"-C", f.r.Dir, "config", "--unset-all", k}
			}
			_ = exec.Command(gitBin, args...).Run()
		}
	}
	taggerRe := regexp.MustCompile(`(?m)^tagger (.*) \d+ [+-]\d{4}$`)
	// user.useConfigOnly keeps git from guessing an identity from the host
	// name, which sustain never does; it also makes git ignore EMAIL, so the
	// case that tests EMAIL leaves it off.
	gitTagger := func(env map[string]string, i int) (string, bool) {
		t.Helper()
		name := fmt.Sprintf("git-%d", i)
		only := "true"
		if env["EMAIL"] != "" {
			only = "false"
		}
		cmd := exec.Command(gitBin, "-C", f.r.Dir, "-c", "user.useConfigOnly="+only, "tag", "-a", name, "-m", "x")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GIT_CONFIG_NOSYSTEM=1"}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		if err := cmd.Run(); err != nil {
			return "", false
		}
		out, err := exec.Command(gitBin, "-C", f.r.Dir, "cat-file", "-p", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return taggerRe.FindStringSubmatch(string(out))[1], true
	}

	cases := []struct {
		name       string
		user       [2]string
		env        map[string]string
		wantTagger string // "" = no identity
	}{
		{"committer env over repository config", [2]string{"Repo User", "repo@example.test"},
			map[string]string{"GIT_COMMITTER_NAME": "CI Bot", "GIT_COMMITTER_EMAIL": "ci@example.test"}, "CI Bot <ci@example.test>"},
		{"repository config", [2]string{"Repo User", "repo@example.test"}, nil, "Repo User <repo@example.test>"},
		{"author env is not a tagger", [2]string{}, map[string]string{"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.test"}, ""},
		{"author env does not beat config", [2]string{"Repo User", "repo@example.test"},
			map[string]string{"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.test"}, "Repo User <repo@example.test>"},
		{"committer name, EMAIL", [2]string{}, map[string]string{"GIT_COMMITTER_NAME": "CI Bot", "EMAIL": "mail@example.test"}, "CI Bot <mail@example.test>"},
		{"mixed", [2]string{"Repo User", ""}, map[string]string{"GIT_COMMITTER_EMAIL": "ci@example.test"}, "Repo User <ci@example.test>"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			setRepoUser(c.user[0], c.user[1])
			gitSays, ok := gitTagger(c.env, i)
			if !ok {
				gitSays = ""
			}
			if gitSays != c.wantTagger {
				t.Fatalf("git tag wrote tagger %q, the case expects %q", gitSays, c.wantTagger)
			}
			v := f.versioner(settings())
			getenv := func(k string) string { return c.env[k] }
			res, err := v.Tag(ctx, TagOptions{NextOptions: NextOptions{Issue: "SRV-2"}, DryRun: true, Getenv: getenv})
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if res.Tagger != gitSays {
				t.Errorf("tagger %q, git tag writes %q", res.Tagger, gitSays)
			}
			if gitSays == "" {
				_, err := v.Tag(ctx, TagOptions{NextOptions: NextOptions{Issue: "SRV-2"}, Getenv: getenv})
				problemtest.Want(t, err, problem.Usage, "no tagger identity")
			}
		})
	}
	// versioning.tagger comes first.
	setRepoUser("Repo User", "repo@example.test")
	v := f.versioner(settings())
	res, err := v.Tag(ctx, TagOptions{NextOptions: NextOptions{Issue: "SRV-2"}, TaggerName: "Release Manager", TaggerEmail: "rm@example.test",
		Getenv: func(k string) string { return map[string]string{"GIT_COMMITTER_NAME": "CI"}[k] }})
	if err != nil || !res.Created || res.Tagger != "Release Manager <rm@example.test>" {
		t.Errorf("tag = %+v, %v", res, err)
	}
	if !strings.Contains(res.Message, "SRV-2") {
		t.Errorf("message %q", res.Message)
	}
}
