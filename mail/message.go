package mail

import "time"

// Message is an inbound e-mail as the intake sees it. Everything that is
// text is valid UTF-8, whatever the message's charsets were.
type Message struct {
	// MessageID is the first Message-ID header without angle brackets, ""
	// when the message has none. MessageIDs has every one (some mailers
	// write two).
	MessageID  string
	MessageIDs []string
	// From is the bare lower-case address of the From header: the only
	// header that identifies the sender (Q10). Reply-To and Sender never do.
	From     string
	FromName string
	To, Cc   []string // bare lower-case addresses
	Subject  string   // decoded
	Date     time.Time
	// InReplyTo and References are message IDs without angle brackets.
	InReplyTo  []string
	References []string
	// Text is the body as plain text: text/plain preferred, HTML-only mail
	// turned into readable text.
	Text        string
	Attachments []Attachment
	// Machine is why this is machine mail ("" for a person's message). Such
	// a message never opens a request, never counts as a reply and never
	// gets a notice.
	Machine MachineKind
	// MachineReason is the header (or sender) that made it machine mail,
	// e.g. "Auto-Submitted: auto-replied", for the intake log.
	MachineReason string
	// Report is set for a delivery status notification (a bounce) that
	// says a message failed; nil for a delay warning or an unreadable one.
	Report *DeliveryReport
	// Warnings are things the parser repaired (an undeclared charset, a
	// truncated MIME part); the message is still usable.
	Warnings []string
}

// Attachment is a file that came with a message, byte for byte. A
// forwarded message/rfc822 part is an attachment too (NAME.eml).
type Attachment struct {
	Name        string // decoded (RFC 2047 / RFC 2231), never empty
	ContentType string
	Data        []byte
	Inline      bool
}

// MachineKind says why a message was sent by a machine.
type MachineKind string

const (
	Human     MachineKind = ""
	AutoReply MachineKind = "auto-reply" // Auto-Submitted, X-Autoreply, out-of-office, Precedence, lists
	Bounce    MachineKind = "bounce"     // a delivery report, MAILER-DAEMON, empty Return-Path
	Loop      MachineKind = "loop"       // our own X-Loop header: a notice of ours came back
)

// DeliveryReport is what a bounce says about the message it bounces.
type DeliveryReport struct {
	// OriginalMessageID is the bounced message's Message-ID, from the
	// report's message/rfc822 or text/rfc822-headers part, or from the text.
	OriginalMessageID string
	// Failed are the recipients the report says were not reached. A
	// report that only warns of a delay ("Action: delayed") gives no
	// DeliveryReport at all: the notice may still arrive.
	Failed []string
	// Status is the failed recipients' status and diagnostic, for people.
	Status string
}
