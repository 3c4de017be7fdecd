package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Terminal says where standard output goes. The zero value is a pipe or a
// file: tab-separated rows, no header, no colour, nothing cut, so
// `cut -f1` and `awk -F'\t'` work on every table. On a terminal the table
// has its header, its columns aligned, long cells cut to the width with
// "…", and, with Color, states in colour.
type Terminal struct {
	TTY   bool
	Width int // display cells; 0 on a terminal means 80
	Color bool
}

// Color names for Table.Color.
const (
	Red     = "31"
	Green   = "32"
	Yellow  = "33"
	Blue    = "34"
	Magenta = "35"
	Cyan    = "36"
	Gray    = "90"
	Bold    = "1"
)

// cells measures text as a terminal shows it: East Asian ambiguous
// characters (and "…") are one cell, whatever the locale says.
var cells = &runewidth.Condition{EastAsianWidth: false}

// Width is the number of terminal cells s takes.
func Width(s string) int {
	if isASCII(s) {
		return len(s) // cleaned ASCII: one cell a byte
	}
	return cells.StringWidth(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Cut shortens s to at most w terminal cells, ending with "…" when it cut.
// It cuts between grapheme clusters, never inside a character: Cyrillic,
// combining marks and wide characters stay whole.
func Cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	if isASCII(s) {
		return s[:w-1] + "…"
	}
	return cells.Truncate(s, w, "…")
}

// tableWriter writes rows as they come. In a pipe each row goes out at once;
// on a terminal the first rows (up to pageRows) are held to measure the
// columns, and the widths found then serve the rest of the table, so a table
// of any length takes the memory of one page.
type tableWriter struct {
	w      *bufio.Writer
	term   Terminal
	header []string
	color  func(col int, cell string) string
	held   [][]string
	widths []int // fixed once the first page is measured
	err    error
}

const pageRows = 500

const gap = 2 // blanks between columns on a terminal

func newTableWriter(w io.Writer, term Terminal, header []string, color func(int, string) string) *tableWriter {
	return &tableWriter{w: bufio.NewWriterSize(w, 64<<10), term: term, header: header, color: color}
}

func (t *tableWriter) row(cells []string) {
	if t.err != nil {
		return
	}
	clean := make([]string, len(cells))
	for i, c := range cells {
		clean[i] = Line(c)
	}
	if !t.term.TTY {
		t.writeTSV(clean)
		return
	}
	if t.widths == nil {
		t.held = append(t.held, clean)
		if len(t.held) >= pageRows {
			t.measure()
		}
		return
	}
	t.writeAligned(clean, false)
}

func (t *tableWriter) writeTSV(cells []string) {
	for i, c := range cells {
		if i > 0 {
			t.w.WriteByte('\t')
		}
		if t.term.Color && t.color != nil && c != "" {
			if code := t.color(i, c); code != "" {
				c = sgr(code, c) // --color always in a pipe
			}
		}
		t.w.WriteString(c)
	}
	_, t.err = t.w.WriteString("\n")
}

// measure fixes the column widths from the header and the held rows, fits
// them to the terminal, and writes the header and the held rows.
func (t *tableWriter) measure() {
	n := len(t.header)
	for _, r := range t.held {
		n = max(n, len(r))
	}
	natural := make([]int, n)
	head := make([]string, len(t.header))
	for i, h := range t.header {
		head[i] = Line(h)
		natural[i] = Width(head[i])
	}
	for _, r := range t.held {
		for i, c := range r {
			natural[i] = max(natural[i], Width(c))
		}
	}
	t.widths = fit(natural, t.width())
	if len(head) > 0 {
		t.writeAligned(head, true)
	}
	for _, r := range t.held {
		t.writeAligned(r, false)
	}
	t.held = nil
}

func (t *tableWriter) width() int {
	if t.term.Width > 0 {
		return t.term.Width
	}
	return 80
}

// fit cuts columns until the row, with its gaps, fits in total cells: the
// last column (a subject, a reason: the free text of a list) first, down to
// a dozen cells, then the widest of the others but the first (an ID is
// never cut), level by level. No column goes below a few cells: a terminal
// too narrow for that gets rows that wrap rather than columns that say
// nothing.
func fit(natural []int, total int) []int {
	w := append([]int(nil), natural...)
	n := len(w)
	over := gap * max(n-1, 0)
	for _, x := range w {
		over += x
	}
	over -= total
	if over <= 0 || n < 2 {
		return w
	}
	const lastLeast, least = 12, 6
	if take := min(over, max(w[n-1]-lastLeast, 0)); take > 0 {
		w[n-1] -= take
		over -= take
	}
	for over > 0 {
		widest := -1
		for i := 1; i < n; i++ {
			if w[i] > least && (widest < 0 || w[i] > w[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		next := least
		for i := 1; i < n; i++ {
			if i != widest && w[i] > next && w[i] <= w[widest] {
				next = w[i]
			}
		}
		take := min(over, max(w[widest]-next, 1))
		w[widest] -= take
		over -= take
	}
	return w
}

func (t *tableWriter) writeAligned(cells []string, header bool) {
	last := len(cells) - 1
	for last > 0 && cells[last] == "" {
		last-- // no blanks at line ends
	}
	for i := 0; i <= last && i < len(cells); i++ {
		c := cells[i]
		w := 0
		if i < len(t.widths) {
			w = t.widths[i]
			c = Cut(c, w)
		}
		shown := c
		if t.term.Color {
			switch {
			case header:
				shown = sgr(Bold, c)
			case t.color != nil:
				if code := t.color(i, cells[i]); code != "" && c != "" {
					shown = sgr(code, c)
				}
			}
		}
		t.w.WriteString(shown)
		if i < last {
			t.w.WriteString(strings.Repeat(" ", max(w-Width(c), 0)+gap))
		}
	}
	_, t.err = t.w.WriteString("\n")
}

func sgr(code, s string) string { return "\x1b[" + code + "m" + s + "\x1b[0m" }

// close writes what is held and the footer (on a terminal only), and
// flushes.
func (t *tableWriter) close(footer string) error {
	if t.term.TTY && t.widths == nil && (len(t.held) > 0 || len(t.header) > 0) {
		if len(t.held) == 0 && len(t.header) > 0 {
			// An empty list prints no lone header.
			t.held = nil
			t.widths = []int{}
		} else {
			t.measure()
		}
	}
	if t.term.TTY && footer != "" && t.err == nil {
		line := Line(footer)
		if t.term.Color {
			line = sgr(Gray, line)
		}
		_, t.err = fmt.Fprintln(t.w, line)
	}
	if t.err != nil {
		return t.err
	}
	return t.w.Flush()
}
