package jira

import (
	"context"
	"github.com/sustain-cli/sustain/internal/problem"

	"github.com/sustain-cli/sustain/ticket"
)

// internalAction says whether an event's text is a note for staff, never
// shown to the customer: an internal note, a change's reason, the old text
// of an edit.
func internalAction(action string) bool {
	switch ticket.Action(action) {
	case ticket.ActComment, ticket.ActSetPriority, ticket.ActUnassign, ticket.ActEdit, ticket.ActAttach:
		return true
	}
	return false
}

// fields are the request's data that are Jira's own fields.
type fields struct{ subject, description, priority string }

func fieldsOf(r *ticket.Request) fields { return fields{r.Subject, r.Description, r.Priority} }

// editFields writes the summary, description and priority that a change
// (ticket edit, set-priority) made, before anything else is written: a
// refusal by Jira leaves the request as it was.
func (s *Store) editFields(ctx context.Context, r *ticket.Request, before fields) error {
	set := map[string]any{}
	if r.Subject != before.subject {
		set["summary"] = r.Subject
	}
	if r.Description != before.description {
		set["description"] = s.description(r)
	}
	if r.Priority != before.priority {
		p := s.opts.Priorities[r.Priority]
		if p == "" {
			return ticketPriorityUnmapped(r.Priority)
		}
		set["priority"] = map[string]string{"name": p}
	}
	if len(set) == 0 {
		return nil
	}
	return s.api.EditIssue(ctx, r.ID, set)
}

func ticketPriorityUnmapped(p string) error {
	return problem.New(problem.Usage, "map it in jira.requests.priorities ("+p+": a Jira priority name)",
		"priority %s has no Jira priority: it cannot be set on the issue", p)
}

// editedFields counts, per Jira field, the edits sustain recorded (edit,
// set-priority): Jira's changelog has them too, and history leaves those
// out rather than show each twice.
func editedFields(rec *record) map[string]int {
	out := map[string]int{}
	for _, e := range rec.Events {
		switch {
		case e.Action == string(ticket.ActSetPriority):
			out["priority"]++
		case e.Action == string(ticket.ActEdit) && e.Detail == "subject":
			out["summary"]++
		case e.Action == string(ticket.ActEdit) && e.Detail == "description":
			out["description"]++
		}
	}
	return out
}
