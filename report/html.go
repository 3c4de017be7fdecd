package report

import (
	"bytes"
	"html/template"
	"sync"
	"time"

	"github.com/sustain-cli/sustain/internal/lazyre"
)

// HTML writes the report as one self-contained page: inline CSS, charts as
// inline SVG, no scripts and nothing fetched, laid out for A4 paper.
func HTML(r Report, lang string, loc *time.Location) ([]byte, error) {
	w := wordsOf(lang)
	d := r.doc(w, loc)
	d.Lang = "en"
	if w.ru {
		d.Lang = "ru"
	}
	type legendItem struct{ Name, Colour string }
	type htmlSection struct {
		section
		SVG    template.HTML
		Legend []legendItem
	}
	page := struct {
		*doc
		Sections []htmlSection
	}{doc: d}
	for _, s := range d.Sections {
		hs := htmlSection{section: s}
		if s.Chart != nil {
			c := *s.Chart
			c.NoLegend = true
			if len(c.Series) > 1 {
				for i, se := range c.Series {
					hs.Legend = append(hs.Legend, legendItem{se.Name, "#" + paletteHex[i%len(paletteHex)]})
				}
			}
			svg, err := c.render("svg", ChartWidth, ChartHeight, "", "")
			if err != nil {
				return nil, err
			}
			// The chart is our own drawing with its text escaped; in HTML it
			// needs no XML namespaces (nor any URL at all).
			hs.SVG = template.HTML(xmlns.ReplaceAll(svg, nil)) // #nosec G203 -- generated SVG, text escaped by the renderer
		}
		page.Sections = append(page.Sections, hs)
	}
	var b bytes.Buffer
	if err := pageTemplate().Execute(&b, page); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var xmlns = lazyre.New(` xmlns(:[a-z]+)?="[^"]*"`)

// pageTemplate is parsed on first use, not in every sustain process.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
@page { size: A4; margin: 15mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { background: #fff; color: #1a1a1a; }
body { font-family: "Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt; line-height: 1.35;
       margin: 0 auto; max-width: 180mm; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 3mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 0.6pt solid #555; break-after: avoid; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 0 0 4mm; font-size: 9.5pt; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
section { break-inside: avoid; }
section.list { break-inside: auto; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 2mm 0; }
th, td { text-align: left; padding: 1mm 2mm; border-bottom: 0.4pt solid #bbb; vertical-align: top; }
th { border-bottom: 0.8pt solid #333; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.kv { width: auto; min-width: 70mm; }
table.kv td:first-child { padding-left: 0; }
.chart { margin: 2mm 0; }
.chart svg { width: 100%; height: auto; display: block; }
ul.legend { list-style: none; margin: 3mm 0 0; padding: 0; display: flex; gap: 6mm; font-size: 9.5pt; }
ul.legend li { display: flex; align-items: center; gap: 1.5mm; }
.swatch { display: inline-block; width: 5mm; height: 3.5mm; border: 0.4pt solid #333;
          -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.chart svg, .chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
p.note { font-size: 9pt; color: #333; margin: 1mm 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<dl class="meta">{{range .Meta}}
<dt>{{index . 0}}</dt><dd>{{index . 1}}</dd>{{end}}
</dl>
</header>
{{range .Sections}}<section{{if .Table}} class="list"{{end}}>
<h2>{{.Title}}</h2>
{{if .KV}}<table class="kv"><tbody>{{range .KV}}
<tr><td>{{index . 0}}</td><td class="n">{{index . 1}}</td></tr>{{end}}
</tbody></table>
{{end}}{{if .Legend}}<ul class="legend">{{range .Legend}}<li><span class="swatch" style="background:{{.Colour}}"></span>{{.Name}}</li>{{end}}</ul>
{{end}}{{if .SVG}}<figure class="chart" role="img" aria-label="{{.Chart.Title}}" style="margin:2mm 0">{{.SVG}}</figure>
{{end}}{{if .Table}}{{$num := .Table.Num}}<table><thead><tr>{{range $i, $h := .Table.Header}}<th{{if and $num (index $num $i)}} class="n"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>{{range .Table.Rows}}
<tr>{{range $i, $c := .}}<td{{if and $num (index $num $i)}} class="n"{{end}}>{{$c}}</td>{{end}}</tr>{{end}}
</tbody></table>
{{end}}{{if .Note}}<p class="note">{{.Note}}</p>
{{end}}</section>
{{end}}</body>
</html>
`))
})
