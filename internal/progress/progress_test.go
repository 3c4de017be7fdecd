package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestShownOnlyAfterTheDelayAndCleared(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var buf bytes.Buffer
	b := newAt(&buf, true, "sweep", 12000, c.now)
	b.Add(10)
	c.t = c.t.Add(900 * time.Millisecond)
	b.Add(10)
	if buf.Len() != 0 {
		t.Fatalf("drawn before a second: %q", buf.String())
	}
	c.t = c.t.Add(200 * time.Millisecond)
	b.Add(5980)
	if got := buf.String(); got != "\rsweep: 6,000 of 12,000 (50%)" {
		t.Fatalf("line %q", got)
	}
	b.Add(1) // within 100 ms: not redrawn
	if strings.Count(buf.String(), "\r") != 1 {
		t.Fatalf("redrawn too soon: %q", buf.String())
	}
	b.Done()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Fatalf("not cleared: %q", buf.String())
	}
}

func TestOffIsSilentAndNilSafe(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, false, "x", 10)
	if b != nil {
		t.Fatal("a bar when off")
	}
	b.Add(5)
	b.SetTotal(3)
	b.Done()
	c := &clock{t: time.Now()}
	quick := newAt(&buf, true, "quick", 0, c.now)
	quick.Add(100)
	quick.Done()
	if buf.Len() != 0 {
		t.Fatalf("output from a bar that was off or quick: %q", buf.String())
	}
}
