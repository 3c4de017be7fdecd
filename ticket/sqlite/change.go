package sqlite

import (
	"context"
	"database/sql"
	"slices"

	"github.com/sustain-cli/sustain/ticket"
)

// snapshot is what a change may edit on a request besides its status and
// times (ticket set-priority, edit, unassign), taken before the change so
// only what changed is written.
type snapshot struct {
	subject, description, priority string
	assignees                      []string
}

func snapshotOf(r *ticket.Request) snapshot {
	return snapshot{r.Subject, r.Description, r.Priority, slices.Clone(r.Assignees)}
}

// added are the names in after that before did not have.
func added(before, after []string) []string {
	var out []string
	for _, a := range after {
		if !slices.Contains(before, a) {
			out = append(out, a)
		}
	}
	return out
}

// writeChanges writes the subject, description, priority and removed
// assignees that differ from before, in the change's transaction.
func writeChanges(ctx context.Context, tx *sql.Tx, before snapshot, r *ticket.Request) error {
	if r.Subject != before.subject {
		if _, err := tx.ExecContext(ctx, "UPDATE requests SET subject = ? WHERE number = ?", r.Subject, r.Number); err != nil {
			return err
		}
	}
	if r.Description != before.description {
		if _, err := tx.ExecContext(ctx, "UPDATE requests SET description = ? WHERE number = ?", r.Description, r.Number); err != nil {
			return err
		}
	}
	if r.Priority != before.priority {
		rank, err := ticket.PriorityRank(r.Priority)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE requests SET priority = ?, priority_rank = ? WHERE number = ?", r.Priority, rank, r.Number); err != nil {
			return err
		}
	}
	for _, a := range added(r.Assignees, before.assignees) {
		if _, err := tx.ExecContext(ctx, "DELETE FROM request_assignees WHERE number = ? AND name = ?", r.Number, a); err != nil {
			return err
		}
	}
	return nil
}

// openedText gives the open entry (kept without its text: it is the
// description) the description the request was opened with, which is the
// old text of its first edit of the description, if any.
func openedText(history []ticket.Event) {
	if len(history) == 0 || history[0].Action != string(ticket.ActOpen) {
		return
	}
	for _, e := range history[1:] {
		if e.Action == string(ticket.ActEdit) && e.Detail == "description" {
			history[0].Text = e.Text
			return
		}
	}
}
