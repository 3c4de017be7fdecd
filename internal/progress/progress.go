// Package progress says on standard error how far a long run has got: a
// line redrawn in place, shown only on a terminal, only once the work has
// taken more than a second, and cleared when it ends, so short runs, pipes,
// logs and --json see nothing of it.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/sustain-cli/sustain/internal/output"
)

// Delay is how long work runs before its progress is shown.
const Delay = time.Second

// every is the least time between two redraws.
const every = 100 * time.Millisecond

// Bar is one unit of work's progress. A nil *Bar does nothing, so callers
// need no checks.
type Bar struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	total   int // 0: unknown
	done    int
	start   time.Time
	last    time.Time
	drawn   bool
	now     func() time.Time
	lastLen int
}

// New returns the progress of work on total items (0 when unknown), or nil
// when on is false: stderr is not a terminal, or the output is JSON.
func New(w io.Writer, on bool, label string, total int) *Bar {
	return newAt(w, on, label, total, time.Now)
}

// NewAfter is New with another delay than Delay (tests show progress at
// once with 0).
func NewAfter(w io.Writer, on bool, label string, total int, delay time.Duration) *Bar {
	b := newAt(w, on, label, total, time.Now)
	if b != nil {
		b.start = b.start.Add(delay - Delay)
	}
	return b
}

func newAt(w io.Writer, on bool, label string, total int, now func() time.Time) *Bar {
	if !on || w == nil {
		return nil
	}
	t := now()
	return &Bar{w: w, label: label, total: total, start: t, now: now}
}

// SetTotal says how many items there are, once known.
func (b *Bar) SetTotal(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.total = n
	b.mu.Unlock()
}

// Add counts n more items done and redraws when due.
func (b *Bar) Add(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	t := b.now()
	if t.Sub(b.start) < Delay || (b.drawn && t.Sub(b.last) < every) {
		return
	}
	b.last, b.drawn = t, true
	line := b.label + ": " + output.Thousands(b.done)
	if b.total > 0 {
		line += " of " + output.Thousands(b.total) + fmt.Sprintf(" (%d%%)", min(b.done*100/b.total, 100))
	}
	pad := max(b.lastLen-len(line), 0)
	b.lastLen = len(line)
	fmt.Fprintf(b.w, "\r%s%s", line, strings.Repeat(" ", pad))
}

// Count is the number of items done so far.
func (b *Bar) Count() int {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.done
}

// Done clears the line, if one was drawn.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.drawn = false
	}
}
