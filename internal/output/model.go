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
//     present and an empty one reads the same way everywhere.
//
// Lists are left as they are: the views give [] for an empty list.
type Model struct {
	// Zone is the support time zone; it is asked for when something is
	// printed, after the configuration is read.
	Zone func() *time.Location
}

// IsTimeField reports whether a JSON field name names a time in the model.
func IsTimeField(key string) bool {
	return key == "at" || key == "due" || strings.HasSuffix(key, "_at") || strings.HasSuffix(key, "_due")
}

// apply rewrites raw (one JSON value) in the model, compact, keeping the
// order of the fields.
func (m *Model) apply(raw []byte) ([]byte, error) {
	loc := time.UTC
	if m.Zone != nil {
		if z := m.Zone(); z != nil {
			loc = z
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	type frame struct {
		obj bool
		n   int
		key string
	}
	var (
		out   bytes.Buffer
		stack []frame
		str   bytes.Buffer
	)
	enc := json.NewEncoder(&str)
	enc.SetEscapeHTML(false)
	writeString := func(s string) error {
		str.Reset()
		if err := enc.Encode(s); err != nil {
			return err
		}
		out.Write(bytes.TrimSuffix(str.Bytes(), []byte("\n")))
		return nil
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			out.WriteByte(byte(d))
			stack = stack[:len(stack)-1]
			continue
		}
		isKey, member, key := false, false, ""
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			switch {
			case top.obj && top.n%2 == 1:
				out.WriteByte(':')
				member, key = true, top.key
			case top.n > 0:
				out.WriteByte(',')
			}
			isKey = top.obj && top.n%2 == 0
			if isKey {
				top.key, _ = tok.(string)
			}
			top.n++
		}
		switch v := tok.(type) {
		case json.Delim:
			out.WriteByte(byte(v))
			stack = append(stack, frame{obj: v == '{'})
		case string:
			switch {
			case isKey:
			case member && v == "":
				out.WriteString("null")
				continue
			case member && IsTimeField(key):
				if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
					v = t.In(loc).Truncate(time.Second).Format(time.RFC3339)
				}
			}
			if err := writeString(v); err != nil {
				return nil, err
			}
		case json.Number:
			out.WriteString(v.String())
		case bool:
			if v {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
		case nil:
			out.WriteString("null")
		}
	}
	return out.Bytes(), nil
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
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, prefix, "  "); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
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
