package mail

// Stand-ins for the parser engineer's helpers, until that branch lands.

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"time"
)

var DefaultConfirmWords = []string{"подтверждаю", "confirm", "confirmed"}

var replyPrefix = regexp.MustCompile(`(?i)^\s*(re|fwd?|aw|wg|vs|sv|ответ|отв|пересл)\s*(\[\d+\])?\s*:\s*`)

func StripPrefixes(s string) string {
	s = strings.TrimSpace(s)
	for {
		t := replyPrefix.ReplaceAllString(s, "")
		if t == s {
			return s
		}
		s = strings.TrimSpace(t)
	}
}

func FindTag(subject, prefix string) (string, bool) {
	re := regexp.MustCompile(`(?i)\[(` + regexp.QuoteMeta(prefix) + `-[1-9][0-9]*)\]`)
	m := re.FindStringSubmatch(subject)
	if m == nil {
		return "", false
	}
	return strings.ToUpper(m[1]), true
}

func IsConfirmation(text string, words []string) bool {
	for _, line := range strings.Split(text, "\n") {
		line = strings.Trim(strings.TrimSpace(line), ".!,")
		if line == "" {
			continue
		}
		for _, w := range words {
			if strings.EqualFold(line, w) {
				return true
			}
		}
		return false
	}
	return false
}

func StripQuoted(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

type Templates struct{}

func LoadTemplates(dir string) (*Templates, error) { return &Templates{}, nil }

type NoticeData struct {
	Kind, Lang, RequestID, Subject, Text, Customer, Closure string
	ReactionDue                                             time.Time
	AutocloseAt                                             *time.Time
	Desk                                                    string
}

func (t *Templates) Render(d NoticeData) (string, string, error) {
	subject := d.Subject
	if d.RequestID != "" {
		subject = "[" + d.RequestID + "] " + d.Subject
	}
	body := d.Kind + "\n\n" + d.Text
	if !d.ReactionDue.IsZero() {
		body += "\nreaction due " + d.ReactionDue.Format("2006-01-02 15:04")
	}
	if d.AutocloseAt != nil {
		body += "\nauto-close " + d.AutocloseAt.Format("2006-01-02 15:04")
	}
	return subject, body + "\n", nil
}

type NoticeHeader struct {
	From, To, MessageID, InReplyTo string
	References                     []string
	Automatic                      bool
	LoopID                         string
	Date                           time.Time
}

func BuildNotice(h NoticeHeader, subject, body string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\n", h.From, h.To,
		mime.BEncoding.Encode("utf-8", subject), h.MessageID, h.Date.Format(time.RFC1123Z))
	if h.InReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\n", h.InReplyTo)
	}
	if len(h.References) > 0 {
		fmt.Fprintf(&b, "References: <%s>\r\n", strings.Join(h.References, "> <"))
	}
	if h.Automatic {
		b.WriteString("Auto-Submitted: auto-replied\r\n")
	}
	fmt.Fprintf(&b, "X-Auto-Response-Suppress: All\r\nX-Loop: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", h.LoopID)
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return b.Bytes(), nil
}
