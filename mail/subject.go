package mail

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/sustain-cli/sustain/internal/lazyre"
)

// DefaultConfirmWords are the first lines that confirm an answered
// request (Q14, A12) when mail.confirm_words is not set.
var DefaultConfirmWords = []string{"подтверждаю", "confirm", "confirmed"}

// replyPrefix matches one reply or forward prefix as mailers in Russian,
// English, German and the Nordic languages write them, with an optional
// counter ("Re[2]:", "Re(3):", "RE^2:").
var replyPrefix = lazyre.New(`(?i)^\s*(re|fwd?|fw|aw|wg|vs|sv|vb|antw|tr|отв|ответ|пересл|переслано)\s*(\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]\s*`)

// StripPrefixes removes reply and forward prefixes from the start of a
// subject, however many mailers stacked there, and folds white space.
// The request tag stays: "Re: Ответ: [SUP-7] x" → "[SUP-7] x".
func StripPrefixes(subject string) string {
	s := strings.Join(strings.Fields(subject), " ")
	for {
		loc := replyPrefix.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			return s
		}
		s = s[loc[1]:]
	}
}

// FindTag finds a request tag "[PREFIX-123]" anywhere in a subject, in
// any letter case, and returns it as "PREFIX-123". The first tag wins.
func FindTag(subject, prefix string) (id string, ok bool) {
	if prefix == "" {
		return "", false
	}
	re, err := regexp.Compile(`(?i)\[\s*(` + regexp.QuoteMeta(prefix) + `)\s*-\s*(\d+)\s*\]`)
	if err != nil {
		return "", false
	}
	mt := re.FindStringSubmatch(subject)
	if mt == nil {
		return "", false
	}
	num := strings.TrimLeft(mt[2], "0")
	if num == "" {
		return "", false
	}
	return strings.ToUpper(prefix) + "-" + num, true
}

// FirstLine is the first non-empty line of a message's own text: quoted
// lines ("> ...") are not the sender's words.
func FirstLine(text string) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, ">") {
			continue
		}
		return line
	}
	return ""
}

// IsConfirmation says whether text confirms: its first line is one of
// words, whatever the letter case and the punctuation around it
// ("Подтверждаю.", "CONFIRMED!"). Anything more on that line ("confirm,
// but ...") is not a confirmation: it is read as a dispute or a reply.
func IsConfirmation(text string, words []string) bool {
	line := strings.TrimFunc(FirstLine(text), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	if line == "" {
		return false
	}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w != "" && strings.EqualFold(line, w) {
			return true
		}
	}
	return false
}

// attribution matches the line mailers write above a quoted message:
// "On Thu, Dec 3, 2026 at 8:00 AM Support <support@desk.test> wrote:",
// "3 декабря 2026 г., 08:00, Служба поддержки <support@desk.test> пишет:",
// "Am ... schrieb ...:", "-----Original Message-----", "-----Исходное сообщение-----".
var attribution = lazyre.New(`(?i)^(on\s.*\swrote:|.*\sпишет:|.*\sнаписал[а]?:|am\s.*\sschrieb.*:|-{2,}\s*(original message|исходное сообщение|пересылаемое сообщение|forwarded message)\s*-{2,})\s*$`)

var (
	underscores = lazyre.New(`^_{10,}$`)
	fromLine    = lazyre.New(`(?i)^\*?(from|от|von):\*?\s+\S`)
	sentLine    = lazyre.New(`(?i)^\*?(sent|date|отправлено|дата|gesendet):\*?\s+\S`)
)

// outlookHeader says whether line i starts the header block Outlook writes
// above an unquoted previous message: "From: …" directly followed by
// "Sent: …", optionally under a line of underscores. Two header lines in a
// row do not happen in a person's own text.
func outlookHeader(lines []string, i int) bool {
	t := strings.TrimSpace(lines[i])
	if underscores.MatchString(t) {
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		return j < len(lines) && fromLine.MatchString(strings.TrimSpace(lines[j]))
	}
	return fromLine.MatchString(t) && i+1 < len(lines) && sentLine.MatchString(strings.TrimSpace(lines[i+1]))
}

// StripQuoted removes the quoted previous messages from a reply: lines
// starting with ">" and the attribution line just above them. It is
// conservative: quoted lines between the sender's own lines (an inline
// answer) are kept, and so is text that only looks like a quote. Outlook's
// "-----Original Message-----" separator, or its "From: … / Sent: …"
// header block, cuts everything after it.
func StripQuoted(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	// Outlook puts the whole previous message, unquoted, under a separator
	// or under a header block ("From: …" then "Sent: …").
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "--") && attribution.MatchString(t) || outlookHeader(lines, i) {
			lines = lines[:i]
			break
		}
	}
	// Drop the trailing block of quoted and blank lines...
	end := len(lines)
	quoted := false
	for end > 0 {
		t := strings.TrimSpace(lines[end-1])
		if t == "" {
			end--
			continue
		}
		if strings.HasPrefix(t, ">") {
			quoted = true
			end--
			continue
		}
		break
	}
	// ...and the attribution line above it, which may be wrapped over two
	// lines by the mailer.
	if quoted && end > 0 {
		t := strings.TrimSpace(lines[end-1])
		if attribution.MatchString(t) {
			end--
		} else if end > 1 && attribution.MatchString(strings.TrimSpace(lines[end-2])+" "+t) {
			end -= 2
		}
	}
	if !quoted {
		end = len(lines)
		// Only a separator cut could have removed something: keep what is left.
	}
	return strings.TrimRight(strings.Join(lines[:end], "\n"), " \t\n")
}
