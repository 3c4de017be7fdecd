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
		var buf bytes.Buffer
		if s.err = s.f.writeJSON(&buf, v, "  "); s.err != nil {
			return s.err
		}
		if s.n == 0 {
			s.json.WriteString("[\n  ")
		} else {
			s.json.WriteString(",\n  ")
		}
		_, s.err = s.json.Write(buf.Bytes())
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
