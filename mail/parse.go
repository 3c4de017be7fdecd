package mail

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/mediatype"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"

	"github.com/sustain-cli/sustain/internal/lazyre"
)

// ParseOptions are the limits and identity a parse needs.
type ParseOptions struct {
	// MaxAttachmentBytes is the largest attachment kept; 0 means no limit.
	// A bigger one makes Parse return *TooLargeError so the intake can
	// quarantine the message with the reason instead of losing part of it.
	MaxAttachmentBytes int64
	// LoopID is the value of our own X-Loop header; a message carrying it
	// is one of our notices coming back (Machine = Loop).
	LoopID string
	// MaxParts is the most MIME parts a message may have; 0 means
	// DefaultMaxParts. Over it Parse refuses the message unparsed.
	MaxParts int
	// Limit, when its message was cut (Over), makes Parse refuse the kept
	// start with Limit.Reason: a part of a message must not be decided as
	// if it were the whole.
	Limit *MessageLimit
}

// ParseError says a message could not be read at all. The intake
// quarantines such a message; its raw bytes are already stored.
type ParseError struct {
	Reason string
	// plain drops "cannot parse message" from Error: the reason says
	// what happened to a message that was not even read whole.
	plain bool
	// panicked marks a failure of the parser itself, which the fuzz test
	// must see even though Parse recovers from it.
	panicked bool
}

func (e *ParseError) Error() string {
	if e.plain {
		return "mail: " + e.Reason
	}
	return "mail: cannot parse message: " + e.Reason
}

// TooLargeError says an attachment is above ParseOptions.MaxAttachmentBytes.
type TooLargeError struct {
	Name  string
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("mail: attachment %q is %d bytes, above the limit of %d", e.Name, e.Size, e.Limit)
}

// fallbackCharset is what undeclared 8-bit text is read as: Russian mail
// without a charset label is nearly always Windows-1251.
const fallbackCharset = "windows-1251"

// Parse reads an RFC 5322 message into a Message.
//
// Every text field of the result is valid UTF-8. Text without a charset
// declaration is kept when it is valid UTF-8, otherwise read as the
// message's declared body charset, otherwise as Windows-1251; each repair
// is listed in Warnings.
//
// A truncated MIME structure (a boundary never closed, a part cut short)
// is parsed as far as it goes: whatever was read is kept and a Warning says
// the message was truncated. Refusing it would lose a customer's text the
// intake can still show; the raw bytes stay stored either way.
//
// Parse never panics: a message it cannot read at all is a *ParseError.
func Parse(raw []byte, opts ParseOptions) (*Message, error) {
	return ParseFrom(func() io.Reader { return bytes.NewReader(raw) }, opts)
}

// ParseFrom is Parse of a message read from open, which gives a new reader
// of the same bytes on each call (the message is read again only for a
// text attachment kept in its own charset). The message itself is never
// held whole: a large one read from the store costs the parse alone.
func ParseFrom(open func() io.Reader, opts ParseOptions) (m *Message, err error) {
	defer func() {
		// enmime is a large parser fed with hostile input; a bug in it
		// must quarantine one message, not stop the desk.
		if r := recover(); r != nil {
			m, err = nil, &ParseError{Reason: fmt.Sprintf("parser failure: %v", r), panicked: true}
		}
	}()
	if opts.Limit.Over() {
		return nil, &ParseError{Reason: opts.Limit.Reason(), plain: true}
	}
	if blank(open()) {
		return nil, &ParseError{Reason: "empty message"}
	}
	maxParts := cmp.Or(opts.MaxParts, DefaultMaxParts)
	if countParts(open(), maxParts) > maxParts {
		return nil, tooManyParts(maxParts)
	}
	p := enmime.NewParser(
		enmime.SkipMalformedParts(true),
		enmime.MultipartWOBoundaryAsSinglePart(true),
		enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
		// Guessing a charset from 100 runes confuses KOI8-R and
		// Windows-1251; a declared charset is trusted and an undeclared
		// one is decided here (fixParts).
		enmime.DisableCharacterDetection(true),
		enmime.MinCharsetDetectRunes(math.MaxInt),
		enmime.SetCustomParseMediaType(parseMediaType),
	)
	root, err := p.ReadParts(open())
	if err != nil {
		return nil, &ParseError{Reason: err.Error()}
	}
	hdr := root.Header
	if len(hdr) == 0 {
		return nil, &ParseError{Reason: "no header"}
	}
	m = &Message{}
	bodyCharset := declaredCharset(root)
	fixParts(root, bodyCharset, m)
	env, err := p.EnvelopeFromPart(root)
	if err != nil {
		return nil, &ParseError{Reason: err.Error()}
	}

	head := headerReader{h: hdr, charset: bodyCharset}
	for _, v := range head.rawAll("Message-Id") {
		m.MessageIDs = append(m.MessageIDs, messageIDs(v)...)
	}
	if len(m.MessageIDs) > 0 {
		m.MessageID = m.MessageIDs[0]
	}
	from, err := head.sender()
	if err != nil {
		return nil, err
	}
	m.From, m.FromName = from.Address, from.Name
	for _, a := range head.addresses("To") {
		m.To = append(m.To, a.Address)
	}
	for _, a := range head.addresses("Cc") {
		m.Cc = append(m.Cc, a.Address)
	}
	m.Subject = cleanLine(head.text("Subject"))
	if d := head.raw("Date"); d != "" {
		if t, err := netmail.ParseDate(d); err == nil {
			m.Date = t
		} else {
			m.Warnings = append(m.Warnings, "unreadable Date header: "+validUTF8(d))
		}
	}
	for _, v := range head.rawAll("In-Reply-To") {
		m.InReplyTo = append(m.InReplyTo, messageIDs(v)...)
	}
	for _, v := range head.rawAll("References") {
		m.References = append(m.References, messageIDs(v)...)
	}
	m.Text = strings.TrimSpace(validUTF8(normalizeNewlines(env.Text)))

	if err := collectAttachments(root, open, bodyCharset, m, opts); err != nil {
		return nil, err
	}
	for _, e := range env.Errors {
		if w := enmimeWarning(e); w != "" {
			m.Warnings = append(m.Warnings, w)
		}
	}
	m.Machine, m.MachineReason = detectMachine(head, root, m, opts)
	if m.Machine == Bounce {
		m.Report = deliveryReport(root, m)
	}
	return m, nil
}

// parseMediaType is enmime's own media-type parser with one change: a
// "us-ascii" label is dropped, because enmime reads it as Windows-1252 and
// 8-bit Russian text labelled us-ascii is really undeclared (fixParts).
func parseMediaType(ctype string) (string, map[string]string, []string, error) {
	mt, params, invalid, err := mediatype.Parse(ctype)
	if cs, ok := params["charset"]; ok {
		switch strings.ToLower(strings.TrimSpace(cs)) {
		case "us-ascii", "ascii", "":
			delete(params, "charset")
		}
	}
	return mt, params, invalid, err
}

// declaredCharset is the first charset declared by a text part: the best
// guess for raw 8-bit headers, which the same mailer wrote.
func declaredCharset(root *enmime.Part) string {
	var cs string
	root.DepthMatchFirst(func(p *enmime.Part) bool {
		if strings.HasPrefix(p.ContentType, "text/") && p.Charset != "" && encodingFor(p.Charset) != nil {
			cs = p.Charset
			return true
		}
		return false
	})
	return cs
}

// fixParts makes the content of every inline text part valid UTF-8 before
// enmime picks the body. enmime leaves undeclared text as raw bytes (we
// disabled its guessing) and declared-but-wrong text as it was.
func fixParts(root *enmime.Part, bodyCharset string, m *Message) {
	root.DepthMatchAll(func(p *enmime.Part) bool {
		if !strings.HasPrefix(p.ContentType, "text/") && p.ContentType != "" {
			return false
		}
		if p.FirstChild != nil || isAttachment(p) {
			return false
		}
		if utf8.Valid(p.Content) {
			if p.Charset == "" {
				markUTF8(p)
			}
			return false
		}
		cs := fallbackCharset
		if p.Charset == "" {
			if meta := htmlCharset(p); meta != "" {
				cs = meta
			} else if bodyCharset != "" {
				cs = bodyCharset
			}
			m.Warnings = append(m.Warnings, fmt.Sprintf("part %s: no charset declared, read as %s", p.PartID, cs))
		} else {
			m.Warnings = append(m.Warnings, fmt.Sprintf("part %s: not valid %s, read as %s", p.PartID, p.Charset, cs))
		}
		p.Content = []byte(decodeCharset(cs, p.Content))
		markUTF8(p)
		return false
	})
}

var metaCharset = lazyre.New(`(?i)<meta[^>]*charset\s*=\s*["']?\s*([a-z0-9_.:-]+)`)

// htmlCharset is the charset an HTML part names in its <meta> tag, when
// x/text knows it.
func htmlCharset(p *enmime.Part) string {
	if p.ContentType != "text/html" {
		return ""
	}
	head := p.Content
	if len(head) > 4096 {
		head = head[:4096]
	}
	if mt := metaCharset.FindSubmatch(head); mt != nil && encodingFor(string(mt[1])) != nil {
		return string(mt[1])
	}
	return ""
}

// markUTF8 declares a part's content UTF-8 once it is, so that enmime
// does not convert it a second time from a <meta> charset.
func markUTF8(p *enmime.Part) {
	mt, params, _, err := parseMediaType(headerGet(p.Header, "Content-Type"))
	if err != nil || mt == "" {
		mt, params = "text/plain", map[string]string{}
	}
	if params == nil {
		params = map[string]string{}
	}
	params["charset"] = "utf-8"
	if p.Header == nil {
		p.Header = textproto.MIMEHeader{}
	}
	p.Header.Set("Content-Type", mime.FormatMediaType(mt, params))
	p.Charset = "utf-8"
}

// isAttachment says whether a leaf part is a file rather than the body.
func isAttachment(p *enmime.Part) bool {
	if p.FirstChild != nil || strings.HasPrefix(p.ContentType, "multipart/") {
		return false
	}
	if p.Disposition == "attachment" || p.FileName != "" {
		return true
	}
	switch p.ContentType {
	case "text/plain", "text/html", "":
		return false
	case "message/delivery-status", "message/global-delivery-status", "message/disposition-notification":
		// Read by deliveryReport; kept as a file it would only be noise.
		return false
	}
	return true
}

func collectAttachments(root *enmime.Part, open func() io.Reader, charset string, m *Message, opts ParseOptions) error {
	var tooBig error
	var original map[string][]byte
	n := 0
	root.DepthMatchAll(func(p *enmime.Part) bool {
		if tooBig != nil || !isAttachment(p) {
			return false
		}
		n++
		data := p.Content
		if convertedText(p) {
			if original == nil {
				original = originalBytes(open())
			}
			if b, ok := original[p.PartID]; ok {
				data = b
			} else {
				m.Warnings = append(m.Warnings, fmt.Sprintf("part %s: text attachment kept converted to UTF-8", p.PartID))
			}
		}
		a := Attachment{
			Name:        attachmentName(p, n, charset),
			ContentType: p.ContentType,
			Data:        data,
			Inline:      p.Disposition == "inline" || p.Disposition == "" && p.ContentID != "",
		}
		if a.ContentType == "" {
			a.ContentType = "application/octet-stream"
		}
		if opts.MaxAttachmentBytes > 0 && int64(len(a.Data)) > opts.MaxAttachmentBytes {
			tooBig = &TooLargeError{Name: a.Name, Size: int64(len(a.Data)), Limit: opts.MaxAttachmentBytes}
			return false
		}
		m.Attachments = append(m.Attachments, a)
		return false
	})
	return tooBig
}

// convertedText says enmime turned an attachment's bytes into UTF-8: a
// text file in a declared non-UTF-8 charset.
func convertedText(p *enmime.Part) bool {
	cs := strings.ToLower(p.Charset)
	return strings.HasPrefix(p.ContentType, "text/") && cs != "" && cs != "utf-8" && cs != "utf8"
}

// originalBytes reads every part's content again without charset
// conversion, so a text attachment is kept byte for byte. Only the
// transfer encoding is undone, by the standard decoders.
func originalBytes(raw io.Reader) map[string][]byte {
	out := map[string][]byte{}
	p := enmime.NewParser(enmime.SkipMalformedParts(true), enmime.MultipartWOBoundaryAsSinglePart(true),
		enmime.RawContent(true), enmime.SetCustomParseMediaType(parseMediaType))
	root, err := p.ReadParts(raw)
	if err != nil {
		return out
	}
	root.DepthMatchAll(func(p *enmime.Part) bool {
		if !convertedText(p) {
			return false
		}
		var r io.Reader = bytes.NewReader(p.Content)
		switch strings.ToLower(strings.TrimSpace(headerGet(p.Header, "Content-Transfer-Encoding"))) {
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, newlineStripper{r})
		case "quoted-printable":
			r = quotedprintable.NewReader(r)
		}
		if b, err := io.ReadAll(r); err == nil {
			out[p.PartID] = b
		}
		return false
	})
	return out
}

// blank reports whether r holds nothing but white space, reading only as
// far as the first byte that is not.
func blank(r io.Reader) bool {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if len(bytes.TrimSpace(buf[:n])) > 0 {
			return false
		}
		if err != nil {
			return true
		}
	}
}

// newlineStripper drops line breaks so base64.StdEncoding accepts the
// wrapped lines of a MIME part.
type newlineStripper struct{ r io.Reader }

func (s newlineStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// attachmentName decodes a part's file name (RFC 2047, RFC 2231 in any
// charset, raw 8-bit) and invents one when the sender gave none, so that
// every kept file can be saved and shown.
func attachmentName(p *enmime.Part, n int, charset string) string {
	name := p.FileName
	// Go's mime package turns raw 8-bit bytes into U+FFFD; read those
	// names again from the header.
	if name == "" || !utf8.ValidString(name) || strings.ContainsRune(name, utf8.RuneError) {
		if s := rfc2231Name(p, charset); s != "" {
			name = s
		}
	}
	if name == "" && p.ContentType == "message/rfc822" {
		name = forwardedName(p.Content)
	}
	name = safeFileName(name)
	if name == "" {
		name = fmt.Sprintf("attachment-%d%s", n, extensionFor(p.ContentType))
	}
	return name
}

// rfc2231Name reads filename*= / name*= parameters in charsets Go's mime
// package refuses (it knows only UTF-8 and US-ASCII), and raw 8-bit names,
// which are read in the message's charset like raw 8-bit headers.
func rfc2231Name(p *enmime.Part, charset string) string {
	if charset == "" {
		charset = fallbackCharset
	}
	for _, h := range []string{"Content-Disposition", "Content-Type"} {
		v := headerGet(p.Header, h)
		if v == "" {
			continue
		}
		if !utf8.ValidString(v) {
			v = decodeCharset(charset, []byte(v))
		}
		for _, key := range []string{"filename", "name"} {
			if s := ext2231(v, key); s != "" {
				return s
			}
		}
		if _, params, _, err := mediatype.Parse(v); err == nil {
			for _, key := range []string{"filename", "name"} {
				if s := params[key]; s != "" {
					return decodeWords(s)
				}
			}
		}
	}
	return ""
}

var ext2231Re = lazyre.New(`(?i)(?:^|;)\s*([a-z]+)\*(\d+)?\*?=\s*"?([^";]*)"?`)

// ext2231 joins the RFC 2231 continuations of one parameter and decodes
// them with the charset named in the first one.
func ext2231(v, key string) string {
	var charset string
	var raw []byte
	found := false
	for _, mt := range ext2231Re.FindAllStringSubmatch(v, -1) {
		if !strings.EqualFold(mt[1], key) {
			continue
		}
		val := mt[3]
		if !found {
			found = true
			if cs, rest, ok := strings.Cut(val, "'"); ok {
				if _, rest2, ok := strings.Cut(rest, "'"); ok {
					charset, val = cs, rest2
				}
			}
		}
		raw = append(raw, percentDecode(val)...)
	}
	if !found {
		return ""
	}
	if charset == "" || strings.EqualFold(charset, "utf-8") {
		if utf8.Valid(raw) {
			return string(raw)
		}
		charset = fallbackCharset
	}
	return decodeCharset(charset, raw)
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// forwardedName names a forwarded message after its subject.
func forwardedName(raw []byte) string {
	h, err := enmime.ReadHeader(bufio.NewReader(bytes.NewReader(raw)), discardErrors{})
	if err != nil {
		return "message.eml"
	}
	hr := headerReader{h: h}
	s := safeFileName(cleanLine(hr.text("Subject")))
	if s == "" {
		s = "message"
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80])
	}
	return s + ".eml"
}

// safeFileName removes what no file system accepts and what would let a
// name climb out of a directory.
func safeFileName(s string) string {
	s = validUTF8(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|':
			return '_'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	s = strings.Trim(s, ".")
	return strings.TrimSpace(s)
}

func extensionFor(ct string) string {
	switch ct {
	case "image/png":
		return ".png"
	case "image/jpeg", "image/jpg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "text/plain", "text/rfc822-headers":
		return ".txt"
	case "text/html":
		return ".html"
	case "message/rfc822":
		return ".eml"
	case "application/ms-tnef", "application/vnd.ms-tnef":
		return ".dat"
	case "application/pdf":
		return ".pdf"
	}
	return ".bin"
}

// enmimeWarning turns a parser note into a Warning; notes that describe
// ordinary mail (HTML-only, a part without Content-Type) are dropped.
func enmimeWarning(e *enmime.Error) string {
	switch e.Name {
	case enmime.ErrorPlainTextFromHTML, enmime.ErrorMissingContentType:
		return ""
	case enmime.ErrorMissingBoundary:
		return "truncated MIME structure, parsed as far as it goes: " + validUTF8(e.Detail)
	}
	return validUTF8(e.Name + ": " + e.Detail)
}

type discardErrors struct{}

func (discardErrors) AddError(string, string, ...any)   {}
func (discardErrors) AddWarning(string, string, ...any) {}

// headerReader reads header fields as UTF-8, repairing raw 8-bit values
// with the message's charset before decoding RFC 2047 words.
type headerReader struct {
	h       textproto.MIMEHeader
	charset string
}

func headerGet(h textproto.MIMEHeader, name string) string {
	if v := headerAll(h, name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// headerAll is case-insensitive whatever canonical form the parser chose
// ("Message-Id" or "Message-ID").
func headerAll(h textproto.MIMEHeader, name string) []string {
	var out []string
	for k, v := range h {
		if strings.EqualFold(k, name) {
			out = append(out, v...)
		}
	}
	return out
}

func (r headerReader) rawAll(name string) []string { return headerAll(r.h, name) }
func (r headerReader) raw(name string) string      { return strings.TrimSpace(headerGet(r.h, name)) }

// text is a header decoded to UTF-8.
func (r headerReader) text(name string) string {
	return decodeWords(r.to8(r.raw(name)))
}

func (r headerReader) to8(v string) string {
	if utf8.ValidString(v) {
		return v
	}
	cs := r.charset
	if cs == "" {
		cs = fallbackCharset
	}
	return decodeCharset(cs, []byte(v))
}

// sender is the one mailbox of the one From header. From decides who may
// open and confirm (Q10, A12), so it is read strictly: a header that does
// not parse as exactly one mailbox is refused, never guessed at, since any
// guess lets a display name such as "ivan@acme.test <evil@x.test>" pose
// as a registered sender.
func (r headerReader) sender() (*netmail.Address, error) {
	vals := r.rawAll("From")
	switch {
	case len(vals) == 0 || len(vals) == 1 && strings.TrimSpace(vals[0]) == "":
		return nil, &ParseError{Reason: "no From address"}
	case len(vals) > 1:
		return nil, &ParseError{Reason: fmt.Sprintf("From cannot be read: %d From headers", len(vals))}
	}
	v := strings.TrimSpace(r.to8(vals[0]))
	// net/mail decodes RFC 2047 words only in the display name, so an
	// encoded word can never become the address.
	list, err := (&netmail.AddressParser{WordDecoder: wordDecoder}).ParseList(v)
	if err != nil {
		return nil, &ParseError{Reason: "From cannot be read: " + validUTF8(err.Error()) + ": " + validUTF8(v)}
	}
	if len(list) != 1 {
		return nil, &ParseError{Reason: fmt.Sprintf("From cannot be read: %d addresses, want one: %s", len(list), validUTF8(v))}
	}
	a := list[0]
	a.Address = strings.ToLower(strings.TrimSpace(validUTF8(a.Address)))
	a.Name = cleanLine(validUTF8(a.Name))
	if a.Address == "" || strings.Contains(a.Address, "=?") {
		return nil, &ParseError{Reason: "From cannot be read: " + validUTF8(v)}
	}
	return a, nil
}

// addresses parses an address header; names are decoded, addresses are
// bare and lower-case. An unparsable header still yields the addresses
// that can be found in it: To and Cc are only shown, never trusted.
func (r headerReader) addresses(name string) []*netmail.Address {
	var out []*netmail.Address
	for _, v := range r.rawAll(name) {
		v = r.to8(v)
		list, err := enmime.ParseAddressList(v)
		if err != nil {
			list = nil
			for _, a := range addrRe.FindAllString(v, -1) {
				list = append(list, &netmail.Address{Address: a})
			}
		}
		for _, a := range list {
			a.Address = strings.ToLower(strings.TrimSpace(validUTF8(a.Address)))
			a.Name = cleanLine(validUTF8(a.Name))
			if a.Address != "" {
				out = append(out, a)
			}
		}
	}
	return out
}

var addrRe = lazyre.New(`[^\s<>"',;()]+@[^\s<>"',;()]+`)

var wordDecoder = newWordDecoder()

func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return validUTF8(s)
	}
	out, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return validUTF8(s)
	}
	return validUTF8(out)
}

var idRe = lazyre.New(`<([^<>\s]+)>`)

// messageIDs reads message IDs from a Message-ID, In-Reply-To or
// References value, without angle brackets; a bare ID without brackets
// (some mailers write one) is taken as it is.
func messageIDs(v string) []string {
	v = validUTF8(v)
	var out []string
	for _, mt := range idRe.FindAllStringSubmatch(v, -1) {
		out = append(out, mt[1])
	}
	if len(out) == 0 {
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") {
				out = append(out, strings.Trim(f, "<>,;"))
			}
		}
	}
	return out
}

// HeaderMessageID reads only the header of raw and returns its first
// Message-ID without angle brackets, "" when there is none: enough to
// find a duplicate before paying for a full parse.
func HeaderMessageID(raw []byte) (id string) {
	defer func() {
		if recover() != nil {
			id = "" // see Parse: hostile input must not stop the desk
		}
	}()
	end := bytes.Index(raw, []byte("\n\n"))
	if e2 := bytes.Index(raw, []byte("\r\n\r\n")); e2 >= 0 && (end < 0 || e2 < end) {
		end = e2
	}
	if end >= 0 {
		raw = raw[:end+1]
	}
	h, err := enmime.ReadHeader(bufio.NewReader(bytes.NewReader(raw)), discardErrors{})
	if err != nil {
		return ""
	}
	for _, v := range headerAll(h, "Message-Id") {
		if ids := messageIDs(v); len(ids) > 0 {
			return ids[0]
		}
	}
	return ""
}

func encodingFor(name string) encoding.Encoding {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "cp866", "866", "ibm866", "csibm866":
		return charmap.CodePage866
	case "utf-8", "utf8":
		return encoding.Nop
	}
	e, err := htmlindex.Get(name)
	if err != nil {
		return nil
	}
	return e
}

// decodeCharset turns bytes in a named charset into UTF-8; an unknown
// charset falls back to Windows-1251.
func decodeCharset(name string, b []byte) string {
	e := encodingFor(name)
	if e == nil || e == encoding.Nop {
		if utf8.Valid(b) {
			return string(b)
		}
		e = charmap.Windows1251
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return validUTF8(string(out))
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// cleanLine folds a header value onto one line.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// newWordDecoder decodes RFC 2047 words in every charset x/text knows,
// CP866 and KOI8-R included.
func newWordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: func(cs string, in io.Reader) (io.Reader, error) {
		e := encodingFor(cs)
		if e == nil {
			return nil, fmt.Errorf("unknown charset %q", cs)
		}
		return e.NewDecoder().Reader(in), nil
	}}
}
