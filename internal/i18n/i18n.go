// Package i18n is the message mechanism shared by every human-readable
// output: one catalogue per language (keys to fmt format strings) and
// plurals by the language's rules (1 обращение, 2 обращения, 5 обращений).
// JSON never goes through it: field names and codes do not change with the
// language.
package i18n

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Languages are the languages every catalogue speaks; the first is the
// default.
var Languages = []string{"en", "ru"}

// Default is the language when nothing chooses one.
const Default = "en"

// Valid reports whether lang is a known language.
func Valid(lang string) bool { return slices.Contains(Languages, lang) }

// Catalogue is a set of messages: per language, key → format string.
type Catalogue map[string]map[string]string

// Printer says the messages of a catalogue in one language. The zero
// Printer speaks English from an empty catalogue (keys print as themselves).
type Printer struct {
	Lang string
	cat  []Catalogue
	tag  language.Tag
}

// New is a printer of lang over the catalogues, looked up in order; an
// unknown language is an error.
func New(lang string, cats ...Catalogue) (Printer, error) {
	if !Valid(lang) {
		return Printer{}, fmt.Errorf("unknown language %q: use en or ru", lang)
	}
	return Printer{Lang: lang, cat: cats, tag: language.Make(lang)}, nil
}

// Must is New for a language already validated; an unknown one is English.
func Must(lang string, cats ...Catalogue) Printer {
	p, err := New(lang, cats...)
	if err != nil {
		p, _ = New(Default, cats...)
	}
	return p
}

func (p Printer) lookup(lang, key string) (string, bool) {
	for _, c := range p.cat {
		if s, ok := c[lang][key]; ok {
			return s, true
		}
	}
	return "", false
}

// Has reports whether key has a message in the printer's language.
func (p Printer) Has(key string) bool {
	_, ok := p.lookup(p.Lang, key)
	return ok
}

// T is the message for key formatted with args; a key missing in the
// language falls back to English, and one missing there is itself.
func (p Printer) T(key string, args ...any) string {
	s, ok := p.lookup(p.Lang, key)
	if !ok {
		if s, ok = p.lookup(Default, key); !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Form is the plural form of n in the printer's language: "one", "few",
// "many" or "other" (Russian: 1 one, 2–4 few, 5–20 many, 21 one, 22 few...).
func (p Printer) Form(n int) string {
	if n < 0 {
		n = -n
	}
	tag := p.tag
	if tag == (language.Tag{}) {
		tag = language.English
	}
	switch plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0) {
	case plural.One:
		return "one"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

// N is the message of noun for n with the language's plural form: the
// catalogue holds noun.one, noun.few, noun.many and noun.other (the last
// is required; the others fall back to it). The format gets n and then args.
func (p Printer) N(noun string, n int, args ...any) string {
	key := noun + "." + p.Form(n)
	if !p.Has(key) {
		key = noun + ".other"
	}
	return p.T(key, append([]any{n}, args...)...)
}

// List joins items with commas, cut after max with moreKey's message
// (given the number left out).
func (p Printer) List(items []string, max int, moreKey string) string {
	if max <= 0 || len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + " " + p.T(moreKey, len(items)-max)
}
