package ticket

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"time"
)

// Inbound is one received e-mail in the intake log. The raw bytes are kept
// before the message is parsed, so nothing that arrived is ever lost; the
// decision is filled in once the message is handled.
type Inbound struct {
	ID         int64      `json:"id"`
	ReceivedAt time.Time  `json:"received_at"`
	Source     string     `json:"source"` // stdin, file:PATH, maildir:PATH, imap:HOST/MAILBOX/UIDVALIDITY/UID
	SHA256     string     `json:"sha256"`
	Size       int64      `json:"size"`
	MessageID  string     `json:"message_id"`
	From       string     `json:"from"`
	Subject    string     `json:"subject"`
	Decision   string     `json:"decision"` // "" (pending), opened, appended, quarantined, ignored, duplicate, dropped
	Request    string     `json:"request"`  // the request it opened or was added to
	As         string     `json:"as"`       // appended as: reply, information, message, confirmation, dispute
	Reason     string     `json:"reason"`   // why quarantined or ignored; "duplicate of N"
	HandledAt  *time.Time `json:"handled_at"`
	HandledBy  string     `json:"handled_by"` // who released or dropped it from quarantine

	// Was is the decision the record had when it was read ("" pending). A
	// store writes a new decision only while the record still has it, and
	// returns ErrHandledElsewhere otherwise: two runs never both decide
	// one message.
	Was string `json:"-"`
	// KeptBy (ThisProcess of the run that kept it) and KeptAt (the wall
	// clock) let Resume leave a message to the live run still deciding it;
	// a store that does not fill them has every pending message resumed.
	KeptBy string    `json:"-"`
	KeptAt time.Time `json:"-"`
}

// ThisProcess names the running process among those sharing a store:
// host and process ID.
func ThisProcess() string {
	host, _ := os.Hostname()
	return host + "/" + strconv.Itoa(os.Getpid())
}

// Intake decisions.
const (
	DecisionPending     = ""
	DecisionOpened      = "opened"
	DecisionAppended    = "appended"
	DecisionQuarantined = "quarantined"
	DecisionIgnored     = "ignored"
	DecisionDuplicate   = "duplicate"
	DecisionDropped     = "dropped"
)

// Notice is a message to a customer in the outbox. It is queued in the same
// transaction as the action that caused it, with its final RFC 5322 bytes,
// so what was sent is exactly what was recorded (A8).
type Notice struct {
	ID        int64     `json:"id"`
	Request   string    `json:"request"` // "" for a refusal to an unknown sender
	Kind      string    `json:"kind"`    // registration, information, answer, closure, refusal, message
	To        []string  `json:"to"`
	Subject   string    `json:"subject"`
	MessageID string    `json:"message_id"`
	Raw       []byte    `json:"-"`
	QueuedAt  time.Time `json:"queued_at"`
	// Status: queued, sent, failed (gave up or bounced).
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	SentAt        *time.Time `json:"sent_at"`
	ServerReply   string     `json:"server_reply"` // what the SMTP server said, or the file written
	Error         string     `json:"error"`
}

// MailStore keeps the intake log, the quarantine, the outbox and the IMAP
// position. Both stores implement it next to Store.
type MailStore interface {
	// ReceiveRaw keeps a message's bytes, read from r, before anything else
	// is done with them and returns its record (decision pending) with
	// their size and SHA-256. It holds the store's write lock while it
	// reads: r gives bytes already received.
	ReceiveRaw(ctx context.Context, r io.Reader, source string, at time.Time) (*Inbound, error)
	// RawReader reads a kept message's bytes without holding them all in
	// memory; a Read error other than io.EOF is the store's (or damage).
	RawReader(ctx context.Context, id, size int64) io.Reader
	// PendingInbound lists messages kept but not decided: what a crash
	// between ReceiveRaw and the decision left behind.
	PendingInbound(ctx context.Context) ([]*Inbound, error)
	// InboundMessage returns a record and its raw bytes, byte for byte.
	InboundMessage(ctx context.Context, id int64) (*Inbound, []byte, error)
	// InboundList lists the intake log, newest first; decision "" lists all.
	InboundList(ctx context.Context, decision string, limit int) ([]*Inbound, error)
	// Decide records a decision that changes no request (quarantined,
	// ignored, duplicate, dropped), with any notices it causes, at once;
	// ErrHandledElsewhere when the record no longer has the decision in.Was
	// (another run decided it), and then nothing is written.
	Decide(ctx context.Context, in *Inbound, notices []Notice) error
	// FindMessageID finds a handled inbound message with this Message-ID
	// from this sender (From): a stranger reusing a customer's Message-ID
	// makes no duplicate of the customer's message.
	FindMessageID(ctx context.Context, messageID, from string) (*Inbound, error)
	// FindSHA256 finds a decided inbound message with these exact bytes:
	// the same bytes are a duplicate whatever their headers say.
	FindSHA256(ctx context.Context, sum string) (*Inbound, error)
	// ThreadOf returns the request that any of ids belongs to, among stored
	// inbound and outbound messages; "" when none.
	ThreadOf(ctx context.Context, ids []string) (string, error)

	// Outbox: ClaimNotices takes up to n due notices for sending so that two
	// senders never take the same one; MarkNotice records the outcome.
	ClaimNotices(ctx context.Context, now time.Time, n int) ([]*Notice, error)
	MarkNotice(ctx context.Context, n *Notice) error
	Notices(ctx context.Context, status string, limit int) ([]*Notice, error)
	// Notice returns one notice with its raw bytes.
	Notice(ctx context.Context, id int64) (*Notice, error)
	// NoticeByMessageID finds our notice with this Message-ID, nil if none.
	NoticeByMessageID(ctx context.Context, messageID string) (*Notice, error)
	// RefusedSince reports whether a refusal went to addr at or after t.
	RefusedSince(ctx context.Context, addr string, t time.Time) (bool, error)

	// LastInbound is the Message-ID of the customer's last message on a
	// request ("" when none), for In-Reply-To of the next notice.
	LastInbound(ctx context.Context, request string) (string, error)
	// RequestMail lists a request's messages in and out, oldest first.
	RequestMail(ctx context.Context, request string) ([]*Inbound, []*Notice, error)

	// IMAPPosition is the last UID handled in a mailbox under uidValidity.
	IMAPPosition(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	SetIMAPPosition(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error
}

// Notice kinds.
const (
	NoticeRegistration = "registration"
	NoticeInformation  = "information"
	NoticeAnswer       = "answer"
	NoticeClosure      = "closure"
	NoticeRefusal      = "refusal"
	NoticeMessage      = "message"
)

// Notice statuses.
const (
	NoticeQueued = "queued"
	NoticeSent   = "sent"
	NoticeFailed = "failed"
)

// MailEffects are what an event does on the mail side. The store writes them
// in the same transaction as the event, so a request never changes without
// its notice being queued, and an inbound message's decision is never
// recorded apart from the change it caused.
type MailEffects struct {
	// Inbound is the message that caused the event; its decision (with the
	// request filled in by the store) is recorded with the event.
	Inbound *Inbound
	// Notify builds the notices the event causes, once the request has its
	// registration number and the event its sequence number.
	Notify func(r *Request, ev Event) ([]Notice, error)
	// Files came with the message (a log sent as the reply to an
	// information request); they are attached to the request, a name
	// already taken getting a -2, -3... suffix.
	Files []File
}

// NoticeContext is what a notice is made from.
type NoticeContext struct {
	Request  *Request // as it is being stored
	Customer *Customer
	Event    Event // with its Seq, which numbers the notice's Message-ID
	// InReplyTo is the customer's message the notice answers ("" none).
	InReplyTo   string
	ReactionDue time.Time  // Q12
	AutocloseAt *time.Time // for an answer: the exact auto-close time (Q15, A12)
}

// Notifier turns staff actions into notices to the customer. Package mail
// implements it; Service calls it inside the store's transaction.
type Notifier interface {
	Notices(nc NoticeContext) ([]Notice, error)
}

// ErrHandledElsewhere is returned by a store when another run decided the
// inbound record itself in the meantime (see Inbound.Was), or handled the
// same message (the same SHA-256, or the same Message-ID from the same
// sender) delivered twice and taken in at once: the change is not made,
// and the intake reports the other run's decision, or a duplicate.
var ErrHandledElsewhere = errors.New("the message was handled by another run")
