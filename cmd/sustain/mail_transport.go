package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/ticket"
)

// mailTransportCmds are `mail send` and `mail fetch`, which move bytes over
// SMTP, IMAP or a directory.
func mailTransportCmds(a *app) []*cobra.Command {
	return []*cobra.Command{NewCmdMailSend(a, nil), NewCmdMailFetch(a, nil)}
}

// secret is a password from the environment, else from its file.
func (a *app) secret(env, file, key string) (string, error) {
	if v := a.getenv(env); v != "" {
		return v, nil
	}
	if file == "" {
		return "", nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", usagef("%s: %v", key, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// MailSendOptions are the flags of `mail send`.
type MailSendOptions struct {
	App   *app
	Batch int
}

// NewCmdMailSend binds `mail send`.
func NewCmdMailSend(a *app, runF func(*MailSendOptions) error) *cobra.Command {
	opts := &MailSendOptions{App: a}
	cmd := &cobra.Command{
		Use:   "send",
		Short: "Deliver the queued notices (SMTP, or .eml files with mail.transport: dir)",
		Long: `Send every due notice of the outbox, exactly as recorded, and record the
server's reply (A8: the record that the customer was told). A temporary
failure is retried by a later run after a backoff; a permanent one marks the
notice failed. Safe from cron and when two runs overlap: each notice is
claimed before it is sent, so it goes out once.

mail.transport: smtp (mail.smtp.host/port/user/password_file/tls; the
password also from SUSTAIN_SMTP_PASSWORD) or dir (mail.dir: one .eml file per
notice, for sites without SMTP access).

` + exitStatusHelp,
		Example: `  sustain mail send
  */5 * * * *  sustain mail send --json >> /var/log/sustain-send.jsonl`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Batch < 0 {
				return usagef("--batch %d: give a positive number", opts.Batch)
			}
			if runF != nil {
				return runF(opts)
			}
			return mailSendRun(a.ctx, opts)
		},
	}
	cmd.Flags().IntVar(&opts.Batch, "batch", 20, "claim `N` notices at a time")
	return cmd
}

func (a *app) transport() (mail.Transport, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	m := cfg.Mail
	switch m.Transport {
	case "dir":
		if m.Dir == "" {
			return nil, usagef("mail.transport is dir but mail.dir is not set")
		}
		return mail.DirTransport{Dir: m.Dir}, nil
	default:
		if m.SMTP.Host == "" {
			return nil, usagef("mail.smtp.host is not set: configure the SMTP server, or mail.transport: dir with mail.dir")
		}
		pw, err := a.secret("SUSTAIN_SMTP_PASSWORD", m.SMTP.PasswordFile, "mail.smtp.password_file")
		if err != nil {
			return nil, err
		}
		t, err := mail.NewSMTP(mail.SMTPConfig{Host: m.SMTP.Host, Port: m.SMTP.Port, User: m.SMTP.User, Password: pw,
			From: m.Address, TLS: cmp.Or(m.SMTP.TLS, "starttls")})
		if err != nil {
			return nil, usagef("%v", err)
		}
		return t, nil
	}
}

func mailSendRun(ctx context.Context, opts *MailSendOptions) error {
	a := opts.App
	d, err := a.desk()
	if err != nil {
		return err
	}
	t, err := a.transport()
	if err != nil {
		return err
	}
	res, sendErr := mail.DeliverOutbox(ctx, d.store, t, d.svc.Now, mail.DeliverOptions{Batch: opts.Batch})
	if res.Notices == nil {
		res.Notices = []*ticket.Notice{}
	}
	if err := a.print(noticeList{items: res.Notices, loc: d.svc.Calendar.Location(), tr: a.tr()}); err != nil {
		return err
	}
	if sendErr != nil {
		return problem.New(problem.Unavailable, "the notices stay queued; check mail.smtp.* and run sustain mail send again",
			"%v", sendErr)
	}
	if res.Queued > 0 || res.Failed > 0 {
		return problem.New(problem.Unavailable, "see why with: sustain mail outbox list; queued ones are retried by a later run after a backoff",
			"%d notice(s) sent, %d not sent yet, %d failed", res.Sent, res.Queued, res.Failed)
	}
	return nil
}

// MailFetchOptions are the flags of `mail fetch`.
type MailFetchOptions struct {
	App *app
}

// NewCmdMailFetch binds `mail fetch`.
func NewCmdMailFetch(a *app, runF func(*MailFetchOptions) error) *cobra.Command {
	opts := &MailFetchOptions{App: a}
	cmd := &cobra.Command{
		Use:   "fetch",
		Short: "Take in new messages from the IMAP mailbox",
		Long: `Read the messages that arrived in mail.imap.mailbox since the last run and
take each in as 'mail ingest' does. The position (UIDVALIDITY and UID) is kept
in the store; a handled message is marked \Seen, or moved to
mail.imap.done_mailbox. Settings: mail.imap.host/port/user/password_file/
mailbox/done_mailbox/tls (imaps, starttls or none); the password also from
SUSTAIN_IMAP_PASSWORD.

` + exitStatusHelp,
		Example: `  sustain mail fetch
  */5 * * * *  sustain mail fetch && sustain mail send`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return mailFetchRun(a.ctx, opts)
		},
	}
	return cmd
}

func mailFetchRun(ctx context.Context, opts *MailFetchOptions) error {
	a := opts.App
	cfg, err := a.config()
	if err != nil {
		return err
	}
	m := cfg.Mail.IMAP
	if m.Host == "" {
		return usagef("mail.imap.host is not set: configure the mailbox to read")
	}
	pw, err := a.secret("SUSTAIN_IMAP_PASSWORD", m.PasswordFile, "mail.imap.password_file")
	if err != nil {
		return err
	}
	d, err := a.desk()
	if err != nil {
		return err
	}
	done, err := d.intake.Resume(ctx)
	if err != nil {
		return err
	}
	mailbox := cmp.Or(m.Mailbox, "INBOX")
	res, fetchErr := mail.FetchIMAP(ctx, mail.IMAPConfig{Host: m.Host, Port: m.Port, User: m.User, Password: pw,
		Mailbox: mailbox, DoneMailbox: m.DoneMailbox, TLS: cmp.Or(m.TLS, "imaps"),
		MaxMessageBytes: int64(cmp.Or(cfg.Mail.MaxMessageMB, 64)) << 20},
		d.store, func(ctx context.Context, raw []byte, uidValidity, uid uint32) error {
			in, err := d.intake.Ingest(ctx, raw, fmt.Sprintf("imap:%s/%s/%d/%d", m.Host, mailbox, uidValidity, uid))
			if err != nil {
				return err
			}
			done = append(done, in)
			return nil
		})
	for _, big := range res.TooLarge {
		a.warnf("%s", big)
	}
	if err := a.print(inboundList{items: done, loc: d.svc.Calendar.Location(), tr: a.tr()}); err != nil {
		return err
	}
	if fetchErr != nil {
		var pe *problem.Error
		if errors.As(fetchErr, &pe) {
			return fetchErr
		}
		return problem.New(problem.Unavailable, "check mail.imap.* and run sustain mail fetch again; nothing unkept was marked",
			"%v", fetchErr)
	}
	return nil
}
