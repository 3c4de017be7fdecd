package mail

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var msk = time.FixedZone("MSK", 3*3600)

func noticeData(kind, lang string) NoticeData {
	return NoticeData{
		Kind: kind, Lang: lang, RequestID: "SUP-123", Subject: "Не работает выгрузка в Excel",
		Text: "Обновите сервер до версии 1.0.38.", Customer: "ООО «Акме»", Closure: ClosureAutomatic,
		Address:     "someone@unknown.test",
		ReactionDue: time.Date(2026, 12, 3, 18, 0, 0, 0, msk),
		AutocloseAt: time.Date(2026, 12, 17, 0, 0, 0, 0, msk),
		Desk:        "Служба поддержки Desk",
	}
}

func TestRenderEveryKind(t *testing.T) {
	tp, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	// What each notice must tell the customer, by the regulations.
	must := map[string][]string{
		"registration.ru": {"SUP-123", "Не работает выгрузка в Excel", "03.12.2026 18:00"},
		"registration.en": {"SUP-123", "Не работает выгрузка в Excel", "3 December 2026 18:00"},
		"information.ru":  {"Обновите сервер"},
		"information.en":  {"Обновите сервер"},
		"answer.ru":       {"Обновите сервер", "«Завершен, требует подтверждения пользователя»", "«подтверждаю»", "укажите причины", "17.12.2026"},
		"answer.en":       {"Обновите сервер", "Completed, requires user confirmation", `"confirm"`, "give your reasons", "17 December 2026"},
		"closure.ru":      {"закрыт автоматически"},
		"closure.en":      {"closed automatically"},
		"refusal.ru":      {"someone@unknown.test", "не зарегистрирован"},
		"refusal.en":      {"someone@unknown.test", "not registered"},
		"message.ru":      {"Обновите сервер", "[SUP-123]"},
		"message.en":      {"Обновите сервер", "[SUP-123]"},
	}
	for _, kind := range NoticeKinds {
		for _, lang := range NoticeLangs {
			key := kind + "." + lang
			subject, body, err := tp.Render(noticeData(kind, lang))
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if kind == NoticeRefusal {
				if strings.Contains(subject, "SUP-") {
					t.Errorf("%s: a refusal has no tag: %q", key, subject)
				}
			} else if !strings.HasPrefix(subject, "[SUP-123] ") {
				t.Errorf("%s: subject %q does not start with the tag", key, subject)
			}
			if strings.Contains(body, "<no value>") || strings.Contains(subject+body, "{{") {
				t.Errorf("%s: unfilled template:\n%s", key, body)
			}
			for _, s := range must[key] {
				if !strings.Contains(subject+"\n"+body, s) {
					t.Errorf("%s lacks %q:\n%s\n%s", key, s, subject, body)
				}
			}
			greeting := map[string]string{"ru": "Здравствуйте", "en": "Hello"}[lang]
			if kind != NoticeMessage && !strings.HasPrefix(body, greeting) {
				t.Errorf("%s: body in the wrong language:\n%s", key, body)
			}
		}
	}
}

func TestRenderClosureReasons(t *testing.T) {
	tp, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	for closure, want := range map[string]string{
		ClosureConfirmed: "вы подтвердили решение",
		ClosureWithdrawn: "по вашей просьбе",
		ClosureAutomatic: "автоматически",
	} {
		d := noticeData(NoticeClosure, "ru")
		d.Closure = closure
		_, body, err := tp.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, want) {
			t.Errorf("closure %s lacks %q:\n%s", closure, want, body)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	tp, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]NoticeData{
		"unknown kind":  {Kind: "bogus", Lang: "ru", RequestID: "SUP-1"},
		"unknown lang":  {Kind: NoticeAnswer, Lang: "de", RequestID: "SUP-1"},
		"no request id": {Kind: NoticeAnswer, Lang: "en"},
	} {
		if _, _, err := tp.Render(d); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// "" is Russian.
	s, _, err := tp.Render(NoticeData{Kind: NoticeRegistration, RequestID: "SUP-1", Subject: "x"})
	if err != nil || !strings.Contains(s, "Запрос зарегистрирован") {
		t.Errorf("default language: %q, %v", s, err)
	}
}

func TestTemplatesDir(t *testing.T) {
	dir := t.TempDir()
	// An override that forgets the tag still gets it; the other
	// templates stay embedded.
	write(t, filepath.Join(dir, "answer.en.tmpl"), "Subject: Done: {{.Subject}}\n\nCustom answer {{.Text}} until {{date .AutocloseAt}}.\n")
	write(t, filepath.Join(dir, "README.md"), "not a template")
	tp, err := LoadTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, b, err := tp.Render(noticeData(NoticeAnswer, "en"))
	if err != nil {
		t.Fatal(err)
	}
	if s != "[SUP-123] Done: Не работает выгрузка в Excel" || b != "Custom answer Обновите сервер до версии 1.0.38. until 17 December 2026.\n" {
		t.Errorf("override: %q %q", s, b)
	}
	if s, _, _ := tp.Render(noticeData(NoticeAnswer, "ru")); !strings.Contains(s, "Ответ по запросу") {
		t.Errorf("embedded ru answer replaced: %q", s)
	}

	bad := t.TempDir()
	write(t, filepath.Join(bad, "answr.en.tmpl"), "Subject: x\n\ny")
	if _, err := LoadTemplates(bad); err == nil || !strings.Contains(err.Error(), "answr.en.tmpl") {
		t.Errorf("misspelt override: %v", err)
	}
	broken := t.TempDir()
	write(t, filepath.Join(broken, "answer.ru.tmpl"), "Subject: {{.Subject\n")
	if _, err := LoadTemplates(broken); err == nil {
		t.Error("broken override accepted")
	}
	if _, err := LoadTemplates(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing directory accepted")
	}
	nosubj := t.TempDir()
	write(t, filepath.Join(nosubj, "message.ru.tmpl"), "{{.Text}}\n")
	tp, err = LoadTemplates(nosubj)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tp.Render(noticeData(NoticeMessage, "ru")); err == nil {
		t.Error("a template without a Subject line rendered")
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBuildNoticeRoundTrip(t *testing.T) {
	tp, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range NoticeLangs {
		for _, automatic := range []bool{true, false} {
			subject, body, err := tp.Render(noticeData(NoticeAnswer, lang))
			if err != nil {
				t.Fatal(err)
			}
			h := NoticeHeader{
				From: "Служба поддержки <support@desk.test>", To: []string{"ivan@acme.test", "petr@acme.test"},
				MessageID: "<sup-123.4@desk.test>", InReplyTo: "confirm.1@mail.acme.test",
				References: []string{"<sup-123.1@desk.test>", "confirm.1@mail.acme.test"},
				Automatic:  automatic, LoopID: "support@desk.test", Date: time.Date(2026, 12, 3, 8, 0, 0, 0, msk),
			}
			raw, err := BuildNotice(h, subject, body)
			if err != nil {
				t.Fatal(err)
			}
			head := string(raw[:strings.Index(string(raw), "\r\n\r\n")])
			for _, hv := range []string{"X-Auto-Response-Suppress: All", "X-Loop: support@desk.test", "Message-ID: <sup-123.4@desk.test>",
				"In-Reply-To: <confirm.1@mail.acme.test>", "Content-Type: text/plain; charset=UTF-8"} {
				if !strings.Contains(head, hv) {
					t.Errorf("%s: header lacks %q:\n%s", lang, hv, head)
				}
			}
			if strings.Contains(head, "Auto-Submitted: auto-replied") != automatic {
				t.Errorf("%s: Auto-Submitted present = %v, want %v", lang, !automatic, automatic)
			}
			m, err := Parse(raw, ParseOptions{LoopID: "support@desk.test"})
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != subject || m.Text != strings.TrimSpace(body) {
				t.Errorf("%s: round trip changed the text:\n%q\n%q\n%q\n%q", lang, m.Subject, subject, m.Text, body)
			}
			if m.From != "support@desk.test" || m.FromName != "Служба поддержки" || !reflect.DeepEqual(m.To, h.To) {
				t.Errorf("%s: addresses %q %q %q", lang, m.FromName, m.From, m.To)
			}
			if m.MessageID != "sup-123.4@desk.test" || !reflect.DeepEqual(m.InReplyTo, []string{"confirm.1@mail.acme.test"}) ||
				!reflect.DeepEqual(m.References, []string{"sup-123.1@desk.test", "confirm.1@mail.acme.test"}) {
				t.Errorf("%s: ids %q %q %q", lang, m.MessageID, m.InReplyTo, m.References)
			}
			if !m.Date.Equal(h.Date) {
				t.Errorf("%s: Date %v", lang, m.Date)
			}
			// A notice that comes back is recognised as ours.
			if m.Machine != Loop {
				t.Errorf("%s: Machine = %q", lang, m.Machine)
			}
			if id, ok := FindTag(m.Subject, "SUP"); !ok || id != "SUP-123" {
				t.Errorf("%s: tag %q", lang, id)
			}
		}
	}
}

func TestBuildNoticeErrors(t *testing.T) {
	ok := NoticeHeader{From: "support@desk.test", To: []string{"ivan@acme.test"}, MessageID: "sup-1.1@desk.test", Date: time.Date(2026, 12, 3, 8, 0, 0, 0, msk)}
	if _, err := BuildNotice(ok, "s", "b"); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*NoticeHeader){
		"no from":       func(h *NoticeHeader) { h.From = "" },
		"bad from":      func(h *NoticeHeader) { h.From = "not an address" },
		"no to":         func(h *NoticeHeader) { h.To = nil },
		"bad to":        func(h *NoticeHeader) { h.To = []string{"nobody"} },
		"no message id": func(h *NoticeHeader) { h.MessageID = "<>" },
		"no date":       func(h *NoticeHeader) { h.Date = time.Time{} },
	} {
		h := ok
		edit(&h)
		if _, err := BuildNotice(h, "s", "b"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestBuildNoticeLongThread(t *testing.T) {
	h := NoticeHeader{From: "support@desk.test", To: []string{"ivan@acme.test"}, MessageID: "sup-1.30@desk.test", Date: time.Date(2026, 12, 3, 8, 0, 0, 0, msk)}
	for i := 1; i <= 30; i++ {
		h.References = append(h.References, "sup-1."+strconv.Itoa(i)+"@desk.test")
	}
	raw, err := BuildNotice(h, "s", "b")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]string{"sup-1.1@desk.test"}, h.References[21:]...)
	if !reflect.DeepEqual(m.References, want) {
		t.Errorf("References = %q, want %q", m.References, want)
	}
}
