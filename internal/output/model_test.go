package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type deskRecord struct {
	Size     int64      `json:"size"`
	Ratio    float64    `json:"ratio"`
	Closure  string     `json:"closure"`
	ClosedAt *time.Time `json:"closed_at"`
	At       time.Time  `json:"at"`
	Due      time.Time  `json:"reaction_due"`
	Subject  string     `json:"subject"`
	History  []string   `json:"history"`
	Names    []string   `json:"names"`
}

func (deskRecord) Table() Table { return Table{} }

func deskFormat(f Format) Format {
	f.Model = &Model{Zone: func() *time.Location { return time.FixedZone("MSK", 3*3600) }}
	return f
}

func TestModelJSON(t *testing.T) {
	at := time.Date(2026, 11, 20, 7, 0, 0, 123456789, time.UTC)
	r := deskRecord{Size: 27262976, Ratio: 0.5, At: at, Due: at.Add(time.Hour),
		Subject: "2026-11-20T07:00:00Z", Names: []string{""}}
	var buf bytes.Buffer
	if err := deskFormat(Format{JSON: true}).Print(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := `{
  "size": 27262976,
  "ratio": 0.5,
  "closure": null,
  "closed_at": null,
  "at": "2026-11-20T10:00:00+03:00",
  "reaction_due": "2026-11-20T11:00:00+03:00",
  "subject": "2026-11-20T07:00:00Z",
  "history": null,
  "names": [
    ""
  ]
}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	// Without a model the JSON is Go's.
	buf.Reset()
	if err := (Format{JSON: true}).Print(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"closure": ""`) || !strings.Contains(buf.String(), `"at": "2026-11-20T07:00:00.123456789Z"`) {
		t.Errorf("without a model the JSON changed:\n%s", buf.String())
	}
}

func TestModelStreamIsPrint(t *testing.T) {
	at := time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC)
	items := []deskRecord{{Size: 1, At: at}, {Size: 27262976, At: at, Closure: "auto"}}
	f := deskFormat(Format{JSON: true})
	var whole, streamed bytes.Buffer
	if err := f.WriteJSON(&whole, items); err != nil {
		t.Fatal(err)
	}
	s := f.Stream(&streamed, nil, nil)
	for _, it := range items {
		if err := s.Add(it, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(""); err != nil {
		t.Fatal(err)
	}
	if whole.String() != streamed.String() {
		t.Errorf("streamed\n%s\nprinted\n%s", streamed.String(), whole.String())
	}
}

func TestTemplateIntegersAndNulls(t *testing.T) {
	at := time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC)
	r := deskRecord{Size: 27262976, Ratio: 0.25, At: at}
	tmpl := `{{.size}} {{.ratio}} [{{.closure}}] [{{.closed_at}}] {{if .closed_at}}closed{{else}}open{{end}} ` +
		`{{range .history}}x{{else}}none{{end}} {{json .closure}} {{.at}} {{or .closure "-"}} {{if gt .size 100}}big{{end}}`
	for _, f := range []Format{{Template: tmpl}, deskFormat(Format{Template: tmpl})} {
		var buf bytes.Buffer
		if err := f.Print(&buf, r); err != nil {
			t.Fatal(err)
		}
		got := buf.String()
		if strings.Contains(got, "no value") || !strings.HasPrefix(got, "27262976 0.25 ") {
			t.Errorf("template printed %q", got)
		}
		if f.Model != nil {
			want := "27262976 0.25 [] [] open none null 2026-11-20T10:00:00+03:00 - big"
			if got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		}
	}
}

// FuzzModel: whatever a view marshals, the model keeps it valid JSON with
// the same shape, only empty member texts turned null.
func FuzzModel(f *testing.F) {
	f.Add(`{"a":"","at":"2026-11-20T07:00:00.5Z","b":["",{"c":"x\"y\\"}],"d":{"due":"not a time"},"e":1.5e3,"f":null,"g":true}`)
	f.Add(`[{"k\"ey":"","created_at":"2026-11-20T07:00:00+03:00"},[],{}]`)
	m := &Model{Zone: func() *time.Location { return time.FixedZone("X", 5*3600) }}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return
		}
		out, err := m.apply(raw)
		if err != nil {
			t.Fatalf("apply(%s): %v", raw, err)
		}
		if !json.Valid(out) {
			t.Fatalf("apply(%s) = %s: not JSON", raw, out)
		}
		again, err := m.apply(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("apply is not idempotent: %s then %s", out, again)
		}
	})
}
