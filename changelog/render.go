package changelog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/sustain-cli/sustain/internal/output"
)

// Kinds of document.
const (
	KindChangelog = "changelog" // the list of changes (Q6)
	KindNotes     = "notes"     // the whole release document
	KindCompat    = "compat"    // compatibility and upgrade alone (A2, Q7)
)

// Formats of documents.
var Formats = []string{"md", "html", "text", "json"}

func (d *Document) funcs() map[string]any {
	return map[string]any{
		"t":     d.text.T,
		"count": func(n any) string { return d.text.Count(toInt(n)) },
		"date": func(s string) string {
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return d.text.Date(t)
			}
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return d.text.Date(t)
			}
			return s
		},
		"short": func(h string) string {
			if len(h) > 7 {
				return h[:7]
			}
			return h
		},
		"join": strings.Join,
	}
}

// toInt accepts the int of a document and the float64 of its JSON form.
func toInt(n any) int {
	switch v := n.(type) {
	case int:
		return v
	case float64:
		return int(v)
	}
	return 0
}

// Render writes documents (one, or several newest first for a whole
// changelog) of a kind in a format. md, text and html show control
// characters of the data as visible text; json keeps them, escaped.
func Render(w io.Writer, docs []*Document, kind, format string) error {
	if len(docs) == 0 {
		return errNoDocuments
	}
	if format == "json" {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		var err error
		if len(docs) == 1 {
			err = enc.Encode(docs[0])
		} else {
			err = enc.Encode(docs)
		}
		if err != nil {
			return err
		}
		_, err = w.Write(escapeJSONControls(buf.Bytes()))
		return err
	}
	src, ok := builtin[format]
	if !ok {
		return fmt.Errorf("unknown format %q: use md, html, text or json", format)
	}
	docs = cleaned(docs)
	var buf bytes.Buffer
	if format == "html" {
		t, err := htmltemplate.New(format).Funcs(docs[0].funcs()).Parse(src)
		if err != nil {
			return err
		}
		if err := t.ExecuteTemplate(&buf, "page", page{Kind: kind, Docs: docs, Lang: docs[0].Lang}); err != nil {
			return err
		}
	} else {
		t, err := template.New(format).Funcs(docs[0].funcs()).Parse(src)
		if err != nil {
			return err
		}
		if err := t.ExecuteTemplate(&buf, "page", page{Kind: kind, Docs: docs, Lang: docs[0].Lang}); err != nil {
			return err
		}
	}
	_, err := w.Write(squeezeBlankLines(buf.Bytes()))
	return err
}

// errNoDocuments: the templates take their language from the first document.
var errNoDocuments = errors.New("no document to render")

// page is what the built-in templates see.
type page struct {
	Kind string
	Lang string
	Docs []*Document
}

// RenderTemplate executes a user template file over the documented model:
// the JSON form of the document (or of the list of documents), so templates
// use the JSON field names. html/template serves .html/.htm files,
// text/template the rest. A missing key is an error, and errors name the
// file and line. Control characters in the data are shown as visible text,
// as in the built-in formats; the template's own text is left as written.
func RenderTemplate(w io.Writer, docs []*Document, path string) error {
	if len(docs) == 0 {
		return errNoDocuments
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--template: %w", err)
	}
	var model any = docs
	if len(docs) == 1 {
		model = docs[0]
	}
	data, err := output.JSONValue(model)
	if err != nil {
		return err
	}
	data = cleaned(data)
	var buf bytes.Buffer
	name := filepath.Base(path)
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".html" || ext == ".htm" {
		t, err := htmltemplate.New(name).Option("missingkey=error").Funcs(docs[0].funcs()).Parse(string(src))
		if err == nil {
			err = t.Execute(&buf, data)
		}
		if err != nil {
			return fmt.Errorf("--template %w", err)
		}
	} else {
		t, err := template.New(name).Option("missingkey=error").Funcs(docs[0].funcs()).Parse(string(src))
		if err == nil {
			err = t.Execute(&buf, data)
		}
		if err != nil {
			return fmt.Errorf("--template %w", err)
		}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// squeezeBlankLines leaves at most one blank line in a row, so templates can
// be written for reading.
func squeezeBlankLines(b []byte) []byte {
	lines := strings.Split(string(b), "\n")
	out := make([]string, 0, len(lines))
	for i, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") && i != len(lines)-1 {
			continue
		}
		out = append(out, l)
	}
	s := strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
	return []byte(s)
}

var builtin = map[string]string{"md": mdTemplate, "text": textTemplate, "html": htmlTemplate}

const mdTemplate = `
{{define "entry"}}- {{if .Key}}**{{.Key}}** {{end}}{{if .Breaking}}⚠ {{end}}{{.Title}} ({{range $i, $c := .Commits}}{{if $i}}, {{end}}` + "`{{short $c.Hash}}`" + `{{end}})
{{end}}
{{define "changes"}}{{if eq .Count 0}}_{{t "no_changes"}}_
{{else}}{{range .Sections}}{{if .Entries}}
### {{.Title}}

{{range .Entries}}{{template "entry" .}}{{end}}{{end}}{{end}}{{end}}{{end}}
{{define "compat"}}
### {{t "breaking"}}

{{if .Compat.Breaking}}{{range .Compat.Breaking}}- {{.Text}}{{if .Key}} ({{.Key}}){{end}}
{{end}}{{else}}{{t "no_breaking"}}
{{end}}
### {{t "upgrade"}}

{{if .Compat.RestartRequired}}- {{t "upgrade_restart"}}
{{else}}- {{t "upgrade_online"}}
{{end}}{{if .Compat.MaintenanceWindow}}- {{t "upgrade_window"}}
{{end}}{{if .Compat.UpgradeFrom}}- {{t "upgrade_from" .Compat.UpgradeFrom}}
{{end}}{{range .Compat.UpgradeNotes}}- {{.Text}}{{if .Key}} ({{.Key}}){{end}}
{{end}}{{end}}
{{define "components"}}{{if .Components}}
## {{t "components"}}

{{range .Components}}- **{{.Name}}**{{if .DocsChanged}}: {{t "component_docs" (join .DocsChanged ", ")}}{{end}}{{if .DocsMissing}}: {{t "component_no_docs"}}{{end}}
{{end}}{{end}}{{end}}
{{define "requests"}}{{if .Requests}}
## {{t "requests"}}

{{range .Requests}}- **{{.ID}}** ({{.Customer}}) {{.Subject}} — {{join .Tasks ", "}}
{{end}}{{end}}{{end}}
{{define "heading"}}{{if .Version}}[{{.Version}}]{{if .Date}} - {{.Date}}{{end}}{{else}}[{{t "unreleased"}}]{{end}}{{end}}
{{define "page"}}{{$kind := .Kind}}{{if gt (len .Docs) 1}}# {{t "changelog"}}
{{end}}{{range .Docs}}{{if eq $kind "changelog"}}
## {{template "heading" .}}
{{range .Notes}}
_{{.}}_
{{end}}{{template "changes" .}}{{else if eq $kind "compat"}}
# {{t "compat"}}{{if .Version}}: {{.Version}}{{end}}
{{template "compat" .}}{{template "components" .}}{{else}}
# {{t "title"}}{{if .Version}}: {{.Version}}{{end}}

| | |
|---|---|
{{if .Version}}| {{t "version"}} | {{.Version}} |
{{end}}{{if .BuildNumber}}| {{t "build_number"}} | {{.BuildNumber}} |
| {{t "build_date"}} | {{date .BuildDate}} |
{{end}}| {{t "release_date"}} | {{date .Date}} |
| {{t "previous"}} | {{if .Previous}}{{.Previous}}{{else}}{{t "none"}}{{end}} |
{{range .Notes}}
_{{.}}_
{{end}}
## {{t "changes"}} ({{count .Count}})
{{template "changes" .}}
## {{t "compat"}}
{{template "compat" .}}{{template "components" .}}{{template "requests" .}}{{end}}{{end}}{{end}}
`

const textTemplate = `
{{define "entry"}}  * {{if .Key}}{{.Key}} {{end}}{{if .Breaking}}[!] {{end}}{{.Title}} ({{range $i, $c := .Commits}}{{if $i}}, {{end}}{{short $c.Hash}}{{end}})
{{end}}
{{define "changes"}}{{if eq .Count 0}}{{t "no_changes"}}
{{else}}{{range .Sections}}{{if .Entries}}
{{.Title}}:
{{range .Entries}}{{template "entry" .}}{{end}}{{end}}{{end}}{{end}}{{end}}
{{define "compat"}}
{{t "breaking"}}:
{{if .Compat.Breaking}}{{range .Compat.Breaking}}  * {{.Text}}{{if .Key}} ({{.Key}}){{end}}
{{end}}{{else}}  {{t "no_breaking"}}
{{end}}
{{t "upgrade"}}:
{{if .Compat.RestartRequired}}  * {{t "upgrade_restart"}}
{{else}}  * {{t "upgrade_online"}}
{{end}}{{if .Compat.MaintenanceWindow}}  * {{t "upgrade_window"}}
{{end}}{{if .Compat.UpgradeFrom}}  * {{t "upgrade_from" .Compat.UpgradeFrom}}
{{end}}{{range .Compat.UpgradeNotes}}  * {{.Text}}{{if .Key}} ({{.Key}}){{end}}
{{end}}{{end}}
{{define "components"}}{{if .Components}}
{{t "components"}}:
{{range .Components}}  * {{.Name}}{{if .DocsChanged}}: {{t "component_docs" (join .DocsChanged ", ")}}{{end}}{{if .DocsMissing}}: {{t "component_no_docs"}}{{end}}
{{end}}{{end}}{{end}}
{{define "requests"}}{{if .Requests}}
{{t "requests"}}:
{{range .Requests}}  * {{.ID}} ({{.Customer}}) {{.Subject}} - {{join .Tasks ", "}}
{{end}}{{end}}{{end}}
{{define "page"}}{{$kind := .Kind}}{{range .Docs}}{{if eq $kind "changelog"}}
{{if .Version}}{{.Version}}{{else}}{{t "unreleased"}}{{end}}{{if .Date}} ({{date .Date}}){{end}}
{{range .Notes}}{{.}}
{{end}}{{template "changes" .}}{{else if eq $kind "compat"}}
{{t "compat"}}{{if .Version}}: {{.Version}}{{end}}
{{template "compat" .}}{{template "components" .}}{{else}}
{{t "title"}}{{if .Version}}: {{.Version}}{{end}}
{{if .Version}}{{t "version"}}: {{.Version}}
{{end}}{{if .BuildNumber}}{{t "build_number"}}: {{.BuildNumber}}
{{t "build_date"}}: {{date .BuildDate}}
{{end}}{{t "release_date"}}: {{date .Date}}
{{t "previous"}}: {{if .Previous}}{{.Previous}}{{else}}{{t "none"}}{{end}}
{{range .Notes}}{{.}}
{{end}}
{{t "changes"}} ({{count .Count}}):
{{template "changes" .}}
{{t "compat"}}:
{{template "compat" .}}{{template "components" .}}{{template "requests" .}}{{end}}{{end}}{{end}}
`

const htmlTemplate = `
{{define "entry"}}<li>{{if .Key}}<strong>{{.Key}}</strong> {{end}}{{if .Breaking}}<span class="warn">⚠</span> {{end}}{{.Title}} <code>{{range $i, $c := .Commits}}{{if $i}}, {{end}}{{short $c.Hash}}{{end}}</code></li>
{{end}}
{{define "changes"}}{{if eq .Count 0}}<p><em>{{t "no_changes"}}</em></p>
{{else}}{{range .Sections}}{{if .Entries}}<h3>{{.Title}}</h3>
<ul>
{{range .Entries}}{{template "entry" .}}{{end}}</ul>
{{end}}{{end}}{{end}}{{end}}
{{define "compat"}}<h3>{{t "breaking"}}</h3>
{{if .Compat.Breaking}}<ul>
{{range .Compat.Breaking}}<li>{{.Text}}{{if .Key}} ({{.Key}}){{end}}</li>
{{end}}</ul>
{{else}}<p>{{t "no_breaking"}}</p>
{{end}}<h3>{{t "upgrade"}}</h3>
<ul>
{{if .Compat.RestartRequired}}<li>{{t "upgrade_restart"}}</li>
{{else}}<li>{{t "upgrade_online"}}</li>
{{end}}{{if .Compat.MaintenanceWindow}}<li>{{t "upgrade_window"}}</li>
{{end}}{{if .Compat.UpgradeFrom}}<li>{{t "upgrade_from" .Compat.UpgradeFrom}}</li>
{{end}}{{range .Compat.UpgradeNotes}}<li>{{.Text}}{{if .Key}} ({{.Key}}){{end}}</li>
{{end}}</ul>
{{end}}
{{define "components"}}{{if .Components}}<h2>{{t "components"}}</h2>
<ul>
{{range .Components}}<li><strong>{{.Name}}</strong>{{if .DocsChanged}}: {{t "component_docs" (join .DocsChanged ", ")}}{{end}}{{if .DocsMissing}}: <span class="warn">{{t "component_no_docs"}}</span>{{end}}</li>
{{end}}</ul>
{{end}}{{end}}
{{define "requests"}}{{if .Requests}}<h2>{{t "requests"}}</h2>
<ul>
{{range .Requests}}<li><strong>{{.ID}}</strong> ({{.Customer}}) {{.Subject}} — {{join .Tasks ", "}}</li>
{{end}}</ul>
{{end}}{{end}}
{{define "page"}}<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{if eq .Kind "changelog"}}{{t "changelog"}}{{else if eq .Kind "compat"}}{{t "compat"}}{{else}}{{t "title"}}{{end}}</title>
<style>
body{font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;border-bottom:2px solid #444;padding-bottom:.3rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:1rem 0}td{padding:.2rem 1rem .2rem 0;vertical-align:top}td:first-child{color:#555}
code{font-size:.85em;color:#555}.warn{color:#a40}.note{color:#555;font-style:italic}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}
</style>
</head>
<body>
{{$kind := .Kind}}{{range .Docs}}{{if eq $kind "changelog"}}<h2>{{if .Version}}{{.Version}}{{else}}{{t "unreleased"}}{{end}}{{if .Date}} — {{date .Date}}{{end}}</h2>
{{range .Notes}}<p class="note">{{.}}</p>
{{end}}{{template "changes" .}}{{else if eq $kind "compat"}}<h1>{{t "compat"}}{{if .Version}}: {{.Version}}{{end}}</h1>
{{template "compat" .}}{{template "components" .}}{{else}}<h1>{{t "title"}}{{if .Version}}: {{.Version}}{{end}}</h1>
<table>
{{if .Version}}<tr><td>{{t "version"}}</td><td>{{.Version}}</td></tr>
{{end}}{{if .BuildNumber}}<tr><td>{{t "build_number"}}</td><td>{{.BuildNumber}}</td></tr>
<tr><td>{{t "build_date"}}</td><td>{{date .BuildDate}}</td></tr>
{{end}}<tr><td>{{t "release_date"}}</td><td>{{date .Date}}</td></tr>
<tr><td>{{t "previous"}}</td><td>{{if .Previous}}{{.Previous}}{{else}}{{t "none"}}{{end}}</td></tr>
</table>
{{range .Notes}}<p class="note">{{.}}</p>
{{end}}<h2>{{t "changes"}} ({{count .Count}})</h2>
{{template "changes" .}}<h2>{{t "compat"}}</h2>
{{template "compat" .}}{{template "components" .}}{{template "requests" .}}{{end}}{{end}}</body>
</html>
{{end}}
`
