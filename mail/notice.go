package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Notice kinds, as ticket.Notice.Kind names them.
const (
	NoticeRegistration = "registration" // the number, the subject, the reaction deadline (A8, Q12)
	NoticeInformation  = "information"  // what the desk needs to know (A10)
	NoticeAnswer       = "answer"       // the answer, how to confirm or disagree, the auto-close date (Q14–Q15, A11–A12)
	NoticeClosure      = "closure"      // confirmed, withdrawn or automatic
	NoticeRefusal      = "refusal"      // to an unknown sender: how to get registered (Q10)
	NoticeMessage      = "message"      // a staff message on the request
)

// Closure reasons for NoticeData.Closure.
const (
	ClosureConfirmed = "confirmed"
	ClosureWithdrawn = "withdrawn"
	ClosureAutomatic = "automatic"
)

// NoticeKinds and NoticeLangs are what the embedded templates cover.
var (
	NoticeKinds = []string{NoticeRegistration, NoticeInformation, NoticeAnswer, NoticeClosure, NoticeRefusal, NoticeMessage}
	NoticeLangs = []string{"ru", "en"}
)

// NoticeData is what a notice template can say.
type NoticeData struct {
	Kind      string // one of NoticeKinds
	Lang      string // "ru" or "en"; "" is "ru", the regulations' language
	RequestID string // "SUP-123"; empty only for a refusal
	Subject   string // the request's subject (a refusal: the refused message's)
	Text      string // the answer, the question, the staff message, or an extra paragraph
	Customer  string // the customer's name for the greeting; may be empty
	Closure   string // ClosureConfirmed, ClosureWithdrawn or ClosureAutomatic
	Address   string // a refusal: the address that is not registered
	// ReactionDue is the reaction deadline (Q12); AutocloseAt the day the
	// request closes without a reply (Q15, A12). Shown in their own
	// location, so the caller passes them in the desk's time zone.
	ReactionDue time.Time
	AutocloseAt time.Time
	Desk        string // the desk's name for the signature
}

//go:embed templates/*.tmpl
var embedded embed.FS

// Templates are the notice templates: the embedded ones, each possibly
// replaced by a file of the same name from mail.templates_dir.
type Templates struct {
	byName map[string]*template.Template // "answer.ru.tmpl"
}

// LoadTemplates parses the embedded templates and, when dir is not "",
// lets every NAME.LANG.tmpl file there replace the embedded one of that
// name. A .tmpl file there that replaces nothing is an error, so that a
// misspelt override cannot silently be ignored.
func LoadTemplates(dir string) (*Templates, error) {
	t := &Templates{byName: map[string]*template.Template{}}
	ents, err := fs.ReadDir(embedded, "templates")
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		src, err := fs.ReadFile(embedded, "templates/"+e.Name())
		if err != nil {
			return nil, err
		}
		if err := t.add(e.Name(), string(src)); err != nil {
			return nil, err
		}
	}
	if dir == "" {
		return t, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.tmpl"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("mail.templates_dir: %w", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if _, ok := t.byName[name]; !ok {
			return nil, fmt.Errorf("mail.templates_dir: %s replaces no template (known: %s)", f, strings.Join(t.names(), ", "))
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := t.add(name, string(src)); err != nil {
			return nil, fmt.Errorf("mail.templates_dir: %w", err)
		}
	}
	return t, nil
}

func (t *Templates) names() []string {
	var out []string
	for n := range t.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (t *Templates) add(name, src string) error {
	lang := "ru"
	if parts := strings.Split(name, "."); len(parts) == 3 {
		lang = parts[1]
	}
	tpl, err := template.New(name).Option("missingkey=error").Funcs(dateFuncs(lang)).Parse(src)
	if err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	t.byName[name] = tpl
	return nil
}

// dateFuncs format dates the way each language writes them: Russian
// 02.01.2006, English 2 January 2006.
func dateFuncs(lang string) template.FuncMap {
	day, clock := "2 January 2006", "2 January 2006 15:04 MST"
	if lang == "ru" {
		day, clock = "02.01.2006", "02.01.2006 15:04 MST"
	}
	return template.FuncMap{
		"date":     func(t time.Time) string { return t.Format(day) },
		"datetime": func(t time.Time) string { return t.Format(clock) },
	}
}

// Render writes a notice: the template's first line is "Subject: ...",
// then an empty line, then the body. Every subject but a refusal's starts
// with the request tag, added if an overriding template left it out,
// because the customer's reply is threaded by it.
func (t *Templates) Render(d NoticeData) (subject, body string, err error) {
	if d.Lang == "" {
		d.Lang = "ru"
	}
	if d.Kind != NoticeRefusal && d.RequestID == "" {
		return "", "", fmt.Errorf("notice %s: no request number", d.Kind)
	}
	name := d.Kind + "." + d.Lang + ".tmpl"
	tpl, ok := t.byName[name]
	if !ok {
		return "", "", fmt.Errorf("no notice template %s (kinds %s, languages %s)", name,
			strings.Join(NoticeKinds, ", "), strings.Join(NoticeLangs, ", "))
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, d); err != nil {
		return "", "", fmt.Errorf("notice %s: %w", name, err)
	}
	out := strings.ReplaceAll(b.String(), "\r\n", "\n")
	head, rest, _ := strings.Cut(out, "\n")
	s, ok := strings.CutPrefix(head, "Subject:")
	if !ok {
		return "", "", fmt.Errorf("notice %s: the first line must be \"Subject: ...\"", name)
	}
	subject = strings.Join(strings.Fields(s), " ")
	if d.Kind != NoticeRefusal {
		tag := "[" + d.RequestID + "]"
		if !strings.HasPrefix(subject, tag) {
			subject = strings.TrimSpace(tag + " " + subject)
		}
	}
	body = strings.TrimLeft(rest, "\n")
	body = strings.TrimRight(body, " \n") + "\n"
	return subject, body, nil
}

// NoticeHeader is the envelope of an outgoing notice.
type NoticeHeader struct {
	From      string   // "Support <support@desk.test>" or a bare address
	To        []string // the customer's addresses
	MessageID string   // with or without angle brackets, e.g. "sup-123.4@desk.test"
	// InReplyTo and References thread the notice under the customer's
	// message in their mail client.
	InReplyTo  string
	References []string
	// Automatic notices (registration, closure by time, refusal) carry
	// Auto-Submitted: auto-replied, so well-behaved robots do not answer.
	Automatic bool
	LoopID    string // our X-Loop value; a message carrying it is ours
	Date      time.Time
}

const maxReferences = 10

// BuildNotice writes a notice as RFC 5322 bytes (UTF-8, quoted-printable)
// with go-mail. Every notice carries X-Auto-Response-Suppress: All so that
// Exchange does not answer it with an out-of-office.
func BuildNotice(h NoticeHeader, subject, body string) ([]byte, error) {
	switch {
	case h.From == "":
		return nil, errors.New("notice: no From address")
	case len(h.To) == 0:
		return nil, errors.New("notice: no recipient")
	case strings.Trim(h.MessageID, "<> ") == "":
		return nil, errors.New("notice: no Message-ID")
	case h.Date.IsZero():
		return nil, errors.New("notice: no Date")
	}
	m := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	if err := m.From(h.From); err != nil {
		return nil, fmt.Errorf("notice: From %q: %w", h.From, err)
	}
	if err := m.To(h.To...); err != nil {
		return nil, fmt.Errorf("notice: To %q: %w", h.To, err)
	}
	m.Subject(subject)
	m.SetMessageIDWithValue(strings.Trim(h.MessageID, "<> "))
	m.SetDateWithValue(h.Date)
	if id := strings.Trim(h.InReplyTo, "<> "); id != "" {
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+id+">")
	}
	var refs []string
	for _, r := range h.References {
		if id := strings.Trim(r, "<> "); id != "" {
			refs = append(refs, "<"+id+">")
		}
	}
	if len(refs) > maxReferences {
		// A long thread would make an endless header; RFC 5322 keeps the
		// first (the thread's root) and the most recent ones.
		refs = append(refs[:1:1], refs[len(refs)-maxReferences+1:]...)
	}
	if len(refs) > 0 {
		m.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	if h.Automatic {
		m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-replied")
	}
	m.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	if h.LoopID != "" {
		m.SetGenHeader(gomail.Header("X-Loop"), h.LoopID)
	}
	m.SetBodyString(gomail.TypeTextPlain, body)
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("notice: %w", err)
	}
	return b.Bytes(), nil
}
