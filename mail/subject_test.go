package mail

import "testing"

func TestStripPrefixes(t *testing.T) {
	for in, want := range map[string]string{
		"Re: Fwd: RE: FW: hello": "hello",
		"Ответ: Отв: RE: Не приходят уведомления": "Не приходят уведомления",
		"AW: WG: VS: SV: Antw: Ошибка":            "Ошибка",
		"Re[2]: Re(3): RE^4: тема":                "тема",
		"re:re:  Fw:x":                            "x",
		"Re: [SUP-7] Не работает":                 "[SUP-7] Не работает",
		"Reset password":                          "Reset password",
		"Report: Re: x":                           "Report: Re: x",
		"Ответы на вопросы":                       "Ответы на вопросы",
		"  Re:\t lots \n of   space ":             "lots of space",
		"":                                        "",
		"Re:":                                     "",
		"Переслано: Fwd: Счёт":                    "Счёт",
		"RE : Отчёт":                              "Отчёт",
		"Refund: money":                           "Refund: money",
		"Fwd: [SUP-456] Ошибка в отчёте (fwd)":        "[SUP-456] Ошибка в отчёте (fwd)",
		"Automatic reply: Re: [SUP-7] x":              "Automatic reply: Re: [SUP-7] x",
		"SV: Sv: sv: Vs: тема":                        "тема",
		"Re: Re: Re: Re: Re: Re: Re: Re: Re: глубоко": "глубоко",
	} {
		if got := StripPrefixes(in); got != want {
			t.Errorf("StripPrefixes(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindTag(t *testing.T) {
	tests := []struct {
		subject, prefix, id string
		ok                  bool
	}{
		{"Re: [SUP-7] Не работает выгрузка", "SUP", "SUP-7", true},
		{"RE: Re: [sup-12] Лицензия", "SUP", "SUP-12", true},
		{"[ SUP - 123 ] spaced", "SUP", "SUP-123", true},
		{"[SUP-0042] zeros", "SUP", "SUP-42", true},
		{"[SUP-0] none", "SUP", "", false},
		{"SUP-7 without brackets", "SUP", "", false},
		{"[SUPPORT-7] another prefix", "SUP", "", false},
		{"[XSUP-7] another prefix", "SUP", "", false},
		{"[SUP-7] and [SUP-8]", "SUP", "SUP-7", true},
		{"[SRV-42] other project", "SUP", "", false},
		{"[SRV-42] other project", "srv", "SRV-42", true},
		{"[SUP-7]", "", "", false},
		{"[SUP-x]", "SUP", "", false},
	}
	for _, tt := range tests {
		id, ok := FindTag(tt.subject, tt.prefix)
		if id != tt.id || ok != tt.ok {
			t.Errorf("FindTag(%q, %q) = %q, %v; want %q, %v", tt.subject, tt.prefix, id, ok, tt.id, tt.ok)
		}
	}
}

func TestFirstLine(t *testing.T) {
	for in, want := range map[string]string{
		"\n\n  Подтверждаю.\nСпасибо": "Подтверждаю.",
		"> quoted\n>\nmine":           "mine",
		"":                            "",
		"\n> only quoted\n":           "",
		"\r\n  hello \r\n":            "hello",
	} {
		if got := FirstLine(in); got != want {
			t.Errorf("FirstLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsConfirmation(t *testing.T) {
	for text, want := range map[string]bool{
		"Подтверждаю.\n\nСпасибо!":        true,
		"ПОДТВЕРЖДАЮ":                     true,
		"  «Подтверждаю»  \n":             true,
		"confirm":                         true,
		"Confirmed!":                      true,
		"\n\n> quoted\nconfirm":           true,
		"Подтверждаю, но есть вопрос":     false,
		"Не подтверждаю":                  false,
		"Не согласен: ошибка повторяется": false,
		"confirmation":                    false,
		"":                                false,
		"...":                             false,
		"Спасибо\nподтверждаю":            false,
		"> подтверждаю\nНе согласен": false,
	} {
		if got := IsConfirmation(text, DefaultConfirmWords); got != want {
			t.Errorf("IsConfirmation(%q) = %v, want %v", text, got, want)
		}
	}
	if IsConfirmation("да", nil) {
		t.Error("no words confirm nothing")
	}
	if !IsConfirmation("Да.", []string{" да "}) {
		t.Error("configured word with spaces")
	}
}

func TestIsConfirmationCorpus(t *testing.T) {
	for file, want := range map[string]bool{"confirmation.eml": true, "dispute.eml": false} {
		m, err := Parse(readCorpus(t, file), ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := IsConfirmation(m.Text, DefaultConfirmWords); got != want {
			t.Errorf("%s: IsConfirmation = %v, want %v", file, got, want)
		}
		own := map[string]string{
			"confirmation.eml": "Подтверждаю.\n\nСпасибо!",
			"dispute.eml":      "Не согласен: после обновления ошибка повторяется на сервере app02.",
		}[file]
		if got := StripQuoted(m.Text); got != own {
			t.Errorf("%s: StripQuoted = %q, want %q", file, got, own)
		}
	}
}

func TestStripQuoted(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"russian attribution",
			"Подтверждаю.\n\nСпасибо!\n\n3 декабря 2026 г., 08:00, Служба поддержки <support@desk.test> пишет:\n> Запрос SUP-7.\n> Ответьте.\n",
			"Подтверждаю.\n\nСпасибо!"},
		{"english attribution",
			"Still broken on app02.\n\nOn Thu, Dec 3, 2026 at 8:00 AM Support <support@desk.test> wrote:\n> Request SUP-7\n",
			"Still broken on app02."},
		{"wrapped attribution",
			"Ок.\n\nOn Thu, Dec 3, 2026 at 8:00 AM Support Desk of the\nCompany <support@desk.test> wrote:\n> Request SUP-7\n",
			"Ок."},
		{"inline answer kept",
			"> Which server?\napp02\n> Which version?\n1.0.37",
			"> Which server?\napp02\n> Which version?\n1.0.37"},
		{"no quote, attribution-like line kept",
			"Иван пишет:\nвсё сломалось",
			"Иван пишет:\nвсё сломалось"},
		{"quote without attribution",
			"Да, так и есть.\n> previous\n",
			"Да, так и есть."},
		{"outlook separator",
			"Нет, не работает.\n\n-----Original Message-----\nFrom: Support\nSubject: [SUP-7]\n\nRequest SUP-7",
			"Нет, не работает."},
		{"russian outlook separator",
			"Нет.\r\n-----Исходное сообщение-----\r\nОт: Поддержка\r\n",
			"Нет."},
		{"outlook header block",
			"Ошибка осталась.\n\nОт: Служба поддержки <support@desk.test>\nОтправлено: 3 декабря 2026 г. 8:00\nКому: Иван\nТема: [SUP-7] Ответ\n\nЗапрос SUP-7 ...",
			"Ошибка осталась."},
		{"outlook underscores",
			"Still broken.\n________________________________\nFrom: Support <support@desk.test>\nSent: Thursday\n\nRequest SUP-7",
			"Still broken."},
		{"a from line alone is the sender's text",
			"From: the log file\nthe error is visible",
			"From: the log file\nthe error is visible"},
		{"nothing to strip", "plain text\n", "plain text"},
		{"only quote", "> a\n> b\n", ""},
	}
	for _, tt := range tests {
		if got := StripQuoted(tt.in); got != tt.want {
			t.Errorf("%s: StripQuoted = %q, want %q", tt.name, got, tt.want)
		}
	}
}
