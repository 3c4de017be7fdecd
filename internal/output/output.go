// Package output renders what commands print: a human table by default,
// JSON with --json, or a Go template with --template. It is the one place
// that knows these formats.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/template"
)

// Format selects how data is printed.
type Format struct {
	JSON     bool
	Template string
	// JQ is a --jq expression; the command prints JSON and the expression
	// runs over it (see Filter).
	JQ string
	// Term is where the output goes; it decides the table's form.
	Term Terminal
	// Model, when set, is the desk's JSON model (times in the support
	// zone, empty texts null) for --json, --jq and --template.
	Model *Model
	// Tr, when set, says a table's header cells and footer in the reader's
	// language (JSON and templates never go through it).
	Tr func(string) string
}

// translated is t with its header (a KV table's field names) and footer
// said by f.Tr.
func (f Format) translated(t Table) Table {
	if f.Tr == nil {
		return t
	}
	h := make([]string, len(t.Header))
	for i, c := range t.Header {
		h[i] = f.Tr(c)
	}
	t.Header = h
	if len(t.Header) == 0 {
		// A KV table: the first column names the fields.
		rows := make([][]string, len(t.Rows))
		for i, r := range t.Rows {
			rows[i] = r
			if len(r) == 2 {
				rows[i] = []string{f.Tr(r[0]), r[1]}
			}
		}
		t.Rows = rows
	}
	if t.Footer != "" {
		t.Footer = f.Tr(t.Footer)
	}
	return t
}

// Table is the human form of a value: a header and rows of cells.
type Table struct {
	Header []string
	Rows   [][]string
	// Color, when set, gives a cell's colour (Red, Green...) on a colour
	// terminal, from its column and its text; "" leaves it plain.
	Color func(col int, cell string) string
	// Footer is said under the table on a terminal only ("30 of 120
	// shown..."); scripts never see it.
	Footer string
}

// Tabler is implemented by values with a human table form.
type Tabler interface {
	Table() Table
}

// Validate checks the flags before any work is done, so a bad template is a
// usage error and not a failure after the fact.
func (f Format) Validate() error {
	if f.JSON && f.Template != "" {
		return fmt.Errorf("--json and --template cannot be used together")
	}
	if f.JQ != "" && f.Template != "" {
		return fmt.Errorf("--jq and --template cannot be used together")
	}
	if f.JQ != "" {
		if _, err := compileJQ(f.JQ); err != nil {
			return err
		}
	}
	if f.Template != "" {
		if _, err := parseTemplate(f.Template); err != nil {
			return err
		}
	}
	return nil
}

// Print writes v to w in the selected format. v must marshal to JSON with the
// documented field names; the template sees that JSON form, so templates and
// --json share one set of names.
func (f Format) Print(w io.Writer, v Tabler) error {
	switch {
	case f.JSON:
		return f.WriteJSON(w, v)
	case f.Template != "":
		return f.execTemplate(w, v)
	default:
		return f.Term.WriteTable(w, f.translated(v.Table()))
	}
}

// WriteJSON writes v as indented JSON followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func parseTemplate(text string) (*template.Template, error) {
	t, err := template.New("--template").Funcs(template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"join":  func(sep string, items []any) string { return joinAny(items, sep) },
		"upper": strings.ToUpper,
		"lower": strings.ToLower,
	}).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("bad --template: %w", err)
	}
	return t, nil
}

// JSONValue is v as templates see it: its JSON form decoded into maps and
// slices, so templates use the documented JSON field names.
func JSONValue(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var data any
	err = json.Unmarshal(raw, &data)
	return data, err
}

func (f Format) execTemplate(w io.Writer, v any) error {
	t, err := parseTemplate(f.Template)
	if err != nil {
		return err
	}
	data, err := f.templateValue(v)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, cleanValue(data)); err != nil {
		return &TemplateError{Err: err}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// TemplateError is a --template that failed while running (a missing
// field used as a list, a function given the wrong type). The template is
// the user's input, so it is a usage error (exit 2), as a template that does
// not parse is.
type TemplateError struct{ Err error }

func (e *TemplateError) Error() string { return "--template failed: " + e.Err.Error() }
func (e *TemplateError) Unwrap() error { return e.Err }

func joinAny(items []any, sep string) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprint(it)
	}
	return strings.Join(parts, sep)
}

// WriteTable writes t in its pipe form: tab-separated rows, no header.
func WriteTable(w io.Writer, t Table) error { return Terminal{}.WriteTable(w, t) }

// WriteTable writes t as it suits term: aligned with a header on a
// terminal, tab-separated rows without a header elsewhere.
func (term Terminal) WriteTable(w io.Writer, t Table) error {
	tw := newTableWriter(w, term, t.Header, t.Color)
	for _, r := range t.Rows {
		tw.row(r)
	}
	return tw.close(t.Footer)
}

// KV builds a two-column FIELD VALUE table for a single record.
func KV(pairs ...string) Table {
	t := Table{}
	for i := 0; i+1 < len(pairs); i += 2 {
		t.Rows = append(t.Rows, []string{pairs[i], pairs[i+1]})
	}
	return t
}
