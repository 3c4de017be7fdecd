// Package storeurl reads the name of a ticket store as --store,
// SUSTAIN_STORE and `store:` give it: a SQLite file path, `jira`, or
// jira:https://SITE?project=KEY.
package storeurl

import (
	"fmt"
	"net/url"
	"strings"
)

// Kind is the kind of store.
type Kind int

const (
	SQLite Kind = iota + 1
	Jira
)

// Store is a parsed store name.
type Store struct {
	Kind    Kind
	Path    string // SQLite: the file
	Site    string // Jira: the site's URL without query, "" for jira.url
	Project string // Jira: the project key from ?project=, upper case; "" for the configured one
}

// Example is how a Jira store is written, for messages.
const Example = "jira:https://example.atlassian.net?project=SUP"

// IsJira reports whether s names a Jira store, without checking the rest.
func IsJira(s string) bool { return s == "jira" || strings.HasPrefix(s, "jira:") }

// Parse reads a store name. A path is taken as it is: the SQLite store
// escapes it for its driver.
func Parse(s string) (Store, error) {
	if s == "" {
		return Store{}, fmt.Errorf("empty store: give a SQLite file or %s", Example)
	}
	if strings.ContainsRune(s, 0) {
		return Store{}, fmt.Errorf("store %q: a NUL byte cannot be in a file name", s)
	}
	if !IsJira(s) {
		return Store{Kind: SQLite, Path: s}, nil
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(s, "jira"), ":")
	if rest == "" {
		return Store{Kind: Jira}, nil
	}
	u, err := url.Parse(rest)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return Store{}, fmt.Errorf("store %q: write %s", s, Example)
	}
	if u.User != nil {
		return Store{}, fmt.Errorf("store %q: credentials do not belong in the store name; use jira.token_file or ~/.netrc", redact(u))
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Store{}, fmt.Errorf("store %q: bad query: %v", s, err)
	}
	for k := range q {
		if k != "project" {
			return Store{}, fmt.Errorf("store %q: unknown parameter %q (only project=KEY)", s, k)
		}
	}
	project := strings.ToUpper(q.Get("project"))
	if project != "" && !validKey(project) {
		return Store{}, fmt.Errorf("store %q: project %q is not a Jira project key (letters, digits, _; a letter first)", s, project)
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	return Store{Kind: Jira, Site: strings.TrimRight(u.String(), "/"), Project: project}, nil
}

// String writes the store name back; Parse(s.String()) gives s.
func (s Store) String() string {
	if s.Kind != Jira {
		return s.Path
	}
	if s.Site == "" {
		return "jira"
	}
	out := "jira:" + s.Site
	if s.Project != "" {
		out += "?project=" + url.QueryEscape(s.Project)
	}
	return out
}

func validKey(k string) bool {
	for i, r := range k {
		switch {
		case r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return k != ""
}

func redact(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	return c.String()
}
