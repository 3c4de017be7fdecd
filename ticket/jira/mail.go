package jira

// The e-mail channel on the Jira store. Everything lives in Jira, so a
// second machine running sustain against the same project sees the same
// intake log and outbox:
//
//   - one "mailbox" issue per requests project (label sustain-mailbox)
//     holds each received message as an attachment in-<sha256>.eml and each
//     notice as an attachment out-<sha256 of its Message-ID>.eml; the
//     attachment's id is the message's or notice's id;
//   - entity properties of the mailbox issue hold the records: the intake
//     log (sustain.in.ID), the outbox (sustain.out.ID), an index by
//     Message-ID (sustain.mid.HASH) and by SHA-256 for messages without one
//     (sustain.sha.HASH), the undecided messages (sustain.pending), the
//     notices to send (sustain.queued), IMAP positions and refusals.
//     Jira keeps at most 32 KB per property value, so a property never
//     holds raw bytes, and every lookup is one GET by key;
//   - a request's issue lists its messages in its sustain record (mail_in,
//     mail_out) and gets an internal comment for every notice, so people in
//     Jira see what the customer was told.
//
// Jira has no transactions: each step is a request of its own, in an order
// that a retry can finish (see beforeMail) and an error that names what was
// done.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
	jiraclient "github.com/sustain-cli/sustain/jira"
	"github.com/sustain-cli/sustain/ticket"
)

var _ ticket.MailStore = (*Store)(nil)

// MailboxLabel marks the mailbox issue; searches for requests leave it out.
const MailboxLabel = "sustain-mailbox"

const (
	mailboxSummary = "sustain mailbox: intake log and outbox (keep open)"
	pendingKey     = "sustain.pending"
	// quarantinedKey lists the messages in quarantine, so listing them
	// reads those records only, not the whole log.
	quarantinedKey = "sustain.quarantined"
	queuedKey      = "sustain.queued"
	// claimLease is how long a sender holds a claimed notice; a sender
	// killed mid-send leaves it to the next run after this.
	claimLease = 5 * time.Minute
	// maxProperty keeps a record well under Jira's 32 KB per property.
	maxProperty = 30000
)

func hashHex(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

func normMessageID(id string) string { return strings.Trim(strings.TrimSpace(id), "<>") }

func midKey(messageID string) string { return "sustain.mid." + hashHex(normMessageID(messageID), 32) }
func inKey(id int64) string          { return "sustain.in." + strconv.FormatInt(id, 10) }
func outKey(id int64) string         { return "sustain.out." + strconv.FormatInt(id, 10) }

// indexKey is where an inbound message is found again: by Message-ID, else
// by its bytes' SHA-256 (the intake's own rule for duplicates).
func indexKey(in *ticket.Inbound) string {
	switch {
	case in.MessageID != "":
		return midKey(in.MessageID)
	case len(in.SHA256) >= 32:
		return "sustain.sha." + in.SHA256[:32]
	}
	return ""
}

// indexEntry is what one Message-ID (or SHA-256) leads to.
type indexEntry struct {
	Inbound  int64  `json:"inbound,omitempty"`
	Request  string `json:"request,omitempty"`
	Notice   int64  `json:"notice,omitempty"`
	Decision string `json:"decision,omitempty"`
	As       string `json:"as,omitempty"`
	// Seq is the event the message caused, so a resumed run numbers the
	// event's notices as the interrupted one did and queues each once.
	Seq int `json:"seq,omitempty"`
}

type idList struct {
	IDs []int64 `json:"ids"`
}

// outRecord is a notice without its bytes, with the sender's claim.
type outRecord struct {
	ticket.Notice
	ClaimedUntil *time.Time `json:"claimed_until,omitempty"`
	ClaimToken   string     `json:"claim_token,omitempty"`
}

type refusalRecord struct {
	At time.Time `json:"at"`
}

type imapRecord struct {
	Mailbox     string `json:"mailbox"`
	UIDValidity uint32 `json:"uid_validity"`
	LastUID     uint32 `json:"last_uid"`
}

func errNoInbound(id int64) error {
	return problem.New(problem.NotFound, "see the intake log with: sustain mail log", "no message %d in the intake log", id)
}

func errNoNotice(id int64) error {
	return problem.New(problem.NotFound, "see the outbox with: sustain mail outbox list", "no notice %d in the outbox", id)
}

// mailboxKey finds the mailbox issue: the oldest issue of the project with
// the label, made on first use when create is set; "" when there is none
// and create is not.
func (s *Store) mailboxKey(ctx context.Context, create bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mailbox != "" {
		return s.mailbox, nil
	}
	key, err := s.findMailbox(ctx)
	if err != nil || key != "" || !create {
		s.mailbox = key
		return key, err
	}
	if _, err := s.api.CreateIssue(ctx, s.opts.Project, map[string]any{
		"summary":   mailboxSummary,
		"issuetype": map[string]string{"name": s.opts.IssueType},
		"labels":    []string{MailboxLabel},
		"description": "sustain keeps the e-mail channel of this project here: every message received and every notice " +
			"sent (attachments) and their records (entity properties sustain.*). Keep it open; do not delete it.",
	}); err != nil {
		return "", err
	}
	// Searched again: two machines making the mailbox at once both settle
	// on the older of the two.
	s.mailbox, err = s.findMailbox(ctx)
	if err == nil && s.mailbox == "" {
		err = problem.New(0, "check that the label field is on the create screen of "+s.opts.Project,
			"the mailbox issue was created in %s but a search for the label %s does not find it", s.opts.Project, MailboxLabel)
	}
	return s.mailbox, err
}

var errFound = errors.New("found")

func (s *Store) findMailbox(ctx context.Context) (string, error) {
	var key string
	jql := "project = " + quote(s.opts.Project) + " AND labels = " + quote(MailboxLabel) + " ORDER BY created ASC"
	err := s.api.Search(ctx, jql, jiraclient.SearchOptions{Fields: []string{"labels"}, PageSize: 1}, func(is *jiraclient.Issue) error {
		key = is.Key
		return errFound
	})
	if errors.Is(err, errFound) {
		err = nil
	}
	return key, err
}

// getJSON reads a property of the mailbox issue into v; false when absent.
// A damaged one is an error naming it, never "absent".
func (s *Store) getJSON(ctx context.Context, key, name string, v any) (bool, error) {
	raw, found, err := s.api.Property(ctx, key, name)
	if err != nil || !found {
		return false, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, problem.New(0, fmt.Sprintf("repair or delete it: GET/PUT/DELETE %s/rest/api/2/issue/%s/properties/%s", s.api.Site(), key, name),
			"%s: the entity property %s is damaged: %v", key, name, err)
	}
	return true, nil
}

// ReceiveRaw uploads the bytes before anything else, hashing them on the
// way in; the attachment's id is the message's. The record and the pending
// list follow: a failure after the upload leaves the bytes in Jira, and
// the error (the sender retries) loses nothing.
func (s *Store) ReceiveRaw(ctx context.Context, r io.Reader, source string, at time.Time) (*ticket.Inbound, error) {
	h := sha256.New()
	data, err := io.ReadAll(io.TeeReader(r, h))
	if err != nil {
		return nil, fmt.Errorf("read the message: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	box, err := s.mailboxKey(ctx, true)
	if err != nil {
		return nil, err
	}
	a, err := s.api.Attach(ctx, box, "in-"+sum[:16]+".eml", data)
	if err != nil {
		return nil, err
	}
	id, err := attachmentID(a)
	if err != nil {
		return nil, err
	}
	s.remember(id, data)
	in := &ticket.Inbound{ID: id, ReceivedAt: at, Source: source, SHA256: sum, Size: int64(len(data))}
	if err := s.putInbound(ctx, box, in); err != nil {
		return nil, fmt.Errorf("the message is attached to %s (%d), but its intake record could not be written: %w", box, id, err)
	}
	if err := s.editList(ctx, box, pendingKey, id, true); err != nil {
		return nil, fmt.Errorf("the message is attached to %s (%d), but the list of pending messages could not be written: %w", box, id, err)
	}
	return in, nil
}

func attachmentID(a *jiraclient.Attachment) (int64, error) {
	id, err := strconv.ParseInt(a.ID, 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.New(0, "check that jira.url is Jira's own address",
			"Jira answered the upload of %s without a numeric attachment id (got %q)", a.Filename, a.ID)
	}
	return id, nil
}

// putInbound writes a record, shortening its free text if it would pass
// the property limit (a header can be long; the bytes keep it all).
func (s *Store) putInbound(ctx context.Context, box string, in *ticket.Inbound) error {
	rec := *in
	for limit := 4096; ; limit /= 2 {
		data, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if len(data) <= maxProperty || limit < 64 {
			return s.api.SetProperty(ctx, box, inKey(in.ID), json.RawMessage(data))
		}
		rec.Subject, rec.Reason, rec.From, rec.Source = clip(rec.Subject, limit), clip(rec.Reason, limit), clip(rec.From, limit), clip(rec.Source, limit)
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// editList adds id to (or removes it from) a list property. Jira has no
// compare-and-set: the list is read back and the edit made again if a
// concurrent writer lost it, which narrows the race to writes within the
// same moment.
func (s *Store) editList(ctx context.Context, box, name string, id int64, add bool) error {
	for try := 0; try < 3; try++ {
		var l idList
		if _, err := s.getJSON(ctx, box, name, &l); err != nil {
			return err
		}
		has := slices.Contains(l.IDs, id)
		if has == add {
			return nil
		}
		if add {
			l.IDs = append(l.IDs, id)
			slices.Sort(l.IDs)
		} else {
			l.IDs = slices.DeleteFunc(l.IDs, func(x int64) bool { return x == id })
		}
		if l.IDs == nil {
			l.IDs = []int64{}
		}
		if err := s.api.SetProperty(ctx, box, name, l); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) list(ctx context.Context, box, name string) ([]int64, error) {
	var l idList
	_, err := s.getJSON(ctx, box, name, &l)
	return l.IDs, err
}

// recentMax is the largest message kept in memory for reading back: most
// are a few kilobytes, and a large one is not held twice.
const recentMax = 1 << 20

func (s *Store) remember(id int64, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(data) <= recentMax {
		s.recent.id, s.recent.data = id, data
	}
}

func (s *Store) recalled(id int64) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recent.id == id {
		return s.recent.data
	}
	return nil
}

// RawReader downloads the attachment when first read (the last small
// message is read from memory).
func (s *Store) RawReader(ctx context.Context, id, size int64) io.Reader {
	return &lazyReader{open: func() (io.Reader, error) {
		if data := s.recalled(id); data != nil && int64(len(data)) == size {
			return bytes.NewReader(data), nil
		}
		data, err := s.api.AttachmentContent(ctx, strconv.FormatInt(id, 10))
		if err != nil {
			return nil, err
		}
		s.remember(id, data)
		if int64(len(data)) != size {
			return nil, fmt.Errorf("message %d is damaged in Jira: %d bytes kept, %d received", id, len(data), size)
		}
		return bytes.NewReader(data), nil
	}}
}

type lazyReader struct {
	open func() (io.Reader, error)
	r    io.Reader
	err  error
}

func (l *lazyReader) Read(p []byte) (int, error) {
	if l.r == nil && l.err == nil {
		l.r, l.err = l.open()
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.r.Read(p)
}

func (s *Store) inbound(ctx context.Context, box string, id int64) (*ticket.Inbound, error) {
	var in ticket.Inbound
	found, err := s.getJSON(ctx, box, inKey(id), &in)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoInbound(id)
	}
	in.Was = in.Decision
	return &in, nil
}

// PendingInbound lists the messages kept but not decided, oldest first.
func (s *Store) PendingInbound(ctx context.Context) ([]*ticket.Inbound, error) {
	out := []*ticket.Inbound{}
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return out, err
	}
	ids, err := s.list(ctx, box, pendingKey)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		in, err := s.inbound(ctx, box, id)
		if err != nil {
			return nil, err
		}
		if in.Decision == ticket.DecisionPending {
			out = append(out, in)
		}
	}
	return out, nil
}

// InboundMessage returns a record and its bytes.
func (s *Store) InboundMessage(ctx context.Context, id int64) (*ticket.Inbound, []byte, error) {
	box, err := s.mailboxKey(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	if box == "" {
		return nil, nil, errNoInbound(id)
	}
	in, err := s.inbound(ctx, box, id)
	if err != nil {
		return nil, nil, err
	}
	raw, err := io.ReadAll(s.RawReader(ctx, id, in.Size))
	if err != nil {
		return nil, nil, err
	}
	return in, raw, nil
}

// ids lists the ids of the mailbox's records with a prefix, newest first.
func (s *Store) ids(ctx context.Context, box, prefix string) ([]int64, error) {
	keys, err := s.api.PropertyKeys(ctx, box)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, k := range keys {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	return ids, nil
}

// InboundList lists the intake log, newest first, reading only as many
// records as the limit needs.
func (s *Store) InboundList(ctx context.Context, decision string, limit int) ([]*ticket.Inbound, error) {
	out := []*ticket.Inbound{}
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return out, err
	}
	var ids []int64
	switch decision {
	case ticket.DecisionQuarantined:
		ids, err = s.list(ctx, box, quarantinedKey)
		slices.Reverse(ids)
	default:
		ids, err = s.ids(ctx, box, "sustain.in.")
	}
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if limit > 0 && len(out) >= limit {
			break
		}
		in, err := s.inbound(ctx, box, id)
		if err != nil {
			return nil, err
		}
		if decision == "" || in.Decision == decision {
			out = append(out, in)
		}
	}
	return out, nil
}

// Decide records a decision that changes no request: its notices first,
// then the decision, so a run stopped between them is decided again and
// queues nothing twice (notices are found by their Message-ID).
func (s *Store) Decide(ctx context.Context, in *ticket.Inbound, notices []ticket.Notice) error {
	box, err := s.mailboxKey(ctx, true)
	if err != nil {
		return err
	}
	// Decided only while the record is as it was read, as in SQLite; Jira
	// has no compare-and-set, so two runs within the same moment can still
	// both pass here (see the README).
	if cur, err := s.inbound(ctx, box, in.ID); err != nil {
		return err
	} else if cur.Decision != in.Was {
		return ticket.ErrHandledElsewhere
	}
	for i := range notices {
		if err := s.queueNotice(ctx, box, &notices[i]); err != nil {
			return fmt.Errorf("message %d: queue the %s notice: %w", in.ID, notices[i].Kind, err)
		}
	}
	return s.recordInbound(ctx, box, in)
}

// recordInbound writes a decision: the record, the index (the first
// message with a Message-ID that is not a duplicate owns it), the
// request's list of messages and the pending list, in that order.
func (s *Store) recordInbound(ctx context.Context, box string, in *ticket.Inbound) error {
	if err := s.putInbound(ctx, box, in); err != nil {
		return err
	}
	if in.Decision != ticket.DecisionPending && in.Decision != ticket.DecisionDuplicate {
		if err := s.index(ctx, box, in, in.Request, 0); err != nil {
			return err
		}
	}
	if in.Request != "" && (in.Decision == ticket.DecisionOpened || in.Decision == ticket.DecisionAppended) {
		if err := s.updateRecord(ctx, in.Request, func(rec *record, _ *jiraclient.Issue) (bool, error) {
			if slices.Contains(rec.MailIn, in.ID) {
				return false, nil
			}
			rec.MailIn = append(rec.MailIn, in.ID)
			return true, nil
		}); err != nil {
			return err
		}
	}
	if err := s.editList(ctx, box, quarantinedKey, in.ID, in.Decision == ticket.DecisionQuarantined); err != nil {
		return err
	}
	return s.editList(ctx, box, pendingKey, in.ID, false)
}

// index points the message's Message-ID (or SHA-256) at it, unless
// another message owns it already.
func (s *Store) index(ctx context.Context, box string, in *ticket.Inbound, request string, seq int) error {
	key := indexKey(in)
	if key == "" {
		return nil
	}
	var e indexEntry
	if _, err := s.getJSON(ctx, box, key, &e); err != nil {
		return err
	}
	if e.Inbound != 0 && e.Inbound != in.ID {
		return nil
	}
	if e.Inbound == in.ID && e.Request != "" && request == "" {
		// Quarantined after it had changed a request (a failure part-way):
		// the request it changed is what a release must find.
		return nil
	}
	was := e
	e.Inbound, e.Decision, e.As = in.ID, in.Decision, in.As
	if request != "" {
		// Never cleared: our own notice with this Message-ID coming back
		// (a loop, ignored) must not unthread the replies to it.
		e.Request = request
	}
	if seq > 0 {
		e.Seq = seq
	}
	if e == was {
		return nil
	}
	return s.api.SetProperty(ctx, box, key, e)
}

func (s *Store) entry(ctx context.Context, box, key string) (*indexEntry, error) {
	var e indexEntry
	found, err := s.getJSON(ctx, box, key, &e)
	if err != nil || !found {
		return nil, err
	}
	return &e, nil
}

// FindMessageID finds the decided message that owns a Message-ID.
func (s *Store) FindMessageID(ctx context.Context, messageID, from string) (*ticket.Inbound, error) {
	if messageID == "" {
		return nil, nil
	}
	in, err := s.findBy(ctx, midKey(messageID))
	if err != nil || in == nil || !strings.EqualFold(in.From, from) {
		return nil, err // another sender's message with that ID is no duplicate
	}
	return in, nil
}

// FindSHA256 finds the decided message without a Message-ID with these bytes.
func (s *Store) FindSHA256(ctx context.Context, sum string) (*ticket.Inbound, error) {
	if len(sum) < 32 {
		return nil, nil
	}
	return s.findBy(ctx, "sustain.sha."+sum[:32])
}

func (s *Store) findBy(ctx context.Context, key string) (*ticket.Inbound, error) {
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return nil, err
	}
	e, err := s.entry(ctx, box, key)
	if err != nil || e == nil || e.Inbound == 0 {
		return nil, err
	}
	in, err := s.inbound(ctx, box, e.Inbound)
	if err != nil {
		return nil, err
	}
	if in.Decision == ticket.DecisionPending || in.Decision == ticket.DecisionDuplicate {
		return nil, nil
	}
	return in, nil
}

// ThreadOf returns the request of the most recent of ids we know.
func (s *Store) ThreadOf(ctx context.Context, ids []string) (string, error) {
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return "", err
	}
	for i := len(ids) - 1; i >= 0; i-- {
		e, err := s.entry(ctx, box, midKey(ids[i]))
		if err != nil {
			return "", err
		}
		if e != nil && e.Request != "" {
			return e.Request, nil
		}
	}
	return "", nil
}

// requestRecord reads a request's sustain record.
func (s *Store) requestRecord(ctx context.Context, request string) (*record, error) {
	is, err := s.api.Issue(ctx, strings.ToUpper(request), jiraclient.GetOptions{Fields: []string{"labels"}, Properties: []string{Property}})
	if err != nil {
		return nil, requestError(request, err)
	}
	return s.readRecord(is)
}

// LastInbound is the Message-ID of the customer's last message on request.
func (s *Store) LastInbound(ctx context.Context, request string) (string, error) {
	// The record first: a request without mail costs no search for the
	// mailbox.
	rec, err := s.requestRecord(ctx, request)
	if err != nil || len(rec.MailIn) == 0 {
		return "", err
	}
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return "", err
	}
	for i := len(rec.MailIn) - 1; i >= 0; i-- {
		in, err := s.inbound(ctx, box, rec.MailIn[i])
		if err != nil {
			return "", err
		}
		if in.MessageID != "" && (in.Decision == ticket.DecisionOpened || in.Decision == ticket.DecisionAppended) {
			return in.MessageID, nil
		}
	}
	return "", nil
}

// RequestMail lists a request's messages in and out, oldest first.
func (s *Store) RequestMail(ctx context.Context, request string) ([]*ticket.Inbound, []*ticket.Notice, error) {
	ins, outs := []*ticket.Inbound{}, []*ticket.Notice{}
	rec, err := s.requestRecord(ctx, request)
	if err != nil {
		return nil, nil, err
	}
	if len(rec.MailIn)+len(rec.MailOut) == 0 {
		return ins, outs, nil // no search for the mailbox
	}
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return ins, outs, err
	}
	for _, id := range rec.MailIn {
		in, err := s.inbound(ctx, box, id)
		if err != nil {
			return nil, nil, err
		}
		if in.Decision == ticket.DecisionOpened || in.Decision == ticket.DecisionAppended {
			ins = append(ins, in)
		}
	}
	for _, id := range rec.MailOut {
		o, err := s.outRecord(ctx, box, id)
		if err != nil {
			return nil, nil, err
		}
		outs = append(outs, &o.Notice)
	}
	slices.SortFunc(ins, func(a, b *ticket.Inbound) int { return int(a.ID - b.ID) })
	slices.SortFunc(outs, func(a, b *ticket.Notice) int { return int(a.ID - b.ID) })
	return ins, outs, nil
}

// queueNotice stores a notice: its bytes, its record, its Message-ID, the
// queue, and on its request a comment and the request's list. A notice
// whose Message-ID is known was stored by an earlier, interrupted run:
// only the steps after the index are made again, each once.
func (s *Store) queueNotice(ctx context.Context, box string, n *ticket.Notice) error {
	if n.Status == "" {
		n.Status = ticket.NoticeQueued
	}
	var e indexEntry
	key := ""
	if n.MessageID != "" {
		key = midKey(n.MessageID)
		if _, err := s.getJSON(ctx, box, key, &e); err != nil {
			return err
		}
		if e.Notice != 0 {
			n.ID = e.Notice
			return s.afterNotice(ctx, box, n)
		}
	}
	name := n.MessageID
	if name == "" {
		name = string(n.Raw)
	}
	a, err := s.api.Attach(ctx, box, "out-"+hashHex(name, 16)+".eml", n.Raw)
	if err != nil {
		return err
	}
	if n.ID, err = attachmentID(a); err != nil {
		return err
	}
	if err := s.api.SetProperty(ctx, box, outKey(n.ID), outRecord{Notice: *n}); err != nil {
		return err
	}
	if key != "" {
		e.Notice = n.ID
		if e.Request == "" {
			e.Request = n.Request
		}
		if err := s.api.SetProperty(ctx, box, key, e); err != nil {
			return err
		}
	}
	return s.afterNotice(ctx, box, n)
}

// afterNotice makes the steps of queueNotice that follow the index; each
// can be made again without effect.
func (s *Store) afterNotice(ctx context.Context, box string, n *ticket.Notice) error {
	if n.Status == ticket.NoticeQueued {
		if err := s.editList(ctx, box, queuedKey, n.ID, true); err != nil {
			return err
		}
	}
	if n.Kind == ticket.NoticeRefusal {
		for _, to := range n.To {
			if err := s.api.SetProperty(ctx, box, refusedKey(to), refusalRecord{At: n.QueuedAt}); err != nil {
				return err
			}
		}
	}
	if n.Request == "" {
		return nil
	}
	rec, err := s.requestRecord(ctx, n.Request)
	if err != nil || slices.Contains(rec.MailOut, n.ID) {
		return err
	}
	c, err := s.addComment(ctx, n.Request, fmt.Sprintf("Notice %s to %s queued: %s", n.Kind, strings.Join(n.To, ", "), n.Subject), true)
	if err != nil {
		return err
	}
	return s.updateRecord(ctx, n.Request, func(rec *record, _ *jiraclient.Issue) (bool, error) {
		rec.MailOut = append(rec.MailOut, n.ID)
		rec.NoticeComments = append(rec.NoticeComments, c.ID)
		return true, nil
	})
}

func refusedKey(addr string) string {
	return "sustain.refused." + hashHex(strings.ToLower(strings.TrimSpace(addr)), 16)
}

// updateRecord changes a request's sustain record, read just before.
func (s *Store) updateRecord(ctx context.Context, key string, change func(*record, *jiraclient.Issue) (bool, error)) error {
	is, err := s.api.Issue(ctx, key, jiraclient.GetOptions{Fields: []string{"attachment"}, Properties: []string{Property}})
	if err != nil {
		return err
	}
	rec, err := s.readRecord(is)
	if err != nil {
		return err
	}
	if changed, err := change(rec, is); err != nil || !changed {
		return err
	}
	if rec.Attachments == nil {
		rec.Attachments = []ticket.Attachment{}
	}
	return s.saveRecord(ctx, key, rec)
}

func (s *Store) outRecord(ctx context.Context, box string, id int64) (*outRecord, error) {
	var o outRecord
	found, err := s.getJSON(ctx, box, outKey(id), &o)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoNotice(id)
	}
	return &o, nil
}

// ClaimNotices takes up to n due notices. Jira has no compare-and-set, so
// a claim is a lease with a random token written into the notice's record
// and read back: a sender sends only when the token read back is its own.
// Two senders that write their claims within the same moment can both
// read their own token back (Jira answers each read with the last write it
// has) and both send: the residual race, documented in the README; run one
// sender per desk to rule it out.
func (s *Store) ClaimNotices(ctx context.Context, now time.Time, n int) ([]*ticket.Notice, error) {
	out := []*ticket.Notice{}
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return out, err
	}
	ids, err := s.list(ctx, box, queuedKey)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if len(out) >= n {
			break
		}
		o, err := s.outRecord(ctx, box, id)
		if err != nil {
			return out, err
		}
		if o.Status != ticket.NoticeQueued {
			// Left in the queue by a run stopped part-way.
			if err := s.editList(ctx, box, queuedKey, id, false); err != nil {
				return out, err
			}
			continue
		}
		if (o.NextAttemptAt != nil && o.NextAttemptAt.After(now)) ||
			(o.ClaimedUntil != nil && o.ClaimedUntil.After(now)) {
			continue
		}
		token := make([]byte, 16)
		if _, err := rand.Read(token); err != nil {
			return out, err
		}
		until := now.Add(claimLease)
		o.ClaimedUntil, o.ClaimToken = &until, hex.EncodeToString(token)
		if err := s.api.SetProperty(ctx, box, outKey(id), o); err != nil {
			return out, err
		}
		back, err := s.outRecord(ctx, box, id)
		if err != nil {
			return out, err
		}
		if back.ClaimToken != o.ClaimToken {
			continue // another sender claimed it
		}
		nt := back.Notice
		if nt.Raw, err = s.api.AttachmentContent(ctx, strconv.FormatInt(id, 10)); err != nil {
			return out, err
		}
		out = append(out, &nt)
	}
	return out, nil
}

// MarkNotice records a sending attempt's outcome and releases the claim; a
// notice no longer queued leaves the queue.
func (s *Store) MarkNotice(ctx context.Context, n *ticket.Notice) error {
	box, err := s.mailboxKey(ctx, false)
	if err != nil {
		return err
	}
	if box == "" {
		return errNoNotice(n.ID)
	}
	o, err := s.outRecord(ctx, box, n.ID)
	if err != nil {
		return err
	}
	o.Status, o.Attempts, o.NextAttemptAt, o.SentAt, o.ServerReply, o.Error = n.Status, n.Attempts, n.NextAttemptAt, n.SentAt, n.ServerReply, n.Error
	o.ClaimedUntil, o.ClaimToken = nil, ""
	o.ServerReply, o.Error = clip(o.ServerReply, 4096), clip(o.Error, 4096)
	if err := s.api.SetProperty(ctx, box, outKey(n.ID), o); err != nil {
		return err
	}
	if o.Status != ticket.NoticeQueued {
		return s.editList(ctx, box, queuedKey, n.ID, false)
	}
	return nil
}

// Notices lists the outbox, newest first; the queued ones from the queue,
// the rest from the mailbox's property keys.
func (s *Store) Notices(ctx context.Context, status string, limit int) ([]*ticket.Notice, error) {
	out := []*ticket.Notice{}
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return out, err
	}
	var ids []int64
	if status == ticket.NoticeQueued {
		ids, err = s.list(ctx, box, queuedKey)
		slices.Reverse(ids)
	} else {
		ids, err = s.ids(ctx, box, "sustain.out.")
	}
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if limit > 0 && len(out) >= limit {
			break
		}
		o, err := s.outRecord(ctx, box, id)
		if err != nil {
			return nil, err
		}
		if status == "" || o.Status == status {
			out = append(out, &o.Notice)
		}
	}
	return out, nil
}

// Notice returns one notice with its bytes.
func (s *Store) Notice(ctx context.Context, id int64) (*ticket.Notice, error) {
	box, err := s.mailboxKey(ctx, false)
	if err != nil {
		return nil, err
	}
	if box == "" {
		return nil, errNoNotice(id)
	}
	o, err := s.outRecord(ctx, box, id)
	if err != nil {
		return nil, err
	}
	n := o.Notice
	if n.Raw, err = s.api.AttachmentContent(ctx, strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	return &n, nil
}

// NoticeByMessageID finds our notice with this Message-ID; nil when it is
// not ours.
func (s *Store) NoticeByMessageID(ctx context.Context, messageID string) (*ticket.Notice, error) {
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" || normMessageID(messageID) == "" {
		return nil, err
	}
	e, err := s.entry(ctx, box, midKey(messageID))
	if err != nil || e == nil || e.Notice == 0 {
		return nil, err
	}
	return s.Notice(ctx, e.Notice)
}

// RefusedSince reports whether a refusal went to addr at or after t.
func (s *Store) RefusedSince(ctx context.Context, addr string, t time.Time) (bool, error) {
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return false, err
	}
	var r refusalRecord
	found, err := s.getJSON(ctx, box, refusedKey(addr), &r)
	return found && !r.At.Before(t), err
}

func imapKey(mailbox string) string { return "sustain.imap." + hashHex(mailbox, 16) }

// IMAPPosition is the last UID handled in a mailbox.
func (s *Store) IMAPPosition(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error) {
	box, err := s.mailboxKey(ctx, false)
	if err != nil || box == "" {
		return 0, 0, err
	}
	var p imapRecord
	_, err = s.getJSON(ctx, box, imapKey(mailbox), &p)
	return p.UIDValidity, p.LastUID, err
}

// SetIMAPPosition remembers the last UID handled in a mailbox.
func (s *Store) SetIMAPPosition(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	box, err := s.mailboxKey(ctx, true)
	if err != nil {
		return err
	}
	return s.api.SetProperty(ctx, box, imapKey(mailbox), imapRecord{Mailbox: clip(mailbox, 1024), UIDValidity: uidValidity, LastUID: lastUID})
}

// beforeMail runs before an event with mail effects writes anything: it
// finds the mailbox and checks the index for the inbound message. Another
// message with the same Message-ID (or bytes) that already changed a
// request is ErrHandledElsewhere; this very message having changed one in
// an interrupted run returns that run's entry, for resumeMail to finish
// instead of acting twice.
func (s *Store) beforeMail(ctx context.Context, ev ticket.Event) (box string, again *indexEntry, err error) {
	m := ev.Mail
	if m == nil || (m.Inbound == nil && m.Notify == nil) {
		return "", nil, nil // no mail, or files alone (--attach): no mailbox needed
	}
	if box, err = s.mailboxKey(ctx, true); err != nil {
		return "", nil, err
	}
	in := m.Inbound
	if in == nil || (in.Decision != ticket.DecisionOpened && in.Decision != ticket.DecisionAppended) {
		return box, nil, nil
	}
	key := indexKey(in)
	if key == "" {
		return box, nil, nil
	}
	e, err := s.entry(ctx, box, key)
	if err != nil || e == nil || e.Inbound == 0 || e.Request == "" {
		return box, nil, err
	}
	if e.Inbound == in.ID {
		return box, e, nil
	}
	if e.Decision == ticket.DecisionOpened || e.Decision == ticket.DecisionAppended {
		return "", nil, ticket.ErrHandledElsewhere
	}
	return box, nil, nil
}

// markCaused points the inbound message's index at the request it changed,
// as soon as it has: what a retry checks before acting.
func (s *Store) markCaused(ctx context.Context, ev ticket.Event, key string) error {
	if ev.Mail == nil || ev.Mail.Inbound == nil {
		return nil
	}
	box, err := s.mailboxKey(ctx, true)
	if err != nil {
		return err
	}
	return s.index(ctx, box, ev.Mail.Inbound, key, ev.Seq)
}

// afterApply writes an update's mail effects once the request changed:
// the files that came with the message, the index, then the rest.
func (s *Store) afterApply(ctx context.Context, box string, r *ticket.Request, ev ticket.Event) error {
	done := []string{"the request was changed"}
	if len(ev.Mail.Files) > 0 {
		if err := s.attachFiles(ctx, r.ID, ev.Mail.Files, ev.At); err != nil {
			return mailPartial(ev, r.ID, done, "attaching the files of the message", err)
		}
		done = append(done, "the files were attached")
	}
	if err := s.markCaused(ctx, ev, r.ID); err != nil {
		return mailPartial(ev, r.ID, done, "recording the message that changed it", err)
	}
	return s.finishMail(ctx, box, r, ev, done)
}

// attachFiles uploads the files that came with a message, a taken name
// getting -2, -3... as on the SQLite store.
func (s *Store) attachFiles(ctx context.Context, key string, files []ticket.File, at time.Time) error {
	var failed error
	err := s.updateRecord(ctx, key, func(rec *record, is *jiraclient.Issue) (bool, error) {
		taken := map[string]bool{}
		for _, a := range is.Attachments {
			taken[a.Filename] = true
		}
		for _, a := range rec.Attachments {
			taken[a.Name] = true
		}
		for _, f := range files {
			name, ext := f.Name, filepath.Ext(f.Name)
			for k := 2; taken[name]; k++ {
				name = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(f.Name, ext), k, ext)
			}
			if _, err := s.api.Attach(ctx, key, name, f.Data); err != nil {
				// The files uploaded before it are still recorded, with
				// their checksums.
				failed = fmt.Errorf("%s: %w", name, err)
				break
			}
			taken[name] = true
			sum := sha256.Sum256(f.Data)
			rec.Attachments = append(rec.Attachments, ticket.Attachment{Name: name, Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:]), AddedAt: at})
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	return failed
}

// finishMail queues the event's notices and records the inbound decision.
func (s *Store) finishMail(ctx context.Context, box string, r *ticket.Request, ev ticket.Event, done []string) error {
	m := ev.Mail
	if m.Notify != nil {
		notices, err := m.Notify(r, ev)
		if err != nil {
			return mailPartial(ev, r.ID, done, "making its notices", err)
		}
		for i := range notices {
			if err := s.queueNotice(ctx, box, &notices[i]); err != nil {
				return mailPartial(ev, r.ID, done, "queueing the "+notices[i].Kind+" notice", err)
			}
			done = append(done, "the "+notices[i].Kind+" notice was queued")
		}
	}
	if m.Inbound != nil {
		m.Inbound.Request = r.ID
		if err := s.recordInbound(ctx, box, m.Inbound); err != nil {
			return mailPartial(ev, r.ID, done, fmt.Sprintf("recording message %d in the intake log", m.Inbound.ID), err)
		}
	}
	return nil
}

// resumeMail finishes what an interrupted run of this same message began:
// the request it changed stays as it is, the event's notices are queued
// (each once), and the decision of that run is recorded.
func (s *Store) resumeMail(ctx context.Context, box string, e *indexEntry, ev ticket.Event, decision string) (*ticket.Request, error) {
	in := ev.Mail.Inbound
	r, err := s.Request(ctx, e.Request)
	if err != nil {
		return nil, err
	}
	in.Decision, in.Request, in.As = e.Decision, e.Request, e.As
	if in.Reason == "" {
		in.Reason = "finished after an interrupted run"
	}
	// The notices are made again only for the same kind of event the
	// interrupted run made: then their Message-IDs are the same too.
	if e.Decision != decision || e.Seq == 0 {
		ev.Mail = &ticket.MailEffects{Inbound: in}
	}
	ev.Seq = e.Seq
	if err := s.finishMail(ctx, box, r, ev, []string{"this message had changed it before"}); err != nil {
		return nil, err
	}
	return s.Request(ctx, r.ID)
}

// mailPartial is a failure after the request changed. With an inbound
// message it is a temporary failure: the message stays pending and the
// next intake run finishes it (beforeMail) without acting twice.
func mailPartial(ev ticket.Event, key string, done []string, step string, err error) error {
	if ev.Mail == nil || ev.Mail.Inbound == nil {
		return partial(key, done, step, err)
	}
	return problem.New(problem.TempFail, "the next sustain mail ingest or fetch finishes it; check "+key+" in Jira",
		"%s: %s, but %s failed: %v", key, strings.Join(done, " and "), step, err)
}

// keepPending makes a failure after an inbound message changed a request
// temporary, so the intake keeps the message pending instead of
// quarantining it, and the next run finishes it.
func keepPending(ev ticket.Event, err error) error {
	var pe *problem.Error
	if ev.Mail != nil && ev.Mail.Inbound != nil && errors.As(err, &pe) && pe.Kind == 0 {
		pe.Kind = problem.TempFail
	}
	return err
}
