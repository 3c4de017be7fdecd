package mail

import (
	"errors"
	"strings"
	"testing"
)

// TestParseFromSpoofs: a From header that is not exactly one mailbox is
// refused, so no text in it can pass for a registered sender (Q10, A12).
func TestParseFromSpoofs(t *testing.T) {
	for name, from := range map[string]string{
		"address as display name":     "From: ivan@acme.test <attacker@evil.test>\r\n",
		"comment before angle":        "From: ops@acme.test (c) <evil@x.test>\r\n",
		"text after angle":            "From: <ops@acme.test>evil@x.test\r\n",
		"two From headers":            "From: ops@acme.test\r\nFrom: evil@x.test\r\n",
		"two mailboxes":               "From: ops@acme.test, evil@x.test\r\n",
		"only a display name":         "From: ops acme test\r\n",
		"unclosed angle":              "From: Ops <ops@acme.test\r\n",
		"encoded word as address":     "From: =?utf-8?q?ops@acme.test?=\r\n",
		"encoded word with @ as name": "From: =?utf-8?q?ops@acme.test?= <evil@x.test>\r\n",
		"angle inside quoted name":    "From: \"ops <ops@acme.test>\" evil@x.test\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			raw := from + "To: support@desk.test\r\nSubject: Re: [ACME-1] x\r\n\r\nconfirm\r\n"
			m, err := Parse([]byte(raw), ParseOptions{})
			var pe *ParseError
			if !errors.As(err, &pe) || m != nil {
				t.Fatalf("Parse = %+v, %v; want *ParseError", m, err)
			}
			if !strings.HasPrefix(pe.Reason, "From cannot be read") {
				t.Errorf("reason %q", pe.Reason)
			}
		})
	}
}

// TestParseFromReadable: what a mailer writes is still read, and an
// encoded word is decoded in the name only.
func TestParseFromReadable(t *testing.T) {
	for from, want := range map[string][2]string{
		"Ivan <Ivan@Acme.test>":                     {"ivan@acme.test", "Ivan"},
		"ivan@acme.test":                            {"ivan@acme.test", ""},
		"\"Petrov, Ivan\" <ivan@acme.test>":         {"ivan@acme.test", "Petrov, Ivan"},
		"=?utf-8?b?0JjQstCw0L0=?= <ivan@acme.test>": {"ivan@acme.test", "Иван"},
		"ivan@acme.test (Ivan Petrov)":              {"ivan@acme.test", "Ivan Petrov"},
		"Иван Петров <ivan@acme.test>":              {"ivan@acme.test", "Иван Петров"},
	} {
		raw := "From: " + from + "\r\nTo: support@desk.test\r\nSubject: x\r\n\r\nbody\r\n"
		m, err := Parse([]byte(raw), ParseOptions{})
		if err != nil {
			t.Errorf("From: %s: %v", from, err)
			continue
		}
		if m.From != want[0] || m.FromName != want[1] {
			t.Errorf("From: %s: got %q %q, want %q %q", from, m.From, m.FromName, want[0], want[1])
		}
	}
}
