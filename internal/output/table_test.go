package output

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPipeTableIsTabSeparatedWithoutHeaderOrCuts(t *testing.T) {
	long := strings.Repeat("Не работает вход ", 20)
	var buf bytes.Buffer
	err := Terminal{}.WriteTable(&buf, Table{Header: []string{"ID", "SUBJECT"}, Rows: [][]string{{"SUP-1", long}, {"SUP-2", "a\tb"}},
		Color: func(int, string) string { return Red }, Footer: "1 of 2 shown"})
	if err != nil {
		t.Fatal(err)
	}
	want := "SUP-1\t" + long + "\nSUP-2\ta b\n"
	if buf.String() != want {
		t.Errorf("got\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestTerminalTableFitsWidthAndCutsWholeCharacters(t *testing.T) {
	subject := strings.Repeat("Не работает вход ", 20)
	var buf bytes.Buffer
	term := Terminal{TTY: true, Width: 40}
	err := term.WriteTable(&buf, Table{Header: []string{"ID", "STATUS", "SUBJECT"},
		Rows: [][]string{{"SUP-1", "new", subject}, {"SUP-22", "resolved", "short"}}, Footer: "2 of 9 shown"})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4 || lines[0] != "ID      STATUS    SUBJECT" || lines[3] != "2 of 9 shown" {
		t.Fatalf("table:\n%s", buf.String())
	}
	for _, l := range lines {
		if !utf8.ValidString(l) {
			t.Errorf("line broke a character: %q", l)
		}
		if w := Width(l); w > 40 {
			t.Errorf("line of %d cells on a 40-cell terminal: %q", w, l)
		}
	}
	if !strings.HasSuffix(lines[1], "…") || !strings.HasPrefix(lines[1], "SUP-1   new       Не работает") {
		t.Errorf("long subject not cut with …: %q", lines[1])
	}
}

func TestCutCountsCellsNotBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		w    int
		want string
	}{
		{"Привет, мир", 20, "Привет, мир"},
		{"Привет, мир", 7, "Привет…"},
		{"日本語のテキスト", 7, "日本語…"},
		{"e\u0301e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301…"},
		{"abc", 0, ""},
	} {
		if got := Cut(tc.in, tc.w); got != tc.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
		}
	}
}

func TestColourOnlyWhenAsked(t *testing.T) {
	tbl := Table{Header: []string{"ID", "REACTION"}, Rows: [][]string{{"SUP-1", "overdue"}},
		Color: func(col int, cell string) string {
			if col == 1 && cell == "overdue" {
				return Red
			}
			return ""
		}}
	var plain, coloured bytes.Buffer
	if err := (Terminal{TTY: true}).WriteTable(&plain, tbl); err != nil {
		t.Fatal(err)
	}
	if err := (Terminal{TTY: true, Color: true}).WriteTable(&coloured, tbl); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("colour without Color: %q", plain.String())
	}
	if !strings.Contains(coloured.String(), "\x1b[31moverdue\x1b[0m") {
		t.Errorf("no red overdue: %q", coloured.String())
	}
}

type item struct {
	ID   string `json:"id"`
	Note string `json:"note"`
}

type items []item

func (l items) Table() Table {
	t := Table{Header: []string{"ID", "NOTE"}}
	for _, it := range l {
		t.Rows = append(t.Rows, []string{it.ID, it.Note})
	}
	return t
}

// The stream prints what Print prints for the whole list, in every format,
// across the terminal form's first page.
func TestStreamMatchesPrint(t *testing.T) {
	for _, n := range []int{0, 1, 3, pageRows + 7} {
		l := items{}
		for i := range n {
			l = append(l, item{fmt.Sprintf("SUP-%d", i), strings.Repeat("<x>", i%5)})
		}
		for _, f := range []Format{{}, {JSON: true}, {Term: Terminal{TTY: true, Width: 30}}, {Template: `{{range .}}{{.id}},{{end}}`}} {
			var want, got bytes.Buffer
			if err := f.Print(&want, l); err != nil {
				t.Fatal(err)
			}
			s := f.Stream(&got, []string{"ID", "NOTE"}, nil)
			for _, it := range l {
				if err := s.Add(it, []string{it.ID, it.Note}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(""); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%d items, %+v: stream\n%q\nprint\n%q", n, f, got.String(), want.String())
			}
			if f.JSON && !json.Valid(got.Bytes()) {
				t.Errorf("stream JSON invalid: %s", got.String())
			}
		}
	}
}

func TestJQ(t *testing.T) {
	data := []byte(`[{"id":"SUP-1","n":1},{"id":"SUP-2","n":12345678901}]` + "\n")
	for _, tc := range []struct{ expr, want string }{
		{".[].id", "SUP-1\nSUP-2\n"},
		{".[1].n", "12345678901\n"},
		{"map(.n) | add", "12345678902\n"},
		{"[.[] | select(.n > 1)]", `[{"id":"SUP-2","n":12345678901}]` + "\n"},
		{"length", "2\n"},
	} {
		var buf bytes.Buffer
		if err := (Format{JQ: tc.expr}).Filter(context.Background(), &buf, data); err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if buf.String() != tc.want {
			t.Errorf("%s: got %q, want %q", tc.expr, buf.String(), tc.want)
		}
	}
	var je *JQError
	if err := (Format{JQ: ".[] |"}).Validate(); err == nil || !asJQ(err, &je) {
		t.Errorf("bad expression: %v", err)
	}
	var buf bytes.Buffer
	if err := (Format{JQ: ".id"}).Filter(context.Background(), &buf, data); err == nil || !asJQ(err, &je) {
		t.Errorf(".id of an array: %v", err)
	}
	// Output that is no JSON (completion, man) is a misused flag.
	if err := (Format{JQ: "."}).Filter(context.Background(), &buf, []byte("# bash completion\n")); err == nil || !asJQ(err, &je) {
		t.Errorf("no JSON: %v", err)
	}
}

// Ctrl-C stops an expression that would run on and on.
func TestJQStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	w := &cancelAfter{n: 1000, cancel: cancel}
	err := (Format{JQ: "range(1e12)"}).Filter(ctx, w, []byte("null\n"))
	if err == nil {
		t.Fatal("range(1e12) ran to its end after the cancel")
	}
	if w.lines > 100000 {
		t.Errorf("%d lines written after the cancel at 1,000", w.lines)
	}
}

// cancelAfter cancels once n lines were written, as Ctrl-C in the middle.
type cancelAfter struct {
	n, lines int
	cancel   func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte("\n"))
	if c.lines >= c.n {
		c.cancel()
	}
	return len(p), nil
}

func asJQ(err error, je **JQError) bool {
	e, ok := err.(*JQError)
	*je = e
	return ok
}
