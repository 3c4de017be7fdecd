package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/jiratest"
)

func testApp() *app {
	return &app{in: &bytes.Buffer{}, out: io.Discard, err: io.Discard, ctx: context.Background()}
}

// run executes cmd with args and reports whether runF was reached.
func runFlags(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
	return cmd.Execute()
}

func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue)
}

func TestMailIngestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		files   []string
		maildir string
		usage   bool
	}{
		{args: nil},
		{args: []string{"-"}, files: []string{"-"}},
		{args: []string{"a.eml", "b.eml"}, files: []string{"a.eml", "b.eml"}},
		{args: []string{"--maildir", "md"}, maildir: "md"},
		{args: []string{"--maildir", "md", "a.eml"}, usage: true},
		{args: []string{"--nonsense"}, usage: true},
	}
	for _, tt := range tests {
		var got *MailIngestOptions
		err := runFlags(t, NewCmdMailIngest(testApp(), func(o *MailIngestOptions) error { got = o; return nil }), tt.args...)
		if tt.usage {
			if !isUsage(err) || got != nil {
				t.Errorf("%v: err %v, reached run %v; want a usage error", tt.args, err, got != nil)
			}
			continue
		}
		if err != nil || got == nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if len(got.Files) != len(tt.files) || got.Maildir != tt.maildir {
			t.Errorf("%v: files %v maildir %q", tt.args, got.Files, got.Maildir)
		}
	}
}

func TestMailShowLogQuarantineOutboxFlags(t *testing.T) {
	var show *MailShowOptions
	if err := runFlags(t, NewCmdMailShow(testApp(), func(o *MailShowOptions) error { show = o; return nil }), "12", "--raw"); err != nil || show.ID != 12 || !show.Raw {
		t.Errorf("show: %v %+v", err, show)
	}
	for _, bad := range [][]string{{"x"}, {"0"}, {}, {"1", "2"}} {
		if err := runFlags(t, NewCmdMailShow(testApp(), func(*MailShowOptions) error { return nil }), bad...); !isUsage(err) {
			t.Errorf("show %v: %v, want a usage error", bad, err)
		}
	}

	var log *MailLogOptions
	if err := runFlags(t, NewCmdMailLog(testApp(), func(o *MailLogOptions) error { log = o; return nil }), "--decision", "ignored", "--limit", "5"); err != nil || log.Decision != "ignored" || log.List.max() != 5 {
		t.Errorf("log: %v %+v", err, log)
	}
	// --limit below 1, or with --all, is a usage error on every list.
	for _, bad := range [][]string{{"--limit", "0"}, {"--limit", "-3"}, {"--limit", "5", "--all"}} {
		for name, cmd := range map[string]*cobra.Command{
			"mail log":             NewCmdMailLog(testApp(), func(*MailLogOptions) error { return nil }),
			"mail quarantine list": NewCmdMailQuarantine(testApp(), "list", func(*MailQuarantineOptions) error { return nil }),
			"mail outbox list":     NewCmdMailOutbox(testApp(), false, func(*MailOutboxOptions) error { return nil }),
			"customer list":        NewCmdCustomerList(testApp(), func(*CustomerListOptions) error { return nil }),
			"ticket list":          NewCmdTicketList(testApp(), func(*TicketListOptions) error { return nil }),
		} {
			if err := runFlags(t, cmd, bad...); !isUsage(err) {
				t.Errorf("%s %v: %v, want a usage error", name, bad, err)
			}
		}
	}
	if err := runFlags(t, NewCmdMailLog(testApp(), func(*MailLogOptions) error { return nil }), "--decision", "lost"); !isUsage(err) {
		t.Errorf("log --decision lost: %v", err)
	}

	var q *MailQuarantineOptions
	if err := runFlags(t, NewCmdMailQuarantine(testApp(), "release", func(o *MailQuarantineOptions) error { q = o; return nil }), "7", "--customer", "beta"); err != nil || q.ID != 7 || q.Customer != "beta" || q.Action != "release" {
		t.Errorf("release: %v %+v", err, q)
	}
	if err := runFlags(t, NewCmdMailQuarantine(testApp(), "drop", func(*MailQuarantineOptions) error { return nil }), "7", "--customer", "X"); !isUsage(err) {
		t.Errorf("drop --customer: %v, want a usage error", err)
	}
	if err := runFlags(t, NewCmdMailQuarantine(testApp(), "list", func(*MailQuarantineOptions) error { return nil }), "7"); !isUsage(err) {
		t.Errorf("list 7: %v, want a usage error", err)
	}

	var ob *MailOutboxOptions
	if err := runFlags(t, NewCmdMailOutbox(testApp(), false, func(o *MailOutboxOptions) error { ob = o; return nil }), "--status", "failed"); err != nil || ob.Status != "failed" || ob.Show {
		t.Errorf("outbox list: %v %+v", err, ob)
	}
	if err := runFlags(t, NewCmdMailOutbox(testApp(), false, func(*MailOutboxOptions) error { return nil }), "--status", "lost"); !isUsage(err) {
		t.Errorf("outbox list --status lost: %v", err)
	}
	if err := runFlags(t, NewCmdMailOutbox(testApp(), true, func(o *MailOutboxOptions) error { ob = o; return nil }), "3", "--raw"); err != nil || ob.ID != 3 || !ob.Raw || !ob.Show {
		t.Errorf("outbox show: %v %+v", err, ob)
	}

	var send *MailSendOptions
	if err := runFlags(t, NewCmdMailSend(testApp(), func(o *MailSendOptions) error { send = o; return nil }), "--batch", "5"); err != nil || send.Batch != 5 {
		t.Errorf("send: %v %+v", err, send)
	}
	if err := runFlags(t, NewCmdMailFetch(testApp(), func(*MailFetchOptions) error { return nil }), "extra"); !isUsage(err) {
		t.Errorf("fetch extra: %v", err)
	}
}

// TestMailOnJira: the mail commands work on the Jira store, and what they
// keep is in Jira: a second machine (another data directory) sees it.
func TestMailOnJira(t *testing.T) {
	srv := jiratest.New("SUP")
	defer srv.Close()
	srv.SetCredentials("", "tok")
	run := func(dir string, stdin string, args ...string) (int, string, string) {
		t.Helper()
		t.Setenv("HOME", dir)
		t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
		t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
		t.Setenv("SUSTAIN_JIRA_URL", srv.URL)
		t.Setenv("SUSTAIN_JIRA_TOKEN", "tok")
		var out, errb bytes.Buffer
		code := Main(append([]string{"-C", dir, "--store", "jira:" + srv.URL}, args...), strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	one, two := t.TempDir(), t.TempDir()
	msg := "From: a@b.test\r\nMessage-ID: <x1@b.test>\r\nSubject: hello\r\n\r\nx\r\n"
	if code, out, errb := run(one, msg, "mail", "ingest"); code != exitOK || !strings.Contains(out, "quarantined") {
		t.Fatalf("ingest: exit %d, %q %q", code, out, errb)
	}
	code, out, errb := run(two, "", "mail", "log", "--json")
	if code != exitOK || !strings.Contains(out, `"message_id": "x1@b.test"`) || !strings.Contains(out, `"decision": "quarantined"`) {
		t.Errorf("log on a second machine: exit %d, %q %q", code, out, errb)
	}
	if strings.Contains(out+errb, "tok") {
		t.Error("the token was printed")
	}
	if code, out, _ := run(two, "", "mail", "outbox", "list"); code != exitOK {
		t.Errorf("outbox list: exit %d, %q", code, out)
	}
}
