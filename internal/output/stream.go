package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// Stream prints a list one item at a time, as the items are read, so a list
// of any length takes the memory of one item (one page on a terminal):
// --json writes the array element by element, the table row by row. The
// output is the same as Print of the whole list. A --template needs the
// whole list and holds it.
type Stream struct {
	f     Format
	w     io.Writer
	table *tableWriter

	json  *bufio.Writer
	enc   *json.Encoder
	buf   bytes.Buffer // one item, compact
	ind   []byte       // the same, indented
	n     int
	items []any // --template only
	err   error
}

// Stream starts a list with the table's header and colours.
func (f Format) Stream(w io.Writer, header []string, color func(col int, cell string) string) *Stream {
	s := &Stream{f: f, w: w}
	switch {
	case f.JSON:
		s.json = bufio.NewWriterSize(w, 64<<10)
	case f.Template != "":
	default:
		s.table = newTableWriter(w, f.Term, f.translated(Table{Header: header}).Header, color)
	}
	return s
}

// Add prints one item: v as JSON (or for the template), cells as a row.
func (s *Stream) Add(v any, cells []string) error {
	if s.err != nil {
		return s.err
	}
	switch {
	case s.json != nil:
		// Compact first, then indented by indentJSON: encoding/json's own
		// indenting re-validates every byte and was half the time of a
		// long list.
		s.buf.Reset()
		if s.enc == nil {
			s.enc = json.NewEncoder(&s.buf)
			s.enc.SetEscapeHTML(false)
		}
		if s.err = s.enc.Encode(v); s.err != nil {
			return s.err
		}
		if s.n == 0 {
			s.json.WriteString("[\n  ")
		} else {
			s.json.WriteString(",\n  ")
		}
		raw := bytes.TrimSuffix(s.buf.Bytes(), []byte("\n"))
		if s.f.Model != nil {
			if raw, s.err = s.f.Model.apply(raw); s.err != nil {
				return s.err
			}
		}
		s.ind = indentJSON(s.ind[:0], raw, "  ", "  ")
		_, s.err = s.json.Write(s.ind)
	case s.table != nil:
		s.table.row(cells)
		s.err = s.table.err
	default:
		val, err := s.f.templateValue(v)
		if err != nil {
			s.err = err
			return err
		}
		s.items = append(s.items, val)
	}
	s.n++
	return s.err
}

// Close ends the list; footer is said under a table on a terminal.
func (s *Stream) Close(footer string) error {
	if s.err != nil {
		return s.err
	}
	switch {
	case s.json != nil:
		if s.n == 0 {
			s.json.WriteString("[]\n")
		} else {
			s.json.WriteString("\n]\n")
		}
		return s.json.Flush()
	case s.table != nil:
		return s.table.close(s.f.translated(Table{Footer: footer}).Footer)
	default:
		items := s.items
		if items == nil {
			items = []any{}
		}
		return s.f.execTemplate(s.w, rawValue{items})
	}
}

// rawValue is data already in its JSON form.
type rawValue struct{ v any }

func (r rawValue) MarshalJSON() ([]byte, error) { return json.Marshal(r.v) }

// indentJSON appends src, compact JSON as encoding/json writes it, to dst
// indented as json.Indent(dst, src, prefix, indent) would: a newline,
// prefix and one indent per level after each opening bracket and comma,
// empty objects and arrays kept as {} and [], ": " between key and value.
// src must be valid (it comes from the encoder); the copy is done in runs
// between the bytes that matter.
func indentJSON(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	start := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			// to the closing quote: a backslash escapes the next byte
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			dst = append(dst, src[start:i+1]...)
			start = i + 1
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, src[i+1])
				i++
				start = i + 1
				continue
			}
			depth++
			newline()
		case '}', ']':
			dst = append(dst, src[start:i]...)
			depth--
			newline()
			dst = append(dst, c)
			start = i + 1
		case ',':
			dst = append(dst, src[start:i+1]...)
			newline()
			start = i + 1
		case ':':
			dst = append(dst, src[start:i+1]...)
			dst = append(dst, ' ')
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
}
