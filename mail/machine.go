package mail

import (
	"net/textproto"
	"strings"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/dsn"

	"github.com/sustain-cli/sustain/internal/lazyre"
)

// detectMachine decides from the headers whether a machine sent the
// message, and which header says so. Our own loop is checked first (a
// notice of ours coming back must never be answered), then delivery
// reports and daemon senders (they tell about our notices), then
// auto-replies and lists, and last an empty Return-Path.
func detectMachine(h headerReader, root *enmime.Part, m *Message, opts ParseOptions) (MachineKind, string) {
	if opts.LoopID != "" {
		for _, v := range h.rawAll("X-Loop") {
			if strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(opts.LoopID)) {
				return Loop, "X-Loop: " + validUTF8(strings.TrimSpace(v))
			}
		}
	}
	if rp := findReport(root); rp != nil {
		// A read receipt is a report too, but it says the notice arrived.
		if _, params, _, _ := parseMediaType(headerGet(rp.Header, "Content-Type")); strings.EqualFold(params["report-type"], "disposition-notification") {
			return AutoReply, "Content-Type: multipart/report; report-type=disposition-notification"
		}
		return Bounce, "Content-Type: multipart/report"
	}
	local, _, _ := strings.Cut(m.From, "@")
	switch local {
	case "mailer-daemon", "postmaster":
		return Bounce, "From: " + m.From
	}
	if v := h.raw("Auto-Submitted"); v != "" && !strings.EqualFold(firstToken(v), "no") {
		return AutoReply, "Auto-Submitted: " + validUTF8(v)
	}
	if v := h.raw("Precedence"); v != "" {
		switch strings.ToLower(firstToken(v)) {
		case "bulk", "junk", "list", "auto_reply":
			return AutoReply, "Precedence: " + validUTF8(v)
		}
	}
	for _, name := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe"} {
		if len(h.rawAll(name)) > 0 {
			return AutoReply, name + ": " + validUTF8(h.raw(name))
		}
	}
	// Older Exchange servers send out-of-office replies with none of the
	// headers above; they are known by the subject Exchange writes in the
	// mailbox's language together with Exchange's own headers.
	if isExchange(h) && oofSubject.MatchString(m.Subject) {
		return AutoReply, "Exchange out-of-office: " + m.Subject
	}
	// Auto-responders send with an empty Return-Path too (RFC 3834), so it
	// means a bounce only when nothing above called it an auto-reply.
	// "< >" and "<\t>" are the null path too: white space is allowed there.
	if rp := h.rawAll("Return-Path"); len(rp) > 0 && strings.Join(strings.Fields(rp[0]), "") == "<>" {
		return Bounce, "Return-Path: <>"
	}
	return Human, ""
}

var oofSubject = lazyre.New(`(?i)^\s*(automatic reply|auto reply|autoreply|out of office|автоматический ответ|автоответ|нет на месте)\s*:`)

func isExchange(h headerReader) bool {
	for k := range h.h {
		lk := strings.ToLower(k)
		if lk == "thread-index" || lk == "thread-topic" || strings.HasPrefix(lk, "x-ms-exchange-") || lk == "x-ms-has-attach" {
			return true
		}
	}
	return false
}

func firstToken(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, " ;\t("); i >= 0 {
		v = v[:i]
	}
	return v
}

func findReport(root *enmime.Part) *enmime.Part {
	return root.DepthMatchFirst(func(p *enmime.Part) bool {
		return p.ContentType == "multipart/report"
	})
}

var quotedIDRe = lazyre.New(`(?im)^\s*>?\s*Message-ID:\s*(<[^<>\s]+>)`)

// deliveryReport reads what a bounce says about the message it bounces:
// from an RFC 3464 report (enmime's dsn package) when there is one, and
// otherwise from the quoted headers in the text.
func deliveryReport(root *enmime.Part, m *Message) *DeliveryReport {
	r := &DeliveryReport{}
	if rp := findReport(root); rp != nil {
		if rep, err := dsn.ParseReport(rp); err == nil && rep != nil {
			failed := false
			for _, f := range rep.DeliveryStatus.RecipientDSNs {
				failed = failed || dsn.IsFailed(f)
			}
			if len(rep.DeliveryStatus.RecipientDSNs) > 0 && !failed {
				// Only a delay warning ("Action: delayed"): the notice may
				// still arrive, so there is nothing to report as failed.
				return nil
			}
			for _, f := range rep.DeliveryStatus.RecipientDSNs {
				if !dsn.IsFailed(f) {
					continue
				}
				if addr := dsnAddress(headerGet(textproto.MIMEHeader(f), "Final-Recipient")); addr != "" {
					r.Failed = append(r.Failed, addr)
				} else if addr := dsnAddress(headerGet(textproto.MIMEHeader(f), "Original-Recipient")); addr != "" {
					r.Failed = append(r.Failed, addr)
				}
				st := strings.TrimSpace(headerGet(textproto.MIMEHeader(f), "Status"))
				if d := strings.TrimSpace(headerGet(textproto.MIMEHeader(f), "Diagnostic-Code")); d != "" {
					st += " " + d
				}
				if st != "" {
					if r.Status != "" {
						r.Status += "; "
					}
					r.Status += validUTF8(cleanLine(st))
				}
			}
			if len(rep.OriginalMessage) > 0 {
				r.OriginalMessageID = HeaderMessageID(rep.OriginalMessage)
			}
		}
		if r.OriginalMessageID == "" {
			// Many servers return only the headers (RFC 3462), or put the
			// message/rfc822 part somewhere dsn does not look.
			root.DepthMatchFirst(func(p *enmime.Part) bool {
				if p.ContentType == "text/rfc822-headers" || p.ContentType == "message/rfc822" || p.ContentType == "message/rfc822-headers" {
					r.OriginalMessageID = HeaderMessageID(p.Content)
				}
				return r.OriginalMessageID != ""
			})
		}
	}
	if r.OriginalMessageID == "" {
		if mt := quotedIDRe.FindStringSubmatch(m.Text); mt != nil {
			r.OriginalMessageID = strings.Trim(mt[1], "<>")
		}
	}
	if r.OriginalMessageID == "" && len(r.Failed) == 0 && r.Status == "" {
		return nil
	}
	return r
}

// dsnAddress reads "rfc822; ivan@acme.test" into the bare address.
func dsnAddress(v string) string {
	v = strings.TrimSpace(v)
	if _, addr, ok := strings.Cut(v, ";"); ok {
		v = addr
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	return strings.ToLower(validUTF8(v))
}
