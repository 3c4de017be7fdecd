package jira

import (
	"encoding/base64"
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sustain-cli/sustain/internal/lazyre"
	"github.com/sustain-cli/sustain/internal/problem"
)

// redactor removes credentials from text that came from the network (an
// error body, a header, a URL) before it is printed: a proxy or a Jira
// plugin may echo the Authorization header back.
type redactor struct {
	secrets []string // longest first, so an encoding goes before its parts
}

const redacted = "[REDACTED]"

func newRedactor(user, token string) redactor {
	var set []string
	add := func(s string) {
		if s != "" && !slices.Contains(set, s) {
			set = append(set, s)
		}
	}
	add(token)
	for _, s := range []string{token, user + ":" + token} {
		if user == "" && s != token {
			continue
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			add(enc.EncodeToString([]byte(s)))
		}
	}
	if user != "" {
		add(user + ":" + token)
	}
	slices.SortFunc(set, func(a, b string) int { return len(b) - len(a) })
	return redactor{secrets: set}
}

// authValue matches the value of any Authorization-style header a body
// echoes, ours or a proxy's; credential reports it as one.
var authValue = lazyre.New(`(?i)\b(bearer|basic|negotiate)(\s+|%20|\+)([A-Za-z0-9._~+/=%-]{16,})`)

// credential tells a token from a word: long, with a digit or padding.
func credential(v string) bool { return strings.ContainsAny(v, "0123456789=") }

func (r redactor) String(s string) string {
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return authValue.ReplaceAllStringFunc(s, func(m string) string {
		sub := authValue.FindStringSubmatch(m)
		if !credential(sub[3]) {
			return m
		}
		return sub[1] + " " + redacted
	})
}

// problem redacts an error's text and hint in place.
func (r redactor) problem(pe *problem.Error) *problem.Error {
	pe.Msg, pe.Hint = r.String(pe.Msg), r.String(pe.Hint)
	return pe
}

var (
	tags = lazyre.New(`<[^>]*>`)
	// hidden are the parts of an HTML page a browser does not show.
	hidden = lazyre.New(`(?is)<(script|style|head)\b.*?</(script|style|head)\s*>|<!--.*?-->`)
	title  = lazyre.New(`(?is)<title\b[^>]*>(.*?)</title\s*>`)
	h1     = lazyre.New(`(?is)<h1\b[^>]*>(.*?)</h1\s*>`)
)

// snippet is the start of a body that is not Jira's JSON (a proxy's HTML
// or text page), as one printable line; "" when it is not text. Of an
// HTML page it is the title and the first heading, else the visible text:
// never scripts or styles.
func snippet(body []byte) string {
	if len(body) == 0 || !utf8.Valid(body) {
		return ""
	}
	text := string(body[:min(len(body), 16384)])
	if looksHTML(text) {
		var parts []string
		for _, re := range []*lazyre.Regexp{title, h1} {
			if m := re.FindStringSubmatch(text); m != nil {
				if t := oneLine(html.UnescapeString(tags.ReplaceAllString(m[1], " "))); t != "" && !slices.Contains(parts, t) {
					parts = append(parts, t)
				}
			}
		}
		if len(parts) > 0 {
			text = strings.Join(parts, ": ")
		} else {
			text = html.UnescapeString(tags.ReplaceAllString(hidden.ReplaceAllString(text, " "), " "))
		}
	} else {
		text = tags.ReplaceAllString(text, " ")
	}
	text = oneLine(text)
	if utf8.RuneCountInString(text) > 200 {
		text = string([]rune(text)[:200]) + "…"
	}
	return text
}

func looksHTML(s string) bool {
	head := strings.ToLower(strings.TrimSpace(s[:min(len(s), 512)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") || strings.Contains(head, "<head") || strings.Contains(head, "<body")
}

// oneLine makes text printable on one line: control characters are
// spaces, runs of space one.
func oneLine(text string) string {
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	return strings.Join(strings.Fields(text), " ")
}
