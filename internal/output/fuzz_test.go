package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzLine: whatever comes in, no control character and no invalid UTF-8
// comes out.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "plain", clear, osc8, "Привет\r\n", "\xff\xfe", "\u009b\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Text(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 from %q: %q", s, out)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
					t.Fatalf("control %U from %q: %q", r, s, out)
				}
			}
		}
		if strings.Contains(Line(s), "\n") {
			t.Fatalf("Line kept a newline: %q", s)
		}
	})
}

type anyRecord struct{ V any }

func (r anyRecord) MarshalJSON() ([]byte, error) { return json.Marshal(r.V) }
func (r anyRecord) Table() Table                 { return Table{} }

// FuzzTemplate runs user templates over hostile data: it must never panic,
// a failure is a *TemplateError or a parse error, and the output carries no
// ESC that the template text did not hold itself.
func FuzzTemplate(f *testing.F) {
	f.Add("{{.subject}}", `{"subject":"\u001b]52;c;ZXZpbA==\u0007"}`)
	f.Add("{{range .}}{{.id}} {{end}}", `[{"id":"SUP-1"},{"id":"\u001b[2J"}]`)
	f.Add(`{{join "," .keys}}`, `{"keys":["a",1,null,{"x":"\u009b"}]}`)
	f.Add("{{json .}}", `{"a":"\u001b"}`)
	f.Add("{{index .keys 9}}", `{"keys":[]}`)
	f.Add("{{upper .name}}", `{"name":7}`)
	f.Fuzz(func(t *testing.T, tmpl, data string) {
		var v any
		if json.Unmarshal([]byte(data), &v) != nil || rangeOverNumber.MatchString(tmpl) {
			// {{range 99999999999}} loops and {{printf "%999999999d" 1}}
			// allocates as much as its author asked: a user's own template,
			// not hostile data, and no test here.
			return
		}
		format := Format{Template: tmpl}
		if format.Validate() != nil {
			return
		}
		var buf bytes.Buffer
		err := format.Print(&buf, anyRecord{v})
		var te *TemplateError
		if err != nil && !errors.As(err, &te) {
			t.Fatalf("template %q: %v (%T)", tmpl, err, err)
		}
		if strings.Contains(buf.String(), "\x1b") && !writesOwnESC(tmpl) {
			t.Fatalf("template %q over %s printed ESC: %q", tmpl, data, buf.String())
		}
	})
}

var rangeOverNumber = regexp.MustCompile(`range[^}]*[0-9]|[0-9]{5,}`)

// writesOwnESC reports a template that could print ESC from its own text
// (a literal, an escape in a string constant, printf "%c").
func writesOwnESC(tmpl string) bool {
	for _, s := range []string{"\x1b", `\`, "print", "`", "html", "js", "urlquery", "call"} {
		if strings.Contains(tmpl, s) {
			return true
		}
	}
	return false
}
