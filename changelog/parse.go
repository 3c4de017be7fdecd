// Package changelog turns a range of commits into change documents: the list
// of changes (Q6), compatibility with previous versions and changed
// components with their documentation (A2), the upgrade procedure (Q7) and
// the support requests a release resolves (Q13). It works in four steps:
// collect (release.Range), parse (Parse), group (Build) and render.
package changelog

import (
	"strings"
	"unicode/utf8"

	"github.com/sustain-cli/sustain/internal/lazyre"
	"github.com/sustain-cli/sustain/release"
)

// Change is a commit reduced to what a change document needs.
type Change struct {
	Hash     string   `json:"hash"`
	Subject  string   `json:"subject"`
	Keys     []string `json:"keys"`            // Jira keys anywhere in the message
	Type     string   `json:"type,omitempty"`  // conventional-commit type
	Scope    string   `json:"scope,omitempty"` // conventional-commit scope
	Breaking bool     `json:"breaking"`
	// BreakingNotes are BREAKING CHANGE footers and Compat: trailers.
	BreakingNotes []string `json:"breaking_notes,omitempty"`
	UpgradeNotes  []string `json:"upgrade_notes,omitempty"` // Upgrade-Note: trailers
	Docs          []string `json:"docs,omitempty"`          // Docs: trailers
	Author        string   `json:"author"`
	Date          string   `json:"date"`
	reverts       string   // the hash this commit reverts, if it is a revert
}

var (
	conventionalRe = lazyre.New(`^([a-zA-Z]+)(?:\(([^)]*)\))?(!)?:\s*(.+)$`)
	trailerRe      = lazyre.New(`^([A-Za-z][A-Za-z0-9-]*|BREAKING CHANGE):\s*(.*)$`)
	revertRe       = lazyre.New(`(?m)^This reverts commit ([0-9a-f]{7,40})`)
	// DefaultKeyPattern matches Jira issue keys.
	DefaultKeyPattern = release.DefaultKeyPattern
)

// maxMessage bounds the part of a message that is parsed for its subject,
// type and trailers: a 10 MB message is someone's mistake, not a change
// description. Keys are looked for in all of it, as release next does.
const maxMessage = 64 << 10

// Parser reads commit messages with a key pattern and a set of projects.
type Parser struct {
	keys  *release.KeyFinder
	types map[string]bool // conventional-commit types recognised
}

// conventionalTypes are the Conventional Commits types; a "Word:" prefix
// that is none of these (nor a configured one) is part of the subject, as in
// "Web: new button".
var conventionalTypes = []string{"feat", "fix", "docs", "style", "refactor", "perf", "test", "build", "ci", "chore", "revert"}

// NewParser makes a parser; pattern "" is DefaultKeyPattern. Types named by
// the sections count as conventional types besides the standard ones.
func NewParser(pattern string, projects []string, sections ...SectionSpec) (*Parser, error) {
	keys, err := release.NewKeyFinder(pattern, projects...)
	if err != nil {
		return nil, err
	}
	p := &Parser{keys: keys, types: map[string]bool{}}
	for _, t := range conventionalTypes {
		p.types[t] = true
	}
	if len(sections) == 0 {
		sections = DefaultSections
	}
	for _, s := range sections {
		for _, t := range s.Types {
			p.types[strings.ToLower(t)] = true
		}
	}
	return p, nil
}

// Parse reduces a commit message. Invalid UTF-8 is replaced, not fatal.
func (p *Parser) Parse(hash, message, author, date string) Change {
	keys := p.keys.Keys(message)
	if len(message) > maxMessage {
		message = message[:maxMessage]
	}
	if !utf8.ValidString(message) {
		message = strings.ToValidUTF8(message, "\uFFFD")
	}
	message = strings.ReplaceAll(message, "\r\n", "\n")
	subject, body, _ := strings.Cut(strings.TrimSpace(message), "\n")
	c := Change{Hash: hash, Subject: strings.TrimSpace(subject), Author: author, Date: date, Keys: keys}
	if m := conventionalRe.FindStringSubmatch(c.Subject); m != nil && p.types[strings.ToLower(m[1])] {
		c.Type, c.Scope, c.Breaking = strings.ToLower(m[1]), m[2], m[3] == "!"
		c.Subject = m[4]
	}
	if m := revertRe.FindStringSubmatch(body); m != nil && strings.HasPrefix(strings.TrimSpace(subject), "Revert ") {
		c.reverts = m[1]
	}
	for _, line := range trailerLines(body) {
		m := trailerRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		switch strings.ToLower(m[1]) {
		case "breaking change", "breaking-change":
			c.Breaking = true
			c.BreakingNotes = append(c.BreakingNotes, m[2])
		case "compat":
			c.BreakingNotes = append(c.BreakingNotes, m[2])
		case "upgrade-note":
			c.UpgradeNotes = append(c.UpgradeNotes, m[2])
		case "docs":
			c.Docs = append(c.Docs, m[2])
		}
	}
	return c
}

// trailerLines are the lines of the last paragraph of a body, where git
// trailers and conventional-commit footers live.
func trailerLines(body string) []string {
	body = strings.TrimSpace(body)
	if i := strings.LastIndex(body, "\n\n"); i >= 0 {
		body = body[i+2:]
	}
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// dropReverted removes reverts and the commits they revert when both are in
// the list: together they changed nothing.
func dropReverted(cs []Change) []Change {
	index := map[string]int{}
	for i, c := range cs {
		index[c.Hash] = i
	}
	gone := map[int]bool{}
	for i, c := range cs {
		if c.reverts == "" {
			continue
		}
		for h, j := range index {
			if strings.HasPrefix(h, c.reverts) && !gone[j] {
				gone[i], gone[j] = true, true
				break
			}
		}
	}
	out := cs[:0:0]
	for i, c := range cs {
		if !gone[i] {
			out = append(out, c)
		}
	}
	return out
}
