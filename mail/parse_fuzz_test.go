package mail

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sustain-cli/sustain/mail/mailtest"
)

// FuzzParse feeds the parser the corpus and its mutations: it must never
// panic (not even one it recovers from), every text it returns must be
// valid UTF-8, and every attachment must have a name.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(corpus, "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no corpus: %v", err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add(mailtest.WithAttachment(3000).Bytes())
	f.Add([]byte("From: a@b\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		HeaderMessageID(raw)
		m, err := Parse(raw, ParseOptions{LoopID: loopID, MaxAttachmentBytes: 1 << 20})
		var pe *ParseError
		if errors.As(err, &pe) && pe.panicked {
			t.Fatalf("parser panicked: %s", pe.Reason)
		}
		if err != nil {
			if m != nil {
				t.Fatal("a message with an error")
			}
			return
		}
		assertUTF8(t, m)
		if m.From == "" {
			t.Error("a message without From")
		}
	})
}
