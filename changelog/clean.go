package changelog

import (
	"fmt"
	"reflect"

	"github.com/sustain-cli/sustain/internal/output"
)

// Commit messages and Jira summaries are written by others, and documents
// are printed on terminals, which obey control characters: ESC and CSI
// sequences move the cursor and rewrite the screen, OSC 8 plants links and
// OSC 52 the clipboard. So md, text and html documents show every control
// character as something visible and inert, with the convention the tables
// use (ESC is "^[", DEL "^?", C1 controls and bidi overrides U+FFFD, a line
// break inside a field a space); json keeps the data and only escapes it.

// cleanLine makes one field of a document safe, as the tables do.
func cleanLine(s string) string { return output.Line(s) }

// cleanCopy returns a deep copy of v with every string field, element and
// map value cleaned. It works on the data of the built-in templates (the
// Document structs) and of --template (the JSON model) alike, so a field
// added later is covered without being listed.
func cleanCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		return reflect.ValueOf(cleanLine(v.String())).Convert(v.Type())
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v) // unexported fields (the catalogue) as they are
		for i := 0; i < v.NumField(); i++ {
			if f := c.Field(i); f.CanSet() {
				f.Set(cleanCopy(v.Field(i)))
			}
		}
		return c
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			c.Index(i).Set(cleanCopy(v.Index(i)))
		}
		return c
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(cleanCopy(v.Elem()))
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(cleanCopy(v.Elem()))
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			c.SetMapIndex(it.Key(), cleanCopy(it.Value()))
		}
		return c
	}
	return v
}

func cleaned[T any](x T) T { return cleanCopy(reflect.ValueOf(&x).Elem()).Interface().(T) }

// escapeJSONControls writes DEL and the C1 controls, which encoding/json
// leaves raw, as \u escapes: the same data, but bytes a terminal ignores.
// Outside strings JSON is ASCII, and the encoder has made it valid UTF-8,
// where 0xC2 only ever starts a character, so only string contents change.
func escapeJSONControls(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == 0x7f:
			out = append(out, `\u007f`...)
		case c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] < 0xa0:
			out = fmt.Appendf(out, `\u%04x`, b[i+1])
			i++
		default:
			out = append(out, c)
		}
	}
	return out
}
