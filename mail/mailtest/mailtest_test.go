package mailtest_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/mail/mailtest"
)

func TestCharsetsParseBack(t *testing.T) {
	for _, cs := range []string{"", "utf-8", "windows-1251", "koi8-r", "cp866", "iso-8859-5"} {
		m := mailtest.Message{
			From: "Иван Петров <ivan@acme.test>", To: []string{"support@desk.test"}, Cc: []string{"petr@acme.test"},
			Subject: "Re: [SUP-7] Ошибка \"Нет доступа\"", Body: "Ошибка повторяется.\nЁлка, щука, съешь.",
			Charset: cs, MessageID: "m.1@mail.acme.test", InReplyTo: "sup-7.1@desk.test",
			References: []string{"sup-7.1@desk.test"},
			Headers:    map[string]string{"X-Mailer": "mailtest"},
			Attachments: []mailtest.Attachment{
				{Name: "Отчёт об ошибке.txt", ContentType: "text/plain", Data: []byte("plain bytes\r\n")},
				{Name: "shot.png", ContentType: "image/png", Data: mailtest.Blob(3, 5000), Inline: true, ContentID: "shot@acme.test"},
			},
		}
		raw := m.Bytes()
		if !bytes.Equal(raw, m.Bytes()) {
			t.Errorf("%s: not deterministic", cs)
		}
		got, err := mail.Parse(raw, mail.ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", cs, err)
		}
		if got.Subject != m.Subject || got.Text != m.Body || got.From != "ivan@acme.test" || got.FromName != "Иван Петров" {
			t.Errorf("%s: %q %q %q %q", cs, got.Subject, got.Text, got.From, got.FromName)
		}
		if got.MessageID != "m.1@mail.acme.test" || len(got.InReplyTo) != 1 || len(got.Cc) != 1 || len(got.Warnings) != 0 {
			t.Errorf("%s: %+v", cs, got)
		}
		if len(got.Attachments) != 2 || got.Attachments[0].Name != "Отчёт об ошибке.txt" ||
			!bytes.Equal(got.Attachments[1].Data, mailtest.Blob(3, 5000)) || !got.Attachments[1].Inline {
			t.Errorf("%s: attachments %+v", cs, got.Attachments)
		}
		if cs == "windows-1251" && !strings.Contains(string(raw), "charset=windows-1251") {
			t.Errorf("charset not declared:\n%s", raw)
		}
	}
}

func TestWithAttachment(t *testing.T) {
	raw := mailtest.WithAttachment(100_000).Bytes()
	m, err := mail.Parse(raw, mail.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || sha256.Sum256(m.Attachments[0].Data) != sha256.Sum256(mailtest.Blob(1, 100_000)) {
		t.Fatalf("attachment not kept byte for byte")
	}
	if m.MessageID != "big.100000@mail.acme.test" || m.From != "ivan@acme.test" {
		t.Errorf("%q %q", m.MessageID, m.From)
	}
	if bytes.Equal(mailtest.Blob(1, 64), mailtest.Blob(2, 64)) {
		t.Error("Blob ignores the seed")
	}
}

func TestNoMessageID(t *testing.T) {
	raw := mailtest.Message{Subject: "x", Body: "y"}.Bytes()
	if bytes.Contains(raw, []byte("Message-ID")) {
		t.Errorf("Message-ID written:\n%s", raw)
	}
	bad := mailtest.Message{Charset: "koi8-r", Body: "€ is not in KOI8-R"}.Bytes()
	if !bytes.HasPrefix(bad, []byte("X-Mailtest-Error:")) {
		t.Errorf("unencodable body: %s", bad)
	}
}
