package mail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/ticket"
)

// corpusDesk is a desk as the corpus assumes it (testdata/mail/README.md):
// ACME writes from ivan@, petr@ and olga@ (ivan is the responsible person),
// requests SUP-1..12 were opened by mail, SUP-7 is answered (resolved),
// SUP-12 waits for the customer, and one earlier message
// <CAF1x2@mail.acme.test> opened SUP-13.
func corpusDesk(t *testing.T) *desk {
	d := newDesk(t)
	if _, err := d.svc.EditCustomer(ctx, "ACME", func(c *ticket.Customer) error {
		c.Emails = append(c.Emails, "petr@acme.test", "olga@acme.test")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 12; i++ {
		from := "ivan@acme.test"
		if i == 7 {
			from = "olga@acme.test" // the bounce is of SUP-7's registration to olga@
		}
		if _, err := d.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Subject: "earlier", Description: "x", From: from, Actor: "anna"}); err != nil {
			t.Fatal(err)
		}
	}
	d.act("SUP-7", ticket.ActAnswer, "Fixed in 1.0.42")
	d.act("SUP-12", ticket.ActRequestInfo, "Which licence?")
	d.want(d.ingest(msg("From: ivan@acme.test", "Message-ID: <CAF1x2@mail.acme.test>", "Subject: licence")),
		ticket.DecisionOpened, "SUP-13", "")
	d.sendAll()
	return d
}

func corpusFile(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "mail", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestIntakeCorpus runs every message of the team's corpus through the
// intake rules, each on a fresh desk, and checks its decision.
func TestIntakeCorpus(t *testing.T) {
	tests := []struct {
		file, decision, request, as string
		reason                      string // a part of the reason, when it matters
	}{
		{file: "confirmation.eml", decision: "appended", request: "SUP-7", as: mail.AsConfirmation},
		{file: "dispute.eml", decision: "appended", request: "SUP-7", as: mail.AsDispute},
		{file: "raw8bit-subject-sup7.eml", decision: "appended", request: "SUP-7", as: mail.AsDispute},
		{file: "reply-tag-only.eml", decision: "appended", request: "SUP-12", as: mail.AsReply},
		{file: "reply-references-only.eml", decision: "appended", request: "SUP-12", as: mail.AsReply}, // the last reference is ours
		{file: "dsn-bounce.eml", decision: "ignored", request: "SUP-7", reason: "marked failed"},
		{file: "dsn-headers-only.eml", decision: "ignored", reason: "bounce"},
		{file: "dsn-delayed.eml", decision: "ignored", reason: "bounce"}, // a delay: SUP-8's notice is not failed
		{file: "read-receipt.eml", decision: "ignored", reason: "auto-reply"},
		{file: "html-meta-koi8r.eml", decision: "opened", request: "SUP-14"},
		{file: "exchange-oof.eml", decision: "ignored", reason: "auto-reply"},
		{file: "exchange-oof-old.eml", decision: "ignored", reason: "auto-reply"},
		{file: "mailing-list.eml", decision: "ignored", reason: "auto-reply"},
		{file: "own-loop.eml", decision: "ignored", reason: "loop"},
		{file: "unknown-sender.eml", decision: "quarantined", reason: "unknown sender"},
		{file: "forwarded-eml.eml", decision: "opened", request: "SUP-14"},
		{file: "otvet-prefix.eml", decision: "opened", request: "SUP-14"},
		{file: "outlook-cp1251-qp.eml", decision: "opened", request: "SUP-14"},
		{file: "koi8r-body-cp1251-subject.eml", decision: "opened", request: "SUP-14"},
		{file: "cp866-iso88595.eml", decision: "opened", request: "SUP-14"},
		{file: "html-only.eml", decision: "opened", request: "SUP-14"},
		{file: "inline-image.eml", decision: "opened", request: "SUP-14"},
		{file: "no-charset-cp1251.eml", decision: "opened", request: "SUP-14"},
		{file: "no-charset-utf8.eml", decision: "opened", request: "SUP-14"},
		{file: "rfc2231-cyrillic-names.eml", decision: "opened", request: "SUP-14"},
		{file: "text-attachment-cp1251.eml", decision: "opened", request: "SUP-14"},
		{file: "truncated-mime.eml", decision: "opened", request: "SUP-14"},
		{file: "two-message-ids.eml", decision: "opened", request: "SUP-14"},
		{file: "winmail-dat.eml", decision: "opened", request: "SUP-14"},
		{file: "duplicate-1.eml", decision: "opened", request: "SUP-14"},
		{file: "no-message-id.eml", decision: "opened", request: "SUP-14"},
	}
	covered := map[string]bool{"duplicate-2.eml": true} // in TestCorpusDuplicates
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			d := corpusDesk(t)
			in := d.ingest(corpusFile(t, tt.file))
			d.want(in, tt.decision, tt.request, tt.as)
			if !strings.Contains(in.Reason, tt.reason) {
				t.Errorf("reason %q, want it to mention %q", in.Reason, tt.reason)
			}
			if tt.decision == "ignored" {
				ns := d.notices()
				if len(ns) != 15 { // 13 registrations, an answer, an information request
					t.Errorf("machine mail made a notice")
				}
				for _, n := range ns {
					if n.Status == ticket.NoticeFailed && tt.file != "dsn-bounce.eml" {
						t.Errorf("%s marked notice %s failed", tt.file, n.MessageID)
					}
				}
			}
			if tt.decision != "opened" {
				return
			}
			v, err := d.svc.Show(ctx, tt.request)
			if err != nil {
				t.Fatal(err)
			}
			// A new request's subject has no reply prefixes, and a
			// forwarded message's own tag never threads it.
			if low := strings.ToLower(v.Subject); strings.HasPrefix(low, "re:") || strings.HasPrefix(low, "fwd:") ||
				strings.HasPrefix(v.Subject, "Ответ:") {
				t.Errorf("subject %q keeps a reply prefix", v.Subject)
			}
		})
	}
	entries, err := os.ReadDir(filepath.Join("..", "testdata", "mail"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") && !covered[e.Name()] {
			t.Errorf("%s has no row in TestIntakeCorpus", e.Name())
		}
	}
}

// TestCorpusDuplicates: the same message delivered twice (with an extra
// Received line) and a message without Message-ID delivered twice are each
// handled once.
func TestCorpusDuplicates(t *testing.T) {
	d := corpusDesk(t)
	d.want(d.ingest(corpusFile(t, "duplicate-1.eml")), "opened", "SUP-14", "")
	second := d.ingest(corpusFile(t, "duplicate-2.eml"))
	d.want(second, "duplicate", "SUP-14", "")
	noID := corpusFile(t, "no-message-id.eml")
	d.want(d.ingest(noID), "opened", "SUP-15", "")
	d.want(d.ingest(noID), "duplicate", "SUP-15", "")
	if n := len(d.notices()); n != 17 {
		t.Errorf("%d notices, want the setup's 15 and two registrations", n)
	}
}
