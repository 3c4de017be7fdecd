package report_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/report"
)

// A4 at 96 dpi, the CSS pixel size Chromium lays a printed page out in.
const a4Width, a4Height = 794, 1123

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium: CI must install it (apt-get install -y chromium, as .ci/run does)")
	}
	t.Skip("no Chromium (apt-get install -y chromium); CI runs this test")
	return ""
}

// trap is a loopback listener that Chromium is told to use as its proxy for
// everything: any request the page attempts arrives here.
type trap struct {
	ln    net.Listener
	conns atomic.Int32
	mu    sync.Mutex
	seen  []string
	wg    sync.WaitGroup
}

// settle waits for the connections of a browser that has exited.
func (tr *trap) settle() { tr.wg.Wait() }

func newTrap(t *testing.T) *trap {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &trap{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tr.wg.Add(1)
			go func() {
				defer tr.wg.Done()
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(30 * time.Second))
				line, _ := bufio.NewReader(c).ReadString('\n')
				// A socket opened ahead of need and closed unused (the
				// browser preconnects to its proxy) is no request.
				if strings.TrimSpace(line) == "" || browserOwn(line) {
					return
				}
				tr.conns.Add(1)
				tr.mu.Lock()
				tr.seen = append(tr.seen, strings.TrimSpace(line))
				tr.mu.Unlock()
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return tr
}

// browserOwn tells the browser's own traffic (clock sync, accounts,
// components, optimisation hints: services at Google that Chromium calls
// whatever the page) from the page's. The pages have no URL at all to
// point there (TestHTMLInChromium checks the HTML for any), so nothing of
// the page's hides in what is ignored.
func browserOwn(requestLine string) bool {
	f := strings.Fields(requestLine)
	if len(f) < 2 {
		return false
	}
	host := f[1]
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		host = u.Host
	}
	host, _, _ = strings.Cut(host, ":")
	for _, d := range []string{"google.com", "googleapis.com", "gstatic.com", "gvt1.com", "googleusercontent.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// noURLs is the static half of the check: nothing in the page could make a
// request (no scripts, sources, links, CSS URLs or imports).
var noURLs = regexp.MustCompile(`(?i)<script|<link|<iframe|<object|<embed|\ssrc=|\shref=|url\(|@import|https?:|//[a-z0-9]`)

// browse runs headless Chromium on page: a screenshot of the first
// heightPx pixels at A4 width, and the page printed to PDF.
func browse(t *testing.T, bin, page string, heightPx int, tr *trap) (shot image.Image, pdf []byte) {
	t.Helper()
	dir := t.TempDir()
	png1, pdf1 := filepath.Join(dir, "shot.png"), filepath.Join(dir, "page.pdf")
	common := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-default-apps", "--disable-dev-shm-usage", "--metrics-recording-only", "--mute-audio", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile"),
		"--proxy-server=http://" + tr.ln.Addr().String(), "--proxy-bypass-list=<-loopback>",
		"--force-device-scale-factor=1",
		"--disable-features=OptimizationHints,OptimizationGuideModelDownloading,OptimizationHintsFetching,MediaRouter,Translate,AutofillServerCommunication"}
	// A browser that dies of a signal (Chromium has crashed in CI while
	// printing, with the page unchanged) or hangs past two minutes on a
	// loaded machine is run again, up to three times:
	// the page is what is under test, not the browser. An exit with a
	// status, or a third crash, fails the test.
	run := func(extra ...string) {
		for attempt := 1; ; attempt++ {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			cmd := exec.CommandContext(ctx, bin, append(append(common, extra...), "file://"+page)...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			timedOut := ctx.Err() != nil
			cancel()
			if err == nil {
				return
			}
			var exit *exec.ExitError
			crashed := errors.As(err, &exit) && !exit.Exited()
			if !crashed || attempt == 3 {
				t.Fatalf("chromium %v (attempt %d, timed out: %v): %v\n%s", extra, attempt, timedOut, err, out.String())
			}
			t.Logf("chromium %v died (%v, timed out: %v); running it again", extra, err, timedOut)
		}
	}
	run(fmt.Sprintf("--window-size=%d,%d", a4Width, heightPx), "--screenshot="+png1)
	run("--print-to-pdf="+pdf1, "--no-pdf-header-footer")
	f, err := os.ReadFile(png1)
	if err != nil {
		t.Fatal(err)
	}
	shot, err = png.Decode(bytes.NewReader(f))
	if err != nil {
		t.Fatalf("the screenshot is no PNG: %v", err)
	}
	pdf, err = os.ReadFile(pdf1)
	if err != nil {
		t.Fatal(err)
	}
	return shot, pdf
}

// chartBands finds the horizontal bands of the screenshot where bars of
// the palette are drawn: one per non-blank chart (the legend's small
// swatches are too short to count).
func chartBands(img image.Image) []int {
	b := img.Bounds()
	isBar := func(c color.Color) bool {
		r, g, bl, _ := c.RGBA()
		r, g, bl = r>>8, g>>8, bl>>8
		near := func(x, y, z uint32) bool { return diff(r, x) < 24 && diff(g, y) < 24 && diff(bl, z) < 24 }
		return near(0x00, 0x72, 0xB2) || near(0xD5, 0x5E, 0x00) || near(0xF0, 0xE4, 0x42) || near(0x56, 0xB4, 0xE9)
	}
	var bands []int
	run := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		n := 0
		for x := b.Min.X; x < b.Max.X; x++ {
			if isBar(img.At(x, y)) {
				n++
			}
		}
		if n >= 8 {
			run++
			continue
		}
		if run >= 30 {
			bands = append(bands, run)
		}
		run = 0
	}
	if run >= 30 {
		bands = append(bands, run)
	}
	return bands
}

func diff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

var mediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)

// pdfPages returns the page sizes of a PDF in points.
func pdfPages(pdf []byte) [][2]float64 {
	var out [][2]float64
	for _, m := range mediaBox.FindAllSubmatch(pdf, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		out = append(out, [2]float64{w, h})
	}
	return out
}

// TestHTMLInChromium renders each HTML report, in Russian and English, in
// headless Chromium: it prints on A4 pages, its charts are drawn (not
// blank), and the page attempts no network request. REPORT_SHOTS=DIR keeps
// the screenshots for a person to look at.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	tr := newTrap(t)
	shots := os.Getenv("REPORT_SHOTS")
	dir := t.TempDir()
	for name, r := range reports(t) {
		for _, lang := range []string{"en", "ru"} {
			t.Run(name+"."+lang, func(t *testing.T) {
				html, err := report.HTML(r, lang, msk)
				if err != nil {
					t.Fatal(err)
				}
				if m := noURLs.Find(html); m != nil {
					t.Errorf("the page has %q: it could make a request", m)
				}
				page := filepath.Join(dir, name+"."+lang+".html")
				if err := os.WriteFile(page, html, 0o644); err != nil {
					t.Fatal(err)
				}
				before := tr.conns.Load()
				shot, pdf := browse(t, bin, page, 2400, tr)
				tr.settle()
				if n := tr.conns.Load() - before; n != 0 {
					tr.mu.Lock()
					t.Errorf("the page attempted %d network connection(s): %q", n, tr.seen)
					tr.mu.Unlock()
				}
				if b := shot.Bounds(); b.Dx() != a4Width {
					t.Errorf("screenshot %dx%d, want the A4 width %d", b.Dx(), b.Dy(), a4Width)
				}
				if bands := chartBands(shot); len(bands) < 2 {
					t.Errorf("%d chart areas with bars drawn (heights %v), want 2", len(bands), bands)
				}
				pages := pdfPages(pdf)
				if len(pages) == 0 || len(pages) > 4 {
					t.Errorf("printed to %d pages, want 1 to 4", len(pages))
				}
				for _, p := range pages {
					// A4 is 595.28 x 841.89 points.
					if p[0] < 594 || p[0] > 597 || p[1] < 840 || p[1] > 843 {
						t.Errorf("a printed page is %.2f x %.2f pt, not A4", p[0], p[1])
					}
				}
				if shots != "" {
					if err := os.MkdirAll(shots, 0o755); err != nil {
						t.Fatal(err)
					}
					var b bytes.Buffer
					if err := png.Encode(&b, shot); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(shots, name+"."+lang+".png"), b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// TestChromiumCatchesFetches shows the two checks above can fail: a page
// that loads an image from the network is caught by the trap, and a page
// without charts has no chart areas.
func TestChromiumCatchesFetches(t *testing.T) {
	bin := chromium(t)
	tr := newTrap(t)
	page := filepath.Join(t.TempDir(), "fetch.html")
	html := `<!DOCTYPE html><html><body><p>x</p><img src="http://example.test/pixel.png"></body></html>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	shot, _ := browse(t, bin, page, 600, tr)
	tr.settle()
	if tr.conns.Load() == 0 {
		t.Error("a page fetching an image went unnoticed")
	}
	if bands := chartBands(shot); len(bands) != 0 {
		t.Errorf("a page without charts has chart areas %v", bands)
	}
}
