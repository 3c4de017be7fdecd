package mail

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/ticket"
)

// Notifier makes the notices of the regulations from requests' events: it is
// the ticket.Notifier of a desk run by mail, and makes the refusals to
// unknown senders. Each notice is final RFC 5322 bytes, so the outbox holds
// exactly what the customer gets.
type Notifier struct {
	Templates *Templates
	Address   string // the desk's address: From of every notice
	Domain    string // of Message-IDs; default: the address's domain
	LoopID    string // our X-Loop; default: the address
	Lang      string // for customers without a language; default ru
	Desk      string // the desk's name, signed under notices
	Now       func() time.Time
}

var _ ticket.Notifier = (*Notifier)(nil)

// kindOf is the notice an event causes, "" for none: internal notes,
// assignments and the customer's own messages are not told back.
func kindOf(ev ticket.Event) string {
	switch ticket.Action(ev.Action) {
	case ticket.ActOpen:
		return ticket.NoticeRegistration
	case ticket.ActRequestInfo:
		return ticket.NoticeInformation
	case ticket.ActAnswer:
		return ticket.NoticeAnswer
	case ticket.ActConfirm, ticket.ActWithdraw, ticket.ActAutoClose:
		return ticket.NoticeClosure
	case ticket.ActTell:
		return ticket.NoticeMessage
	}
	return ""
}

// automatic notices carry Auto-Submitted (a closure only when the sweep
// closed it); those answering a person's action or carrying staff text do not.
var automatic = map[string]bool{ticket.NoticeRegistration: true, ticket.NoticeClosure: true, ticket.NoticeRefusal: true}

func (n *Notifier) domain() string {
	if n.Domain != "" {
		return n.Domain
	}
	if _, d, ok := strings.Cut(n.Address, "@"); ok {
		return d
	}
	return "localhost"
}

func (n *Notifier) lang(c *ticket.Customer) string {
	if c != nil && c.Lang != "" {
		return c.Lang
	}
	return cmp.Or(n.Lang, "ru")
}

// Notices implements ticket.Notifier: at most one notice per event, to the
// request's sender, in the customer's language. A request without a sender
// address (a phone call) gets none.
func (n *Notifier) Notices(nc ticket.NoticeContext) ([]ticket.Notice, error) {
	r, ev := nc.Request, nc.Event
	kind := kindOf(ev)
	if kind == "" || r.From == "" {
		return nil, nil
	}
	data := NoticeData{Kind: kind, Lang: n.lang(nc.Customer), RequestID: r.ID, Subject: r.Subject, Text: ev.Text,
		Closure: r.Closure, Desk: n.Desk}
	if nc.Customer != nil {
		data.Customer = nc.Customer.Name
	}
	if kind == ticket.NoticeRegistration {
		data.Text, data.ReactionDue = "", nc.ReactionDue
	}
	if kind == ticket.NoticeAnswer && nc.AutocloseAt != nil {
		data.AutocloseAt = *nc.AutocloseAt
	}
	if r.Closure == "auto" {
		data.Closure = ClosureAutomatic
	}
	id := fmt.Sprintf("%s.%d@%s", strings.ToLower(r.ID), ev.Seq, n.domain())
	notice, err := n.build(kind, r.From, id, nc.InReplyTo, data)
	if err != nil {
		return nil, err
	}
	notice.Request = r.ID
	return []ticket.Notice{notice}, nil
}

// Refusal tells an unknown sender that mail is accepted only from
// registered addresses (Q10) and how to get registered.
func (n *Notifier) Refusal(in *ticket.Inbound, m *Message) (ticket.Notice, error) {
	data := NoticeData{Kind: ticket.NoticeRefusal, Lang: n.lang(nil), Subject: m.Subject, Address: m.From, Desk: n.Desk}
	return n.build(ticket.NoticeRefusal, m.From, fmt.Sprintf("refusal-%d@%s", in.ID, n.domain()), m.MessageID, data)
}

func (n *Notifier) build(kind, to, id, inReplyTo string, data NoticeData) (ticket.Notice, error) {
	subject, body, err := n.Templates.Render(data)
	if err != nil {
		return ticket.Notice{}, fmt.Errorf("the %s notice: %w", kind, err)
	}
	now := n.Now()
	h := NoticeHeader{From: n.Address, To: []string{to}, MessageID: id, Automatic: automatic[kind] && (kind != ticket.NoticeClosure || data.Closure == ClosureAutomatic),
		LoopID: cmp.Or(n.LoopID, n.Address), Date: now}
	if inReplyTo != "" {
		h.InReplyTo, h.References = inReplyTo, []string{inReplyTo}
	}
	raw, err := BuildNotice(h, subject, body)
	if err != nil {
		return ticket.Notice{}, fmt.Errorf("the %s notice: %w", kind, err)
	}
	return ticket.Notice{Kind: kind, To: []string{to}, Subject: subject, MessageID: id, Raw: raw, QueuedAt: now,
		Status: ticket.NoticeQueued}, nil
}
