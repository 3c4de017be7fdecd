// Package mailtest builds e-mail messages for tests: customers' requests
// in any of the charsets Russian mail uses, with attachments of any size,
// so that a 50 MB message never has to be committed. Messages are
// deterministic: the same Message gives the same bytes.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// DefaultDate is the Date of a Message that sets none.
var DefaultDate = time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("MSK", 3*3600))

// Message is an e-mail to build. Zero fields are left out, except From,
// To and Date, which default to ivan@acme.test, support@desk.test and
// DefaultDate.
type Message struct {
	From       string // "Иван Петров <ivan@acme.test>" or a bare address
	To         []string
	Cc         []string
	Subject    string
	Body       string // UTF-8; written in Charset
	Charset    string // "" is UTF-8; windows-1251, koi8-r, cp866, iso-8859-5 ...
	MessageID  string // without angle brackets; "" writes no Message-ID
	InReplyTo  string
	References []string
	Date       time.Time
	// Headers are added as they are (sorted by name), e.g.
	// {"Auto-Submitted": "auto-replied"} or {"X-Loop": "support@desk.test"}.
	Headers     map[string]string
	Attachments []Attachment
}

// Attachment is a file of a Message, written in base64.
type Attachment struct {
	Name        string // may be Cyrillic: written as RFC 2231 UTF-8
	ContentType string // "" is application/octet-stream
	Data        []byte
	Inline      bool
	ContentID   string
}

// WithAttachment is a request from ivan@acme.test carrying one binary
// attachment "dump.bin" of size bytes (Blob(1, size)), for limit and
// memory tests.
func WithAttachment(size int) Message {
	return Message{
		From:        "Иван Петров <ivan@acme.test>",
		Subject:     "Большое вложение",
		Body:        "Дамп базы во вложении.",
		MessageID:   fmt.Sprintf("big.%d@mail.acme.test", size),
		Attachments: []Attachment{{Name: "dump.bin", Data: Blob(1, size)}},
	}
}

// Blob is n deterministic pseudo-random bytes: the same seed gives the
// same bytes, so tests can compare hashes.
func Blob(seed uint64, n int) []byte {
	var key [32]byte
	for i := range 8 {
		key[i] = byte(seed >> (8 * i))
	}
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(key).Read(b) // ChaCha8.Read never fails
	return b
}

// Bytes is the message as RFC 5322 bytes with CRLF line ends. A charset
// that cannot hold the text shows up as an error string in the body, so
// a wrong test fails rather than panics.
func (m Message) Bytes() []byte {
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		return []byte("X-Mailtest-Error: " + strings.ReplaceAll(err.Error(), "\n", " ") + "\r\n\r\n")
	}
	return b.Bytes()
}

// WriteTo writes the message.
func (m Message) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	err := m.write(cw)
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (m Message) write(w io.Writer) error {
	cs := m.Charset
	if cs == "" {
		cs = "utf-8"
	}
	enc, err := encodingFor(cs)
	if err != nil {
		return err
	}
	h := &headerWriter{}
	from := m.From
	if from == "" {
		from = "ivan@acme.test"
	}
	fromH, err := address(from)
	if err != nil {
		return err
	}
	h.add("From", fromH)
	to := m.To
	if len(to) == 0 {
		to = []string{"support@desk.test"}
	}
	if err := h.addresses("To", to); err != nil {
		return err
	}
	if err := h.addresses("Cc", m.Cc); err != nil {
		return err
	}
	if m.Subject != "" {
		s, err := word(enc, cs, m.Subject)
		if err != nil {
			return err
		}
		h.add("Subject", s)
	}
	date := m.Date
	if date.IsZero() {
		date = DefaultDate
	}
	h.add("Date", date.Format(time.RFC1123Z))
	if m.MessageID != "" {
		h.add("Message-ID", "<"+m.MessageID+">")
	}
	if m.InReplyTo != "" {
		h.add("In-Reply-To", "<"+m.InReplyTo+">")
	}
	if len(m.References) > 0 {
		h.add("References", "<"+strings.Join(m.References, "> <")+">")
	}
	names := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		h.add(k, m.Headers[k])
	}
	h.add("MIME-Version", "1.0")

	body, err := enc.NewEncoder().String(m.Body)
	if err != nil {
		return fmt.Errorf("mailtest: body in %s: %w", cs, err)
	}
	textHeader := textproto.MIMEHeader{}
	textHeader.Set("Content-Type", mime.FormatMediaType("text/plain", map[string]string{"charset": cs}))
	textHeader.Set("Content-Transfer-Encoding", "quoted-printable")

	if len(m.Attachments) == 0 {
		for k, v := range textHeader {
			h.add(k, v[0])
		}
		if _, err := io.WriteString(w, h.String()+"\r\n"); err != nil {
			return err
		}
		return writeQP(w, body)
	}
	mw := multipart.NewWriter(w)
	// A fixed boundary keeps the bytes deterministic; no body contains it
	// because every part is QP or base64.
	if err := mw.SetBoundary("=_mailtest_boundary_" + fmt.Sprint(len(m.Attachments))); err != nil {
		return err
	}
	h.add("Content-Type", "multipart/mixed; boundary=\""+mw.Boundary()+"\"")
	if _, err := io.WriteString(w, h.String()+"\r\n"); err != nil {
		return err
	}
	pw, err := mw.CreatePart(textHeader)
	if err != nil {
		return err
	}
	if err := writeQP(pw, body); err != nil {
		return err
	}
	for _, a := range m.Attachments {
		ph := textproto.MIMEHeader{}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		ph.Set("Content-Type", ct)
		disp := "attachment"
		if a.Inline {
			disp = "inline"
		}
		if a.Name != "" {
			disp = mime.FormatMediaType(disp, map[string]string{"filename": a.Name})
		}
		ph.Set("Content-Disposition", disp)
		if a.ContentID != "" {
			ph.Set("Content-ID", "<"+a.ContentID+">")
		}
		ph.Set("Content-Transfer-Encoding", "base64")
		pw, err := mw.CreatePart(ph)
		if err != nil {
			return err
		}
		if err := writeBase64(pw, a.Data); err != nil {
			return err
		}
	}
	return mw.Close()
}

func writeQP(w io.Writer, s string) error {
	q := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(q, s); err != nil {
		return err
	}
	if err := q.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\r\n")
	return err
}

// writeBase64 writes data in 76-character lines, a line at a time, so a
// 50 MB attachment needs no second copy in memory.
func writeBase64(w io.Writer, data []byte) error {
	const chunk = 57 // bytes per 76-character line
	line := make([]byte, base64.StdEncoding.EncodedLen(chunk)+2)
	for len(data) > 0 {
		n := min(chunk, len(data))
		k := base64.StdEncoding.EncodedLen(n)
		base64.StdEncoding.Encode(line, data[:n])
		line[k], line[k+1] = '\r', '\n'
		if _, err := w.Write(line[:k+2]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

type headerWriter struct{ b strings.Builder }

func (h *headerWriter) add(k, v string) { h.b.WriteString(k + ": " + v + "\r\n") }
func (h *headerWriter) String() string  { return h.b.String() }

func (h *headerWriter) addresses(k string, list []string) error {
	if len(list) == 0 {
		return nil
	}
	var out []string
	for _, a := range list {
		s, err := address(a)
		if err != nil {
			return err
		}
		out = append(out, s)
	}
	h.add(k, strings.Join(out, ", "))
	return nil
}

// address writes an address with its display name encoded (RFC 2047).
func address(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("mailtest: address %q: %w", s, err)
	}
	return a.String(), nil
}

// word encodes a header text as RFC 2047 words in charset cs.
func word(enc encoding.Encoding, cs, s string) (string, error) {
	b, err := enc.NewEncoder().String(s)
	if err != nil {
		return "", fmt.Errorf("mailtest: subject in %s: %w", cs, err)
	}
	if cs == "utf-8" {
		return mime.BEncoding.Encode("utf-8", s), nil
	}
	// mime.WordEncoder writes the bytes it gets under the label it gets.
	return mime.BEncoding.Encode(cs, b), nil
}

func encodingFor(cs string) (encoding.Encoding, error) {
	switch strings.ToLower(cs) {
	case "utf-8":
		return encoding.Nop, nil
	case "cp866", "ibm866", "866":
		return charmap.CodePage866, nil
	}
	e, err := htmlindex.Get(cs)
	if err != nil {
		return nil, fmt.Errorf("mailtest: charset %q: %w", cs, err)
	}
	return e, nil
}
