package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/go-analyze/charts"
)

// chart is a bar chart of a report: what is drawn, not how.
type chart struct {
	Title   string
	Labels  []string
	Series  []series
	Stacked bool
	// NoLegend leaves the legend to the page (HTML draws it in its own
	// font: the browser's text is wider than the chart measured).
	NoLegend bool
}

type series struct {
	Name   string
	Values []float64
}

// palette is colour-blind safe (Okabe–Ito blue, vermillion, yellow, sky
// blue) with falling darkness, so the series stay apart in black-and-white
// print: dark, middle, light.
var paletteHex = []string{"0072B2", "D55E00", "F0E442", "56B4E9"}

var palette = []charts.Color{
	charts.ColorFromHex(paletteHex[0]),
	charts.ColorFromHex(paletteHex[1]),
	charts.ColorFromHex(paletteHex[2]),
	charts.ColorFromHex(paletteHex[3]),
}

var theme = charts.MakeTheme(charts.ThemeOption{
	BackgroundColor:    charts.ColorFromHex("FFFFFF"),
	TextColor:          charts.ColorFromHex("222222"),
	AxisStrokeColor:    charts.ColorFromHex("555555"),
	AxisSplitLineColor: charts.ColorFromHex("DDDDDD"),
	SeriesColors:       palette,
})

// Chart sizes in pixels: the width of an A4 page's text at 96 dpi.
const (
	ChartWidth  = 680
	ChartHeight = 300
)

// render draws c as SVG or PNG ("svg", "png").
func (c *chart) render(format string, width, height int, title, subtitle string) ([]byte, error) {
	values := make([][]float64, len(c.Series))
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		values[i], names[i] = s.Values, s.Name
	}
	if len(c.Labels) == 0 {
		// Nothing to draw: one empty bar keeps the axes and the legend.
		c = &chart{Title: c.Title, Labels: []string{"—"}, Series: c.Series, Stacked: c.Stacked}
		for i := range values {
			values[i] = []float64{0}
		}
	}
	opt := charts.NewBarChartOptionWithData(values)
	opt.Theme = theme
	opt.Padding = charts.Box{Top: 10, Right: 20, Bottom: 10, Left: 10, IsSet: true}
	opt.CategoryAxis.Labels = c.Labels
	opt.CategoryAxis.BoundaryGap = charts.Ptr(true)
	if len(c.Labels) > 14 {
		opt.CategoryAxis.LabelRotation = charts.DegreesToRadians(45)
	}
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	if maxOf(values, c.Stacked) < 5 {
		opt.ValueAxis[0].Max = charts.Ptr(5.0) // whole requests on the axis
	}
	opt.ValueAxis[0].ValueFormatter = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	opt.ValueFormatter = func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	if c.Stacked {
		opt.StackSeries = charts.Ptr(true)
	}
	for i := range opt.SeriesList {
		opt.SeriesList[i].Name = names[i]
		// Figures on single bars: the chart reads in black and white. On
		// stacked bars they would straddle the segments' edges; those
		// segments differ in darkness instead, and the tables carry the
		// figures.
		opt.SeriesList[i].Label.Show = charts.Ptr(!c.Stacked && len(c.Labels) <= 14)
		opt.SeriesList[i].Label.ValueFormatter = func(v float64) string {
			if v == 0 {
				return ""
			}
			return strconv.FormatFloat(v, 'f', 0, 64)
		}
	}
	opt.Legend = charts.LegendOption{SeriesNames: names, Offset: charts.OffsetRight}
	if title != "" {
		// Alone, the chart says what it is and when; the legend goes under
		// the bars, away from the title.
		opt.Title = charts.TitleOption{Text: title + "\n" + subtitle, FontStyle: charts.NewFontStyleWithSize(15), Offset: charts.OffsetCenter}
		opt.Legend.Offset = charts.OffsetCenter.WithTop("bottom")
	}
	if len(names) < 2 || c.NoLegend {
		opt.Legend.Show = charts.Ptr(false)
	}
	out := charts.ChartOutputSVG
	if format == "png" {
		out = charts.ChartOutputPNG
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: out, Width: width, Height: height, Theme: theme})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("draw the chart %q: %w", c.Title, err)
	}
	return p.Bytes()
}

func maxOf(values [][]float64, stacked bool) float64 {
	m := 0.0
	if len(values) == 0 {
		return 0
	}
	for j := range values[0] {
		sum := 0.0
		for i := range values {
			if stacked {
				sum += values[i][j]
			} else {
				m = max(m, values[i][j])
			}
		}
		m = max(m, sum)
	}
	return m
}

// Chart draws the report's main chart alone, as svg or png, for e-mail
// and wikis: the weekly reaction of an SLA report or a customer's month,
// the queue by age.
func Chart(r Report, format, lang string, loc *time.Location) ([]byte, error) {
	w := wordsOf(lang)
	d := r.doc(w, loc)
	for _, s := range d.Sections {
		if s.Chart != nil {
			c := *s.Chart
			sub := ""
			for _, m := range d.Meta {
				if m[0] == w.t("period") || m[0] == w.t("at") {
					sub = m[1]
					break
				}
			}
			return c.render(format, 800, 440, d.Title, c.Title+", "+sub)
		}
	}
	return nil, fmt.Errorf("the report has no chart")
}
