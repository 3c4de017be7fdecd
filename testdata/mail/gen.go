//go:build ignore

// gen writes the .eml corpus of this directory. Every message was written
// by the sustain team for these tests; the program exists because most of
// them must be in Windows-1251, KOI8-R, CP866 or ISO-8859-5 bytes, which
// are easier to get right from Go than by hand. Run from the repository
// root: go run testdata/mail/gen.go
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log"
	"math/rand"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

var charsets = map[string]encoding.Encoding{
	"windows-1251": charmap.Windows1251,
	"koi8-r":       charmap.KOI8R,
	"cp866":        charmap.CodePage866,
	"iso-8859-5":   charmap.ISO8859_5,
}

// enc turns UTF-8 text into the named charset's bytes.
func enc(cs, s string) string {
	if cs == "utf-8" {
		return s
	}
	b, err := charsets[cs].NewEncoder().String(s)
	if err != nil {
		log.Fatalf("%s: %v", cs, err)
	}
	return b
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	// The writer ends lines with CRLF; crlf() adds them back where a file
	// wants them.
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

func b64(s string) string {
	e := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(e) > 76 {
		b.WriteString(e[:76] + "\n")
		e = e[76:]
	}
	b.WriteString(e)
	return b.String()
}

// bword is an RFC 2047 B-encoded word; qword a Q-encoded one.
func bword(cs, s string) string {
	return "=?" + cs + "?B?" + base64.StdEncoding.EncodeToString([]byte(enc(cs, s))) + "?="
}

func qword(cs, s string) string {
	var b strings.Builder
	for _, c := range []byte(enc(cs, s)) {
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return "=?" + cs + "?Q?" + b.String() + "?="
}

// pct is an RFC 2231 percent-encoded value.
func pct(cs, s string) string {
	var b strings.Builder
	for _, c := range []byte(enc(cs, s)) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// blob is deterministic binary content for attachments.
func blob(seed int64, n int) string {
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, n)
	r.Read(b)
	return string(b)
}

// PNG is the smallest well-formed header of a PNG file followed by
// deterministic bytes: a viewer would refuse it, the parser must not care.
var png = "\x89PNG\r\n\x1a\n" + blob(7, 300)

func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func main() {
	dir := "testdata/mail"
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	for name, content := range messages() {
		write(name, content)
	}
}

func messages() map[string]string {
	m := map[string]string{}

	// Outlook on Windows: CRLF, Windows-1251 quoted-printable in both
	// alternatives, Thread-Index, an encoded display name.
	outlookText := "Добрый день!\n\nПосле обновления до версии 1.0.37 отчёт «Остатки» не формируется,\nвыдаётся ошибка «Нет доступа к базе».\n\nОрганизация: ООО «Акме», сервер app01.\n\nС уважением,\nИван Петров"
	outlookHTML := "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body><p>Добрый день!</p><p>После обновления до версии 1.0.37 отчёт «Остатки» не формируется.</p></body></html>"
	m["outlook-cp1251-qp.eml"] = crlf(`Received: from mail.acme.test (mail.acme.test [192.0.2.10])
	by mx.desk.test with ESMTPS id 4Qx1; Mon, 30 Nov 2026 10:15:02 +0300
From: ` + bword("windows-1251", "Иван Петров") + ` <Ivan@ACME.test>
To: "Support" <support@desk.test>
Subject: ` + bword("windows-1251", "Не формируется отчёт «Остатки»") + `
Thread-Topic: ` + bword("windows-1251", "Не формируется отчёт «Остатки»") + `
Thread-Index: AdrB5kq0ZyKqW1lQTnOeX3h2m9Y1Ag==
Date: Mon, 30 Nov 2026 07:14:55 +0000
Message-ID: <0A1B2C3D4E5F@EXCH01.acme.test>
Accept-Language: ru-RU, en-US
Content-Language: ru-RU
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
X-Mailer: Microsoft Outlook 16.0
MIME-Version: 1.0
Content-Type: multipart/alternative;
	boundary="_000_0A1B2C3D4E5FEXCH01acmetest_"

--_000_0A1B2C3D4E5FEXCH01acmetest_
Content-Type: text/plain; charset="windows-1251"
Content-Transfer-Encoding: quoted-printable

` + qp(enc("windows-1251", outlookText)) + `

--_000_0A1B2C3D4E5FEXCH01acmetest_
Content-Type: text/html; charset="windows-1251"
Content-Transfer-Encoding: quoted-printable

` + qp(enc("windows-1251", outlookHTML)) + `

--_000_0A1B2C3D4E5FEXCH01acmetest_--
`)

	// A KOI8-R body under a Windows-1251 subject: two charsets, each
	// declared where it is used.
	m["koi8r-body-cp1251-subject.eml"] = `From: Petr Sidorov <petr@acme.test>
To: support@desk.test
Subject: ` + qword("windows-1251", "Медленно открывается журнал") + `
Date: Tue, 1 Dec 2026 09:02:11 +0300
Message-ID: <20261201090211.1234@mail.acme.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: 8bit

` + enc("koi8-r", "Журнал операций открывается больше минуты.\nВчера открывался за секунды.\n\nПётр") + "\n"

	// A raw 8-bit Windows-1251 subject (no RFC 2047) carrying the tag; the
	// body's declared charset tells how to read it.
	m["raw8bit-subject-sup7.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: ` + enc("windows-1251", "Re: [SUP-7] Не работает выгрузка в Excel") + `
Date: Tue, 1 Dec 2026 11:30:00 +0300
Message-ID: <raw8bit.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=windows-1251
Content-Transfer-Encoding: 8bit

` + enc("windows-1251", "Выгрузка по-прежнему падает, лог приложу позже.") + "\n"

	// No Content-Type at all and Windows-1251 bytes in the body and the
	// subject: nothing declares a charset, so Windows-1251 is assumed.
	m["no-charset-cp1251.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: ` + enc("windows-1251", "Ошибка печати") + `
Date: Tue, 1 Dec 2026 12:00:00 +0300
Message-ID: <nocharset.1@mail.acme.test>

` + enc("windows-1251", "При печати накладной программа закрывается.") + "\n"

	// No charset declared but the bytes are UTF-8: kept as they are.
	m["no-charset-utf8.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: Ошибка печати
Date: Tue, 1 Dec 2026 12:05:00 +0300
Message-ID: <nocharset.2@mail.acme.test>
MIME-Version: 1.0
Content-Type: text/plain
Content-Transfer-Encoding: 8bit

При печати счёта программа закрывается.
`

	// HTML only, quoted-printable UTF-8.
	m["html-only.eml"] = `From: "Ivan Petrov" <ivan@acme.test>
To: support@desk.test
Subject: =?utf-8?B?0J3QtSDQstGF0L7QtNC40YIg0L/QvtC70YzQt9C+0LLQsNGC0LXQu9GM?=
Date: Tue, 1 Dec 2026 13:00:00 +0300
Message-ID: <html.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

` + qp(`<html><body><p>Пользователь <b>Сидоров</b> не может войти.</p><p>Сообщение об ошибке:<br>Неверный пароль</p><ul><li>Сервер: app01</li><li>Версия: 1.0.37</li></ul></body></html>`) + "\n"

	// HTML only, no charset in the header, KOI8-R named by a <meta> tag.
	m["html-meta-koi8r.eml"] = `From: petr@acme.test
To: support@desk.test
Subject: =?koi8-r?B?` + base64.StdEncoding.EncodeToString([]byte(enc("koi8-r", "Не печатается акт"))) + `?=
Date: Tue, 1 Dec 2026 13:10:00 +0300
Message-ID: <html.2@mail.acme.test>
MIME-Version: 1.0
Content-Type: text/html
Content-Transfer-Encoding: 8bit

<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>
<body><p>` + enc("koi8-r", "Акт сверки не печатается, принтер исправен.") + `</p></body></html>
`

	// Cyrillic file names three ways: RFC 2231 UTF-8, RFC 2231
	// Windows-1251 with continuations, RFC 2047 KOI8-R.
	m["rfc2231-cyrillic-names.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: =?utf-8?Q?=D0=9B=D0=BE=D0=B3=D0=B8_=D0=BE=D1=88=D0=B8=D0=B1=D0=BE=D0=BA?=
Date: Tue, 1 Dec 2026 14:00:00 +0300
Message-ID: <names.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Прикладываю отчёт и журнал.
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''` + pct("utf-8", "Отчёт.pdf") + `
Content-Transfer-Encoding: base64

` + b64("%PDF-1.4\n"+blob(1, 1000)) + `
--b1
Content-Type: application/octet-stream
Content-Disposition: attachment;
 filename*0*=windows-1251''` + pct("windows-1251", "Журнал ") + `;
 filename*1*=` + pct("windows-1251", "ошибок.log") + `
Content-Transfer-Encoding: base64

` + b64(blob(2, 2048)) + `
--b1
Content-Type: application/octet-stream; name="` + bword("koi8-r", "Скриншот.png") + `"
Content-Disposition: attachment; filename="` + bword("koi8-r", "Скриншот.png") + `"
Content-Transfer-Encoding: base64

` + b64(png) + `
--b1--
`

	// An inline image referenced from HTML (multipart/related).
	m["inline-image.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: =?utf-8?B?0KHQutGA0LjQvdGI0L7RgiDQvtGI0LjQsdC60Lg=?=
Date: Tue, 1 Dec 2026 14:30:00 +0300
Message-ID: <inline.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"; type="text/html"

--rel
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<html><body><p>Вот что видно на экране:</p><img src="cid:shot1@acme.test"></body></html>
--rel
Content-Type: image/png
Content-ID: <shot1@acme.test>
Content-Disposition: inline
Content-Transfer-Encoding: base64

` + b64(png) + `
--rel--
`

	// Outlook's rich text container: kept as a file, not interpreted.
	m["winmail-dat.eml"] = crlf(`From: ivan@acme.test
To: support@desk.test
Subject: =?windows-1251?B?` + base64.StdEncoding.EncodeToString([]byte(enc("windows-1251", "Настройки сервера"))) + `?=
Date: Tue, 1 Dec 2026 15:00:00 +0300
Message-ID: <tnef.1@EXCH01.acme.test>
Thread-Index: AdrC0k1lMn8xU2xQRm5xQW1tQw==
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="tnef"

--tnef
Content-Type: text/plain; charset=windows-1251
Content-Transfer-Encoding: quoted-printable

` + qp(enc("windows-1251", "Настройки во вложении.")) + `
--tnef
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

` + b64("\x78\x9f\x3e\x22"+blob(3, 700)) + `
--tnef--
`)

	// A current Exchange out-of-office reply.
	m["exchange-oof.eml"] = crlf(`Return-Path: <>
From: ` + bword("utf-8", "Иван Петров") + ` <ivan@acme.test>
To: support@desk.test
Subject: ` + bword("utf-8", "Автоматический ответ: [SUP-7] Не работает выгрузка в Excel") + `
Thread-Topic: ` + bword("utf-8", "[SUP-7] Не работает выгрузка в Excel") + `
Thread-Index: AQHbXk2lUm9uQnlBZ2VudA==
Date: Wed, 2 Dec 2026 08:00:03 +0000
Message-ID: <oof.1@EXCH01.acme.test>
In-Reply-To: <sup-7.2@desk.test>
References: <sup-7.2@desk.test>
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: ivan@acme.test
X-MS-Has-Attach:
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

` + b64("Я в отпуске до 14 декабря. По срочным вопросам пишите Петру Сидорову.") + `
`)

	// An older Exchange out-of-office: none of the standard headers, only
	// the subject and Exchange's own.
	m["exchange-oof-old.eml"] = crlf(`From: Petr Sidorov <petr@acme.test>
To: support@desk.test
Subject: Out of Office: [SUP-7] Excel export fails
Thread-Topic: [SUP-7] Excel export fails
Thread-Index: AQHbXk2lUm9uQnlBZ2VudB==
Date: Wed, 2 Dec 2026 08:01:00 +0000
Message-ID: <oof.2@EXCH02.acme.test>
In-Reply-To: <sup-7.2@desk.test>
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"

I am out of the office until 14 December.
`)

	// A delivery status notification (RFC 3464) for our notice.
	m["dsn-bounce.eml"] = `Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.acme.test>
To: support@desk.test
Subject: Undelivered Mail Returned to Sender
Date: Wed, 2 Dec 2026 09:00:00 +0300
Message-ID: <dsn.1@mx.acme.test>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.acme.test.
Your message could not be delivered to one or more recipients.

<olga@acme.test>: host mx.acme.test said: 550 5.1.1 User unknown
--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.test
Arrival-Date: Wed, 2 Dec 2026 08:59:58 +0300

Final-Recipient: rfc822; olga@acme.test
Original-Recipient: rfc822;olga@acme.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--dsn
Content-Type: message/rfc822

From: support@desk.test
To: olga@acme.test
Subject: [SUP-7] Registered
Message-ID: <sup-7.1@desk.test>
Date: Wed, 2 Dec 2026 08:59:50 +0300
Auto-Submitted: auto-replied

Your request is registered as SUP-7.
--dsn--
`

	// A bounce that returns only the headers (text/rfc822-headers), from
	// postmaster, without a Return-Path.
	m["dsn-headers-only.eml"] = `From: postmaster@acme.test
To: support@desk.test
Subject: Delivery Status Notification (Failure)
Date: Wed, 2 Dec 2026 09:05:00 +0300
Message-ID: <dsn.2@acme.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="r2"

--r2
Content-Type: text/plain

Delivery to olga@acme.test failed permanently.
--r2
Content-Type: message/delivery-status

Reporting-MTA: dns; acme.test

Final-Recipient: rfc822; olga@acme.test
Action: failed
Status: 5.2.2

--r2
Content-Type: text/rfc822-headers

From: support@desk.test
To: olga@acme.test
Subject: [SUP-7] Answer
Message-ID: <sup-7.3@desk.test>
--r2--
`

	// A delay warning: a delivery report that is not a failure.
	m["dsn-delayed.eml"] = `Return-Path: <>
From: MAILER-DAEMON@mx.acme.test
To: support@desk.test
Subject: Delivery delayed
Date: Wed, 2 Dec 2026 13:00:00 +0300
Message-ID: <dsn.3@mx.acme.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dl"

--dl
Content-Type: text/plain

Delivery to petr@acme.test is delayed; we keep trying for 5 days.
--dl
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.test

Final-Recipient: rfc822; petr@acme.test
Action: delayed
Status: 4.4.1
Will-Retry-Until: Mon, 7 Dec 2026 13:00:00 +0300

--dl
Content-Type: text/rfc822-headers

From: support@desk.test
To: petr@acme.test
Subject: [SUP-8] Registered
Message-ID: <sup-8.1@desk.test>
--dl--
`

	// A read receipt (RFC 8098) for our notice: a report, but no bounce.
	m["read-receipt.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: =?utf-8?B?0J/RgNC+0YfQuNGC0LDQvdC+OiBbU1VQLTddINCe0YLQstC10YI=?=
Date: Thu, 3 Dec 2026 08:30:00 +0300
Message-ID: <mdn.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"

--mdn
Content-Type: text/plain; charset=utf-8

Ваше сообщение прочитано.
--mdn
Content-Type: message/disposition-notification

Reporting-UA: mail.acme.test
Final-Recipient: rfc822; ivan@acme.test
Original-Message-ID: <sup-7.4@desk.test>
Disposition: manual-action/MDN-sent-manually; displayed

--mdn--
`

	// The same message delivered twice: the second copy gained a Received
	// line on the way, the Message-ID is the same.
	dup := `From: ivan@acme.test
To: support@desk.test
Subject: =?utf-8?B?0J3QtSDRgdC+0YXRgNCw0L3Rj9C10YLRgdGPINC00L7QutGD0LzQtdC90YI=?=
Date: Wed, 2 Dec 2026 10:00:00 +0300
Message-ID: <dup.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Документ не сохраняется, кнопка «Сохранить» неактивна.
`
	m["duplicate-1.eml"] = dup
	m["duplicate-2.eml"] = "Received: from relay2.acme.test by mx.desk.test; Wed, 2 Dec 2026 10:05:00 +0300\n" + dup

	m["no-message-id.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: No Message-ID here
Date: Wed, 2 Dec 2026 10:10:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Сообщение без Message-ID.
`

	m["two-message-ids.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: Two Message-IDs
Date: Wed, 2 Dec 2026 10:20:00 +0300
Message-ID: <first.1@mail.acme.test>
Message-ID: <second.1@relay.acme.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Два заголовка Message-ID.
`

	// A forwarded message as an attachment: its own [SUP-456] subject and
	// In-Reply-To must never thread the outer message.
	m["forwarded-eml.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: Fwd: =?utf-8?B?0J7RiNC40LHQutCwINC/0YDQuCDQstGF0L7QtNC1?=
Date: Wed, 2 Dec 2026 11:00:00 +0300
Message-ID: <fwd.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fw"

--fw
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Пересылаю письмо коллеги, у него та же ошибка.
--fw
Content-Type: message/rfc822
Content-Disposition: inline

From: olga@acme.test
To: support@desk.test
Subject: =?utf-8?B?W1NVUC00NTZdINCe0YjQuNCx0LrQsCDQsiDQvtGC0YfRkdGC0LU=?=
Date: Tue, 1 Dec 2026 16:00:00 +0300
Message-ID: <olga.9@mail.acme.test>
In-Reply-To: <sup-456.1@desk.test>
References: <sup-456.1@desk.test>
Content-Type: text/plain; charset=utf-8

Ошибка повторяется.
--fw--
`

	// A reply whose mailer dropped In-Reply-To and References: only the
	// tag in the subject threads it.
	m["reply-tag-only.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: RE: Re: [sup-12] =?utf-8?B?0JvQuNGG0LXQvdC30LjRjw==?=
Date: Wed, 2 Dec 2026 12:00:00 +0300
Message-ID: <tagonly.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Ключ лицензии прислали, спасибо.
`

	// A reply with References only (no In-Reply-To, no tag).
	m["reply-references-only.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: Re: =?utf-8?B?0JvQuNGG0LXQvdC30LjRjw==?=
Date: Wed, 2 Dec 2026 12:10:00 +0300
Message-ID: <refsonly.1@mail.acme.test>
References: <CAF1x2@mail.acme.test>
 <sup-12.2@desk.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Ещё вопрос по той же лицензии.
`

	// The prefix Russian Outlook writes, twice, and an English one.
	m["otvet-prefix.eml"] = crlf(`From: ivan@acme.test
To: support@desk.test
Subject: ` + bword("windows-1251", "Ответ: Отв: RE: Не приходят уведомления") + `
Date: Wed, 2 Dec 2026 12:20:00 +0300
Message-ID: <otvet.1@EXCH01.acme.test>
In-Reply-To: <sup-15.1@desk.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=windows-1251
Content-Transfer-Encoding: quoted-printable

` + qp(enc("windows-1251", "Уведомления так и не приходят.")) + `
`)

	m["unknown-sender.eml"] = `From: Stranger <someone@unknown.test>
To: support@desk.test
Subject: Help please
Date: Wed, 2 Dec 2026 12:30:00 +0300
Message-ID: <stranger.1@unknown.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Здравствуйте, у нас не работает программа.
`

	// Cut off in the middle of a base64 attachment: no closing boundary.
	att := b64(blob(4, 3000))
	m["truncated-mime.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: Truncated
Date: Wed, 2 Dec 2026 12:40:00 +0300
Message-ID: <trunc.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="cut"

--cut
Content-Type: text/plain; charset=utf-8

Текст дошёл целиком, вложение — нет.
--cut
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="dump.bin"
Content-Transfer-Encoding: base64

` + att[:len(att)/2] + "\n"

	// A confirmation (A12, Q14): the first line is the confirm word, the
	// rest is the quoted notice.
	m["confirmation.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: Re: [SUP-7] =?utf-8?B?0J7RgtCy0LXRgg==?=
Date: Thu, 3 Dec 2026 09:00:00 +0300
Message-ID: <confirm.1@mail.acme.test>
In-Reply-To: <sup-7.4@desk.test>
References: <sup-7.4@desk.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

` + b64("Подтверждаю.\n\nСпасибо!\n\n3 декабря 2026 г., 08:00, Служба поддержки <support@desk.test> пишет:\n> Запрос SUP-7: Завершен, требует подтверждения пользователя.\n> Ответьте «подтверждаю».\n") + `
`

	// A reasoned disagreement (A11).
	m["dispute.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: Re: [SUP-7] =?utf-8?B?0J7RgtCy0LXRgg==?=
Date: Thu, 3 Dec 2026 09:10:00 +0300
Message-ID: <dispute.1@mail.acme.test>
In-Reply-To: <sup-7.4@desk.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Не согласен: после обновления ошибка повторяется на сервере app02.

On Thu, Dec 3, 2026 at 8:00 AM Support <support@desk.test> wrote:
> Request SUP-7: Completed, requires user confirmation.
`

	// CP866 body, ISO-8859-5 subject.
	m["cp866-iso88595.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: ` + qword("iso-8859-5", "Касса не печатает чек") + `
Date: Thu, 3 Dec 2026 10:00:00 +0300
Message-ID: <dos.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=cp866
Content-Transfer-Encoding: quoted-printable

` + qp(enc("cp866", "Касса №2 не печатает чек после закрытия смены.")) + `
`

	m["mailing-list.eml"] = `From: news@lists.acme.test
To: support@desk.test
Subject: ACME weekly digest
Date: Thu, 3 Dec 2026 10:10:00 +0300
Message-ID: <digest.1@lists.acme.test>
List-Id: ACME news <news.lists.acme.test>
List-Unsubscribe: <mailto:news-unsubscribe@lists.acme.test>
Precedence: list
Content-Type: text/plain; charset=utf-8

Новости недели.
`

	// One of our own notices came back (a forwarding rule at the customer).
	m["own-loop.eml"] = `From: support@desk.test
To: ivan@acme.test
Subject: [SUP-7] =?utf-8?B?0JfQsNC/0YDQvtGBINC30LDRgNC10LPQuNGB0YLRgNC40YDQvtCy0LDQvQ==?=
Date: Thu, 3 Dec 2026 10:20:00 +0300
Message-ID: <sup-7.1@desk.test>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
X-Loop: support@desk.test
Content-Type: text/plain; charset=utf-8

Запрос зарегистрирован под номером SUP-7.
`
	// A log file in Windows-1251 as a text attachment: kept as the
	// customer's bytes, not converted.
	m["text-attachment-cp1251.eml"] = `From: ivan@acme.test
To: support@desk.test
Subject: Log
Date: Thu, 3 Dec 2026 10:30:00 +0300
Message-ID: <log.1@mail.acme.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="lg"

--lg
Content-Type: text/plain; charset=utf-8

Журнал во вложении.
--lg
Content-Type: text/plain; charset=windows-1251; name="app.log"
Content-Disposition: attachment; filename="app.log"
Content-Transfer-Encoding: quoted-printable

` + qp(enc("windows-1251", LogText)) + `
--lg--
`
	return m
}

// LogText is the content of app.log in text-attachment-cp1251.eml; the
// test checks the kept bytes are exactly its Windows-1251 encoding.
const LogText = "2026-12-03 10:29:01 ОШИБКА: нет доступа к базе\n2026-12-03 10:29:02 повтор через 5 с\n"
