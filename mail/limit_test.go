package mail

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// TestMessageLimitEndlessInput: /dev/zero through the limit ends at Max
// bytes, and Parse then refuses the cut message with the reason.
func TestMessageLimitEndlessInput(t *testing.T) {
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	lim := &MessageLimit{Max: 1 << 20, Setting: "mail.max_message_mb"}
	got, err := io.ReadAll(lim.Reader(f))
	if err != nil || len(got) != 1<<20 || !lim.Over() {
		t.Fatalf("read %d bytes, %v, over %v", len(got), err, lim.Over())
	}
	_, err = Parse([]byte("From: ops@acme.test\r\n\r\nhi"), ParseOptions{Limit: lim})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Reason != "over mail.max_message_mb (1 MB): the first 1 MB are kept" {
		t.Fatalf("Parse: %v", err)
	}
	if strings.Contains(err.Error(), "cannot parse") {
		t.Errorf("error %q", err)
	}
}

// TestMessageLimitExact: a message of exactly Max bytes is whole.
func TestMessageLimitExact(t *testing.T) {
	raw := "From: ops@acme.test\r\n\r\nhi"
	lim := &MessageLimit{Max: int64(len(raw)), Setting: "x"}
	got, _ := io.ReadAll(lim.Reader(strings.NewReader(raw)))
	if string(got) != raw || lim.Over() {
		t.Fatalf("got %q, over %v", got, lim.Over())
	}
	if _, err := Parse(got, ParseOptions{Limit: lim}); err != nil {
		t.Fatal(err)
	}
}
