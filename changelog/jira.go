package changelog

import (
	"slices"
	"strings"
)

// Issue is what Jira says of a key in the range (release changelog|notes
// --jira). Found is false for a key Jira does not know.
type Issue struct {
	Key         string   `json:"key"`
	Found       bool     `json:"found"`
	Summary     string   `json:"summary,omitempty"`
	Type        string   `json:"type,omitempty"`
	Status      string   `json:"status,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	FixVersions []string `json:"fix_versions,omitempty"`
}

// Enrich applies Jira's data to a document: an entry whose issue Jira knows
// takes the issue's summary as its title and moves to the section its issue
// type maps to (sectionOf: Jira issue type → section id; a type not mapped
// leaves the entry where its commits put it). Keys Jira does not know are
// kept as they are and listed in UnknownKeys and the notes.
func (d *Document) Enrich(issues map[string]Issue, sectionOf map[string]string) {
	index := map[string]int{}
	for i, s := range d.Sections {
		index[s.ID] = i
	}
	moved := make([][]Entry, len(d.Sections))
	for i := range d.Sections {
		kept := d.Sections[i].Entries[:0]
		for _, e := range d.Sections[i].Entries {
			is, asked := issues[e.Key]
			if e.Key == "" || !asked {
				kept = append(kept, e)
				continue
			}
			if !is.Found {
				d.UnknownKeys = append(d.UnknownKeys, e.Key)
				kept = append(kept, e)
				continue
			}
			e.Jira = &is
			if is.Summary != "" {
				e.Title = is.Summary
			}
			to, ok := index[sectionFor(sectionOf, is.Type)]
			if !ok || to == i {
				kept = append(kept, e)
				continue
			}
			moved[to] = append(moved[to], e)
		}
		d.Sections[i].Entries = kept
	}
	for i := range d.Sections {
		if len(moved[i]) > 0 {
			d.Sections[i].Entries = append(d.Sections[i].Entries, moved[i]...)
			// Issues in key order ahead of commits without one, as Build places them.
			slices.SortStableFunc(d.Sections[i].Entries, func(a, b Entry) int {
				switch {
				case (a.Key == "") != (b.Key == ""):
					if a.Key == "" {
						return 1
					}
					return -1
				case a.Key == "":
					return 0
				case keyLess(a.Key, b.Key):
					return -1
				case keyLess(b.Key, a.Key):
					return 1
				}
				return 0
			})
		}
	}
	if len(d.UnknownKeys) > 0 {
		d.Notes = append(d.Notes, d.text.T("jira_unknown", d.text.List(d.UnknownKeys)))
	}
}

func sectionFor(sectionOf map[string]string, issueType string) string {
	for t, id := range sectionOf {
		if strings.EqualFold(t, issueType) {
			return id
		}
	}
	return ""
}
