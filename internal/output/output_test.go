package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

type record struct {
	Version string   `json:"version"`
	Keys    []string `json:"keys"`
}

func (r record) Table() Table { return KV("VERSION", r.Version, "KEYS", strings.Join(r.Keys, ",")) }

func TestFormats(t *testing.T) {
	r := record{Version: "1.0.42", Keys: []string{"SRV-42", "SRV-7"}}
	cases := []struct {
		name string
		f    Format
		want string
	}{
		{"table in a pipe", Format{}, "VERSION\t1.0.42\nKEYS\tSRV-42,SRV-7\n"},
		{"table on a terminal", Format{Term: Terminal{TTY: true}}, "VERSION  1.0.42\nKEYS     SRV-42,SRV-7\n"},
		{"json", Format{JSON: true}, "{\n  \"version\": \"1.0.42\",\n  \"keys\": [\n    \"SRV-42\",\n    \"SRV-7\"\n  ]\n}\n"},
		{"template uses json names", Format{Template: `{{.version}} {{join "+" .keys}}{{"\n"}}`}, "1.0.42 SRV-42+SRV-7\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.f.Print(&buf, r); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tc.want {
				t.Errorf("got\n%q\nwant\n%q", buf.String(), tc.want)
			}
		})
	}
}

func TestTableHasHeaderAndNoTrailingBlanks(t *testing.T) {
	var buf bytes.Buffer
	err := Terminal{TTY: true}.WriteTable(&buf, Table{Header: []string{"NAME", "VERSION"}, Rows: [][]string{{"api", "1.0.37"}, {"web-frontend", "-"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "NAME          VERSION\napi           1.0.37\nweb-frontend  -\n"
	if buf.String() != want {
		t.Errorf("got\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestValidate(t *testing.T) {
	if err := (Format{JSON: true, Template: "x"}).Validate(); err == nil {
		t.Error("--json with --template accepted")
	}
	if err := (Format{Template: "{{.x"}).Validate(); err == nil || !strings.Contains(err.Error(), "--template") {
		t.Errorf("bad template: err = %v", err)
	}
	var buf bytes.Buffer
	err := Format{Template: "{{index .nope 3}}"}.Print(&buf, record{})
	if err == nil || !strings.Contains(err.Error(), "--template failed") {
		t.Errorf("failing template: err = %v", err)
	}
}

// TestTrSaysHeaderKeysAndFooter: Tr changes a table's header, a KV
// table's field names and the footer, never cells or JSON.
func TestTrSaysHeaderKeysAndFooter(t *testing.T) {
	tr := func(s string) string {
		return map[string]string{"ID": "НОМЕР", "NAME": "ИМЯ", "3 shown": "показано 3"}[s] + ""
	}
	say := func(s string) string {
		if w := tr(s); w != "" {
			return w
		}
		return s
	}
	f := Format{Tr: say, Term: Terminal{TTY: true, Width: 80}}
	var b strings.Builder
	if err := f.Print(&b, tabled{Table{Header: []string{"ID", "NAME"}, Rows: [][]string{{"ID", "NAME"}}, Footer: "3 shown"}}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.Contains(got, "НОМЕР") || !strings.Contains(got, "показано 3") || strings.Count(got, "ИМЯ") != 1 || !strings.Contains(got, "NAME") {
		t.Errorf("table:\n%s", got)
	}
	b.Reset()
	if err := f.Print(&b, tabled{KV("NAME", "ID")}); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); !strings.Contains(got, "ИМЯ") || !strings.Contains(got, "ID") || strings.Contains(got, "НОМЕР") {
		t.Errorf("KV:\n%s", got)
	}
	b.Reset()
	f.JSON = true
	if err := f.Print(&b, tabled{Table{Header: []string{"ID"}}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "НОМЕР") {
		t.Errorf("JSON: %s", b.String())
	}
}

type tabled struct{ t Table }

func (v tabled) Table() Table                 { return v.t }
func (v tabled) MarshalJSON() ([]byte, error) { return []byte(`{"id":"ID"}`), nil }

func TestIndentJSONIsJSONIndent(t *testing.T) {
	for _, src := range []string{
		`{}`, `[]`, `{"a":[]}`, `{"a":{},"b":[1,2,{"c":"x,y:{}[]\"\\"}],"d":null}`,
		`[[],[[]],{"":""}]`, `"str"`, `12`, `{"ключ":"значение \u2028","e":"\u003c\\"}`,
		`{"a":{"b":{"c":[true,false]}},"z":-1.5e3}`,
	} {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(src), "  ", "  "); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := indentJSON(nil, []byte(src), "  ", "  "); string(got) != want.String() {
			t.Errorf("indentJSON(%s)\n got %s\nwant %s", src, got, want.String())
		}
	}
}

// FuzzIndentJSON: on any valid JSON, compacted as the encoder writes it,
// indentJSON gives json.Indent's bytes.
func FuzzIndentJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c\"d"}],"e":{}}`, `[[],{}]`, `"\\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var compact, want bytes.Buffer
		if json.Compact(&compact, []byte(s)) != nil {
			return
		}
		if err := json.Indent(&want, compact.Bytes(), "  ", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON(nil, compact.Bytes(), "  ", "  "); string(got) != want.String() {
			t.Fatalf("indentJSON(%s)\n got %s\nwant %s", compact.Bytes(), got, want.String())
		}
	})
}
