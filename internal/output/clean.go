package output

import (
	"strings"
	"unicode/utf8"
)

// Text read from customers, Jira and e-mail reaches the terminal through
// here. A terminal obeys control characters: ESC and CSI start sequences that
// move the cursor, rewrite the screen, set the window title or (OSC 8, OSC 52)
// plant links and clipboard contents. So every human output replaces them by
// something visible and inert; --json keeps the data as is (JSON escapes it).

// Line makes s safe for one line of a table or a message: control
// characters become visible (ESC is "^[", DEL "^?", C1 and invalid UTF-8
// U+FFFD), tabs and line breaks become spaces.
func Line(s string) string { return clean(s, false) }

// Text is Line for text meant to span lines: newlines are kept (a CRLF or a
// lone CR becomes one), every other control character is replaced as Line
// does.
func Text(s string) string { return clean(s, true) }

func clean(s string, multiline bool) string {
	if isClean(s) {
		return s // the common case costs no allocation
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			// The \n that follows is written next round.
		case r == '\n' || r == '\r':
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20:
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
		case r == 0x7f:
			b.WriteString("^?")
		case r >= 0x80 && r < 0xa0, isBidiControl(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isBidiControl reports the explicit direction overrides and isolates, which
// reorder what follows them on screen ("Trojan Source").
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			// Non-ASCII needs the slow path only when it is C1, a bidi
			// control or invalid; checking that here would duplicate clean.
			if c >= 0x80 {
				return isCleanUTF8(s[i:])
			}
			return false
		}
	}
	return true
}

func isCleanUTF8(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
			return false
		}
		i += size
	}
	return true
}

// Truncate cuts s to at most max runes, ending with "..." when it cut, and
// never splits a UTF-8 sequence (a byte cut garbles Cyrillic in tables).
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max <= 3 {
		return strings.Repeat(".", max)
	}
	n := 0
	for i := range s {
		if n == max-3 {
			return s[:i] + "..."
		}
		n++
	}
	return s
}

// OneLine joins the words of s with single spaces, made safe for a table
// cell, and truncated to max runes.
func OneLine(s string, max int) string {
	return Truncate(strings.Join(strings.Fields(Line(s)), " "), max)
}

// cleanValue walks the JSON form of a value (maps, slices, strings) and
// cleans every string, keeping newlines: templates print data to a terminal
// as tables do, but their own text (a tab, a newline) is the user's.
func cleanValue(v any) any {
	switch x := v.(type) {
	case string:
		return Text(x)
	case []any:
		for i := range x {
			x[i] = cleanValue(x[i])
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[Text(k)] = cleanValue(e)
		}
		return out
	default:
		return v
	}
}
