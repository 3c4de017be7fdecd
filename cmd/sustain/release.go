package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/internal/config"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/internal/progress"
	"github.com/sustain-cli/sustain/release"
)

func newReleaseCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "release",
		Short: "Versions from git history: current, next, tag, build numbers, components",
		Long: `Versions cut from git history under the configured scheme.

  semver-jira  MAJOR.MINOR.PATCH, PATCH = the number of the Jira issue the
               release is made under (SRV-42 -> x.y.42)
  build        build number = commits reachable from the revision
               (git rev-list --count), build date = its committer date`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(NewCmdReleaseCurrent(a, nil), NewCmdReleaseNext(a, nil), NewCmdReleaseTag(a, nil),
		NewCmdReleaseBuildInfo(a, nil), NewCmdReleaseComponents(a, nil),
		NewCmdReleaseDoc(a, changelog.KindChangelog, nil), NewCmdReleaseDoc(a, changelog.KindNotes, nil), NewCmdReleaseDoc(a, changelog.KindCompat, nil))
	return cmd
}

// releaseDeps is what every release command needs.
type releaseDeps struct {
	Out       io.Writer
	Format    output.Format
	Getenv    func(string) string // GITHUB_OUTPUT for --output github
	Config    func() (*config.Loaded, error)
	Versioner func() (*release.Versioner, error)
	Warnf     func(format string, args ...any)
	Now       func() time.Time
	// Progress shows how far long work has got (stderr, terminal only).
	Progress func(label string, total int) *progress.Bar
}

func (a *app) releaseDeps() releaseDeps {
	return releaseDeps{Out: a.out, Format: a.format, Getenv: a.getenv, Config: a.config, Versioner: a.versioner, Warnf: a.warnf, Now: a.now, Progress: a.progress}
}

func addCIOutputFlag(cmd *cobra.Command, v *string) {
	cmd.Flags().Var(&choiceValue{p: v, choices: []string{"env", "github"}}, "output",
		"for CI: `env` prints KEY=VALUE lines; github also appends them to $GITHUB_OUTPUT")
}

// choiceValue is a string flag that accepts only its choices, so a wrong
// value is a usage error before any work is done.
type choiceValue struct {
	p       *string
	choices []string
}

func (c *choiceValue) String() string { return *c.p }
func (c *choiceValue) Type() string   { return "string" }
func (c *choiceValue) Set(v string) error {
	for _, ch := range c.choices {
		if v == ch {
			*c.p = v
			return nil
		}
	}
	return fmt.Errorf("%q: use %s", v, strings.Join(c.choices, " or "))
}

// emit prints v, or its CI variables with --output env|github.
func (d releaseDeps) emit(v output.Tabler, mode string, vars [][2]string) error {
	switch mode {
	case "":
		return d.Format.Print(d.Out, v)
	case "env":
		_, err := io.WriteString(d.Out, shellEnv(vars))
		return err
	case "github":
		path := d.Getenv("GITHUB_OUTPUT")
		if path == "" {
			return usagef("--output github: GITHUB_OUTPUT is not set (it is set inside GitHub Actions steps); use --output env elsewhere")
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		// One write: a step's other writers append whole records too.
		if _, err := io.WriteString(f, githubOutput(vars, randomDelimiter)); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return d.Format.Print(d.Out, v)
	default:
		return fmt.Errorf("unknown --output %q", mode) // choiceValue prevents this
	}
}

// shellEnv writes NAME=VALUE lines that sh, bash and zsh read back as the
// same values with eval and with source (.): a value that is not one plain
// word is single-quoted, each quote inside it closed, escaped and reopened.
func shellEnv(vars [][2]string) string {
	var b strings.Builder
	for _, kv := range vars {
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(shellQuote(kv[1]))
		b.WriteByte('\n')
	}
	return b.String()
}

func shellQuote(v string) string {
	plain := v != ""
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._+-:/@,%", r)) {
			plain = false
			break
		}
	}
	if plain {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// githubOutput writes $GITHUB_OUTPUT records: NAME=VALUE, or for a value
// with a line break GitHub's multi-line form, NAME<<DELIMITER, the value,
// DELIMITER, with a delimiter that is no line of the value.
func githubOutput(vars [][2]string, delimiter func() string) string {
	var b strings.Builder
	for _, kv := range vars {
		if !strings.ContainsAny(kv[1], "\r\n") {
			fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
			continue
		}
		d := delimiter()
		for strings.Contains(kv[1], d) {
			d = delimiter()
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", kv[0], d, kv[1], d)
	}
	return b.String()
}

// randomDelimiter is a heredoc delimiter no value will hold by chance.
func randomDelimiter() string {
	var buf [16]byte
	_, _ = rand.Read(buf[:])
	return "ghadelimiter_" + hex.EncodeToString(buf[:])
}

// versioner opens the repository at -C and applies the configuration.
func (a *app) versioner() (*release.Versioner, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	if a.verbose {
		for _, f := range cfg.Files {
			fmt.Fprintf(a.err, "sustain: configuration from %s\n", output.Line(f))
		}
	}
	repo, err := release.OpenOptions{Dir: a.dir, GitDir: a.getenv("GIT_DIR"), WorkTree: a.getenv("GIT_WORK_TREE")}.Open()
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, repo.Close)
	if a.verbose {
		repo.Warn = func(s string) { a.warnf("%s", s) }
		if repo.UsesCommitGraph() {
			fmt.Fprintln(a.err, "sustain: using the commit-graph file")
		}
	}
	return &release.Versioner{Repo: repo, Settings: releaseSettings(cfg.Config)}, nil
}

func releaseSettings(c *config.Config) release.Settings {
	s := release.Settings{
		Scheme:             c.Versioning.Scheme,
		TagFormat:          c.Versioning.TagFormat,
		ComponentTagFormat: c.Versioning.ComponentTagFormat,
		BuildFormat:        c.Versioning.BuildFormat,
		FirstVersion:       c.Versioning.FirstVersion,
		Prereleases:        c.Versioning.Prereleases == config.PrereleasesInclude,
		Location:           c.Location(),
		JiraProject:        c.Jira.Project,
		Components:         map[string]release.Component{},
	}
	for name, comp := range c.Components {
		s.Components[name] = release.Component{Paths: comp.Paths, TagFormat: comp.TagFormat}
	}
	return s
}

// --- release current ---

type currentView struct {
	*release.Release
	Component string `json:"component,omitempty"`
	Commit    string `json:"commit"`
}

func (v currentView) Table() output.Table {
	t := output.KV("VERSION", v.Version, "TAG", v.Tag, "COMMIT", v.Commit)
	if v.Component != "" {
		t.Rows = append([][]string{{"COMPONENT", v.Component}}, t.Rows...)
	}
	return t
}

type ReleaseCurrentOptions struct {
	releaseDeps
	Component string
	Output    string // "", env or github
}

func NewCmdReleaseCurrent(a *app, runF func(*ReleaseCurrentOptions) error) *cobra.Command {
	opts := &ReleaseCurrentOptions{}
	cmd := &cobra.Command{
		Use:   "current",
		Short: "The latest released version reachable from HEAD",
		Long: `Print the latest release: the highest version among the tags that match the
tag format (annotated and lightweight alike) and are reachable from HEAD.
Tags that look like releases but hold no valid version are skipped
(--verbose names them).

` + exitStatusHelp,
		Example: `  sustain release current
  sustain release current --component api --json
  sustain release current --template '{{.version}}'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.releaseDeps = a.releaseDeps()
			if runF != nil {
				return runF(opts)
			}
			return releaseCurrentRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Component, "component", "", "the component `NAME` (from components: in .sustain.yaml)")
	addCIOutputFlag(cmd, &opts.Output)
	return cmd
}

func releaseCurrentRun(ctx context.Context, opts *ReleaseCurrentOptions) error {
	v, err := opts.Versioner()
	if err != nil {
		return err
	}
	rel, err := v.Current(ctx, opts.Component)
	if err != nil {
		return err
	}
	view := currentView{Release: rel, Component: opts.Component, Commit: rel.Commit.String()}
	return opts.emit(view, opts.Output, [][2]string{{"SUSTAIN_VERSION", rel.Version}, {"SUSTAIN_TAG", rel.Tag}})
}

// --- release next ---

type nextView struct{ *release.Next }

func (v nextView) Table() output.Table {
	cur := "none (first release)"
	if v.Current != nil {
		cur = v.Current.Version + " (" + v.Current.Tag + ")"
	}
	t := output.KV("VERSION", v.Version, "TAG", v.Tag)
	if v.Component != "" {
		t.Rows = append([][]string{{"COMPONENT", v.Component}}, t.Rows...)
	}
	if v.Issue != "" {
		t.Rows = append(t.Rows, []string{"ISSUE", v.Issue + " (from " + v.IssueSource + ")"}, []string{"BUMP", v.Bump})
	}
	if v.Build != nil {
		t.Rows = append(t.Rows, []string{"BUILD NUMBER", strconv.Itoa(v.Build.Number)}, []string{"BUILD DATE", v.Build.Date})
	}
	t.Rows = append(t.Rows, []string{"CURRENT", cur}, []string{"COMMITS", strconv.Itoa(v.Commits)})
	if len(v.Keys) > 0 {
		t.Rows = append(t.Rows, []string{"KEYS", release.CutList(v.Keys)})
	}
	return t
}

func (v nextView) vars() [][2]string {
	vars := [][2]string{{"SUSTAIN_VERSION", v.Version}, {"SUSTAIN_TAG", v.Tag}}
	if v.Issue != "" {
		vars = append(vars, [2]string{"SUSTAIN_ISSUE", v.Issue})
	}
	if v.Build != nil {
		vars = append(vars, [2]string{"SUSTAIN_BUILD_NUMBER", strconv.Itoa(v.Build.Number)}, [2]string{"SUSTAIN_BUILD_DATE", v.Build.Date})
	}
	return vars
}

func addNextFlags(cmd *cobra.Command, o *release.NextOptions) {
	f := cmd.Flags()
	f.StringVar(&o.Component, "component", "", "the component `NAME` (from components: in .sustain.yaml)")
	f.StringVar(&o.Issue, "issue", "", "the Jira issue `KEY` the release is made under (its number becomes PATCH)")
	f.BoolVar(&o.Minor, "minor", false, "raise MINOR: substantial functionality added to a component (Q4)")
	f.BoolVar(&o.Major, "major", false, "raise MAJOR: the core of the service changed substantially (Q3)")
	f.StringVar(&o.Pick, "pick", "", "with several issue keys in the commits, take the `highest`")
}

const nextIssueHelp = `Where --issue is absent, the issue key comes from the branch name
(feature/SRV-42-login), else from the commits since the last release: one
key is used; several are refused and listed (--pick highest takes the
highest). Only keys of jira.project count.`

type ReleaseNextOptions struct {
	releaseDeps
	Next   release.NextOptions
	Output string
}

func NewCmdReleaseNext(a *app, runF func(*ReleaseNextOptions) error) *cobra.Command {
	opts := &ReleaseNextOptions{}
	cmd := &cobra.Command{
		Use:   "next",
		Short: "The version the next release gets",
		Long: `Print the next version.

semver-jira: MAJOR.MINOR.PATCH where PATCH is the number of the release's Jira
issue. ` + nextIssueHelp + `
A version not greater than the current release is refused, with the fix.

build: the build number and date of HEAD.

` + exitStatusHelp,
		Example: `  sustain release next
  sustain release next --issue SRV-42 --minor
  sustain release next --component api --output env
  sustain release next --output github   # inside a GitHub Actions step`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkNextFlags(opts.Next); err != nil {
				return err
			}
			opts.releaseDeps = a.releaseDeps()
			if runF != nil {
				return runF(opts)
			}
			return releaseNextRun(cmd.Context(), opts)
		},
	}
	addNextFlags(cmd, &opts.Next)
	addCIOutputFlag(cmd, &opts.Output)
	return cmd
}

// checkNextFlags refuses flag combinations that cannot mean anything.
func checkNextFlags(o release.NextOptions) error {
	if o.Major && o.Minor {
		return usagef("--minor and --major cannot be used together: choose one")
	}
	if o.Pick != "" && o.Pick != "highest" {
		return usagef("unknown --pick %q: the only choice is --pick highest", o.Pick)
	}
	return nil
}

func releaseNextRun(ctx context.Context, opts *ReleaseNextOptions) error {
	v, err := opts.Versioner()
	if err != nil {
		return err
	}
	n, err := v.Next(ctx, opts.Next)
	if err != nil {
		return err
	}
	view := nextView{n}
	return opts.emit(view, opts.Output, view.vars())
}

// --- release tag ---

type tagView struct {
	*release.TagResult
	FixVersion *fixVersionView `json:"jira_fix_version,omitempty"`
}

// fixVersionView is what --jira-fix-version did (or, with --dry-run, would do).
type fixVersionView struct {
	Project string   `json:"project"`
	Version string   `json:"version"`
	Issues  []string `json:"issues"`  // keys given the fix version
	Unknown []string `json:"unknown"` // keys Jira does not know, skipped
}

func (v tagView) Table() output.Table {
	t := nextView{&v.Next}.Table()
	state := "created"
	if !v.Created {
		state = "not created (--dry-run)"
	}
	t.Rows = append([][]string{{"TAG", v.Tag + " " + state}}, t.Rows...)
	tagger := v.Tagger
	if tagger == "" {
		tagger = "none set: a real run needs GIT_COMMITTER_NAME/_EMAIL, git config user.name/user.email or versioning.tagger"
	}
	t.Rows = append(t.Rows, []string{"TAGGER", tagger}, []string{"MESSAGE", v.Message})
	if f := v.FixVersion; f != nil {
		row := fmt.Sprintf("%s in %s on %d issue(s)", f.Version, f.Project, len(f.Issues))
		if len(f.Unknown) > 0 {
			row += fmt.Sprintf("; not in Jira: %s", release.CutList(f.Unknown))
		}
		t.Rows = append(t.Rows, []string{"JIRA FIX VERSION", row})
	}
	return t
}

type ReleaseTagOptions struct {
	releaseDeps
	Tag        release.TagOptions // the tagger and the time are filled by the run
	Output     string
	FixVersion bool
	// AddFixVersion sets a fix version on Jira issues and returns the keys
	// Jira does not know (jira.Client.AddFixVersion).
	AddFixVersion func(ctx context.Context, project, version string, keys []string) ([]string, error)
}

func NewCmdReleaseTag(a *app, runF func(*ReleaseTagOptions) error) *cobra.Command {
	opts := &ReleaseTagOptions{}
	cmd := &cobra.Command{
		Use:   "tag",
		Short: "Create the annotated tag of the next version on HEAD",
		Long: `Compute the next version as 'release next' does and create an annotated tag
on HEAD. The tagger is versioning.tagger from the configuration
(SUSTAIN_VERSIONING_TAGGER_NAME / _EMAIL), else GIT_COMMITTER_NAME and
GIT_COMMITTER_EMAIL, else git's user.name and user.email (then EMAIL), as
git tag takes them. --dry-run says which identity would be used, or that
none is set, and does not fail for it. Uncommitted changes are allowed, with a warning: the tag names
HEAD, not the work tree. Nothing is pushed.

--jira-fix-version sets the version as a fix version (created in jira.project
when missing) on the project's issues named in the commits since the last
release. Jira is updated before the tag is created, so a Jira failure leaves
no tag behind and the command can simply be run again.

` + nextIssueHelp + `

` + exitStatusHelp,
		Example: `  sustain release tag --dry-run
  sustain release tag --issue SRV-42 --message "Release for the March window"
  sustain release tag --component api && git push origin --tags`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkNextFlags(opts.Tag.NextOptions); err != nil {
				return err
			}
			opts.releaseDeps = a.releaseDeps()
			opts.AddFixVersion = func(ctx context.Context, project, version string, keys []string) ([]string, error) {
				api, err := a.jiraClient("")
				if err != nil {
					return nil, err
				}
				return api.AddFixVersion(ctx, project, version, keys)
			}
			if runF != nil {
				return runF(opts)
			}
			return releaseTagRun(cmd.Context(), opts)
		},
	}
	addNextFlags(cmd, &opts.Tag.NextOptions)
	cmd.Flags().BoolVar(&opts.Tag.DryRun, "dry-run", false, "say what would be tagged, create nothing")
	cmd.Flags().StringVarP(&opts.Tag.Message, "message", "m", "", "the tag `MESSAGE` (default \"Release VERSION (ISSUE)\")")
	cmd.Flags().BoolVar(&opts.FixVersion, "jira-fix-version", false, "set the version as fix version on the release's issues in jira.project")
	addCIOutputFlag(cmd, &opts.Output)
	return cmd
}

func releaseTagRun(ctx context.Context, opts *ReleaseTagOptions) error {
	v, err := opts.Versioner()
	if err != nil {
		return err
	}
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	o := opts.Tag
	o.TaggerName, o.TaggerEmail = cfg.Versioning.Tagger.Name, cfg.Versioning.Tagger.Email
	o.Getenv = opts.Getenv
	o.Now = opts.Now()
	var fv *fixVersionView
	if opts.FixVersion {
		if fv, err = setFixVersion(ctx, opts, cfg, v, o); err != nil {
			return err
		}
	}
	res, err := v.Tag(ctx, o)
	if err != nil {
		return err
	}
	if res.Dirty {
		opts.Warnf("the work tree has uncommitted changes; the tag names HEAD, not them")
	}
	view := tagView{res, fv}
	return opts.emit(view, opts.Output, nextView{&res.Next}.vars())
}

// setFixVersion gives the next version's issues their fix version in Jira,
// before the tag exists; with --dry-run it only says what it would do.
func setFixVersion(ctx context.Context, opts *ReleaseTagOptions, cfg *config.Loaded, v *release.Versioner, o release.TagOptions) (*fixVersionView, error) {
	if cfg.Jira.Project == "" {
		return nil, usagef("--jira-fix-version needs jira.project, the project whose issues get the version")
	}
	n, err := v.Next(ctx, o.NextOptions)
	if err != nil {
		return nil, err
	}
	fv := &fixVersionView{Project: cfg.Jira.Project, Version: n.Version, Issues: []string{}, Unknown: []string{}}
	for _, k := range n.Keys {
		if strings.HasPrefix(k, cfg.Jira.Project+"-") {
			fv.Issues = append(fv.Issues, k)
		}
	}
	if o.DryRun {
		return fv, nil
	}
	unknown, err := opts.AddFixVersion(ctx, fv.Project, fv.Version, fv.Issues)
	if err != nil {
		return nil, err
	}
	for _, k := range unknown {
		fv.Unknown = append(fv.Unknown, k)
		fv.Issues = slices.DeleteFunc(fv.Issues, func(x string) bool { return x == k })
	}
	return fv, nil
}

// --- release build-info ---

type buildView struct{ *release.Build }

func (v buildView) Table() output.Table {
	t := output.KV("BUILD NUMBER", strconv.Itoa(v.Number), "BUILD DATE", v.Date, "COMMIT", v.Commit, "VERSION", v.Version)
	if v.Component != "" {
		t.Rows = append([][]string{{"COMPONENT", v.Component}}, t.Rows...)
	}
	return t
}

type ReleaseBuildInfoOptions struct {
	releaseDeps
	Rev, Component string
	Output         string
}

func NewCmdReleaseBuildInfo(a *app, runF func(*ReleaseBuildInfoOptions) error) *cobra.Command {
	opts := &ReleaseBuildInfoOptions{}
	cmd := &cobra.Command{
		Use:   "build-info",
		Short: "Build number and build date of a revision",
		Long: `Print the build number and build date of a revision (A1, A3).

The build number is the count of commits reachable from the revision, every
parent of every merge included: the same number as git rev-list --count REV.
With --component it counts only the commits that change the component's
paths compared with at least one of their parents (a root commit counts when
it holds any of them): git rev-list --count --full-history REV -- PATHS.
The build date is the commit's committer date in versioning.timezone, ISO
8601. The version string follows versioning.build_format; placeholders
{number}, {date} (YYYY-MM-DD), {datetime}, {commit} (12 hex digits) and
{component}.

` + exitStatusHelp,
		Example: `  sustain release build-info
  sustain release build-info --rev v1.0.37 --json
  sustain release build-info --component api --output env >> build.env`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Rev == "" {
				return usagef("--rev needs a revision: a branch, tag or commit")
			}
			opts.releaseDeps = a.releaseDeps()
			if runF != nil {
				return runF(opts)
			}
			return releaseBuildInfoRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Rev, "rev", "HEAD", "the `REVISION`: branch, tag or commit")
	cmd.Flags().StringVar(&opts.Component, "component", "", "count only the commits of component `NAME`")
	addCIOutputFlag(cmd, &opts.Output)
	return cmd
}

func releaseBuildInfoRun(ctx context.Context, opts *ReleaseBuildInfoOptions) error {
	v, err := opts.Versioner()
	if err != nil {
		return err
	}
	b, err := v.BuildInfo(ctx, opts.Rev, opts.Component)
	if err != nil {
		return err
	}
	return opts.emit(buildView{b}, opts.Output, [][2]string{
		{"SUSTAIN_VERSION", b.Version},
		{"SUSTAIN_BUILD_NUMBER", strconv.Itoa(b.Number)},
		{"SUSTAIN_BUILD_DATE", b.Date},
		{"SUSTAIN_COMMIT", b.Commit},
	})
}

// --- release components ---

type componentsView []release.ComponentState

func (v componentsView) Table() output.Table {
	t := output.Table{Header: []string{"COMPONENT", "CURRENT", "BUILD", "CHANGED", "PATHS"}}
	for _, c := range v {
		cur := "-"
		if c.Current != nil {
			cur = c.Current.Version
		}
		changed := "no"
		if c.Changed {
			changed = fmt.Sprintf("yes (%d)", c.Commits)
		}
		t.Rows = append(t.Rows, []string{c.Name, cur, strconv.Itoa(c.Build), changed, strings.Join(c.Paths, " ")})
	}
	return t
}

type ReleaseComponentsOptions struct{ releaseDeps }

func NewCmdReleaseComponents(a *app, runF func(*ReleaseComponentsOptions) error) *cobra.Command {
	opts := &ReleaseComponentsOptions{}
	return &cobra.Command{
		Use:   "components",
		Short: "List components with their current version, build number and changes",
		Long: `List the components of components: in .sustain.yaml with their current
release (from their own tags), their build number at HEAD, and whether
commits changed their paths since that release.

` + exitStatusHelp,
		Example: `  sustain release components
  sustain release components --json | jq -r '.[] | select(.changed) | .name'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.releaseDeps = a.releaseDeps()
			if runF != nil {
				return runF(opts)
			}
			return releaseComponentsRun(cmd.Context(), opts)
		},
	}
}

func releaseComponentsRun(ctx context.Context, opts *ReleaseComponentsOptions) error {
	v, err := opts.Versioner()
	if err != nil {
		return err
	}
	if len(v.Settings.Components) == 0 {
		return usagef("no components are configured; add them under components: in .sustain.yaml")
	}
	states, err := v.Components(ctx)
	if err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, componentsView(states))
}

// groupRun is the RunE of commands that only group others: bare, they print
// help; with an unknown subcommand, they fail as a usage error.
func groupRun(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return cmd.Help()
}

// noArgs refuses positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}
