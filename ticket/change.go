package ticket

import (
	"context"
	"slices"
	"strings"

	"github.com/sustain-cli/sustain/internal/problem"
)

// Changes to a request after it is opened (A8–A10). None of them moves the
// request's status or counts as the reaction (Q12); each is one history
// entry, written with the change in one transaction.
const (
	// ActSetPriority: Detail "OLD->NEW", Text the reason (A8).
	ActSetPriority Action = "set-priority"
	// ActUnassign: Detail the name removed.
	ActUnassign Action = "unassign"
	// ActEdit: Detail "subject" or "description", Text the OLD text (the
	// new one is on the request).
	ActEdit Action = "edit"
	// ActAttach: Detail the file names, comma-separated; Text a note.
	ActAttach Action = "attach"
)

// Changeable reports whether a request in s may still be changed: every
// state but closed. A closed request keeps what it was closed with (a new
// question is a new request, A6).
func Changeable(s Status) bool { return s != StatusClosed }

// SetPriority gives a request another priority, with the reason (A8:
// support assigns the priority). The same priority again is a no-op
// (*UnchangedError).
func (s *Service) SetPriority(ctx context.Context, id, level, reason, actor string) (*Request, error) {
	level = strings.ToLower(strings.TrimSpace(level))
	if _, err := PriorityRank(level); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, problem.New(problem.Usage, "give it with --reason", "set-priority needs the reason for the change (A8, A9: every action is documented)")
	}
	if err := s.checkText("the reason", reason); err != nil {
		return nil, err
	}
	var note string
	return s.change(ctx, id, func(r *Request) (*Event, error) {
		if r.Priority == level {
			note = r.ID + " already has priority " + level + ": nothing changed"
			return nil, ErrSkip
		}
		ev := &Event{Actor: actor, Action: string(ActSetPriority), Detail: r.Priority + "->" + level, Text: reason}
		r.Priority = level
		return ev, nil
	}, &note)
}

// Unassign removes an assignee; a name not assigned is refused, naming
// those who are.
func (s *Service) Unassign(ctx context.Context, id, name, actor string) (*Request, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, problem.New(problem.Usage, "give --from NAME", "unassign needs the assignee to remove")
	}
	return s.change(ctx, id, func(r *Request) (*Event, error) {
		i := slices.Index(r.Assignees, name)
		if i < 0 {
			who := "nobody"
			if len(r.Assignees) > 0 {
				who = strings.Join(r.Assignees, ", ")
			}
			return nil, problem.New(problem.Refused, "assigned now: "+who, "%s is not assigned to %s", r.ID, name)
		}
		r.Assignees = slices.Delete(slices.Clone(r.Assignees), i, i+1)
		return &Event{Actor: actor, Action: string(ActUnassign), Detail: name}, nil
	}, nil)
}

// Edit replaces the subject or the description; the old text is kept in
// the history entry. The same text again is a no-op (*UnchangedError).
func (s *Service) Edit(ctx context.Context, id, field, text, actor string) (*Request, error) {
	switch field {
	case "subject":
		text = strings.TrimSpace(text)
		if text == "" {
			return nil, problem.New(problem.Usage, "give --subject TEXT", "a request needs a subject (Q9)")
		}
	case "description":
		if strings.TrimSpace(text) == "" {
			return nil, problem.New(problem.Usage, "give --description TEXT or --description-file FILE",
				"a request needs a description of the problem (Q9, A7: the request form requires it)")
		}
	default:
		return nil, problem.New(problem.Usage, "edit --subject or --description", "%q cannot be edited", field)
	}
	if err := s.checkText("the "+field, text); err != nil {
		return nil, err
	}
	var note string
	return s.change(ctx, id, func(r *Request) (*Event, error) {
		old := &r.Subject
		if field == "description" {
			old = &r.Description
		}
		if *old == text {
			note = r.ID + ": the " + field + " is already that: nothing changed"
			return nil, ErrSkip
		}
		ev := &Event{Actor: actor, Action: string(ActEdit), Detail: field, Text: *old}
		*old = text
		return ev, nil
	}, &note)
}

// Attach adds files to a request after it is opened (a later log or a
// screenshot, Q9, A7), under the size limit; a name the request has
// already gets -2, -3... The note is optional.
func (s *Service) Attach(ctx context.Context, id string, files []File, note, actor string) (*Request, error) {
	if len(files) == 0 {
		return nil, problem.New(problem.Usage, "name the files: sustain ticket attach ID FILE...", "attach needs at least one file")
	}
	note = strings.TrimSpace(note)
	if err := s.checkText("the note", note); err != nil {
		return nil, err
	}
	files, err := s.checkFiles(files)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return s.change(ctx, id, func(r *Request) (*Event, error) {
		ev := &Event{Actor: actor, Action: string(ActAttach), Detail: strings.Join(names, ", "), Text: note,
			Mail: &MailEffects{Files: files}}
		return ev, nil
	}, nil)
}

// change runs edit on a request that is not closed (as read now: one past
// its auto-close deadline is closed) inside the store's transaction, and
// completes its event. edit returning ErrSkip changes nothing: the result
// is then an *UnchangedError with *note.
func (s *Service) change(ctx context.Context, id string, edit func(*Request) (*Event, error), note *string) (*Request, error) {
	id, err := CheckID(id)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	rs, err := s.Store.UpdateRequests(ctx, []string{id}, func(r *Request) (*Event, error) {
		if s.lapse(r, now); !Changeable(r.Status) {
			return nil, s.closedRefusal(r)
		}
		ev, err := edit(r)
		if err != nil {
			return nil, err
		}
		ev.At, ev.From, ev.To = now, r.Status, r.Status
		r.UpdatedAt = now
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		r, err := s.Store.Request(ctx, id)
		if err != nil {
			return nil, err
		}
		text := "nothing changed"
		if note != nil && *note != "" {
			text = *note
		}
		return nil, &UnchangedError{Request: s.Current(r), Note: text}
	}
	return rs[0], nil
}

// FollowUpFinder is a store that finds the requests that arose from a
// request (their related is it, A6).
type FollowUpFinder interface {
	FollowUps(ctx context.Context, id string) ([]string, error)
}

// FollowUps lists the requests that arose from id, oldest first; empty
// when the store cannot say.
func (s *Service) FollowUps(ctx context.Context, id string) ([]string, error) {
	f, ok := s.Store.(FollowUpFinder)
	if !ok {
		return []string{}, nil
	}
	out, err := f.FollowUps(ctx, id)
	if out == nil {
		out = []string{}
	}
	return out, err
}
