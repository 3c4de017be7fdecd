package jira

import (
	"context"
	"errors"
	"slices"
	"strings"

	jiraclient "github.com/sustain-cli/sustain/jira"
	"github.com/sustain-cli/sustain/ticket"
)

// SearchRequests asks Jira's own text search (JQL text ~, over summary,
// description, comments and other text fields) for the words of query, in
// the project, newest first, at most limit (0: all). Only the words go into
// the JQL (letters and digits, lower case, so no Lucene operator), inside
// a JQL string with its quotes and backslashes escaped.
func (s *Store) SearchRequests(ctx context.Context, query string, limit int) ([]*ticket.Request, error) {
	// and, or, not are operators to Jira's text search (in upper case)
	// and stop words otherwise: left out, in any case.
	words := slices.DeleteFunc(ticket.SearchWords(query), func(w string) bool { return w == "and" || w == "or" || w == "not" })
	if len(words) == 0 {
		return []*ticket.Request{}, nil
	}
	jql := "project = " + jqlString(s.opts.Project) + " AND text ~ " + jqlString(strings.Join(words, " ")) + " ORDER BY key DESC"
	out := []*ticket.Request{}
	errEnough := errors.New("enough")
	err := s.api.Search(ctx, jql, jiraclient.SearchOptions{Fields: listFields, Properties: []string{Property}},
		func(is *jiraclient.Issue) error {
			if slices.Contains(is.Labels, MailboxLabel) {
				return nil
			}
			if limit > 0 && len(out) == limit {
				return errEnough
			}
			r, _, err := s.requestOf(is)
			if err != nil {
				return err
			}
			r.Description = ""
			out = append(out, r)
			return nil
		})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return out, nil
}

// jqlString is s as a JQL string literal: in double quotes, with
// backslashes and double quotes escaped.
func jqlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
