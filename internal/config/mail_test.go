package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMailKeys: the mail block loads from the file and the environment,
// and values the channel cannot use are refused with the key.
func TestMailKeys(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, RepoFileName), `mail:
  address: support@desk.test
  notify: true
  lang: en
  confirm_words: [да, ok]
  transport: dir
  dir: /var/spool/sustain
  imap: {host: imap.desk.test, port: 993, user: desk, mailbox: Support, done_mailbox: Done, tls: imaps}
  smtp: {host: smtp.desk.test, tls: smtps}
`)
	cfg, err := load(t, dir, "/nonexistent/user.yaml", map[string]string{"SUSTAIN_MAIL_SMTP_PORT": "2525"})
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Mail
	if m.Address != "support@desk.test" || !m.Notify || m.Lang != "en" || !slices.Equal(m.ConfirmWords, []string{"да", "ok"}) ||
		m.Transport != "dir" || m.IMAP.Mailbox != "Support" || m.IMAP.DoneMailbox != "Done" || m.SMTP.Port != 2525 || m.SMTP.TLS != "smtps" {
		t.Fatalf("mail = %+v", m)
	}
	for key, bad := range map[string]string{
		"mail.lang":      "mail:\n  lang: de\n",
		"mail.transport": "mail:\n  transport: pigeon\n",
		"mail.imap.tls":  "mail:\n  imap: {tls: implicit}\n",
		"mail.smtp.tls":  "mail:\n  smtp: {tls: ssl}\n",
	} {
		write(t, filepath.Join(dir, RepoFileName), bad)
		_, err := load(t, dir, "/nonexistent/user.yaml", nil)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: %v, want an error naming the key", key, err)
		}
	}
}
