package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/i18n"
	"github.com/sustain-cli/sustain/ticket"
)

// The desk's words that are codes in JSON (priorities, channels, reaction
// states, closures, history actions) are said through the catalogue with
// a prefix, so a code never collides with a sentence.

// deskTr is tr, or English when tr was never set (a view made by a test or
// by a command outside the desk groups).
func deskTr(tr i18n.Printer) i18n.Printer {
	if tr.Lang == "" {
		return deskPrinter(i18n.Default)
	}
	return tr
}

// sayCode is a code's word in the reader's language; English keeps the code.
func sayCode(tr i18n.Printer, kind, code string) string {
	if tr.Lang == i18n.Default || code == "" {
		return code
	}
	if k := kind + ":" + code; tr.Has(k) {
		return tr.T(k)
	}
	return code
}

// sayReaction is the REACTION line of ticket show.
func sayReaction(tr i18n.Printer, sla ticket.SLA, ft func(*time.Time) string) string {
	s := tr.T("%s, due %s", sayCode(tr, "reaction", sla.Reaction), ft(&sla.ReactionDue))
	if sla.Reaction == "pending" {
		s += tr.T(" (%dh%02dm of working time left)", sla.ReactionLeft/60, sla.ReactionLeft%60)
	}
	return s
}

// sayEvent is one line of a request's history, rendered from the stored
// event (action, detail, text, states) in the reader's language: the
// store keeps codes, so one store serves readers of either language.
func sayEvent(tr i18n.Printer, e ticket.Event, ft func(*time.Time) string) string {
	line := fmt.Sprintf("%s  %s  %s", ft(&e.At), e.Actor, sayCode(tr, "action", e.Action))
	if e.Detail != "" {
		line += " " + sayDetail(tr, e.Action, e.Detail)
	}
	if e.From != e.To && e.From != "" {
		// The states by the regulation's words in either language
		// (resolved is "Completed, requires user confirmation").
		line += fmt.Sprintf(" [%s -> %s]", ticket.StatusText(e.From, tr.Lang), ticket.StatusText(e.To, tr.Lang))
	}
	if e.Text != "" {
		line += ": " + oneLine(e.Text)
	}
	return line
}

// sayDetail is an event's parameter: a channel for open, OLD->NEW
// priorities for set-priority, the field for edit; names, task keys and
// file names stay as they are.
func sayDetail(tr i18n.Printer, action, detail string) string {
	if tr.Lang == i18n.Default {
		return detail
	}
	switch action {
	case string(ticket.ActOpen):
		ch, note, _ := strings.Cut(detail, ", ")
		s := sayCode(tr, "channel", ch)
		if note != "" {
			s += ", " + tr.T(note)
		}
		return tr.T("channel %s", s)
	case "set-priority":
		if old, nw, ok := strings.Cut(detail, "->"); ok {
			return sayCode(tr, "priority", old) + " -> " + sayCode(tr, "priority", nw)
		}
	case "edit":
		return sayCode(tr, "field", detail)
	}
	return detail
}

// sayStatus is a status as people read it in the reader's language.
func sayStatus(tr i18n.Printer, s ticket.Status) string {
	return ticket.StatusText(s, tr.Lang)
}

// noteFormats are the notes the ticket service words in English, made of a
// request's ID and an action's detail; sayNote finds which one a note is.
var noteFormats = []string{
	"%s is already assigned to %s: nothing changed",
	"%s is not assigned to %s: nothing changed",
	"%s already has priority %s: nothing changed",
	"%s: the subject is already that: nothing changed",
	"%s: the description is already that: nothing changed",
}

// sayNote is a service's note in the reader's language, where it is one
// of the known ones.
func sayNote(tr i18n.Printer, note, id, detail string) string {
	if tr.Lang == i18n.Default {
		return note
	}
	for _, f := range noteFormats {
		for _, ident := range []string{id, strings.ToUpper(id)} {
			if strings.Count(f, "%s") == 1 {
				if fmt.Sprintf(f, ident) == note {
					return tr.T(f, ident)
				}
				continue
			}
			if fmt.Sprintf(f, ident, detail) == note {
				return tr.T(f, ident, detail)
			}
		}
	}
	return note
}

// closesIn counts the business days after today up to the auto-close
// deadline (the deadline is the midnight after the last of them); -1 when
// the request has no deadline.
func closesIn(v *ticket.View, svc *ticket.Service) int {
	if v.SLA.AutocloseAt == nil || svc == nil || svc.Calendar == nil {
		return -1
	}
	loc := svc.Calendar.Location()
	today := bizcal.DateOf(svc.Now().In(loc))
	last := bizcal.DateOf(v.SLA.AutocloseAt.In(loc).Add(-time.Nanosecond))
	return svc.Calendar.Workdays(today.AddDays(1), last)
}

// sayClosesIn is "in 3 business days" (через 3 рабочих дня), "at the end
// of today" when none is left.
func sayClosesIn(tr i18n.Printer, n int) string {
	if n == 0 {
		return tr.T("at the end of today")
	}
	return tr.N("in business days", n)
}
