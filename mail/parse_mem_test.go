package mail

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/sustain-cli/sustain/mail/mailtest"
)

// heapGrowth parses raw and reports how much the live heap grew (the
// message and what the parser still holds) and how much was allocated in
// all, an upper bound of the peak.
func heapGrowth(t testing.TB, raw []byte, opts ParseOptions) (m *Message, live, total uint64, err error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err = Parse(raw, opts)
	runtime.ReadMemStats(&after)
	total = after.TotalAlloc - before.TotalAlloc
	runtime.GC()
	runtime.ReadMemStats(&after)
	if after.HeapAlloc > before.HeapAlloc {
		live = after.HeapAlloc - before.HeapAlloc
	}
	// raw stays alive too: the intake holds it while it parses.
	runtime.KeepAlive(raw)
	runtime.KeepAlive(m)
	return m, live, total, err
}

// TestParseMemory25MB is issue 9's budget: a message carrying a 25 MB
// attachment parses with heap growth well under 100 MB.
func TestParseMemory25MB(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 34 MB message")
	}
	if raceEnabled {
		t.Skip("the race detector changes allocations")
	}
	const size = 25 << 20
	raw := mailtest.WithAttachment(size).Bytes()
	m, live, total, err := heapGrowth(t, raw, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || !bytes.Equal(m.Attachments[0].Data, mailtest.Blob(1, size)) {
		t.Fatal("attachment not kept byte for byte")
	}
	t.Logf("raw %d MB; live heap growth %d MB; allocated in all %d MB", len(raw)>>20, live>>20, total>>20)
	// What stays is the attachment itself (25 MB) and little else.
	if live > 40<<20 {
		t.Errorf("live heap grew by %d MB", live>>20)
	}
	if total > 100<<20 {
		t.Errorf("parse allocated %d MB in all", total>>20)
	}
}

// TestParse50MB is the 50 MB attachment of issue 9: above the limit it is
// a *TooLargeError with the numbers, never a truncated message.
func TestParse50MB(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 68 MB message")
	}
	const size = 50 << 20
	raw := mailtest.WithAttachment(size).Bytes()
	_, err := Parse(raw, ParseOptions{MaxAttachmentBytes: 25 << 20})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Name != "dump.bin" || tl.Size != size || tl.Limit != 25<<20 {
		t.Fatalf("err = %v", err)
	}
}

func BenchmarkParse25MB(b *testing.B) {
	raw := mailtest.WithAttachment(25 << 20).Bytes()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(raw, ParseOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCorpus is the parser's share of the intake's budget
// (issue 9: 200 messages a second on the desk's machine).
func BenchmarkParseCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*.eml"))
	var raws [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, raw)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range raws {
			_, _ = Parse(raw, ParseOptions{LoopID: loopID})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(raws))/1e3, "µs/msg")
}
