package output

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	osc8  = "\x1b]8;;https://evil.test\x07click\x1b]8;;\x07"
	clear = "\x1b[2J\x1b[H"
)

func TestLineAndText(t *testing.T) {
	cases := []struct{ in, line, text string }{
		{"plain", "plain", "plain"},
		{"Привет, мир", "Привет, мир", "Привет, мир"},
		{clear + "x", "^[[2J^[[Hx", "^[[2J^[[Hx"},
		{osc8, "^[]8;;https://evil.test^Gclick^[]8;;^G", "^[]8;;https://evil.test^Gclick^[]8;;^G"},
		{"a\tb", "a b", "a b"},
		{"a\r\nb\rc\nd", "a b c d", "a\nb\nc\nd"},
		{"del\x7f", "del^?", "del^?"},
		{"csi\u009b31m", "csi\ufffd31m", "csi\ufffd31m"},
		{"bad\xffbyte", "bad\ufffdbyte", "bad\ufffdbyte"},
		{"rtl\u202eevil", "rtl\ufffdevil", "rtl\ufffdevil"},
		{"nul\x00", "nul^@", "nul^@"},
	}
	for _, tc := range cases {
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
		if got := Text(tc.in); got != tc.text {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.text)
		}
	}
}

// hostile has ESC, OSC and BEL in every field; none may reach a table.
type hostile struct {
	Subject  string `json:"subject"`
	Customer string `json:"customer"`
	Assignee string `json:"assignee"`
}

func (h hostile) Table() Table {
	return Table{Header: []string{"SUBJECT", "CUSTOMER", "ASSIGNEE"}, Rows: [][]string{{h.Subject, h.Customer, h.Assignee}}}
}

func TestNoControlCharactersInHumanOutput(t *testing.T) {
	h := hostile{Subject: "Login " + clear + "fails", Customer: "ACME" + osc8, Assignee: "anna\r\x1b[31mroot"}
	for _, f := range []Format{{}, {Template: "{{.subject}}\t{{.customer}}\n{{.assignee}}\n"}} {
		var buf bytes.Buffer
		if err := f.Print(&buf, h); err != nil {
			t.Fatal(err)
		}
		if s := buf.String(); strings.ContainsAny(s, "\x1b\x07\r") {
			t.Errorf("format %+v printed control characters: %q", f, s)
		}
	}
	// The template's own tab and newline are the user's, and kept.
	var buf bytes.Buffer
	if err := (Format{Template: "{{.customer}}\t{{.subject}}\n"}).Print(&buf, hostile{Customer: "A", Subject: "B"}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "A\tB\n" {
		t.Errorf("template text changed: %q", buf.String())
	}
	// --json keeps the data: JSON escapes it.
	buf.Reset()
	if err := (Format{JSON: true}).Print(&buf, h); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `\u001b[2J`) {
		t.Errorf("--json lost the data: %s", buf.String())
	}
}

func TestTemplateFailureIsTemplateError(t *testing.T) {
	err := (Format{Template: "{{index .keys 5}}"}).Print(&bytes.Buffer{}, record{Keys: []string{"a"}})
	var te *TemplateError
	if !errors.As(err, &te) {
		t.Fatalf("got %v (%T), want a *TemplateError", err, err)
	}
}

func TestTruncateIsRuneSafe(t *testing.T) {
	s := strings.Repeat("Ошибка ", 50) // 350 runes, 650 bytes
	got := Truncate(s, 200)
	if !utf8.ValidString(got) {
		t.Fatalf("Truncate broke UTF-8: %q", got)
	}
	if n := utf8.RuneCountInString(got); n != 200 || !strings.HasSuffix(got, "...") {
		t.Errorf("got %d runes %q", n, got)
	}
	if Truncate("Шаг", 3) != "Шаг" || Truncate("Шаги", 3) != "..." || Truncate("x", 0) != "" {
		t.Error("short cases")
	}
	if got := OneLine("  Ошибка\n\tвхода \x1b[2J ", 200); got != "Ошибка входа ^[[2J" {
		t.Errorf("OneLine = %q", got)
	}
}
