package customerfile

import (
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/ticket"
)

// TestLangRoundTrips: a customer's language of notices survives the file,
// and a language the notices do not have is refused.
func TestLangRoundTrips(t *testing.T) {
	data, err := Format([]*ticket.Customer{{Code: "ACME", Name: "Acme", Emails: []string{"ops@acme.test"}, Lang: "en"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "lang: en") {
		t.Fatalf("no lang in:\n%s", data)
	}
	cs, err := Parse(data, "customers.yaml")
	if err != nil || len(cs) != 1 || cs[0].Lang != "en" {
		t.Fatalf("parsed %+v, %v", cs, err)
	}
	if _, err := Parse([]byte("customers:\n  - code: X\n    name: X\n    lang: de\n"), "customers.yaml"); err == nil {
		t.Fatal("lang de was accepted")
	}
}
