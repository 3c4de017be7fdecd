package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/sustain-cli/sustain/internal/i18n"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/config"
	"github.com/sustain-cli/sustain/internal/input"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/mail"
	"github.com/sustain-cli/sustain/ticket"
)

// crashAfterStoreEnv makes `mail ingest` kill itself after keeping a
// message and before deciding it. Only the crash test sets it.
const crashAfterStoreEnv = "SUSTAIN_TEST_CRASH_AFTER_STORE"

// NewCmdMail is the e-mail channel's command group.
func NewCmdMail(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mail",
		Short: "The e-mail channel: take in customers' mail, send notices, quarantine",
		Long: `Run the desk by mail (Q10, A8, A10-A12). Messages are read from an MTA pipe,
files, a Maildir or IMAP; each is kept byte for byte before it is parsed and
gets one decision: opened, appended (as reply, message, confirmation or
dispute), quarantined, ignored (machine mail) or duplicate. Notices queued
by staff actions (mail.notify) wait in the outbox until 'mail send'.

` + exitStatusHelp,
		Example: `  sustain mail ingest < message.eml
  */5 * * * *  sustain mail fetch && sustain mail send
  sustain mail quarantine list`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(NewCmdMailIngest(a, nil), NewCmdMailShow(a, nil), NewCmdMailLog(a, nil),
		newMailQuarantineCmd(a), newMailOutboxCmd(a))
	cmd.AddCommand(mailTransportCmds(a)...)
	addLangFlag(a, cmd)
	return cmd
}

// desk is what the mail commands work with.
type desk struct {
	svc      *ticket.Service
	store    ticket.MailStore
	notifier *mail.Notifier
	intake   *mail.Intake
}

// desk opens the store and builds the intake from the mail.* settings.
func (a *app) desk() (*desk, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	svc, err := a.service()
	if err != nil {
		return nil, err
	}
	ms, ok := svc.Store.(ticket.MailStore)
	if !ok {
		return nil, problem.New(problem.Refused, "run the mail commands on a SQLite or Jira store",
			"this store does not keep the e-mail channel")
	}
	n, err := a.mailNotifier()
	if err != nil {
		return nil, err
	}
	m := cfg.Mail
	d := &desk{svc: svc, store: ms, notifier: n}
	d.intake = &mail.Intake{Service: svc, Store: ms, ConfirmWords: m.ConfirmWords, Actor: "mail",
		Parse: mail.ParseOptions{MaxAttachmentBytes: svc.Policy.AttachmentMaxBytes, LoopID: cmp.Or(m.LoopID, m.Address)}}
	if n != nil {
		d.intake.Notifier = n
	}
	if a.getenv(crashAfterStoreEnv) == "1" {
		d.intake.AfterStore = func() {
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				_ = p.Kill()
			}
		}
	}
	return d, nil
}

// mailNotifier is the Notifier of mail.notify, nil when notices are off.
func (a *app) mailNotifier() (*mail.Notifier, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	m := cfg.Mail
	if !m.Notify {
		return nil, nil
	}
	if m.Address == "" {
		return nil, usagef("mail.notify is on but mail.address is not set: notices need the desk's address")
	}
	tmpl, err := mail.LoadTemplates(m.TemplatesDir)
	if err != nil {
		return nil, usagef("mail.templates_dir: %v", err)
	}
	now, err := a.clock()
	if err != nil {
		return nil, err
	}
	return &mail.Notifier{Templates: tmpl, Address: m.Address, Domain: m.Domain, LoopID: m.LoopID, Lang: m.Lang,
		Desk: cmp.Or(cfg.Support.Actor, m.Address), Now: now}, nil
}

// --- views ---

type inboundList struct {
	items []*ticket.Inbound
	loc   *time.Location
	tr    i18n.Printer
}

func (l inboundList) MarshalJSON() ([]byte, error) { return jsonOf(l.items) }

func decisionText(in *ticket.Inbound, tr i18n.Printer) string {
	tr = deskTr(tr)
	s := sayCode(tr, "decision", cmp.Or(in.Decision, "pending"))
	if in.Request != "" && (in.Decision == ticket.DecisionOpened || in.Decision == ticket.DecisionAppended) {
		s += " " + in.Request
	}
	if in.As != "" {
		s += tr.T(" as %s", in.As)
	}
	return s
}

func (l inboundList) Table() output.Table {
	t := output.Table{Header: []string{"ID", "RECEIVED", "FROM", "DECISION", "SUBJECT", "REASON"}}
	for _, in := range l.items {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(in.ID, 10), in.ReceivedAt.In(l.loc).Format("2006-01-02 15:04"),
			cmp.Or(in.From, "-"), decisionText(in, l.tr), oneLine(in.Subject), oneLine(in.Reason)})
	}
	return t
}

type inboundView struct {
	*ticket.Inbound
	loc *time.Location
	tr  i18n.Printer
	// text and files are what the message says, for show: staff decide a
	// quarantined message by reading it.
	text  string
	files []string
}

func (v inboundView) MarshalJSON() ([]byte, error) {
	if v.files == nil && v.text == "" {
		return jsonOf(v.Inbound)
	}
	return jsonOf(struct {
		*ticket.Inbound
		Text        string   `json:"text"`
		Attachments []string `json:"attachments"`
	}{v.Inbound, v.text, v.files})
}

// withContent reads the message for show; an unreadable one shows none.
func (v inboundView) withContent(raw []byte) inboundView {
	m, err := mail.Parse(raw, mail.ParseOptions{})
	if err != nil {
		return v
	}
	v.text, v.files = m.Text, []string{}
	for _, a := range m.Attachments {
		v.files = append(v.files, fmt.Sprintf("%s (%d bytes)", a.Name, len(a.Data)))
	}
	return v
}

func (v inboundView) Table() output.Table {
	in := v.Inbound
	t := output.KV("ID", strconv.FormatInt(in.ID, 10), "RECEIVED", in.ReceivedAt.In(v.loc).Format("2006-01-02 15:04:05"),
		"SOURCE", in.Source, "FROM", in.From, "SUBJECT", in.Subject, "MESSAGE-ID", in.MessageID,
		"SIZE", fmt.Sprintf("%d bytes, sha256 %s", in.Size, in.SHA256), "DECISION", decisionText(in, v.tr))
	if in.Reason != "" {
		t.Rows = append(t.Rows, []string{"REASON", in.Reason})
	}
	if in.HandledBy != "" {
		t.Rows = append(t.Rows, []string{"HANDLED BY", in.HandledBy + " at " + fmtTime(in.HandledAt, v.loc)})
	}
	if v.text != "" {
		t.Rows = append(t.Rows, []string{"TEXT", oneLine(v.text)})
	}
	for _, f := range v.files {
		t.Rows = append(t.Rows, []string{"ATTACHMENT", f})
	}
	return t
}

type noticeList struct {
	items []*ticket.Notice
	loc   *time.Location
	tr    i18n.Printer
}

func (l noticeList) MarshalJSON() ([]byte, error) { return jsonOf(l.items) }

func (l noticeList) Table() output.Table {
	t := output.Table{Header: []string{"ID", "QUEUED", "REQUEST", "KIND", "TO", "STATUS", "SENT", "SERVER REPLY"}}
	for _, n := range l.items {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(n.ID, 10), n.QueuedAt.In(l.loc).Format("2006-01-02 15:04"),
			cmp.Or(n.Request, "-"), sayCode(deskTr(l.tr), "notice", n.Kind), strings.Join(n.To, ", "), sayCode(deskTr(l.tr), "notice-status", n.Status), fmtTime(n.SentAt, l.loc),
			oneLine(cmp.Or(n.Error, n.ServerReply))})
	}
	return t
}

type noticeView struct {
	*ticket.Notice
	loc *time.Location
	tr  i18n.Printer
}

func (v noticeView) MarshalJSON() ([]byte, error) { return jsonOf(v.Notice) }

func (v noticeView) Table() output.Table {
	n := v.Notice
	tr := deskTr(v.tr)
	t := output.KV("ID", strconv.FormatInt(n.ID, 10), "REQUEST", cmp.Or(n.Request, "-"), "KIND", sayCode(tr, "notice", n.Kind),
		"TO", strings.Join(n.To, ", "), "SUBJECT", n.Subject, "MESSAGE-ID", n.MessageID,
		"QUEUED", fmtTime(&n.QueuedAt, v.loc), "STATUS", sayCode(tr, "notice-status", n.Status), "ATTEMPTS", strconv.Itoa(n.Attempts),
		"SENT", fmtTime(n.SentAt, v.loc))
	for _, kv := range [][2]string{{"NEXT ATTEMPT", ""}, {"SERVER REPLY", n.ServerReply}, {"ERROR", n.Error}} {
		if kv[0] == "NEXT ATTEMPT" && n.NextAttemptAt != nil && n.Status == ticket.NoticeQueued {
			kv[1] = fmtTime(n.NextAttemptAt, v.loc)
		}
		if kv[1] != "" {
			t.Rows = append(t.Rows, []string{kv[0], kv[1]})
		}
	}
	return t
}

// --- ingest ---

// MailIngestOptions are the flags of `mail ingest`.
type MailIngestOptions struct {
	App     *app
	Files   []string
	Maildir string
}

// NewCmdMailIngest binds `mail ingest`.
func NewCmdMailIngest(a *app, runF func(*MailIngestOptions) error) *cobra.Command {
	opts := &MailIngestOptions{App: a}
	cmd := &cobra.Command{
		Use:   "ingest [FILE...] | --maildir DIR",
		Short: "Take in messages: from an MTA pipe (standard input), files, or a Maildir",
		Long: `Keep each message byte for byte, then decide what it means and print the
decision. With no FILE, or -, one message is read from standard input, so an
MTA can deliver to it ("|sustain mail ingest" in .forward or aliases). With
--maildir, every message in new/ and the unseen ones in cur/ is taken and
moved to cur/ with the S flag once its decision is committed; overlapping
runs never take the same message. Messages kept earlier but not decided (a
killed run) are finished first.

Exit status 0 means every message is kept and decided, quarantined ones
included; 75 (EX_TEMPFAIL) means a message could not be kept now (the store
busy, the disk full): the MTA retries, nothing is lost.

` + exitStatusHelp,
		Example: `  sustain mail ingest < message.eml
  sustain mail ingest a.eml b.eml --json
  */5 * * * *  sustain mail ingest --maildir ~/Maildir`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if opts.Maildir != "" && len(args) > 0 {
				return usagef("give files or --maildir, not both")
			}
			if runF != nil {
				return runF(opts)
			}
			return mailIngestRun(a.ctx, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Maildir, "maildir", "", "take every new message of the Maildir `DIR`")
	return cmd
}

func mailIngestRun(ctx context.Context, opts *MailIngestOptions) error {
	a := opts.App
	// A message with a 25 MB attachment passes through the raw bytes, the
	// parser and two store writes; a soft limit makes the collector return
	// each copy before the next instead of letting the heap double.
	// main has set its own limit by now, so GOMEMLIMIT is what says the
	// user chose one.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(48 << 20)
	}
	d, err := a.desk()
	if err != nil {
		return keepFailed(err)
	}
	done, err := d.intake.Resume(ctx)
	if err != nil {
		return err
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	limit := int64(cmp.Or(cfg.Mail.MaxMessageMB, 64)) << 20
	var failed error
	switch {
	case opts.Maildir != "":
		failed = ingestMaildir(ctx, a, d, opts.Maildir, limit, &done)
	case len(opts.Files) == 0 || (len(opts.Files) == 1 && opts.Files[0] == "-"):
		// Read in pieces by the intake, never into one growing buffer; a
		// read error is a temporary failure, so the MTA retries.
		in, err := d.ingestLimited(ctx, a.in, "stdin", limit)
		if err != nil {
			return err
		}
		done = append(done, in)
	default:
		for _, f := range opts.Files {
			// Regular files only, refused unread otherwise: /dev/zero or a
			// FIFO would never end or block. A wrong argument, not a
			// failure to retry.
			file, _, err := input.OpenFile(f)
			if err != nil {
				failed = usagef("mail ingest: %v", err)
				break
			}
			in, err := d.ingestLimited(ctx, file, "file:"+f, limit)
			file.Close()
			if err != nil {
				failed = err
				break
			}
			done = append(done, in)
		}
	}
	if failed != nil && len(done) == 0 {
		return failed // nothing to list: the error alone, no empty table
	}
	if err := a.print(inboundList{items: done, loc: d.svc.Calendar.Location(), tr: a.tr()}); err != nil {
		return err
	}
	return failed
}

// ingestLimited keeps and decides one message of which at most limit bytes
// are read (mail.max_message_mb); a longer one is kept cut there and
// quarantined with the reason.
func (d *desk) ingestLimited(ctx context.Context, r io.Reader, source string, limit int64) (*ticket.Inbound, error) {
	lim := &mail.MessageLimit{Max: limit, Setting: "mail.max_message_mb"}
	prev := d.intake.Parse.Limit
	d.intake.Parse.Limit = lim
	defer func() { d.intake.Parse.Limit = prev }()
	return d.intake.IngestFrom(ctx, lim.Reader(r), source)
}

// keepFailed makes a store that cannot be opened or written — busy, the
// disk full, read-only, damaged, or not a store at all — a temporary
// failure: the MTA keeps the message and retries until someone has fixed
// the store, instead of bouncing it. Wrong flags and configuration stay
// usage errors (the run never got as far as a message).
func keepFailed(err error) error {
	var ue *usageError
	var ce *config.Error
	if errors.As(err, &ue) || errors.As(err, &ce) {
		return err
	}
	var pe *problem.Error
	if errors.As(err, &pe) {
		if pe.Kind == problem.TempFail {
			return err
		}
		hint := "nothing was kept: the MTA keeps the message and retries"
		if pe.Hint != "" {
			hint = pe.Hint + "; " + hint
		}
		return problem.New(problem.TempFail, hint, "%s", pe.Msg)
	}
	return problem.New(problem.TempFail, "the MTA retries later; nothing was kept, so nothing is lost", "could not open the store now: %v", err)
}

// maildirInMemory is the largest Maildir message read into memory whole;
// a larger one is streamed into the store in pieces and parsed from there,
// so a 34 MB message is never held twice.
const maildirInMemory = 1 << 20

func ingestMaildir(ctx context.Context, a *app, d *desk, dir string, limit int64, done *[]*ticket.Inbound) error {
	md := mail.Maildir{Dir: dir, Warn: func(msg string) { a.warnf("%s", msg) }}
	bar := a.progress("mail ingest: messages taken", 0)
	defer bar.Done()
	return md.Each(ctx, min(maildirInMemory, limit), func(m *mail.MaildirMessage) error {
		bar.Add(1)
		var in *ticket.Inbound
		var err error
		if m.TooLarge {
			r, oerr := m.Open()
			if oerr != nil {
				return oerr
			}
			in, err = d.ingestLimited(ctx, r, "maildir:"+m.Path, limit)
		} else {
			in, err = d.intake.Ingest(ctx, m.Raw, "maildir:"+m.Path)
		}
		if err != nil {
			return err
		}
		*done = append(*done, in)
		// Moved only once its decision is committed: a crash before this
		// reads it again, and it is then a duplicate.
		return md.MarkDone(m)
	})
}

// --- show, log ---

// MailShowOptions are the flags of `mail show`.
type MailShowOptions struct {
	App *app
	ID  int64
	Raw bool
}

// NewCmdMailShow binds `mail show`.
func NewCmdMailShow(a *app, runF func(*MailShowOptions) error) *cobra.Command {
	opts := &MailShowOptions{App: a}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a received message and its decision; --raw writes it byte for byte",
		Long:  "Show a message of the intake log. With --raw, its bytes exactly as received.\n\n" + exitStatusHelp,
		Example: `  sustain mail show 12
  sustain mail show 12 --raw > message.eml`,
		Args: exactArgs(1, "the message's number in the intake log"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMailID(args[0])
			if err != nil {
				return err
			}
			opts.ID = id
			if runF != nil {
				return runF(opts)
			}
			return mailShowRun(a.ctx, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "write the message as received")
	return cmd
}

func parseMailID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, usagef("%q is not a message number (see sustain mail log)", s)
	}
	return id, nil
}

func mailShowRun(ctx context.Context, opts *MailShowOptions) error {
	a := opts.App
	d, err := a.desk()
	if err != nil {
		return err
	}
	in, raw, err := d.store.InboundMessage(ctx, opts.ID)
	if err != nil {
		return err
	}
	if opts.Raw {
		_, err := a.out.Write(raw)
		return err
	}
	return a.print(inboundView{Inbound: in, loc: d.svc.Calendar.Location(), tr: a.tr()}.withContent(raw))
}

// MailLogOptions are the flags of `mail log`.
type MailLogOptions struct {
	App      *app
	Decision string
	List     listFlags
}

// NewCmdMailLog binds `mail log`.
func NewCmdMailLog(a *app, runF func(*MailLogOptions) error) *cobra.Command {
	opts := &MailLogOptions{App: a}
	cmd := &cobra.Command{
		Use:   "log",
		Short: "The intake log: every message received and its decision, newest first",
		Long:  "List the intake log, newest first: the last 30 messages unless --limit N or --all.\n\n" + exitStatusHelp,
		Example: `  sustain mail log --limit 100
  sustain mail log --decision ignored --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch opts.Decision {
			case "", "pending", ticket.DecisionOpened, ticket.DecisionAppended, ticket.DecisionQuarantined,
				ticket.DecisionIgnored, ticket.DecisionDuplicate, ticket.DecisionDropped:
			default:
				return usagef("--decision %q: use opened, appended, quarantined, ignored, duplicate, dropped or pending", opts.Decision)
			}
			if err := opts.List.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return mailLogRun(a.ctx, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Decision, "decision", "", "only messages with this `DECISION`")
	addListFlags(cmd, &opts.List, "")
	_ = cmd.RegisterFlagCompletionFunc("decision", fixedCompletion("opened", "appended", "quarantined", "ignored", "duplicate", "dropped", "pending"))
	return cmd
}

func mailLogRun(ctx context.Context, opts *MailLogOptions) error {
	d, err := opts.App.desk()
	if err != nil {
		return err
	}
	var items []*ticket.Inbound
	if opts.Decision == "pending" {
		items, err = d.store.PendingInbound(ctx)
	} else {
		items, err = d.store.InboundList(ctx, opts.Decision, plusOne(opts.List.max()))
	}
	if err != nil {
		return err
	}
	items, more := cut(items, opts.List.max())
	return opts.App.print(footed{inboundList{items: items, loc: d.svc.Calendar.Location(), tr: opts.App.tr()}, footer(len(items), -1, more)})
}

// --- quarantine ---

// MailQuarantineOptions are the flags of `mail quarantine` subcommands.
type MailQuarantineOptions struct {
	App      *app
	Action   string // list, show, release, drop
	ID       int64
	Customer string
	List     listFlags // list only
}

func newMailQuarantineCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quarantine",
		Short: "Messages held back: unknown senders, unreadable or oversized mail",
		Long: `Messages the intake could not take on its own stay here, with the reason,
until released (decided again, e.g. after 'customer edit --add-email') or
dropped (the record and the bytes are kept, with who dropped it).`,
		Example: `  sustain mail quarantine list
  sustain customer edit ACME --add-email new@acme.test && sustain mail quarantine release 7`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(NewCmdMailQuarantine(a, "list", nil), NewCmdMailQuarantine(a, "show", nil),
		NewCmdMailQuarantine(a, "release", nil), NewCmdMailQuarantine(a, "drop", nil))
	return cmd
}

// NewCmdMailQuarantine binds one `mail quarantine` subcommand.
func NewCmdMailQuarantine(a *app, action string, runF func(*MailQuarantineOptions) error) *cobra.Command {
	opts := &MailQuarantineOptions{App: a, Action: action}
	cmd := &cobra.Command{Use: action + " ID", Args: exactArgs(1, "the message's number")}
	switch action {
	case "list":
		cmd.Use, cmd.Args = "list", noArgs
		cmd.Short, cmd.Example = "List the quarantined messages, newest first (30 unless --limit N or --all)", "  sustain mail quarantine list\n  sustain mail quarantine list --all --jq '.[].id'"
		addListFlags(cmd, &opts.List, "")
	case "show":
		cmd.Short, cmd.Example = "Show a quarantined message and why it is held", "  sustain mail quarantine show 7"
	case "release":
		cmd.Short = "Decide a quarantined message again"
		cmd.Example = `  sustain customer edit ACME --add-email new@acme.test && sustain mail quarantine release 7
  sustain mail quarantine release 8 --customer BETA`
		cmd.Flags().StringVar(&opts.Customer, "customer", "", "the customer `CODE` when the address belongs to several")
	case "drop":
		cmd.Short, cmd.Example = "Give up on a quarantined message (the record is kept)", "  sustain mail quarantine drop 7"
	}
	cmd.Long = cmd.Short + ".\n\n" + exitStatusHelp
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if action == "list" {
			if err := opts.List.check(); err != nil {
				return err
			}
		}
		if len(args) == 1 {
			id, err := parseMailID(args[0])
			if err != nil {
				return err
			}
			opts.ID = id
		}
		if runF != nil {
			return runF(opts)
		}
		return mailQuarantineRun(a.ctx, opts)
	}
	return cmd
}

func mailQuarantineRun(ctx context.Context, opts *MailQuarantineOptions) error {
	a := opts.App
	d, err := a.desk()
	if err != nil {
		return err
	}
	loc := d.svc.Calendar.Location()
	var in *ticket.Inbound
	var raw []byte
	switch opts.Action {
	case "list":
		items, err := d.store.InboundList(ctx, ticket.DecisionQuarantined, plusOne(opts.List.max()))
		if err != nil {
			return err
		}
		items, more := cut(items, opts.List.max())
		return a.print(footed{inboundList{items: items, loc: loc, tr: a.tr()}, footer(len(items), -1, more)})
	case "show":
		if in, raw, err = d.store.InboundMessage(ctx, opts.ID); err == nil && in.Decision != ticket.DecisionQuarantined {
			err = problem.New(problem.NotFound, "see it with: sustain mail show "+strconv.FormatInt(opts.ID, 10),
				"message %d is not in quarantine (%s)", opts.ID, decisionText(in, a.tr()))
		}
	case "release":
		in, err = d.intake.Release(ctx, opts.ID, opts.Customer, a.actor())
	case "drop":
		in, err = d.intake.Drop(ctx, opts.ID, a.actor())
	}
	if err != nil {
		return err
	}
	v := inboundView{Inbound: in, loc: loc, tr: a.tr()}
	if raw != nil {
		v = v.withContent(raw)
	}
	return a.print(v)
}

// --- outbox ---

// MailOutboxOptions are the flags of `mail outbox` subcommands.
type MailOutboxOptions struct {
	App    *app
	Show   bool
	ID     int64
	Raw    bool
	Status string
	List   listFlags
}

func newMailOutboxCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "outbox",
		Short: "Notices to customers: queued, sent (with the server's reply) or failed",
		Long:  "The record that the customer was told (A8): every notice, when it was sent and what the server said.",
		Example: `  sustain mail outbox list --status failed
  sustain mail outbox show 3 --raw`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(NewCmdMailOutbox(a, false, nil), NewCmdMailOutbox(a, true, nil))
	return cmd
}

// NewCmdMailOutbox binds `mail outbox list` (show false) or `show ID`.
func NewCmdMailOutbox(a *app, show bool, runF func(*MailOutboxOptions) error) *cobra.Command {
	opts := &MailOutboxOptions{App: a, Show: show}
	cmd := &cobra.Command{
		Use: "list", Short: "List notices, newest first (30 unless --limit N or --all)", Args: noArgs,
		Example: "  sustain mail outbox list --status failed\n  sustain mail outbox list --json",
	}
	if show {
		cmd.Use, cmd.Short, cmd.Args = "show ID", "Show a notice; --raw writes it as sent", exactArgs(1, "the notice's number")
		cmd.Example = "  sustain mail outbox show 3\n  sustain mail outbox show 3 --raw"
		cmd.Flags().BoolVar(&opts.Raw, "raw", false, "write the notice's bytes")
	} else {
		cmd.Flags().StringVar(&opts.Status, "status", "", "only queued, sent or failed notices")
		addListFlags(cmd, &opts.List, "")
		_ = cmd.RegisterFlagCompletionFunc("status", fixedCompletion(ticket.NoticeQueued, ticket.NoticeSent, ticket.NoticeFailed))
	}
	cmd.Long = cmd.Short + ".\n\n" + exitStatusHelp
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if show {
			id, err := parseMailID(args[0])
			if err != nil {
				return err
			}
			opts.ID = id
		} else if err := opts.List.check(); err != nil {
			return err
		}
		switch opts.Status {
		case "", ticket.NoticeQueued, ticket.NoticeSent, ticket.NoticeFailed:
		default:
			return usagef("--status %q: use queued, sent or failed", opts.Status)
		}
		if runF != nil {
			return runF(opts)
		}
		return mailOutboxRun(a.ctx, opts)
	}
	return cmd
}

func mailOutboxRun(ctx context.Context, opts *MailOutboxOptions) error {
	a := opts.App
	d, err := a.desk()
	if err != nil {
		return err
	}
	loc := d.svc.Calendar.Location()
	if !opts.Show {
		ns, err := d.store.Notices(ctx, opts.Status, plusOne(opts.List.max()))
		if err != nil {
			return err
		}
		ns, more := cut(ns, opts.List.max())
		return a.print(footed{noticeList{items: ns, loc: loc, tr: a.tr()}, footer(len(ns), -1, more)})
	}
	n, err := d.store.Notice(ctx, opts.ID)
	if err != nil {
		return err
	}
	if opts.Raw {
		_, err := a.out.Write(n.Raw)
		return err
	}
	return a.print(noticeView{n, loc, a.tr()})
}
