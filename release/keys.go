package release

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sustain-cli/sustain/internal/output"
)

// DefaultKeyPattern matches Jira issue keys: a project of two or more
// capitals, digits and underscores, a dash and a number without leading
// zeros (SRV-42).
const DefaultKeyPattern = `\b[A-Z][A-Z0-9_]+-[1-9][0-9]*\b`

// KeyFinder finds issue keys in commit messages. `release next` and the
// change documents use the same finder, so they agree on what a message
// mentions: the whole message is read, however long.
type KeyFinder struct {
	re       *regexp.Regexp
	projects map[string]bool // empty: any project
}

// NewKeyFinder compiles pattern ("" is DefaultKeyPattern) and keeps only keys
// of the projects given (all when none are).
func NewKeyFinder(pattern string, projects ...string) (*KeyFinder, error) {
	if pattern == "" {
		pattern = DefaultKeyPattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	k := &KeyFinder{re: re, projects: map[string]bool{}}
	for _, p := range projects {
		if p != "" {
			k.projects[strings.ToUpper(p)] = true
		}
	}
	return k, nil
}

// Keys lists the keys in text, each once, in order of first appearance.
func (k *KeyFinder) Keys(text string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, key := range k.re.FindAllString(text, -1) {
		if key == "" || seen[key] || (len(k.projects) > 0 && !k.projects[strings.ToUpper(KeyProject(key))]) {
			continue
		}
		seen[key] = true
		out = append(out, key)
	}
	return out
}

// KeyProject is the part of a key before its last dash; "" when it has none
// (a custom pattern may match such keys).
func KeyProject(key string) string {
	i := strings.LastIndex(key, "-")
	if i < 0 {
		return ""
	}
	return key[:i]
}

// KeyNumber is the issue number of a key, the PATCH it gives (Q5); false
// when the part after the last dash is not a number from 1 to 2^64-1.
func KeyNumber(key string) (uint64, bool) {
	s := key[strings.LastIndex(key, "-")+1:]
	if s == "" || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// ListMax is how many items a list in a message or a table cell shows.
const ListMax = 10

// CutList joins items with ", ", cut after ListMax with "… and N more
// (--json for all)": a long history must not make a message thousands of
// keys long.
func CutList(items []string) string {
	if len(items) <= ListMax {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:ListMax], ", ") + " " + fmt.Sprintf("… and %s more (--json for all)", output.Thousands(len(items)-ListMax))
}
