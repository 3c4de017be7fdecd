package main

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/internal/atomicfile"
	"github.com/sustain-cli/sustain/internal/progress"
	"github.com/sustain-cli/sustain/internal/storeurl"
	"github.com/sustain-cli/sustain/jira"
	"github.com/sustain-cli/sustain/release"
	"github.com/sustain-cli/sustain/ticket"
)

// ReleaseDocOptions are the options of the change-document commands
// (changelog, notes, compat).
type ReleaseDocOptions struct {
	releaseDeps
	Kind string // changelog.KindChangelog, KindNotes or KindCompat
	release.RangeOptions
	All        bool
	DocFormat  string // md, html, text or json
	Lang       string // "" for changelog.lang
	OutputFile string
	Write      string
	Jira       bool
	Offline    bool
	// Requests finds the support requests linked to keys; online says it
	// may ask Jira. Enrich adds Jira's data to the documents.
	Requests func(ctx context.Context, keys []string, online bool) ([]changelog.Request, error)
	Enrich   func(ctx context.Context, docs []*changelog.Document, offline bool) error
}

func addDocFlags(cmd *cobra.Command, o *ReleaseDocOptions) {
	f := cmd.Flags()
	f.StringVar(&o.From, "from", "", "start after `REV` (default: the previous release tag)")
	f.StringVar(&o.To, "to", "HEAD", "end at `REV`")
	f.StringVar(&o.Component, "component", "", "only the commits and tags of component `NAME`")
	f.BoolVar(&o.FirstParent, "first-parent", false, "only the main line: first parents from --to (default: all commits)")
	f.StringVar(&o.DocFormat, "format", "md", "md, html, text or json (--json is json)")
	f.StringVar(&o.Lang, "lang", "", "en or ru (default changelog.lang)")
	f.StringVarP(&o.OutputFile, "output-file", "o", "", "write to `FILE` (atomically) instead of standard output")
}

const docHelp = `The range is --from (default: the previous release of the scheme or
component) to --to (default HEAD); all commits in it, deduplicated, or the main
line with --first-parent. Each commit gives its Jira keys (subject, body,
trailers, a merge's branch name), its conventional-commit type and scope, "!"
and BREAKING CHANGE footers, and the trailers Upgrade-Note:, Compat: and Docs:.
A revert and the commit it reverts, both in the range, cancel out. Entries are
one per Jira issue with all its commits; commits without a key are grouped by
conventional type; the rest go under Other.

--template FILE renders the document model (see the README) with Go's
text/template, or html/template for a .html file.`

func NewCmdReleaseDoc(a *app, kind string, runF func(*ReleaseDocOptions) error) *cobra.Command {
	o := &ReleaseDocOptions{Kind: kind}
	use, short, long, example := "", "", "", ""
	switch kind {
	case changelog.KindChangelog:
		use, short = "changelog", "The list of changes between two revisions (Q6)"
		long = "Print the list of changes of a release (Q6) in Keep a Changelog form. --all renders every release in history, newest first; --write inserts the section into a Keep a Changelog file (running it twice changes nothing)."
		example = `  sustain release changelog
  sustain release changelog --from v1.0.37 --to v1.0.42 --lang ru
  sustain release changelog --write CHANGELOG.md
  sustain release changelog --all --format html -o changelog.html`
	case changelog.KindNotes:
		use, short = "notes", "The whole release document: changes, compatibility, components, upgrade, requests"
		long = "Print the release document: version (or build number and date), release date, the list of changes, compatibility with previous versions (A2), changed components and their documentation, the upgrade procedure (Q7), and the support requests the release resolves (requests whose linked development tasks are in the range; left out when there is no ticket store)."
		example = `  sustain release notes --lang ru --format html -o release-notes.html
  sustain release notes --to v1.0.42 --json`
	case changelog.KindCompat:
		use, short = "compat", "Compatibility with previous versions and the upgrade procedure alone (A2, Q7)"
		long = "Print the compatibility notes: breaking changes (commit markers and Compat: trailers), the upgrade procedure (restart and maintenance window from the configuration, Upgrade-Note: trailers, the oldest version that upgrades directly), and each changed component with its changed documentation, warning where a component changed and its documentation did not."
		example = `  sustain release compat --from v1.0.37
  sustain release compat --lang ru --format text`
	}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    long + "\n\n" + docHelp + "\n\n" + exitStatusHelp,
		Example: example,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.format.JSON {
				o.DocFormat = "json"
			}
			if !slices.Contains(changelog.Formats, o.DocFormat) {
				return usagef("--format %q: use md, html, text or json", o.DocFormat)
			}
			if o.Offline && !o.Jira {
				return usagef("--offline applies to --jira: give both")
			}
			if o.All && (o.From != "" || o.Write != "") {
				return usagef("--all renders every release: it takes neither --from nor --write")
			}
			if o.Write != "" && (o.DocFormat != "md" || a.format.Template != "") {
				return usagef("--write takes Markdown: leave out --format and --template")
			}
			o.releaseDeps = a.releaseDeps()
			o.Requests, o.Enrich = a.resolvedRequests, a.enrich
			if runF != nil {
				return runF(o)
			}
			return releaseDocRun(cmd.Context(), o)
		},
	}
	addDocFlags(cmd, o)
	if kind != changelog.KindCompat {
		cmd.Flags().BoolVar(&o.Jira, "jira", false, "fetch each key's summary, type, status, labels and fix versions from Jira (cached), and group by issue type")
		cmd.Flags().BoolVar(&o.Offline, "offline", false, "with --jira: use the cache only, ask Jira nothing")
	}
	if kind == changelog.KindChangelog {
		cmd.Flags().BoolVar(&o.All, "all", false, "every release in history, newest first")
		cmd.Flags().StringVar(&o.Write, "write", "", "insert the section into the Keep a Changelog `FILE`")
	}
	return cmd
}

func releaseDocRun(ctx context.Context, o *ReleaseDocOptions) error {
	kind := o.Kind
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	lang := o.Lang
	if lang == "" {
		lang = cfg.Changelog.Lang
	}
	if !slices.Contains(changelog.Languages, lang) {
		return usagef("--lang %q: use en or ru", lang)
	}
	v, err := o.Versioner()
	if err != nil {
		return err
	}
	projects := cfg.Changelog.Projects
	if len(projects) == 0 && cfg.Jira.Project != "" {
		projects = []string{cfg.Jira.Project}
	}
	settings := changelog.Settings{
		RestartRequired:   cfg.Changelog.RestartRequired,
		MaintenanceWindow: cfg.Changelog.MaintenanceWindow,
		UpgradeFrom:       cfg.Changelog.UpgradeFrom,
		Components:        map[string]changelog.ComponentDocs{},
	}
	for _, s := range cfg.Changelog.Sections {
		settings.Sections = append(settings.Sections, changelog.SectionSpec{ID: s.ID, Title: s.Title, Types: s.Types})
	}
	parser, err := changelog.NewParser(cfg.Changelog.KeyPattern, projects, settings.Sections...)
	if err != nil {
		return usagef("changelog.key_pattern: %v", err)
	}
	for name, c := range cfg.Components {
		if o.Component == "" || o.Component == name {
			settings.Components[name] = changelog.ComponentDocs{Paths: c.Paths, Docs: c.Docs}
		}
	}

	ranges := []release.RangeOptions{o.RangeOptions}
	if o.All {
		if err := v.PreloadMessages(ctx); err != nil { // first: finding the releases walks the history too
			return err
		}
		rels, err := v.Releases(ctx, o.Component)
		if err != nil {
			return err
		}
		ranges = ranges[:0]
		head, err := v.Repo.Head()
		if err != nil {
			return err
		}
		if len(rels) == 0 || rels[0].Commit != head.Commit {
			ranges = append(ranges, release.RangeOptions{To: "HEAD", Component: o.Component, FirstParent: o.FirstParent})
		}
		for _, r := range rels {
			ranges = append(ranges, release.RangeOptions{To: r.Tag, Component: o.Component, FirstParent: o.FirstParent})
		}
	}
	// Ranges are read one by one (the repository is not safe for concurrent
	// use); building the documents from them is pure and runs on all cores.
	inputs := make([]changelog.Input, len(ranges))
	var bar *progress.Bar
	if o.All && o.Progress != nil && o.DocFormat != "json" {
		bar = o.Progress(o.Kind+": releases", len(ranges))
	}
	for i, ro := range ranges {
		// Ctrl-C during --all stops between releases, not after all of them.
		if err := ctx.Err(); err != nil {
			bar.Done()
			return err
		}
		if inputs[i], err = docInput(ctx, v, ro, lang, kind != changelog.KindChangelog && len(settings.Components) > 0); err != nil {
			bar.Done()
			return err
		}
		bar.Add(1)
	}
	bar.Done()
	docs := make([]*changelog.Document, len(inputs))
	errs := make([]error, len(inputs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				docs[i], errs[i] = changelog.Build(parser, settings, inputs[i])
			}
		}()
	}
	for i := range inputs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, d := range docs {
		if errs[i] != nil {
			return usagef("%v", errs[i])
		}
		if kind == changelog.KindNotes {
			if d.Requests, err = o.Requests(ctx, d.Keys(), o.Jira && !o.Offline); err != nil {
				return err
			}
		}
	}
	if o.Jira {
		if err := o.Enrich(ctx, docs, o.Offline); err != nil {
			return err
		}
	}

	var buf bytes.Buffer
	if o.Format.Template != "" {
		if err := changelog.RenderTemplate(&buf, docs, o.Format.Template); err != nil {
			return &usageError{err: err}
		}
	} else {
		err = changelog.Render(&buf, docs, kind, o.DocFormat)
	}
	if err != nil {
		return err
	}
	if o.Write != "" {
		old, err := os.ReadFile(o.Write)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		merged := changelog.MergeSection(string(old), buf.String())
		if merged == string(old) {
			return nil
		}
		return atomicfile.Write(o.Write, []byte(merged), 0o644)
	}
	if o.OutputFile != "" {
		return atomicfile.Write(o.OutputFile, buf.Bytes(), 0o644)
	}
	_, err = o.Out.Write(buf.Bytes())
	return err
}

// docInput reads a range and what is known of its release.
func docInput(ctx context.Context, v *release.Versioner, ro release.RangeOptions, lang string, withPaths bool) (changelog.Input, error) {
	rg, err := v.Range(ctx, ro)
	if err != nil {
		return changelog.Input{}, err
	}
	in := changelog.Input{Lang: lang, Component: ro.Component, Range: rg, Date: rg.Date}
	if rg.Current != nil {
		in.Version, in.Tag = rg.Current.Version, rg.Current.Tag
	}
	if rg.Previous != nil {
		in.Previous = rg.Previous.Version
	}
	if v.Settings.Scheme == release.SchemeBuild {
		// The build number costs a walk of the history; only this scheme needs it.
		b, err := v.BuildInfo(ctx, rg.To, ro.Component)
		if err != nil {
			return changelog.Input{}, err
		}
		in.BuildNumber, in.BuildDate = b.Number, b.Date
		if in.Version == "" {
			in.Version = strconv.Itoa(b.Number) // a build's version is its number (A1)
		}
	}
	if withPaths {
		if in.Changed, err = v.ChangedPaths(ctx, rg); err != nil {
			return changelog.Input{}, err
		}
	}
	return in, nil
}

// resolvedRequests finds the support requests linked to the keys. Without a
// ticket store there are none, and that is no error. A Jira store is asked
// only when the command may talk to Jira (--jira without --offline), with
// one search for all keys.
func (a *app) resolvedRequests(ctx context.Context, keys []string, online bool) ([]changelog.Request, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	path := a.storePath(cfg)
	remote := storeurl.IsJira(path)
	if remote && !online {
		return nil, nil
	}
	if _, err := os.Stat(path); err != nil && !remote {
		return nil, nil // no store: the section is left out
	}
	store, err := a.openStore(cfg)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, store.Close)
	return changelog.ResolvedRequests(ctx, keys, func(ctx context.Context, keys []string) ([]changelog.Request, error) {
		filters := []ticket.Filter{{}} // the Jira store: one search for all keys
		if !remote {
			filters = filters[:0]
			for _, k := range keys {
				filters = append(filters, ticket.Filter{Task: k}) // index lookups
			}
		}
		var found []changelog.Request
		for _, f := range filters {
			rs, err := store.Requests(ctx, f)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				found = append(found, changelog.Request{ID: r.ID, Customer: r.Customer, Subject: r.Subject, Status: string(r.Status), Tasks: r.Tasks})
			}
		}
		return found, nil
	})
}

// enrich adds Jira's data to the documents: keys from the cache when fresh,
// the rest in batched searches (jira.MaxKeys a request), cached for
// jira.cache_ttl. --offline uses the cache alone.
func (a *app) enrich(ctx context.Context, docs []*changelog.Document, offline bool) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var keys []string
	for _, d := range docs {
		for _, k := range d.Keys() {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	var api *jira.Client
	host := ""
	if !offline {
		if api, err = a.jiraClient(""); err != nil {
			return err
		}
		host = api.Host()
	} else if u, err := url.Parse(cfg.Jira.URL); err == nil && u.Host != "" {
		host = u.Host
	} else {
		return usagef("--offline reads the cache of jira.url: set jira.url")
	}
	ttl, _ := time.ParseDuration(cfg.Jira.CacheTTL)
	cache := &jira.Cache{Dir: filepath.Join(a.cacheDir(), "jira", host), TTL: ttl, Now: a.now}
	got, missing, err := jira.Lookup(ctx, api, cache, keys)
	if err != nil && got == nil {
		return err
	}
	if err != nil {
		a.warnf("the Jira cache could not be written: %v", err)
	}
	if len(missing) > 0 {
		a.warnf("--offline: %d key(s) are not in the cache and are shown without Jira data: %s (run once without --offline)", len(missing), strings.Join(missing, ", "))
	}
	issues := make(map[string]changelog.Issue, len(got))
	for k, s := range got {
		issues[k] = changelog.Issue(s)
	}
	for _, d := range docs {
		d.Enrich(issues, cfg.Jira.IssueTypes)
	}
	return nil
}

// cacheDir is $XDG_CACHE_HOME/sustain, else ~/.cache/sustain.
func (a *app) cacheDir() string {
	if dir := a.getenv("XDG_CACHE_HOME"); dir != "" {
		return filepath.Join(dir, "sustain")
	}
	return filepath.Join(a.getenv("HOME"), ".cache", "sustain")
}
