package ticket

import (
	"strings"

	"github.com/sustain-cli/sustain/internal/problem"
)

// Action is something done to a request.
type Action string

const (
	ActOpen        Action = "open"
	ActAssign      Action = "assign"
	ActComment     Action = "comment" // internal note by staff (A9)
	ActTell        Action = "comment-to-customer"
	ActRequestInfo Action = "request-info" // asks the customer for more (A10)
	ActReply       Action = "reply"        // the customer's answer (A10)
	ActEscalate    Action = "escalate"     // links a development task (Q13)
	ActAnswer      Action = "answer"       // the answer is delivered (Q14, A11)
	ActDispute     Action = "dispute"      // reasoned disagreement (A11)
	ActConfirm     Action = "close"        // closure on confirmation (A12)
	ActWithdraw    Action = "withdraw"     // the customer no longer needs it (Q15, A12)
	ActAutoClose   Action = "auto-close"   // no reply for N business days (Q15, A12)
)

var (
	open       = []Status{StatusNew, StatusInProgress, StatusWaiting, StatusResolved}
	working    = []Status{StatusNew, StatusInProgress}
	unresolved = []Status{StatusNew, StatusInProgress, StatusWaiting}
)

// transitions says, per action, the statuses it is allowed from and where
// it leads; "" keeps the status.
var transitions = map[Action]struct {
	from []Status
	to   map[Status]Status
}{
	ActAssign:      {open, map[Status]Status{StatusNew: StatusInProgress}},
	ActComment:     {open, nil},
	ActTell:        {open, map[Status]Status{StatusNew: StatusInProgress}},
	ActRequestInfo: {working, map[Status]Status{StatusNew: StatusWaiting, StatusInProgress: StatusWaiting}},
	ActReply:       {open, map[Status]Status{StatusWaiting: StatusInProgress, StatusResolved: StatusInProgress}},
	ActEscalate:    {open, map[Status]Status{StatusNew: StatusInProgress}},
	ActAnswer:      {unresolved, map[Status]Status{StatusNew: StatusResolved, StatusInProgress: StatusResolved, StatusWaiting: StatusResolved}},
	ActDispute:     {[]Status{StatusResolved}, map[Status]Status{StatusResolved: StatusInProgress}},
	ActConfirm:     {[]Status{StatusResolved}, map[Status]Status{StatusResolved: StatusClosed}},
	ActWithdraw:    {open, map[Status]Status{StatusNew: StatusClosed, StatusInProgress: StatusClosed, StatusWaiting: StatusClosed, StatusResolved: StatusClosed}},
	ActAutoClose:   {[]Status{StatusResolved}, map[Status]Status{StatusResolved: StatusClosed}},
}

// reactions are the staff actions that meet the reaction SLA (Q12).
var reactions = map[Action]bool{ActAssign: true, ActTell: true, ActRequestInfo: true, ActAnswer: true, ActEscalate: true}

// commandOf names the command that performs an action, for messages.
var commandOf = map[Action]string{
	ActAssign: "assign", ActComment: "comment", ActTell: "comment --to-customer", ActRequestInfo: "request-info",
	ActReply: "reply", ActEscalate: "escalate", ActAnswer: "answer", ActDispute: "dispute",
	ActConfirm: "confirm", ActWithdraw: "close --withdrawn",
}

// Allowed lists the commands allowed from a status.
func Allowed(s Status) []string {
	var out []string
	for _, a := range []Action{ActAssign, ActComment, ActTell, ActRequestInfo, ActReply, ActEscalate, ActAnswer, ActDispute, ActConfirm, ActWithdraw} {
		for _, f := range transitions[a].from {
			if f == s {
				out = append(out, commandOf[a])
			}
		}
	}
	return out
}

// next is the status after a on a request in s, or a refusal that names the
// status and what is allowed.
func next(a Action, r *Request) (Status, error) {
	t := transitions[a]
	for _, f := range t.from {
		if f == r.Status {
			if to, ok := t.to[f]; ok {
				return to, nil
			}
			return f, nil
		}
	}
	if r.Status == StatusClosed {
		return "", problem.New(problem.Refused,
			"a closed request is not reopened: open a new one with --related "+r.ID+" (A6)",
			"%s is closed", r.ID)
	}
	return "", problem.New(problem.Refused, "allowed now: "+strings.Join(Allowed(r.Status), ", "),
		"cannot %s %s: it is %s", commandOf[a], r.ID, r.Status)
}

// statusWords are the states in the regulation's words, per language;
// JSON keeps the codes.
var statusWords = map[string]map[Status]string{
	"en": {StatusResolved: "Completed, requires user confirmation"}, // the rest by their codes
	"ru": {StatusNew: "новый", StatusInProgress: "в работе", StatusWaiting: "ожидает ответа пользователя",
		StatusResolved: "Завершен, требует подтверждения пользователя", StatusClosed: "закрыт"},
}

// StatusText is a state as people read it: resolved is "Completed,
// requires user confirmation" (Q14, A11). lang is en or ru; anything else
// is en.
func StatusText(s Status, lang string) string {
	words, ok := statusWords[lang]
	if !ok {
		words = statusWords["en"]
	}
	if w, ok := words[s]; ok {
		return w
	}
	return string(s)
}

// StatusOfText is the status a StatusText names, in either language; ""
// when none.
func StatusOfText(text string) Status {
	for _, words := range statusWords {
		for s, w := range words {
			if w == text {
				return s
			}
		}
	}
	if _, err := ParseStatus(text); err == nil {
		return Status(text)
	}
	return ""
}
