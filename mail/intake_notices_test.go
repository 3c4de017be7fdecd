package mail_test

import (
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/ticket"
)

// TestNoticeKindsAndLanguages: which staff actions tell the customer, in
// which language, and that a request without an address tells no one.
func TestNoticeKindsAndLanguages(t *testing.T) {
	d := newDesk(t)
	ru, err := d.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", From: "ops@acme.test", Subject: "Отчёт", Description: "x", Actor: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	en, err := d.svc.Open(ctx, ticket.OpenInput{Customer: "BETA", From: "it@beta.test", Subject: "Report", Description: "x", Actor: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Open(ctx, ticket.OpenInput{Customer: "ACME", Channel: "phone", Subject: "By phone", Description: "x", Actor: "anna"}); err != nil {
		t.Fatal(err)
	}
	d.act(ru.ID, ticket.ActComment, "internal note")
	if _, err := d.svc.Act(ctx, ru.ID, ticket.ActInput{Action: ticket.ActTell, Actor: "anna", Text: "Смотрим"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Act(ctx, en.ID, ticket.ActInput{Action: ticket.ActWithdraw, From: "it@beta.test"}); err != nil {
		t.Fatal(err)
	}
	ns := d.notices()
	var got []string
	for i := len(ns) - 1; i >= 0; i-- {
		got = append(got, ns[i].Request+" "+ns[i].Kind)
	}
	want := []string{"SUP-1 registration", "SUP-2 registration", "SUP-1 message", "SUP-2 closure"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("notices %v, want %v", got, want)
	}
	if !strings.HasPrefix(ns[3].Subject, "[SUP-1] ") || !strings.Contains(ns[3].Subject, "зарегистрирован") {
		t.Errorf("Russian registration subject %q", ns[3].Subject)
	}
	m, err := mail.Parse([]byte(d.raw(ns[1])), mail.ParseOptions{})
	if err != nil || !strings.Contains(m.Text, "Смотрим") {
		t.Errorf("the message notice lacks the staff text (%v)", err)
	}
	closure := d.raw(ns[0])
	if strings.Contains(closure, "Auto-Submitted") {
		t.Errorf("a closure the customer asked for is marked automatic")
	}
	if !strings.Contains(ns[0].Subject, "[SUP-2]") || strings.ContainsAny(ns[0].Subject, "абвгдеёжзийклмнопрстуфхцчшщыэюя") {
		t.Errorf("BETA (en) got a closure subject %q", ns[0].Subject)
	}
}
