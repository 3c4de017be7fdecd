package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

// Intake decides what each received message means for the desk, under the
// rules of issue 9: machine mail first, then duplicates, then the sender
// (From only, Q10), then threading, then the reply's meaning by the state
// of its request. The raw bytes are kept before anything else is done, so a
// message is never lost: what cannot be decided is quarantined.
type Intake struct {
	Service *ticket.Service
	Store   ticket.MailStore
	// Parse carries the attachment limit and our X-Loop value.
	Parse ParseOptions
	// ConfirmWords are the first lines that confirm an answer
	// (mail.confirm_words); nil means DefaultConfirmWords.
	ConfirmWords []string
	// Notifier makes refusals to unknown senders; nil sends none.
	Notifier *Notifier
	// Actor is who requests opened by mail are registered by.
	Actor string
	// AfterStore runs once the raw bytes are kept and before the decision.
	// Tests use it to kill the process at the worst moment.
	AfterStore func()
}

// As: what an appended message counts as.
const (
	AsReply        = "reply"        // to an information request (A10)
	AsMessage      = "message"      // on a request being worked on
	AsConfirmation = "confirmation" // of the answer (A12)
	AsDispute      = "dispute"      // a reasoned disagreement (A11)
)

// MaxAttachments is the most files one message may bring: above it the
// message is quarantined, so a message of ten thousand tiny parts never
// becomes a request with ten thousand attachments.
const MaxAttachments = 100

// keptLease is how long Resume leaves a pending message to a run of
// another process that kept it and may still be deciding it; past it (a
// hung run, a reused process ID) any run takes the message over.
const keptLease = 10 * time.Minute

// refusalInterval is how often one address may be refused: once a day, so
// a misconfigured client cannot make the desk a mail cannon.
const refusalInterval = 24 * time.Hour

// Ingest keeps one message and decides it. An error means the message
// could not be kept (a *problem.Error of kind TempFail: retry later), or
// was kept but not decided (Resume finishes it).
//
// For a large message, IngestFrom holds less: see there.
func (i *Intake) Ingest(ctx context.Context, raw []byte, source string) (*ticket.Inbound, error) {
	return i.keep(ctx, bytes.NewReader(raw), source, raw)
}

// IngestFrom is Ingest of a message read from r (standard input, a file).
// It is received in pieces, written to the store piece by piece and parsed
// from there, so it is never whole in one buffer: a 34 MB message costs
// its pieces while it is stored, and the parse after that.
func (i *Intake) IngestFrom(ctx context.Context, r io.Reader, source string) (*ticket.Inbound, error) {
	// Received in full before the store's write lock is taken: a sender
	// that stalls must not hold up every other run.
	pieces, err := readPieces(r)
	if err != nil {
		return nil, tempFail(err, "could not read the message")
	}
	return i.keep(ctx, piecesReader(pieces), source, nil)
}

// keep stores the message read from r and decides it, parsing raw when
// the caller holds the bytes anyway, else reading them back from the store.
func (i *Intake) keep(ctx context.Context, r io.Reader, source string, raw []byte) (*ticket.Inbound, error) {
	in, err := i.Store.ReceiveRaw(ctx, r, source, i.Service.Now())
	if err != nil {
		return nil, tempFail(err, "could not store the message now")
	}
	if i.AfterStore != nil {
		i.AfterStore()
	}
	src := &rawSource{bytes: raw}
	if raw == nil {
		src = &rawSource{store: i.Store, ctx: ctx, id: in.ID, size: in.Size}
	}
	out, err := i.decide(ctx, in, src, "")
	if err != nil {
		// Whatever kept it from being decided, the message is kept: the
		// next run decides it, so the MTA may as well retry.
		return nil, tempFail(err, "the message is kept but not decided")
	}
	return out, nil
}

// readPieces reads r to the end in pieces that grow to rawPiece: no
// buffer is ever copied into a bigger one, and a small message costs little.
func readPieces(r io.Reader) ([][]byte, error) {
	var pieces [][]byte
	size := 32 << 10
	for {
		p := make([]byte, size)
		n, err := io.ReadFull(r, p)
		if n > 0 {
			pieces = append(pieces, p[:n])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return pieces, nil
		}
		if err != nil {
			return nil, err
		}
		size = min(2*size, rawPiece)
	}
}

// rawPiece is the largest piece a message is received in.
const rawPiece = 1 << 20

func piecesReader(pieces [][]byte) io.Reader {
	rs := make([]io.Reader, len(pieces))
	for k, p := range pieces {
		rs[k] = bytes.NewReader(p)
	}
	return io.MultiReader(rs...)
}

// rawSource gives the parser a kept message's bytes: those at hand, or
// else read from the store each time, never held whole. A store read error
// is kept, so that it makes the decision wait rather than pass for a
// broken message.
type rawSource struct {
	bytes    []byte
	store    ticket.MailStore
	ctx      context.Context
	id, size int64
	err      error
}

func (s *rawSource) open() io.Reader {
	if s.store == nil {
		return bytes.NewReader(s.bytes)
	}
	return &trapReader{r: s.store.RawReader(s.ctx, s.id, s.size), src: s}
}

// header is the start of the message, enough for its header fields.
func (s *rawSource) header() []byte {
	if s.store == nil {
		return s.bytes
	}
	b, _ := io.ReadAll(io.LimitReader(s.open(), 256<<10))
	return b
}

type trapReader struct {
	r   io.Reader
	src *rawSource
}

func (t *trapReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF && t.src.err == nil {
		t.src.err = err
	}
	return n, err
}

// tempFail makes a store failure while a message is kept or decided —
// disk full, busy, I/O, read-only — a temporary one (exit 75): a retry
// may succeed once the store is fixed, so an MTA must keep the message
// rather than bounce it. A problem keeps its message and hint.
func tempFail(err error, what string) error {
	var pe *problem.Error
	if errors.As(err, &pe) {
		if pe.Kind == problem.TempFail || pe.Kind == 0 {
			// Kind 0 is a plain refusal of this very message (Jira's 413
			// for an attachment over the site's limit): no retry fixes it,
			// so the MTA should return it to the sender now.
			return err
		}
		// Anything else the store says while keeping or deciding — busy,
		// full, read-only, damaged, Jira down or refusing the account — is
		// the store's trouble, not the message's: the MTA must retry, not
		// bounce.
		hint := "nothing is lost: the MTA retries"
		if pe.Hint != "" {
			hint = pe.Hint + "; " + hint
		}
		return &problem.Error{Kind: problem.TempFail, Msg: pe.Msg, Hint: hint}
	}
	return problem.New(problem.TempFail, "nothing is lost: the sender (or the MTA) retries, or run the command again", "%s: %v", what, err)
}

// Resume decides the messages kept but never decided (a process killed
// between keeping and deciding), oldest first, leaving alone those a live
// run of another process kept and may be deciding now. Each is decided on
// its own: one that cannot be decided is returned still pending, with why
// in its Reason, and the others (and the caller's own message) go on. The
// error is only for a store that cannot list them.
func (i *Intake) Resume(ctx context.Context) ([]*ticket.Inbound, error) {
	pending, err := i.Store.PendingInbound(ctx)
	if err != nil {
		return nil, tempFail(err, "could not read the messages left pending")
	}
	out := make([]*ticket.Inbound, 0, len(pending))
	for _, p := range pending {
		if keptByLiveRun(p) {
			continue
		}
		was := *p
		// Read back from the store piece by piece, as IngestFrom does.
		in, err := i.decide(ctx, p, &rawSource{store: i.Store, ctx: ctx, id: p.ID, size: p.Size}, "")
		if err != nil {
			was.Reason = "kept, not decided now: " + err.Error()
			in = &was
		}
		out = append(out, in)
	}
	return out, nil
}

// keptByLiveRun reports whether a pending message was kept by another
// process that is still running (on this host; on another, within the
// lease), which decides it itself.
func keptByLiveRun(p *ticket.Inbound) bool {
	if p.KeptBy == "" || p.KeptBy == ticket.ThisProcess() || time.Since(p.KeptAt) > keptLease {
		return false
	}
	at := strings.LastIndexByte(p.KeptBy, '/')
	if at < 0 {
		return false
	}
	host, _ := os.Hostname()
	if p.KeptBy[:at] != host {
		return true
	}
	pid, err := strconv.Atoi(p.KeptBy[at+1:])
	return err == nil && processAlive(pid)
}

// Release decides a quarantined message again, e.g. after its sender was
// registered; customer, when given, chooses among the customers the address
// belongs to, or names the customer of an unregistered sender where the
// policy allows that.
func (i *Intake) Release(ctx context.Context, id int64, customer, actor string) (*ticket.Inbound, error) {
	in, raw, err := i.quarantined(ctx, id)
	if err != nil {
		return nil, err
	}
	in.HandledBy = actor
	was := in.Reason
	out, err := i.decide(ctx, in, &rawSource{bytes: raw}, strings.ToUpper(customer))
	if err != nil || out.Decision == ticket.DecisionQuarantined {
		return out, err
	}
	// The log keeps why it was held, next to what it became.
	out.Reason = strings.TrimPrefix(out.Reason+"; released from quarantine (was: "+was+")", "; ")
	out.Was = out.Decision // written by this run just now
	return i.record(ctx, out, nil)
}

// Drop gives up on a quarantined message, or on one left pending (one that
// cannot be decided), keeping the record of it, its bytes and who dropped it.
func (i *Intake) Drop(ctx context.Context, id int64, actor string) (*ticket.Inbound, error) {
	in, _, err := i.Store.InboundMessage(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Decision != ticket.DecisionQuarantined && in.Decision != ticket.DecisionPending {
		return nil, notDroppable(id, in)
	}
	now := i.Service.Now()
	in.Was = in.Decision
	if in.Decision == ticket.DecisionPending {
		in.Reason = "was pending"
	} else {
		in.Reason = strings.TrimSpace("was quarantined: " + in.Reason)
	}
	in.Decision, in.HandledAt, in.HandledBy = ticket.DecisionDropped, &now, actor
	err = i.Store.Decide(ctx, in, nil)
	if errors.Is(err, ticket.ErrHandledElsewhere) {
		// Decided by a run in the meantime.
		if other, _ := i.record1(ctx, id); other != nil {
			return nil, notDroppable(id, other)
		}
	}
	return in, err
}

func notDroppable(id int64, in *ticket.Inbound) error {
	return problem.New(problem.Refused, "see the quarantine with: sustain mail quarantine list",
		"message %d is neither in quarantine nor pending (it was %s)", id, describe(in))
}

// record1 reads one record of the intake log, without its bytes when the
// store can.
func (i *Intake) record1(ctx context.Context, id int64) (*ticket.Inbound, error) {
	if s, ok := i.Store.(interface {
		Inbound(context.Context, int64) (*ticket.Inbound, error)
	}); ok {
		return s.Inbound(ctx, id)
	}
	in, _, err := i.Store.InboundMessage(ctx, id)
	return in, err
}

// decidedElsewhere is the decision another run wrote on in's record since
// it was read, nil when there is none.
func (i *Intake) decidedElsewhere(ctx context.Context, in *ticket.Inbound) (*ticket.Inbound, error) {
	now, err := i.record1(ctx, in.ID)
	if err != nil || now.Decision == in.Was {
		return nil, err
	}
	return now, nil
}

func (i *Intake) quarantined(ctx context.Context, id int64) (*ticket.Inbound, []byte, error) {
	in, raw, err := i.Store.InboundMessage(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if in.Decision != ticket.DecisionQuarantined {
		return nil, nil, problem.New(problem.Refused, "see the quarantine with: sustain mail quarantine list",
			"message %d is not in quarantine (it was %s)", id, describe(in))
	}
	return in, raw, nil
}

func describe(in *ticket.Inbound) string {
	switch {
	case in.Decision == ticket.DecisionPending:
		return "not decided yet"
	case in.Request != "":
		return in.Decision + " " + in.Request
	default:
		return in.Decision
	}
}

// decide applies the rules to a kept message and records the decision.
func (i *Intake) decide(ctx context.Context, in *ticket.Inbound, raw *rawSource, customer string) (*ticket.Inbound, error) {
	in.Was = in.Decision
	now := i.Service.Now()
	in.HandledAt = &now
	in.Request, in.As, in.Reason = "", "", ""
	m, err := ParseFrom(raw.open, i.Parse)
	if raw.err != nil {
		return nil, tempFail(raw.err, "the message is kept but not decided")
	}
	if err != nil {
		in.MessageID = HeaderMessageID(raw.header())
		// The same bytes delivered again are the same message, even one
		// that cannot be read.
		if dup, err := i.duplicateOf(ctx, in); err != nil {
			return nil, err
		} else if dup != nil {
			return i.duplicate(ctx, in, dup)
		}
		var tl *TooLargeError
		switch {
		case errors.As(err, &tl):
			return i.quarantine(ctx, in, nil, fmt.Sprintf("attachment %s is %d bytes, above the limit of %d", tl.Name, tl.Size, tl.Limit))
		default:
			return i.quarantine(ctx, in, nil, "unreadable: "+strings.TrimPrefix(err.Error(), "mail: "))
		}
	}
	in.MessageID, in.From, in.Subject = m.MessageID, m.From, m.Subject

	// Machine mail first: it must never open, reply, confirm or be answered.
	if m.Machine != Human {
		return i.machine(ctx, in, m)
	}
	if dup, err := i.duplicateOf(ctx, in); err != nil {
		return nil, err
	} else if dup != nil {
		return i.duplicate(ctx, in, dup)
	}
	if len(m.Attachments) > MaxAttachments {
		return i.quarantine(ctx, in, nil, fmt.Sprintf("%d attachments, above the limit of %d", len(m.Attachments), MaxAttachments))
	}

	cust, why, err := i.sender(ctx, m.From, customer)
	if err != nil {
		return nil, err
	}
	if cust == nil {
		var notices []ticket.Notice
		if why == unknownSender {
			var note string
			if notices, note, err = i.refusal(ctx, in, m); err != nil {
				return nil, err
			}
			if note != "" {
				why += "; " + note
			}
		}
		return i.quarantine(ctx, in, notices, why)
	}

	r, why, err := i.thread(ctx, m, cust)
	if err != nil {
		return nil, err
	}
	if why != "" {
		return i.quarantine(ctx, in, nil, why)
	}
	if r == nil {
		return i.open(ctx, in, m, cust, "")
	}
	return i.appendTo(ctx, in, m, cust, r)
}

// machine records machine mail as ignored; a delivery report for one of our
// notices marks that notice failed (the customer was not reached).
func (i *Intake) machine(ctx context.Context, in *ticket.Inbound, m *Message) (*ticket.Inbound, error) {
	in.Decision, in.Reason = ticket.DecisionIgnored, string(m.Machine)
	if m.MachineReason != "" {
		in.Reason += ": " + m.MachineReason
	}
	if m.Report != nil && m.Report.OriginalMessageID != "" {
		n, err := i.Store.NoticeByMessageID(ctx, m.Report.OriginalMessageID)
		if err != nil {
			return nil, err
		}
		switch {
		case n == nil:
		case n.Status != ticket.NoticeSent:
			// Anyone can quote a Message-ID: a report about a notice we
			// never sent must not cancel it (the customer is owed A8).
			in.Reason += fmt.Sprintf("; names notice %d (%s), which is %s, not sent: left as it is", n.ID, n.Kind, n.Status)
		case !anyRecipient(m.Report.Failed, n.To):
			in.Reason += fmt.Sprintf("; names notice %d (%s), but its failed recipients (%s) are not the notice's (%s): left as it is",
				n.ID, n.Kind, strings.Join(m.Report.Failed, ", "), strings.Join(n.To, ", "))
		default:
			n.Status = ticket.NoticeFailed
			n.Error = strings.TrimSpace("bounced: " + m.Report.Status + " " + strings.Join(m.Report.Failed, ", "))
			if err := i.Store.MarkNotice(ctx, n); err != nil {
				return nil, err
			}
			in.Request = n.Request
			in.Reason += fmt.Sprintf("; notice %d (%s) marked failed", n.ID, n.Kind)
		}
	}
	return i.record(ctx, in, nil)
}

// anyRecipient reports whether one of the failed addresses is one of to.
func anyRecipient(failed, to []string) bool {
	for _, f := range failed {
		for _, t := range to {
			if strings.EqualFold(strings.TrimSpace(f), strings.TrimSpace(t)) {
				return true
			}
		}
	}
	return false
}

func (i *Intake) duplicate(ctx context.Context, in, dup *ticket.Inbound) (*ticket.Inbound, error) {
	in.Decision, in.Request, in.As, in.Reason = ticket.DecisionDuplicate, dup.Request, "", fmt.Sprintf("duplicate of %d", dup.ID)
	return i.record(ctx, in, nil)
}

// duplicateOf finds an earlier delivery of in: the same bytes whatever their
// headers, or the same Message-ID from the same sender (a stranger reusing
// a customer's Message-ID makes no duplicate of the customer's message).
func (i *Intake) duplicateOf(ctx context.Context, in *ticket.Inbound) (*ticket.Inbound, error) {
	dup, err := i.Store.FindSHA256(ctx, in.SHA256)
	if err != nil {
		return nil, err
	}
	// Without a From (unreadable mail) the sender is unknown: only the
	// same bytes make a duplicate.
	if (dup == nil || dup.ID == in.ID) && in.MessageID != "" && in.From != "" {
		if dup, err = i.Store.FindMessageID(ctx, in.MessageID, in.From); err != nil {
			return nil, err
		}
	}
	if dup == nil || dup.ID == in.ID {
		return nil, nil
	}
	return dup, nil
}

const unknownSender = "unknown sender"

// sender finds the one customer whose registered address is from (Q10).
// Reply-To, Sender and CC are never looked at.
func (i *Intake) sender(ctx context.Context, from, code string) (*ticket.Customer, string, error) {
	cs, err := i.Service.Store.Customers(ctx)
	if err != nil {
		return nil, "", err
	}
	var found []*ticket.Customer
	for _, c := range cs {
		if c.IsRegistered(from) && (code == "" || c.Code == code) {
			found = append(found, c)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], "", nil
	case len(found) > 1:
		codes := make([]string, len(found))
		for k, c := range found {
			codes[k] = c.Code
		}
		return nil, fmt.Sprintf("%s is registered to several customers (%s): release with --customer CODE", from, strings.Join(codes, ", ")), nil
	case code != "" && !i.Service.Policy.EmailRequiresRegisteredSender:
		// Released to a named customer where the regulation accepts
		// unregistered senders.
		for _, c := range cs {
			if c.Code == code {
				return c, "", nil
			}
		}
		return nil, "", ticket.ErrNoCustomer(code)
	case code != "":
		return nil, fmt.Sprintf("%s is not a registered address of %s (Q10): sustain customer edit %s --add-email %s, then release", from, code, code, from), nil
	}
	return nil, unknownSender, nil
}

// thread finds the request a message belongs to: the [PREFIX-N] tag in the
// subject first, then In-Reply-To and References; nil for a new request.
// A request of another customer is never appended to.
func (i *Intake) thread(ctx context.Context, m *Message, c *ticket.Customer) (*ticket.Request, string, error) {
	id := ""
	if tag, ok := FindTag(m.Subject, i.Service.Policy.Prefix); ok {
		if _, err := i.Service.Store.Request(ctx, tag); err == nil {
			id = tag
		}
	}
	if id == "" {
		var err error
		if id, err = i.Store.ThreadOf(ctx, append(append([]string{}, m.InReplyTo...), m.References...)); err != nil {
			return nil, "", err
		}
	}
	if id == "" {
		return nil, "", nil
	}
	r, err := i.Service.Store.Request(ctx, id)
	if err != nil {
		return nil, "", err
	}
	r = i.Service.Current(r) // closed at its deadline even before sweep ran (Q15, A12)
	if r.Customer != c.Code {
		return nil, fmt.Sprintf("%s writes about %s, a request of another customer (%s)", m.From, r.ID, r.Customer), nil
	}
	return r, "", nil
}

// open registers a new request from the message (A8); related names the
// closed request a reply was about (A6).
func (i *Intake) open(ctx context.Context, in *ticket.Inbound, m *Message, c *ticket.Customer, related string) (*ticket.Inbound, error) {
	subject := StripPrefixes(m.Subject)
	if related != "" {
		subject = strings.TrimSpace(strings.ReplaceAll(subject, "["+related+"]", ""))
	}
	if subject == "" {
		subject = "(no subject)"
	}
	files := make([]ticket.File, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		files = append(files, ticket.File{Name: a.Name, Data: a.Data})
	}
	in.Decision = ticket.DecisionOpened
	if related != "" {
		in.Reason = fmt.Sprintf("a reply to %s, which is closed: a new request related to it (A6)", related)
	}
	description := m.Text
	if strings.TrimSpace(description) == "" {
		// The form requires a description (Q9, A7); the message is kept,
		// and staff ask for one (request-info) rather than lose it.
		description = "(the message has no text; see sustain mail show " + fmt.Sprint(in.ID) + ")"
	}
	_, err := i.service(in).Open(ctx, ticket.OpenInput{Customer: c.Code, Subject: subject, Description: description,
		Channel: "email", From: m.From, Related: related, Files: files, Actor: i.Actor, Inbound: in})
	return i.settle(ctx, in, err)
}

// appendTo adds a reply to its request; what it counts as depends on the
// request's state (A10, A11, A12).
func (i *Intake) appendTo(ctx context.Context, in *ticket.Inbound, m *Message, c *ticket.Customer, r *ticket.Request) (*ticket.Inbound, error) {
	text := StripQuoted(m.Text)
	act := ticket.ActInput{Action: ticket.ActReply, From: m.From, Text: text, Actor: m.From, Inbound: in}
	for _, a := range m.Attachments {
		act.Files = append(act.Files, ticket.File{Name: a.Name, Data: a.Data})
	}
	in.Decision = ticket.DecisionAppended
	switch r.Status {
	case ticket.StatusClosed:
		return i.open(ctx, in, m, c, r.ID)
	case ticket.StatusWaiting:
		in.As = AsReply
	case ticket.StatusResolved:
		words := i.ConfirmWords
		if len(words) == 0 {
			words = DefaultConfirmWords
		}
		_, p := ticket.Governing(r, i.Service.Calendar, i.Service.Policy)
		mayConfirm := !p.ConfirmRequiresResponsible || c.IsResponsible(m.From)
		if IsConfirmation(text, words) && mayConfirm {
			act.Action, in.As = ticket.ActConfirm, AsConfirmation
		} else {
			act.Action, in.As = ticket.ActDispute, AsDispute
			if IsConfirmation(text, words) {
				in.Reason = m.From + " may not confirm under the policy (A12): counted as a dispute"
			}
		}
	default:
		in.As = AsMessage
	}
	if act.Text == "" {
		act.Text = "(the message has no text; see sustain mail show " + fmt.Sprint(in.ID) + ")"
	}
	_, err := i.service(in).Act(ctx, r.ID, act)
	return i.settle(ctx, in, err)
}

// settle turns a refusal by the rules into a quarantine with its reason; a
// store failure is returned (the message stays pending for Resume).
func (i *Intake) settle(ctx context.Context, in *ticket.Inbound, err error) (*ticket.Inbound, error) {
	var pe *problem.Error
	switch {
	case err == nil:
		return in, nil
	case errors.Is(err, ticket.ErrHandledElsewhere):
		if other, oerr := i.decidedElsewhere(ctx, in); oerr != nil || other != nil {
			return other, oerr
		}
		in.Request, in.As, in.Reason = "", "", ""
		dup, derr := i.duplicateOf(ctx, in)
		if derr != nil || dup == nil {
			return nil, tempFail(cmpErr(derr, err), "the message is kept but not decided")
		}
		return i.duplicate(ctx, in, dup)
	case errors.As(err, &pe) && pe.Kind != problem.TempFail && pe.Kind != problem.Unavailable && pe.Kind != problem.Auth:
		// Jira unreachable or refusing the account is the store's trouble,
		// not the message's: it stays pending (the default below).
		in.Request, in.As = "", ""
		reason := pe.Msg
		if pe.Hint != "" {
			reason += " (" + pe.Hint + ")"
		}
		return i.quarantine(ctx, in, nil, reason)
	default:
		// The store busy, full or failing is no reason to hold a message.
		return nil, tempFail(err, "the message is kept but not decided")
	}
}

func (i *Intake) quarantine(ctx context.Context, in *ticket.Inbound, notices []ticket.Notice, reason string) (*ticket.Inbound, error) {
	in.Decision, in.Reason = ticket.DecisionQuarantined, reason
	return i.record(ctx, in, notices)
}

// record writes a decision that changes no request; when another run has
// decided the message meanwhile, that decision is the outcome.
func (i *Intake) record(ctx context.Context, in *ticket.Inbound, notices []ticket.Notice) (*ticket.Inbound, error) {
	err := i.Store.Decide(ctx, in, notices)
	if errors.Is(err, ticket.ErrHandledElsewhere) {
		if other, oerr := i.decidedElsewhere(ctx, in); oerr != nil || other != nil {
			return other, oerr
		}
	}
	if err != nil {
		// A problem stays as it is for staff commands (release); mail
		// ingest makes it temporary.
		if pe := (*problem.Error)(nil); !errors.As(err, &pe) {
			err = tempFail(err, "the message is kept but not decided")
		}
		return nil, err
	}
	return in, nil
}

// service is the desk's service for deciding in: a notice that cannot be
// made (an address the notice cannot be written to) never stops the
// decision; it is made without the notice, and in's reason says why.
func (i *Intake) service(in *ticket.Inbound) *ticket.Service {
	if i.Service.Notifier == nil {
		return i.Service
	}
	svc := *i.Service
	svc.Notifier = &lenientNotifier{Notifier: i.Service.Notifier, in: in, reason: in.Reason}
	return &svc
}

type lenientNotifier struct {
	ticket.Notifier
	in     *ticket.Inbound
	reason string // in's reason before any notice was made
}

func (l *lenientNotifier) Notices(nc ticket.NoticeContext) ([]ticket.Notice, error) {
	ns, err := l.Notifier.Notices(nc)
	// Set afresh each time: a store retrying its transaction asks again.
	l.in.Reason = l.reason
	if err != nil {
		l.in.Reason = strings.TrimPrefix(l.reason+"; no notice sent: "+err.Error(), "; ")
		return nil, nil
	}
	return ns, nil
}

// refusal is the notice to an unknown sender: how to get registered. At
// most one per address a day. One that cannot be made (an address no
// notice can be written to) is left out, and note says why.
func (i *Intake) refusal(ctx context.Context, in *ticket.Inbound, m *Message) (notices []ticket.Notice, note string, err error) {
	// The refusal says mail is accepted only from registered addresses,
	// which is true only under a regulation that says so (Q10).
	if i.Notifier == nil || m.From == "" || !i.Service.Policy.EmailRequiresRegisteredSender {
		return nil, "", nil
	}
	sent, err := i.Store.RefusedSince(ctx, m.From, i.Service.Now().Add(-refusalInterval))
	if err != nil || sent {
		return nil, "", err
	}
	n, err := i.Notifier.Refusal(in, m)
	if err != nil {
		return nil, "no refusal sent: " + err.Error(), nil
	}
	return []ticket.Notice{n}, "", nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
