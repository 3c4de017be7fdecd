package jira

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// NetrcEntry is one machine (or the default) of a netrc file.
type NetrcEntry struct {
	Machine  string // "" for the default entry
	Default  bool
	Login    string
	Password string
	Account  string
}

// ParseNetrc reads a netrc file as curl, git and ftp do: tokens separated
// by white space; machine, default, login, password, account; macdef
// bodies skipped up to the next empty line; "#" starting a comment to the
// end of the line; double-quoted values with \" \\ \n \r \t escapes.
// Unknown tokens are skipped, as other readers do.
func ParseNetrc(data string) ([]NetrcEntry, error) {
	lx := &netrcLexer{s: data, line: 1}
	var out []NetrcEntry
	cur := -1
	for {
		tok, ok, err := lx.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		switch tok {
		case "machine":
			name, ok, err := lx.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("line %d: machine without a name", lx.line)
			}
			out = append(out, NetrcEntry{Machine: name})
			cur = len(out) - 1
		case "default":
			out = append(out, NetrcEntry{Default: true})
			cur = len(out) - 1
		case "login", "password", "account":
			v, ok, err := lx.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("line %d: %s without a value", lx.line, tok)
			}
			if cur < 0 {
				return nil, fmt.Errorf("line %d: %s before any machine", lx.line, tok)
			}
			switch e := &out[cur]; tok {
			case "login":
				e.Login = v
			case "password":
				e.Password = v
			default:
				e.Account = v
			}
		case "macdef":
			if _, _, err := lx.next(); err != nil {
				return nil, err
			}
			lx.skipMacro()
		}
	}
}

type netrcLexer struct {
	s    string
	pos  int
	line int
}

func (l *netrcLexer) next() (string, bool, error) {
	for l.pos < len(l.s) {
		switch c := l.s[l.pos]; {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '#':
			for l.pos < len(l.s) && l.s[l.pos] != '\n' {
				l.pos++
			}
		case c == '"':
			return l.quoted()
		default:
			start := l.pos
			for l.pos < len(l.s) && !strings.ContainsRune(" \t\r\n\f\v", rune(l.s[l.pos])) {
				l.pos++
			}
			return l.s[start:l.pos], true, nil
		}
	}
	return "", false, nil
}

func (l *netrcLexer) quoted() (string, bool, error) {
	start := l.line
	l.pos++ // the opening quote
	var b strings.Builder
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		l.pos++
		switch c {
		case '"':
			return b.String(), true, nil
		case '\n':
			l.line++
			b.WriteByte(c)
		case '\\':
			if l.pos >= len(l.s) {
				return "", false, fmt.Errorf("line %d: unterminated quoted value", start)
			}
			e := l.s[l.pos]
			l.pos++
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", false, fmt.Errorf("line %d: unterminated quoted value", start)
}

// skipMacro skips a macdef body: the lines after the macdef line, up to
// and including the first empty one.
func (l *netrcLexer) skipMacro() {
	nl := strings.IndexByte(l.s[l.pos:], '\n')
	if nl < 0 {
		l.pos = len(l.s)
		return
	}
	l.pos += nl + 1
	l.line++
	for l.pos < len(l.s) {
		end := strings.IndexByte(l.s[l.pos:], '\n')
		if end < 0 {
			l.pos = len(l.s)
			return
		}
		blank := strings.TrimRight(l.s[l.pos:l.pos+end], "\r") == ""
		l.pos += end + 1
		l.line++
		if blank {
			return
		}
	}
}

// Netrc finds the entry for host in the netrc file at path: the first
// machine of that name, else the default entry. A missing file is no
// entry. warning is set when the file holds a password and group or
// others may read it.
func Netrc(path, host string) (e NetrcEntry, found bool, warning string, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return NetrcEntry{}, false, "", nil
	}
	if err != nil {
		return NetrcEntry{}, false, "", err
	}
	entries, err := ParseNetrc(string(data))
	if err != nil {
		return NetrcEntry{}, false, "", fmt.Errorf("%s: %w", path, err)
	}
	def := -1
	for i, x := range entries {
		if !x.Default && strings.EqualFold(x.Machine, host) {
			return x, true, readableWarning(path, x.Password != ""), nil
		}
		if x.Default && def < 0 {
			def = i
		}
	}
	if def >= 0 {
		return entries[def], true, readableWarning(path, entries[def].Password != ""), nil
	}
	return NetrcEntry{}, false, "", nil
}

// TokenFile reads a token from a file: its first line, trimmed. warning is
// set when group or others may read it.
func TokenFile(path string) (token, warning string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	token, _, _ = strings.Cut(strings.TrimSpace(string(data)), "\n")
	token = strings.TrimSpace(token)
	if token == "" {
		return "", "", fmt.Errorf("%s is empty", path)
	}
	return token, readableWarning(path, true), nil
}

// readableWarning says when a file with a secret may be read by others.
func readableWarning(path string, secret bool) string {
	fi, err := os.Stat(path)
	if err != nil || !secret || fi.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("%s holds a Jira token and is readable by group or others (mode %04o): chmod 600 %s", path, fi.Mode().Perm(), path)
}
