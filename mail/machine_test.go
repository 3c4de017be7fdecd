package mail

import (
	"strings"
	"testing"

	"github.com/sustain-cli/sustain/mail/mailtest"
)

func TestMachineHeaders(t *testing.T) {
	tests := []struct {
		name    string
		from    string
		headers map[string]string
		subject string
		want    MachineKind
		reason  string
	}{
		{"person", "", nil, "", Human, ""},
		{"auto-submitted no", "", map[string]string{"Auto-Submitted": "no"}, "", Human, ""},
		{"auto-submitted replied", "", map[string]string{"Auto-Submitted": "auto-replied"}, "", AutoReply, "Auto-Submitted: auto-replied"},
		{"auto-submitted generated with comment", "", map[string]string{"Auto-Submitted": "auto-generated (vacation)"}, "", AutoReply, "Auto-Submitted"},
		{"precedence bulk", "", map[string]string{"Precedence": "bulk"}, "", AutoReply, "Precedence: bulk"},
		{"precedence junk", "", map[string]string{"Precedence": "JUNK"}, "", AutoReply, "Precedence"},
		{"precedence first-class", "", map[string]string{"Precedence": "first-class"}, "", Human, ""},
		{"x-autoreply", "", map[string]string{"X-Autoreply": "yes"}, "", AutoReply, "X-Autoreply"},
		{"x-autorespond", "", map[string]string{"X-Autorespond": "Vacation"}, "", AutoReply, "X-Autorespond"},
		{"x-auto-response-suppress", "", map[string]string{"X-Auto-Response-Suppress": "OOF, AutoReply"}, "", AutoReply, "X-Auto-Response-Suppress"},
		{"list-id", "", map[string]string{"List-Id": "<news.acme.test>"}, "", AutoReply, "List-Id"},
		{"list-unsubscribe", "", map[string]string{"List-Unsubscribe": "<mailto:u@acme.test>"}, "", AutoReply, "List-Unsubscribe"},
		{"empty return-path", "", map[string]string{"Return-Path": "<>"}, "", Bounce, "Return-Path: <>"},
		{"empty return-path with spaces", "", map[string]string{"Return-Path": "< >"}, "", Bounce, "Return-Path: <>"},
		{"empty return-path with a tab", "", map[string]string{"Return-Path": "<\t >"}, "", Bounce, "Return-Path: <>"},
		{"return-path of a person", "", map[string]string{"Return-Path": "<ivan@acme.test>"}, "", Human, ""},
		{"auto-reply with empty return-path", "", map[string]string{"Return-Path": "<>", "Auto-Submitted": "auto-replied"}, "", AutoReply, "Auto-Submitted"},
		{"mailer-daemon", "MAILER-DAEMON@mx.acme.test", nil, "", Bounce, "mailer-daemon@mx.acme.test"},
		{"postmaster", "Postmaster <postmaster@acme.test>", nil, "", Bounce, "postmaster"},
		{"our loop", "", map[string]string{"X-Loop": "support@desk.test", "Auto-Submitted": "auto-replied"}, "", Loop, "X-Loop"},
		{"another desk's loop", "", map[string]string{"X-Loop": "helpdesk@other.test"}, "", Human, ""},
		{"exchange oof ru", "", map[string]string{"Thread-Index": "AQHb"}, "Автоматический ответ: [SUP-7] x", AutoReply, "Exchange out-of-office"},
		{"exchange oof en", "", map[string]string{"X-MS-Exchange-Organization-SCL": "-1"}, "Automatic reply: x", AutoReply, "Exchange out-of-office"},
		// The same words from a person's mailer are a person's subject.
		{"oof subject without exchange", "", nil, "Automatic reply: does not work", Human, ""},
		{"exchange without oof subject", "", map[string]string{"Thread-Index": "AQHb"}, "Re: [SUP-7] x", Human, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := mailtest.Message{From: tt.from, Subject: tt.subject, Body: "текст", Headers: tt.headers, MessageID: "x.1@acme.test"}
			if msg.Subject == "" {
				msg.Subject = "Вопрос"
			}
			m, err := Parse(msg.Bytes(), ParseOptions{LoopID: loopID})
			if err != nil {
				t.Fatal(err)
			}
			if m.Machine != tt.want || !strings.Contains(m.MachineReason, tt.reason) || (tt.want == Human) != (m.MachineReason == "") {
				t.Errorf("Machine = %q (%q), want %q (%q)", m.Machine, m.MachineReason, tt.want, tt.reason)
			}
		})
	}
	// Without a LoopID nothing is our loop.
	raw := mailtest.Message{Subject: "x", Body: "y", Headers: map[string]string{"X-Loop": loopID}}.Bytes()
	if m, err := Parse(raw, ParseOptions{}); err != nil || m.Machine != Human {
		t.Errorf("no LoopID: %v %v", m, err)
	}
}
