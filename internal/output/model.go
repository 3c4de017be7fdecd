package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"
)

// Model is the desk's JSON model (ticket, customer, calendar and mail
// commands), applied to --json, --jq and --template alike:
//
//   - every time (a field named "at", or ending in "_at" or "_due", or "due")
//     is RFC 3339 in the support time zone with its offset, to the second:
//     2026-11-20T10:00:00+03:00;
//   - a field whose text is empty is null, so every documented field is
//     present and an empty one reads the same way everywhere (but for the
//     few where "" is documented apart from null: keepsEmpty).
//
// Lists are left as they are: the views give [] for an empty list.
type Model struct {
	// Zone is the support time zone; it is asked for when something is
	// printed, after the configuration is read.
	Zone func() *time.Location
}

// keepsEmpty are the fields where an empty text is a value of its own,
// documented apart from null: report customer's fixed_in is "" for a task
// not released yet and null when the releases are not known.
var keepsEmpty = map[string]bool{"fixed_in": true}

// IsTimeField reports whether a JSON field name names a time in the model.
func IsTimeField(key string) bool {
	return key == "at" || key == "due" || strings.HasSuffix(key, "_at") || strings.HasSuffix(key, "_due")
}

// apply rewrites raw (one JSON value as encoding/json writes it) in the
// model, keeping everything else byte for byte, the order of the fields
// included. It is one pass over the bytes: a list of any length streams at
// the speed of plain JSON.
func (m *Model) apply(raw []byte) ([]byte, error) {
	loc := time.UTC
	if m.Zone != nil {
		if z := m.Zone(); z != nil {
			loc = z
		}
	}
	type frame struct{ obj, wantKey bool }
	var (
		out   = make([]byte, 0, len(raw)+len(raw)/8)
		stack []frame
		key   []byte // the last member name read, as written (escapes kept)
	)
	bad := errors.New("output: malformed JSON from a view")
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case '{', '[':
			stack = append(stack, frame{obj: c == '{', wantKey: c == '{'})
		case '}', ']':
			if len(stack) == 0 {
				return nil, bad
			}
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].obj {
				stack[n-1].wantKey = true
			}
		case '"':
			j := i + 1
			for j < len(raw) && raw[j] != '"' {
				if raw[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(raw) {
				return nil, bad
			}
			text := raw[i+1 : j]
			n := len(stack)
			switch {
			case n > 0 && stack[n-1].wantKey:
				key = text
				stack[n-1].wantKey = false
			case n > 0 && stack[n-1].obj && len(text) == 0 && !keepsEmpty[string(key)]:
				out = append(out, "null"...)
				i = j + 1
				continue
			case n > 0 && stack[n-1].obj && IsTimeField(string(key)):
				if t, err := time.Parse(time.RFC3339Nano, string(text)); err == nil {
					out = append(out, '"')
					out = t.In(loc).Truncate(time.Second).AppendFormat(out, time.RFC3339)
					out = append(out, '"')
					i = j + 1
					continue
				}
			}
			out = append(out, raw[i:j+1]...)
			i = j + 1
			continue
		}
		out = append(out, c)
		i++
	}
	if len(stack) != 0 {
		return nil, bad
	}
	return out, nil
}

// marshal is v's JSON, compact, in the model when the format has one.
func (f Format) marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	raw := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if f.Model == nil {
		return raw, nil
	}
	return f.Model.apply(raw)
}

// WriteJSON writes v as --json prints it: indented, in the format's model
// when it has one, followed by a newline.
func (f Format) WriteJSON(w io.Writer, v any) error {
	if err := f.writeJSON(w, v, ""); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// writeJSON writes v as indented JSON (prefix before every line but the
// first) without the final newline.
func (f Format) writeJSON(w io.Writer, v any, prefix string) error {
	raw, err := f.marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(indentJSON(nil, raw, prefix, "  "))
	return err
}

// templateValue is v as templates see it: its JSON form decoded into maps
// and slices (the documented names), whole numbers as integers (a size
// prints 27262976, not 2.7262976e+07), null as a value that prints nothing.
func (f Format) templateValue(v any) (any, error) {
	raw, err := f.marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		return nil, err
	}
	return templateNulls(normalizeNumbers(data)), nil
}

// null is what a template sees for a JSON null: it prints as nothing, is
// false in {{if}} and empty in {{range}}, where a plain nil would print
// "<no value>". It marshals back to null ({{json .x}}).
type null []any

func (null) String() string { return "" }

func templateNulls(v any) any {
	switch x := v.(type) {
	case nil:
		return null(nil)
	case []any:
		for i := range x {
			x[i] = templateNulls(x[i])
		}
	case map[string]any:
		for k, e := range x {
			x[k] = templateNulls(e)
		}
	}
	return v
}
