// Command genmail writes a Maildir of mixed customer mail for the intake
// benchmark (bench/mail.sh), and the customers file that registers its
// senders. Every message is made up here; file names sort in the order the
// messages were written, which is the order the intake reads them.
package main

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	n := flag.Int("n", 10000, "messages to write")
	dir := flag.String("dir", "bench/work/maildir", "the Maildir to create")
	customers := flag.String("customers", "bench/work/customers.yaml", "the customers file to write")
	big := flag.Int("big", 0, "instead: write one message with an attachment of this many bytes to standard output")
	flag.Parse()
	if *big > 0 {
		os.Stdout.Write(bigMessage(*big))
		return
	}
	if err := run(*n, *dir, *customers); err != nil {
		fmt.Fprintln(os.Stderr, "genmail:", err)
		os.Exit(1)
	}
}

const nCustomers = 50

func run(n int, dir, customersFile string) error {
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	var c strings.Builder
	c.WriteString("customers:\n")
	for i := range nCustomers {
		fmt.Fprintf(&c, "  - code: C%d\n    name: Customer %d\n    emails: [u%d@c%d.test]\n", i, i, i, i)
	}
	if err := os.WriteFile(customersFile, []byte(c.String()), 0o644); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var written [][]byte
	opened := 0
	var ownerOf []int // ownerOf[k-1] is the customer of SUP-k
	for i := range n {
		cust := rng.IntN(nCustomers)
		from := fmt.Sprintf("u%d@c%d.test", cust, cust)
		var raw []byte
		switch p := rng.IntN(100); {
		case p < 55 || opened == 0: // a new request
			opened++
			ownerOf = append(ownerOf, cust)
			raw = message(i, from, fmt.Sprintf("Problem %d: export fails", i), "", nil)
		case p < 75: // a reply naming one of the customer's earlier requests
			k := 1 + rng.IntN(opened)
			cust = ownerOf[k-1]
			raw = message(i, fmt.Sprintf("u%d@c%d.test", cust, cust), fmt.Sprintf("Re: [SUP-%d] Problem", k), "", nil)
		case p < 80: // the same message delivered again
			raw = written[rng.IntN(len(written))]
		case p < 88: // an out-of-office
			raw = message(i, from, "Automatic reply: Problem", "Auto-Submitted: auto-replied\r\n", nil)
		case p < 93: // an unknown sender
			raw = message(i, fmt.Sprintf("someone%d@unknown.test", i), "Hello", "", nil)
		default: // a new request with a log attached
			opened++
			ownerOf = append(ownerOf, cust)
			raw = message(i, from, fmt.Sprintf("Problem %d with a log", i), "", attachment(20<<10))
		}
		written = append(written, raw)
		name := filepath.Join(dir, "new", fmt.Sprintf("%010d.bench.host", i))
		if err := os.WriteFile(name, raw, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func attachment(size int) []byte {
	line := []byte("2026-11-20 10:00:00 ERROR export failed: connection reset by peer\n")
	return bytes.Repeat(line, size/len(line)+1)[:size]
}

func message(i int, from, subject, extra string, file []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: support@desk.test\r\nMessage-ID: <bench.%d@%s>\r\nSubject: %s\r\n"+
		"Date: Fri, 20 Nov 2026 10:00:00 +0300\r\nMIME-Version: 1.0\r\n%s", from, i, strings.SplitN(from, "@", 2)[1], subject, extra)
	text := "Hello,\r\n\r\nthe export fails since the update to 1.0.37. Steps: open Reports, press Export.\r\n\r\nRegards\r\n"
	if file == nil {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n" + text)
		return b.Bytes()
	}
	b.WriteString("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text)
	b.WriteString("--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"app.log\"\r\n\r\n")
	b.Write(file)
	b.WriteString("\r\n--b--\r\n")
	return b.Bytes()
}

// bigMessage carries an archive of size bytes, base64-encoded in 76-column
// lines as mail clients send files.
func bigMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: u0@c0.test\r\nTo: support@desk.test\r\nMessage-ID: <bench.big@c0.test>\r\nSubject: Big log\r\n" +
		"Date: Fri, 20 Nov 2026 10:00:00 +0300\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe logs of the week are attached.\r\n" +
		"--b\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=\"logs.zip\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--b--\r\n")
	return b.Bytes()
}
