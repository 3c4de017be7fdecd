// Command genmail writes a Maildir of mixed support mail for the intake
// benchmark (bench/mail.sh): what a desk's mailbox holds on a busy week —
// new requests from registered senders in the charsets Russian mail comes
// in, replies tagged with a registration number, confirmations, machine
// mail, strangers and redeliveries — plus, with -big, one message carrying
// a large attachment for the memory measurement.
//
//	go run ./bench/genmail -dir bench/work/maildir -messages 10000 -customers 50
package main

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"
)

func main() {
	dir := flag.String("dir", "bench/work/maildir", "the Maildir to write (new/, cur/, tmp/)")
	n := flag.Int("messages", 10000, "how many messages")
	customers := flag.Int("customers", 50, "registered customers C001..; sender i of customer C is userI@cNNN.test")
	big := flag.Int("big", 0, "instead: write one message with an attachment of this many MB")
	flag.Parse()
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(*dir, sub), 0o755); err != nil {
			log.Fatal(err)
		}
	}
	g := &gen{rnd: rand.New(rand.NewPCG(1, 2)), customers: *customers, start: time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)}
	if *big > 0 {
		g.write(*dir, 0, g.withAttachment(*big<<20))
		return
	}
	for i := 0; i < *n; i++ {
		g.write(*dir, i, g.message(i))
	}
}

type gen struct {
	rnd       *rand.Rand
	customers int
	start     time.Time
	opened    int // requests the intake will have opened so far, roughly
	last      []byte
}

func (g *gen) write(dir string, i int, msg []byte) {
	name := fmt.Sprintf("%d.M%dP1.bench", 1790000000+i, i)
	if err := os.WriteFile(filepath.Join(dir, "new", name), msg, 0o644); err != nil {
		log.Fatal(err)
	}
}

func (g *gen) sender() string {
	return fmt.Sprintf("user%d@c%03d.test", g.rnd.IntN(3)+1, g.rnd.IntN(g.customers)+1)
}

var subjects = []string{
	"Не открывается отчёт по остаткам", "Ошибка 500 после обновления", "Login fails after the update",
	"Медленно работает поиск", "Не приходят уведомления", "Export to Excel hangs", "Вопрос по лицензии",
}

var bodies = []string{
	"Добрый день!\n\nПосле обновления до версии 1.0.42 при открытии отчёта появляется ошибка.\nЖурнал во вложении.\n\n-- \nИван Петров\nООО «Ромашка»\n",
	"Hello,\n\nsince this morning the login page answers HTTP 500 for every user.\nSteps: open /login, enter the credentials, press Enter.\n\nRegards,\nAnna\n",
	"Здравствуйте.\nПоиск по каталогу занимает больше минуты. Параметры: 2 ЦП, 8 ГБ, PostgreSQL 15.\n",
}

// message picks one of the kinds a mailbox holds, in realistic shares.
func (g *gen) message(i int) []byte {
	at := g.start.Add(time.Duration(i) * 37 * time.Second)
	id := fmt.Sprintf("<%d.%d@mail.c%03d.test>", i, g.rnd.Uint32(), i%g.customers+1)
	switch k := g.rnd.IntN(100); {
	case k < 40: // a new request
		g.opened++
		return g.person(g.sender(), subjects[g.rnd.IntN(len(subjects))], bodies[g.rnd.IntN(len(bodies))], id, "", at, g.rnd.IntN(4) == 0)
	case k < 65 && g.opened > 0: // a reply on a request
		n := g.rnd.IntN(g.opened) + 1
		return g.person(g.sender(), fmt.Sprintf("Re: [SUP-%d] %s", n, subjects[n%len(subjects)]),
			"Дополнительная информация: ошибка повторяется каждый раз.\n\n> Уточните, пожалуйста, версию.\n", id, "", at, false)
	case k < 72 && g.opened > 0: // a confirmation
		n := g.rnd.IntN(g.opened) + 1
		return g.person(g.sender(), fmt.Sprintf("RE: [SUP-%d] Ответ", n), "Подтверждаю\n\nСпасибо!\n", id, "", at, false)
	case k < 82: // machine mail: an out-of-office or a bounce
		if k%2 == 0 {
			return []byte(fmt.Sprintf("From: %s\r\nTo: support@desk.test\r\nSubject: Automatic reply: [SUP-1] Ответ\r\nAuto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\nMessage-ID: %s\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nI am out of the office until Monday.\r\n", g.sender(), id, at.Format(time.RFC1123Z)))
		}
		return []byte(fmt.Sprintf("From: MAILER-DAEMON@mx.c001.test\r\nTo: support@desk.test\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: %s\r\nDate: %s\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.c001.test\r\n\r\nFinal-Recipient: rfc822; gone@c001.test\r\nAction: failed\r\nStatus: 5.1.1\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <sup-1.1@desk.test>\r\nSubject: [SUP-1] Registered\r\n--b--\r\n", id, at.Format(time.RFC1123Z)))
	case k < 92: // a stranger: quarantined, refused once a day
		return g.person(fmt.Sprintf("someone%d@unknown%d.test", g.rnd.IntN(200), g.rnd.IntN(20)), subjects[g.rnd.IntN(len(subjects))], bodies[0], id, "", at, false)
	default: // the previous message delivered again
		if g.last != nil {
			return g.last
		}
		return g.person(g.sender(), subjects[0], bodies[0], id, "", at, false)
	}
}

// person writes a message as a person's mail client would, in one of the
// charsets and transfer encodings seen in Russian mail.
func (g *gen) person(from, subject, body, id, inReplyTo string, at time.Time, attach bool) []byte {
	var b bytes.Buffer
	cs := []string{"utf-8", "koi8-r", "windows-1251"}[g.rnd.IntN(3)]
	enc := map[string]*charmap.Charmap{"koi8-r": charmap.KOI8R, "windows-1251": charmap.Windows1251}[cs]
	encode := func(s string) string {
		if enc == nil {
			return s
		}
		out, err := enc.NewEncoder().String(strings.NewReplacer("«", "\"", "»", "\"").Replace(s))
		if err != nil {
			return s
		}
		return out
	}
	fmt.Fprintf(&b, "From: %s\r\nTo: support@desk.test\r\nSubject: %s\r\nMessage-ID: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		from, mime.BEncoding.Encode(cs, encode(subject)), id, at.Format(time.RFC1123Z))
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: %s\r\n", inReplyTo)
	}
	text := qp(encode(body))
	if !attach {
		fmt.Fprintf(&b, "Content-Type: text/plain; charset=%s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s", cs, text)
		g.last = b.Bytes()
		return g.last
	}
	log := bytes.Repeat([]byte("2026-11-16 09:00:00 ERROR storage: timeout after 30s\n"), 200+g.rnd.IntN(800))
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=%s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n--mix\r\nContent-Type: text/plain; name=\"server.log\"\r\nContent-Disposition: attachment; filename=\"server.log\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--mix--\r\n",
		cs, text, b64(log))
	g.last = b.Bytes()
	return g.last
}

func (g *gen) withAttachment(size int) []byte {
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(g.rnd.Uint32())
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: user1@c001.test\r\nTo: support@desk.test\r\nSubject: Core dump\r\nMessage-ID: <big@mail.c001.test>\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe core dump is attached.\r\n--mix\r\nContent-Type: application/octet-stream; name=\"core.bin\"\r\nContent-Disposition: attachment; filename=\"core.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--mix--\r\n",
		g.start.Format(time.RFC1123Z), b64(data))
	return b.Bytes()
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	_, _ = w.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n")))
	_ = w.Close()
	return b.String()
}

// b64 wraps base64 at 76 columns, as mail clients do.
func b64(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}
