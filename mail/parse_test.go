package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

const corpus = "../testdata/mail"

// loopID is the X-Loop value the corpus's own-loop.eml carries.
const loopID = "support@desk.test"

func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpus, name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

type wantAttachment struct {
	name, contentType string
	size              int
	sha256            string
	inline            bool
}

func TestParseCorpus(t *testing.T) {
	tests := []struct {
		file       string
		messageIDs []string
		from       string
		fromName   string
		subject    string
		text       []string // snippets Text must contain
		notText    []string // snippets it must not contain
		inReplyTo  []string
		references []string
		atts       []wantAttachment
		machine    MachineKind
		report     *DeliveryReport
		warnings   []string // snippets, one per warning, in order
	}{
		{
			file: "outlook-cp1251-qp.eml", messageIDs: []string{"0A1B2C3D4E5F@EXCH01.acme.test"},
			from: "ivan@acme.test", fromName: "Иван Петров", subject: "Не формируется отчёт «Остатки»",
			text:    []string{"отчёт «Остатки» не формируется,\nвыдаётся ошибка", "ООО «Акме»"},
			notText: []string{"<p>", "=\n", "=E4"},
		},
		{
			file: "koi8r-body-cp1251-subject.eml", from: "petr@acme.test", fromName: "Petr Sidorov",
			messageIDs: []string{"20261201090211.1234@mail.acme.test"},
			subject:    "Медленно открывается журнал", text: []string{"Журнал операций открывается больше минуты.", "Пётр"},
		},
		{
			file: "raw8bit-subject-sup7.eml", from: "ivan@acme.test", messageIDs: []string{"raw8bit.1@mail.acme.test"},
			subject: "Re: [SUP-7] Не работает выгрузка в Excel", text: []string{"Выгрузка по-прежнему падает"},
		},
		{
			file: "no-charset-cp1251.eml", from: "ivan@acme.test", messageIDs: []string{"nocharset.1@mail.acme.test"},
			subject: "Ошибка печати", text: []string{"При печати накладной программа закрывается."},
			warnings: []string{"no charset declared, read as windows-1251"},
		},
		{
			file: "no-charset-utf8.eml", from: "ivan@acme.test", messageIDs: []string{"nocharset.2@mail.acme.test"},
			subject: "Ошибка печати", text: []string{"При печати счёта программа закрывается."},
		},
		{
			file: "html-only.eml", from: "ivan@acme.test", fromName: "Ivan Petrov", messageIDs: []string{"html.1@mail.acme.test"},
			subject: "Не входит пользователь",
			text:    []string{"Пользователь", "Сидоров", "не может войти", "Неверный пароль", "Сервер: app01"},
			notText: []string{"<p>", "<b>", "</li>"},
		},
		{
			file: "html-meta-koi8r.eml", from: "petr@acme.test", messageIDs: []string{"html.2@mail.acme.test"},
			subject: "Не печатается акт", text: []string{"Акт сверки не печатается, принтер исправен."},
			notText:  []string{"<p>"},
			warnings: []string{"no charset declared, read as koi8-r"},
		},
		{
			file: "rfc2231-cyrillic-names.eml", from: "ivan@acme.test", messageIDs: []string{"names.1@mail.acme.test"},
			subject: "Логи ошибок", text: []string{"Прикладываю отчёт и журнал."},
			atts: []wantAttachment{
				{"Отчёт.pdf", "application/pdf", 1009, "4ad2037b938cdefd3c3250870b12d7c559d56befb4a15f58b5950a8b6d193f52", false},
				{"Журнал ошибок.log", "application/octet-stream", 2048, "2c5306f9201bbafdeab9e95a2aada15ad807c9cdc8731f0fae8d23764c3a42c8", false},
				{"Скриншот.png", "application/octet-stream", 308, "73892618926671677143db3b89efc3cb1e6a49e83f9c80e134846af45392016b", false},
			},
		},
		{
			file: "inline-image.eml", from: "ivan@acme.test", messageIDs: []string{"inline.1@mail.acme.test"},
			subject: "Скриншот ошибки", text: []string{"Вот что видно на экране:"},
			atts: []wantAttachment{
				// The same bytes as Скриншот.png above: one generator, two encodings.
				{"attachment-1.png", "image/png", 308, "73892618926671677143db3b89efc3cb1e6a49e83f9c80e134846af45392016b", true},
			},
		},
		{
			file: "winmail-dat.eml", from: "ivan@acme.test", messageIDs: []string{"tnef.1@EXCH01.acme.test"},
			subject: "Настройки сервера", text: []string{"Настройки во вложении."},
			atts: []wantAttachment{
				{"winmail.dat", "application/ms-tnef", 704, "863044d343a20fc57ec2eda001bfca6732338646a5ade1f9daf3729110ac593d", false},
			},
		},
		{
			file: "exchange-oof.eml", from: "ivan@acme.test", fromName: "Иван Петров", messageIDs: []string{"oof.1@EXCH01.acme.test"},
			subject: "Автоматический ответ: [SUP-7] Не работает выгрузка в Excel", text: []string{"Я в отпуске"},
			inReplyTo: []string{"sup-7.2@desk.test"}, references: []string{"sup-7.2@desk.test"},
			machine: AutoReply,
		},
		{
			file: "exchange-oof-old.eml", from: "petr@acme.test", fromName: "Petr Sidorov", messageIDs: []string{"oof.2@EXCH02.acme.test"},
			subject: "Out of Office: [SUP-7] Excel export fails", text: []string{"out of the office"},
			inReplyTo: []string{"sup-7.2@desk.test"}, machine: AutoReply,
		},
		{
			file: "dsn-bounce.eml", from: "mailer-daemon@mx.acme.test", fromName: "Mail Delivery System",
			messageIDs: []string{"dsn.1@mx.acme.test"}, subject: "Undelivered Mail Returned to Sender",
			text:    []string{"550 5.1.1 User unknown"},
			machine: Bounce,
			report:  &DeliveryReport{OriginalMessageID: "sup-7.1@desk.test", Failed: []string{"olga@acme.test"}, Status: "5.1.1 smtp; 550 5.1.1 User unknown"},
			atts: []wantAttachment{
				{"[SUP-7] Registered.eml", "message/rfc822", 206, "229eb5cf0328d23f5bd17d3d293cc7d4b75bb52e1c4a86e40cd3c13c1c10c4b0", false},
			},
		},
		{
			file: "dsn-headers-only.eml", from: "postmaster@acme.test", messageIDs: []string{"dsn.2@acme.test"},
			subject: "Delivery Status Notification (Failure)", text: []string{"failed permanently"},
			machine: Bounce,
			report:  &DeliveryReport{OriginalMessageID: "sup-7.3@desk.test", Failed: []string{"olga@acme.test"}, Status: "5.2.2"},
			atts: []wantAttachment{
				{"attachment-1.txt", "text/rfc822-headers", 98, "dbff275b0f5f36318c73d880ac6e4ca387962e2cc906e43c3874ca1f4eafbc9f", false},
			},
		},
		{
			file: "dsn-delayed.eml", from: "mailer-daemon@mx.acme.test", messageIDs: []string{"dsn.3@mx.acme.test"},
			subject: "Delivery delayed", text: []string{"is delayed"},
			machine: Bounce,
			// Not a failure: nothing tells the intake to mark the notice failed.
			report: nil,
			atts:   []wantAttachment{{"attachment-1.txt", "text/rfc822-headers", 102, "1a999e3e2e0cea20435f647c47118ad50fe1d5c15c3c13d07b919090a9ed498d", false}},
		},
		{
			file: "read-receipt.eml", from: "ivan@acme.test", messageIDs: []string{"mdn.1@mail.acme.test"},
			subject: "Прочитано: [SUP-7] Ответ", text: []string{"прочитано"},
			machine: AutoReply,
		},
		{
			file: "duplicate-1.eml", from: "ivan@acme.test", messageIDs: []string{"dup.1@mail.acme.test"},
			subject: "Не сохраняется документ", text: []string{"кнопка «Сохранить» неактивна"},
		},
		{
			file: "duplicate-2.eml", from: "ivan@acme.test", messageIDs: []string{"dup.1@mail.acme.test"},
			subject: "Не сохраняется документ", text: []string{"кнопка «Сохранить» неактивна"},
		},
		{
			file: "no-message-id.eml", from: "ivan@acme.test", subject: "No Message-ID here",
			text: []string{"Сообщение без Message-ID."},
		},
		{
			file: "two-message-ids.eml", from: "ivan@acme.test",
			messageIDs: []string{"first.1@mail.acme.test", "second.1@relay.acme.test"},
			subject:    "Two Message-IDs", text: []string{"Два заголовка"},
		},
		{
			file: "forwarded-eml.eml", from: "ivan@acme.test", messageIDs: []string{"fwd.1@mail.acme.test"},
			subject: "Fwd: Ошибка при входе", text: []string{"Пересылаю письмо коллеги"},
			// The forwarded message's own text and IDs stay inside the file.
			notText: []string{"Ошибка повторяется", "SUP-456"},
			atts: []wantAttachment{
				{"[SUP-456] Ошибка в отчёте.eml", "message/rfc822", 336, "1ded13aa5e0270d85de56a884f7e57482d47e16d955cde178afc50ec6fef78ff", true},
			},
		},
		{
			file: "reply-tag-only.eml", from: "ivan@acme.test", messageIDs: []string{"tagonly.1@mail.acme.test"},
			subject: "RE: Re: [sup-12] Лицензия", text: []string{"Ключ лицензии прислали"},
		},
		{
			file: "reply-references-only.eml", from: "ivan@acme.test", messageIDs: []string{"refsonly.1@mail.acme.test"},
			subject: "Re: Лицензия", text: []string{"Ещё вопрос"},
			references: []string{"CAF1x2@mail.acme.test", "sup-12.2@desk.test"},
		},
		{
			file: "otvet-prefix.eml", from: "ivan@acme.test", messageIDs: []string{"otvet.1@EXCH01.acme.test"},
			subject: "Ответ: Отв: RE: Не приходят уведомления", text: []string{"Уведомления так и не приходят."},
			inReplyTo: []string{"sup-15.1@desk.test"},
		},
		{
			file: "unknown-sender.eml", from: "someone@unknown.test", fromName: "Stranger", messageIDs: []string{"stranger.1@unknown.test"},
			subject: "Help please", text: []string{"не работает программа"},
		},
		{
			file: "truncated-mime.eml", from: "ivan@acme.test", messageIDs: []string{"trunc.1@mail.acme.test"},
			subject: "Truncated", text: []string{"Текст дошёл целиком"},
			atts: []wantAttachment{
				{"dump.bin", "application/octet-stream", 1500, "3893c334990e2a4dfd3cc1fc0088da226fba8cb3fedbead3f6019d265a1b0245", false},
			},
			warnings: []string{"truncated MIME structure"},
		},
		{
			file: "confirmation.eml", from: "ivan@acme.test", messageIDs: []string{"confirm.1@mail.acme.test"},
			subject: "Re: [SUP-7] Ответ", text: []string{"Подтверждаю.\n\nСпасибо!", "> Запрос SUP-7"},
			inReplyTo: []string{"sup-7.4@desk.test"}, references: []string{"sup-7.4@desk.test"},
		},
		{
			file: "dispute.eml", from: "ivan@acme.test", messageIDs: []string{"dispute.1@mail.acme.test"},
			subject: "Re: [SUP-7] Ответ", text: []string{"Не согласен: после обновления ошибка повторяется"},
			inReplyTo: []string{"sup-7.4@desk.test"},
		},
		{
			file: "cp866-iso88595.eml", from: "ivan@acme.test", messageIDs: []string{"dos.1@mail.acme.test"},
			subject: "Касса не печатает чек", text: []string{"Касса №2 не печатает чек после закрытия смены."},
		},
		{
			file: "mailing-list.eml", from: "news@lists.acme.test", messageIDs: []string{"digest.1@lists.acme.test"},
			subject: "ACME weekly digest", text: []string{"Новости недели."}, machine: AutoReply,
		},
		{
			file: "own-loop.eml", from: "support@desk.test", messageIDs: []string{"sup-7.1@desk.test"},
			subject: "[SUP-7] Запрос зарегистрирован", text: []string{"SUP-7"}, machine: Loop,
		},
		{
			file: "text-attachment-cp1251.eml", from: "ivan@acme.test", messageIDs: []string{"log.1@mail.acme.test"},
			subject: "Log", text: []string{"Журнал во вложении."},
			atts: []wantAttachment{{"app.log", "text/plain", len(cp1251(logText)), sha(cp1251(logText)), false}},
		},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			m, err := Parse(readCorpus(t, tt.file), ParseOptions{LoopID: loopID})
			if err != nil {
				t.Fatal(err)
			}
			assertUTF8(t, m)
			if !reflect.DeepEqual(m.MessageIDs, tt.messageIDs) {
				t.Errorf("MessageIDs = %q, want %q", m.MessageIDs, tt.messageIDs)
			}
			wantID := ""
			if len(tt.messageIDs) > 0 {
				wantID = tt.messageIDs[0]
			}
			if m.MessageID != wantID {
				t.Errorf("MessageID = %q, want %q", m.MessageID, wantID)
			}
			if m.From != tt.from || m.FromName != tt.fromName {
				t.Errorf("From = %q %q, want %q %q", m.FromName, m.From, tt.fromName, tt.from)
			}
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			if m.Date.IsZero() {
				t.Error("Date is zero")
			}
			for _, s := range tt.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.notText {
				if strings.Contains(m.Text, s) {
					t.Errorf("Text has %q:\n%s", s, m.Text)
				}
			}
			if !sameStrings(m.InReplyTo, tt.inReplyTo) || !sameStrings(m.References, tt.references) {
				t.Errorf("InReplyTo %q References %q, want %q %q", m.InReplyTo, m.References, tt.inReplyTo, tt.references)
			}
			if m.Machine != tt.machine {
				t.Errorf("Machine = %q (%s), want %q", m.Machine, m.MachineReason, tt.machine)
			}
			if (m.Machine != Human) != (m.MachineReason != "") {
				t.Errorf("MachineReason %q does not match Machine %q", m.MachineReason, m.Machine)
			}
			if !reflect.DeepEqual(m.Report, tt.report) {
				t.Errorf("Report = %+v, want %+v", m.Report, tt.report)
			}
			if len(m.Attachments) != len(tt.atts) {
				t.Fatalf("%d attachments, want %d: %+v", len(m.Attachments), len(tt.atts), names(m.Attachments))
			}
			for i, w := range tt.atts {
				a := m.Attachments[i]
				got := wantAttachment{a.Name, a.ContentType, len(a.Data), sha(a.Data), a.Inline}
				if got != w {
					t.Errorf("attachment %d = %+v, want %+v", i, got, w)
				}
			}
			if len(m.Warnings) != len(tt.warnings) {
				t.Fatalf("Warnings = %q, want %d like %q", m.Warnings, len(tt.warnings), tt.warnings)
			}
			for i, w := range tt.warnings {
				if !strings.Contains(m.Warnings[i], w) {
					t.Errorf("Warning %d = %q, want %q", i, m.Warnings[i], w)
				}
			}
		})
	}
	// Every file of the corpus is in the table, so a new case cannot be
	// added without saying what it must parse to.
	files, _ := filepath.Glob(filepath.Join(corpus, "*.eml"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s is not in the table", filepath.Base(f))
		}
	}
}

// logText is app.log in text-attachment-cp1251.eml (testdata/mail/gen.go).
const logText = "2026-12-03 10:29:01 ОШИБКА: нет доступа к базе\n2026-12-03 10:29:02 повтор через 5 с\n"

func cp1251(s string) []byte {
	// On an encoding error the nil result fails the comparison.
	b, _ := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func names(as []Attachment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func sameStrings(a, b []string) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

// assertUTF8 checks the promise of Message: all text is valid UTF-8 and
// every attachment has a name.
func assertUTF8(t testing.TB, m *Message) {
	t.Helper()
	fields := []string{m.MessageID, m.From, m.FromName, m.Subject, m.Text, m.MachineReason}
	fields = append(fields, m.MessageIDs...)
	fields = append(fields, m.To...)
	fields = append(fields, m.Cc...)
	fields = append(fields, m.InReplyTo...)
	fields = append(fields, m.References...)
	fields = append(fields, m.Warnings...)
	if m.Report != nil {
		fields = append(fields, m.Report.OriginalMessageID, m.Report.Status)
		fields = append(fields, m.Report.Failed...)
	}
	for _, a := range m.Attachments {
		if a.Name == "" {
			t.Errorf("attachment without a name (%s)", a.ContentType)
		}
		fields = append(fields, a.Name, a.ContentType)
	}
	for _, f := range fields {
		if !utf8.ValidString(f) {
			t.Errorf("invalid UTF-8: %q", f)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for name, raw := range map[string]string{
		"empty":   "",
		"blank":   "\n\n  \n",
		"no from": "To: support@desk.test\nSubject: x\n\nbody\n",
	} {
		t.Run(name, func(t *testing.T) {
			m, err := Parse([]byte(raw), ParseOptions{})
			var pe *ParseError
			if !errors.As(err, &pe) || m != nil {
				t.Fatalf("Parse = %v, %v; want *ParseError", m, err)
			}
			if pe.Reason == "" {
				t.Error("ParseError without a reason")
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	raw := readCorpus(t, "rfc2231-cyrillic-names.eml")
	_, err := Parse(raw, ParseOptions{MaxAttachmentBytes: 2000})
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("err = %v, want *TooLargeError", err)
	}
	if tl.Name != "Журнал ошибок.log" || tl.Size != 2048 || tl.Limit != 2000 {
		t.Errorf("TooLargeError = %+v", tl)
	}
	// At the limit exactly the message is kept.
	if _, err := Parse(raw, ParseOptions{MaxAttachmentBytes: 2048}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}

func TestHeaderMessageID(t *testing.T) {
	for file, want := range map[string]string{
		"two-message-ids.eml":   "first.1@mail.acme.test",
		"no-message-id.eml":     "",
		"outlook-cp1251-qp.eml": "0A1B2C3D4E5F@EXCH01.acme.test",
		// The forwarded message's Message-ID is in the body, never read.
		"forwarded-eml.eml": "fwd.1@mail.acme.test",
		"duplicate-2.eml":   "dup.1@mail.acme.test",
	} {
		if got := HeaderMessageID(readCorpus(t, file)); got != want {
			t.Errorf("%s: HeaderMessageID = %q, want %q", file, got, want)
		}
	}
	if got := HeaderMessageID([]byte("Subject: x\n\nMessage-ID: <body@x>\n")); got != "" {
		t.Errorf("read the body: %q", got)
	}
	for raw, want := range map[string]string{
		"Subject: x\r\nMessage-ID:\r\n <folded@acme.test>\r\n\r\nbody": "folded@acme.test",
		"message-id: bare@acme.test\n\n":                               "bare@acme.test",
		"Message-ID: <a@acme.test> (Outlook)\n\n":                      "a@acme.test",
		"Message-ID: <>\n\n":                                           "",
		"no header at all":                                             "",
	} {
		if got := HeaderMessageID([]byte(raw)); got != want {
			t.Errorf("HeaderMessageID(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestRawHeaderCharset: a raw 8-bit header is read in the charset the
// message declares for its text, and in Windows-1251 when it declares
// none; a raw 8-bit file name likewise.
func TestRawHeaderCharset(t *testing.T) {
	koi := func(s string) string {
		b, _ := charmap.KOI8R.NewEncoder().String(s)
		return b
	}
	declared := "From: " + koi("Пётр") + " <petr@acme.test>\nSubject: " + koi("Сбой [SUP-9]") +
		"\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain; charset=koi8-r\n\n" +
		koi("Текст") + "\n--x\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"" +
		koi("Журнал.txt") + "\"\n\nLOG\n--x--\n"
	m, err := Parse([]byte(declared), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Сбой [SUP-9]" || m.FromName != "Пётр" || m.Text != "Текст" {
		t.Errorf("declared koi8-r: %q %q %q", m.Subject, m.FromName, m.Text)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "Журнал.txt" || string(m.Attachments[0].Data) != "LOG" {
		t.Errorf("raw 8-bit file name: %+v", m.Attachments)
	}
	undeclared := "From: petr@acme.test\nSubject: " + string(cp1251("Сбой")) + "\n\n" + string(cp1251("Текст")) + "\n"
	m, err = Parse([]byte(undeclared), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Сбой" || m.Text != "Текст" {
		t.Errorf("undeclared: %q %q", m.Subject, m.Text)
	}
}
