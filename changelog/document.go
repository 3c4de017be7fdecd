package changelog

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/release"
)

// SectionSpec is a section of the list of changes and the conventional
// commit types that go in it. A section with no types takes what no other
// section takes.
type SectionSpec struct {
	ID    string   `json:"id"`
	Title string   `json:"title,omitempty"` // overrides the catalogue's title
	Types []string `json:"types"`
}

// DefaultSections follow Keep a Changelog.
var DefaultSections = []SectionSpec{
	{ID: "added", Types: []string{"feat", "feature", "add"}},
	{ID: "changed", Types: []string{"change", "refactor", "perf", "improvement"}},
	{ID: "deprecated", Types: []string{"deprecate", "deprecated"}},
	{ID: "removed", Types: []string{"remove", "removed"}},
	{ID: "fixed", Types: []string{"fix", "bugfix", "hotfix"}},
	{ID: "security", Types: []string{"security", "sec"}},
	{ID: "other"},
}

// ComponentDocs is a component's paths and the paths of its documentation.
type ComponentDocs struct {
	Paths []string
	Docs  []string
}

// Settings shape the documents.
type Settings struct {
	Sections          []SectionSpec
	RestartRequired   bool   // Q7: the update stops and restarts the service
	MaintenanceWindow bool   // Q7: plan it for a maintenance window
	UpgradeFrom       string // the oldest version one can upgrade from directly
	Components        map[string]ComponentDocs
}

// Input is a range of commits with what is known of its release.
type Input struct {
	Lang        string
	Version     string // the release's version, or "" when unreleased
	Tag         string
	Component   string
	BuildNumber int
	BuildDate   string
	Date        time.Time // the release date: the last commit's date
	Previous    string    // the previous release's version
	Range       *release.Range
	Changed     []string // paths that differ between the ends of the range
}

// Document is the data model of every format and of --template. Field names
// are the documented JSON.
type Document struct {
	Lang        string            `json:"lang"`
	Version     string            `json:"version"`
	Tag         string            `json:"tag,omitempty"`
	Component   string            `json:"component,omitempty"`
	BuildNumber int               `json:"build_number,omitempty"`
	BuildDate   string            `json:"build_date,omitempty"`
	Date        string            `json:"date"`
	Previous    string            `json:"previous,omitempty"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	Count       int               `json:"count"` // entries in all sections
	Sections    []Section         `json:"sections"`
	Compat      Compat            `json:"compat"`
	Components  []ComponentChange `json:"components"`
	Requests    []Request         `json:"requests,omitempty"`
	UnknownKeys []string          `json:"unknown_keys,omitempty"` // with --jira: keys Jira does not know
	// Shipped: keys left out because --from, not an ancestor of --to,
	// already has them (cherry-picks onto the previous release's branch).
	Shipped []string `json:"already_shipped"`
	Notes   []string `json:"notes"`

	text text
}

// Section is a titled group of entries.
type Section struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Entries []Entry `json:"entries"`
}

// Entry is one change: a Jira issue with all its commits, or one commit.
type Entry struct {
	Key      string   `json:"key,omitempty"`
	Title    string   `json:"title"`
	Type     string   `json:"type,omitempty"`
	Scope    string   `json:"scope,omitempty"`
	Breaking bool     `json:"breaking"`
	Commits  []Change `json:"commits"`
	Jira     *Issue   `json:"jira,omitempty"` // with --jira, when Jira knows the key
}

// Compat is the compatibility information of A2 and the upgrade of Q7.
type Compat struct {
	Breaking          []Note `json:"breaking"`
	UpgradeNotes      []Note `json:"upgrade_notes"`
	RestartRequired   bool   `json:"restart_required"`
	MaintenanceWindow bool   `json:"maintenance_window"`
	UpgradeFrom       string `json:"upgrade_from,omitempty"`
}

// Note is a sentence from a commit.
type Note struct {
	Text   string `json:"text"`
	Key    string `json:"key,omitempty"`
	Commit string `json:"commit"`
}

// ComponentChange is a component the range changed (A2).
type ComponentChange struct {
	Name        string   `json:"name"`
	DocsChanged []string `json:"docs_changed"`
	DocsMissing bool     `json:"docs_missing"` // it changed, its documentation did not
}

// Request is a support request resolved by the release.
type Request struct {
	ID       string   `json:"id"`
	Customer string   `json:"customer"`
	Subject  string   `json:"subject"`
	Status   string   `json:"status"`
	Tasks    []string `json:"tasks"`
}

// Build groups a range into a document.
func Build(p *Parser, s Settings, in Input) (*Document, error) {
	tx, err := newText(in.Lang)
	if err != nil {
		return nil, err
	}
	if len(s.Sections) == 0 {
		s.Sections = DefaultSections
	}
	d := &Document{Lang: in.Lang, Version: in.Version, Tag: in.Tag, Component: in.Component, BuildNumber: in.BuildNumber,
		BuildDate: in.BuildDate, Previous: in.Previous, From: in.Range.From, To: in.Range.To, Notes: []string{}, Shipped: []string{},
		Components: []ComponentChange{}, text: tx}
	if !in.Date.IsZero() {
		d.Date = in.Date.Format("2006-01-02")
	}
	if in.Range.From == "" {
		d.Notes = append(d.Notes, tx.T("from_root"))
	}

	// A merge's keys (its branch name) belong to the commits it brought in
	// that name none themselves; the merge itself then adds nothing.
	parsed := make(map[string]*Change, len(in.Range.Commits))
	for _, c := range in.Range.Commits {
		ch := p.Parse(c.Hash, c.Message, c.Author, c.When.Format(time.RFC3339))
		parsed[c.Hash] = &ch
	}
	skip := map[string]bool{}
	for _, c := range in.Range.Commits {
		if c.Parents < 2 {
			continue
		}
		skip[c.Hash] = true
		m := parsed[c.Hash]
		if len(c.Merged) == 0 && len(m.Keys) > 0 {
			skip[c.Hash] = false // nothing of it in the range: keep its keys
			m.Type = ""          // "Merge branch ..." is no conventional commit
		}
		for _, h := range c.Merged {
			if brought := parsed[h]; brought != nil && len(brought.Keys) == 0 {
				brought.Keys = append([]string(nil), m.Keys...)
			}
		}
	}
	// Oldest first, so an entry's title is its first commit's subject.
	var changes []Change
	for i := len(in.Range.Commits) - 1; i >= 0; i-- {
		if h := in.Range.Commits[i].Hash; !skip[h] {
			changes = append(changes, *parsed[h])
		}
	}
	changes = dropReverted(changes)
	changes = d.dropShipped(p, in.Range, changes)

	d.Sections = make([]Section, len(s.Sections))
	sectionOf := map[string]int{}
	catchAll := -1
	for i, spec := range s.Sections {
		d.Sections[i] = Section{ID: spec.ID, Title: tx.T("section." + spec.ID), Entries: []Entry{}}
		switch {
		case spec.Title != "":
			d.Sections[i].Title = spec.Title
		case d.Sections[i].Title == "section."+spec.ID:
			d.Sections[i].Title = spec.ID
		}
		for _, t := range spec.Types {
			sectionOf[t] = i
		}
		if len(spec.Types) == 0 {
			catchAll = i
		}
	}
	place := func(e Entry) {
		i, ok := sectionOf[e.Type]
		if !ok {
			i = catchAll
			if e.Key != "" && e.Type == "" {
				if j, ok := sectionOf["change"]; ok {
					i = j // an issue with no typed commit is a change
				}
			}
		}
		if i < 0 {
			return
		}
		d.Sections[i].Entries = append(d.Sections[i].Entries, e)
	}

	byKey := map[string]*Entry{}
	var keys []string
	var loose []Entry
	for _, ch := range changes {
		for _, n := range ch.BreakingNotes {
			d.Compat.Breaking = append(d.Compat.Breaking, Note{Text: n, Key: first(ch.Keys), Commit: ch.Hash})
		}
		if ch.Breaking && len(ch.BreakingNotes) == 0 {
			d.Compat.Breaking = append(d.Compat.Breaking, Note{Text: ch.Subject, Key: first(ch.Keys), Commit: ch.Hash})
		}
		for _, n := range ch.UpgradeNotes {
			d.Compat.UpgradeNotes = append(d.Compat.UpgradeNotes, Note{Text: n, Key: first(ch.Keys), Commit: ch.Hash})
		}
		if len(ch.Keys) == 0 {
			loose = append(loose, Entry{Title: ch.Subject, Type: ch.Type, Scope: ch.Scope, Breaking: ch.Breaking, Commits: []Change{ch}})
			continue
		}
		for _, k := range ch.Keys {
			e, ok := byKey[k]
			if !ok {
				e = &Entry{Key: k, Title: titleWithoutKeys(ch.Keys, ch.Subject)}
				byKey[k] = e
				keys = append(keys, k)
			}
			if e.Type == "" && ch.Type != "" {
				e.Type, e.Scope = ch.Type, ch.Scope
			}
			e.Breaking = e.Breaking || ch.Breaking
			e.Commits = append(e.Commits, ch)
		}
	}
	sort.SliceStable(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
	for _, k := range keys {
		place(*byKey[k])
	}
	for _, e := range loose {
		place(e)
	}
	for _, sec := range d.Sections {
		d.Count += len(sec.Entries)
	}
	if d.Compat.Breaking == nil {
		d.Compat.Breaking = []Note{}
	}
	if d.Compat.UpgradeNotes == nil {
		d.Compat.UpgradeNotes = []Note{}
	}
	d.Compat.RestartRequired, d.Compat.MaintenanceWindow, d.Compat.UpgradeFrom = s.RestartRequired, s.MaintenanceWindow, s.UpgradeFrom

	names := make([]string, 0, len(s.Components))
	for n := range s.Components {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cd := s.Components[n]
		paths, err := release.NewMatcher(cd.Paths)
		if err != nil {
			return nil, err
		}
		var docs *release.Matcher
		if len(cd.Docs) > 0 {
			if docs, err = release.NewMatcher(cd.Docs); err != nil {
				return nil, err
			}
		}
		cc := ComponentChange{Name: n, DocsChanged: []string{}}
		changed := false
		for _, path := range in.Changed {
			if paths.Match(path) {
				changed = true
			}
			if docs != nil && docs.Match(path) {
				cc.DocsChanged = append(cc.DocsChanged, path)
			}
		}
		if !changed && len(cc.DocsChanged) == 0 {
			continue
		}
		cc.DocsMissing = changed && len(cd.Docs) > 0 && len(cc.DocsChanged) == 0
		d.Components = append(d.Components, cc)
	}
	return d, nil
}

// dropShipped leaves out the keys that the range's --from already has on
// its own side (a previous release tagged on its branch, with cherry-picks
// of trunk's fixes): they were shipped. A commit all of whose keys were
// shipped goes with them; one with other keys stays under those. A note
// says how many keys were left out.
func (d *Document) dropShipped(p *Parser, rg *release.Range, changes []Change) []Change {
	if len(rg.Shipped) == 0 {
		return changes
	}
	shipped := map[string]bool{}
	for _, c := range rg.Shipped {
		for _, k := range p.Parse(c.Hash, c.Message, c.Author, "").Keys {
			shipped[k] = true
		}
	}
	left := map[string]bool{}
	out := changes[:0]
	for _, ch := range changes {
		if len(ch.Keys) == 0 {
			out = append(out, ch)
			continue
		}
		var keep []string
		for _, k := range ch.Keys {
			if shipped[k] {
				left[k] = true
			} else {
				keep = append(keep, k)
			}
		}
		if len(keep) > 0 {
			ch.Keys = keep
			out = append(out, ch)
		}
	}
	for k := range left {
		d.Shipped = append(d.Shipped, k)
	}
	sort.Slice(d.Shipped, func(i, j int) bool { return keyLess(d.Shipped[i], d.Shipped[j]) })
	if len(d.Shipped) > 0 {
		d.Notes = append(d.Notes, d.text.T("shipped", d.text.Plural("issues", len(d.Shipped)), rg.FromRev, d.text.List(d.Shipped)))
	}
	return out
}

// Keys are the Jira keys of the document's entries.
func (d *Document) Keys() []string {
	var out []string
	for _, s := range d.Sections {
		for _, e := range s.Entries {
			if e.Key != "" {
				out = append(out, e.Key)
			}
		}
	}
	return out
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// keyLess orders SRV-9 before SRV-10.
func keyLess(a, b string) bool {
	pa, na, _ := strings.Cut(a, "-")
	pb, nb, _ := strings.Cut(b, "-")
	if pa != pb {
		return pa < pb
	}
	x, _ := strconv.Atoi(na)
	y, _ := strconv.Atoi(nb)
	return x < y
}

// KeysOf lists the Jira keys of a range's commits, a merge's branch name
// included, each once.
func KeysOf(p *Parser, rg *release.Range) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range rg.Commits {
		for _, k := range p.Parse(c.Hash, c.Message, c.Author, "").Keys {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return keyLess(out[i], out[j]) })
	return out
}

// titleWithout drops the entry's own key from the front of a subject
// ("feat: SRV-43 Export", "[SRV-43] Export"): the entry already shows it.
func titleWithout(key, subject string) string {
	rest := strings.TrimPrefix(subject, "[")
	if len(rest) < len(key) || !strings.EqualFold(rest[:len(key)], key) {
		return subject
	}
	rest = rest[len(key):]
	if subject[0] == '[' {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, "]"); !ok {
			return subject
		}
	} else if rest != "" && !strings.ContainsRune(" :-,", rune(rest[0])) {
		return subject // SRV-430, not SRV-43
	}
	if rest = strings.TrimLeft(rest, " :-,"); rest == "" {
		return subject
	}
	return rest
}

// titleWithoutKeys drops every key of the commit from the front of its
// subject ("SRV-46 SRV-47 two keys", "[SRV-46][SRV-47] two keys",
// "SRV-46, SRV-47: two keys" are all "two keys"): each entry shows its own
// key, and the commit's other keys are entries of their own.
func titleWithoutKeys(keys []string, subject string) string {
	for changed := true; changed; {
		changed = false
		for _, k := range keys {
			if t := titleWithout(k, subject); t != subject {
				subject, changed = t, true
			}
		}
	}
	return subject
}
