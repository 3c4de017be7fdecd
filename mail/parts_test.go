package mail

import (
	"errors"
	"strings"
	"testing"
)

// manyParts is a multipart message with n tiny parts of the given kind
// under the Content-Type header ct (which declares boundary B).
func manyParts(ct string, n int, part string) []byte {
	var b strings.Builder
	b.WriteString("From: ops@acme.test\r\nTo: support@desk.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n" + ct + "\r\n\r\n")
	b.WriteString("--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
	for range n {
		b.WriteString("--B\r\n" + part + "\r\nx\r\n")
	}
	b.WriteString("--B--\r\n")
	return []byte(b.String())
}

// TestParseTooManyParts: over MaxParts the message is refused before
// enmime, whose cost grows with the square of the parts, reads it; a
// boundary is found however its header is written.
func TestParseTooManyParts(t *testing.T) {
	for name, ct := range map[string]string{
		"plain":         `Content-Type: multipart/mixed; boundary="B"`,
		"upper case":    `Content-Type: MULTIPART/MIXED; BOUNDARY=B`,
		"folded":        "Content-Type: multipart/mixed;\r\n\tboundary=B",
		"padded header": `Content-Type: multipart/mixed; x="` + strings.Repeat("y", 5000) + `"; boundary="B"`,
	} {
		for _, part := range []string{"Content-Type: text/plain\r\n", "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=a.bin\r\n"} {
			_, err := Parse(manyParts(ct, 30, part), ParseOptions{MaxParts: 20})
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(pe.Reason, "more than 20 MIME parts") {
				t.Errorf("%s, %q: err = %v; want too many parts", name, part[:20], err)
			}
			m, err := Parse(manyParts(ct, 10, part), ParseOptions{MaxParts: 20})
			if err != nil || m.Text == "" {
				t.Errorf("%s, %q, under the cap: %v", name, part[:20], err)
			}
		}
	}
}

// TestParseDefaultMaxParts: the default cap holds with no options; a
// message at the cap is read.
func TestParseDefaultMaxParts(t *testing.T) {
	part := "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=a.bin\r\n"
	if _, err := Parse(manyParts(`Content-Type: multipart/mixed; boundary="B"`, DefaultMaxParts+1, part), ParseOptions{}); err == nil {
		t.Error("over the default cap: read")
	}
	m, err := Parse(manyParts(`Content-Type: multipart/mixed; boundary="B"`, DefaultMaxParts-1, part), ParseOptions{})
	if err != nil || len(m.Attachments) != DefaultMaxParts-1 {
		t.Errorf("at the cap: %v", err)
	}
}
