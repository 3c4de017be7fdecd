package mail

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/mail/internal/mailtest"
)

func TestSMTPSendsOverSMTPSWithLogin(t *testing.T) {
	cert := mailtest.SelfSigned(t)
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "smtps", Cert: cert, User: "desk", Password: "pw-smtps"})
	n := testNotice(7)
	reply, err := smtpFor(t, srv, "smtps", "desk", "pw-smtps", cert).Send(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply, "250") {
		t.Errorf("reply %q", reply)
	}
	if got := srv.Messages(); len(got) != 1 || string(got[0].Data) != string(n.Raw) {
		t.Fatalf("server got %d messages", len(got))
	}
}

func TestSMTPUntrustedCertificateIsRefused(t *testing.T) {
	cert := mailtest.SelfSigned(t)
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "smtps", Cert: cert})
	_, err := smtpFor(t, srv, "smtps", "", "", nil).Send(context.Background(), testNotice(1))
	if err == nil || !strings.Contains(err.Error(), "certificate") || IsPermanent(err) {
		t.Fatalf("err = %v; want a temporary certificate error", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("message sent over an untrusted connection")
	}
}

func TestSMTPConfigChecks(t *testing.T) {
	for _, c := range []struct {
		cfg  SMTPConfig
		want string
	}{
		{SMTPConfig{From: "a@b", TLS: "smtps"}, "no host"},
		{SMTPConfig{Host: "h", TLS: "smtps"}, "envelope sender"},
		{SMTPConfig{Host: "h", From: "a@b", TLS: "ssl"}, "want smtps, starttls or none"},
		{SMTPConfig{Host: "mail.example.com", From: "a@b", TLS: "none", User: "u", Password: "p"}, "without TLS"},
	} {
		if _, err := NewSMTP(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewSMTP(%+v) = %v; want %q", c.cfg, err, c.want)
		}
	}
	if _, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", From: "a@b", TLS: "none", User: "u", Password: "p"}); err != nil {
		t.Errorf("login without TLS to loopback: %v", err)
	}
}

func TestRedactSecret(t *testing.T) {
	got := redactSecret("535 bad: pw=hunter2 b64=AGRlc2sAaHVudGVyMg== login=aHVudGVyMg==", "desk", "hunter2")
	if strings.Contains(got, "hunter2") || strings.Contains(got, "AGRlc2sAaHVudGVyMg==") || strings.Contains(got, "aHVudGVyMg==") {
		t.Errorf("not redacted: %q", got)
	}
	if redactSecret("text", "u", "") != "text" {
		t.Error("an empty password must change nothing")
	}
}

func TestSMTPLoginWithoutTLSToLoopback(t *testing.T) {
	srv := mailtest.StartSMTP(t, mailtest.SMTPOptions{TLS: "none", User: "desk", Password: "local-pw"})
	if _, err := smtpFor(t, srv, "none", "desk", "local-pw", nil).Send(context.Background(), testNotice(2)); err != nil {
		t.Fatal(err)
	}
	_, err := smtpFor(t, srv, "none", "desk", "bad-pw", nil).Send(context.Background(), testNotice(3))
	var se *SMTPError
	if !errors.As(err, &se) || !se.Session || se.Code != 535 {
		t.Fatalf("wrong password: err = %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server accepted %d messages, want 1", n)
	}
}

func TestRedactSecretQuoted(t *testing.T) {
	got := redactSecret(`NO LOGIN "desk" "p\"w\\d" and "p\"w\\d" again`, "desk", `p"w\d`)
	if strings.Contains(got, `p\"w\\d`) || strings.Count(got, "[password redacted]") != 2 {
		t.Errorf("not redacted: %q", got)
	}
}
