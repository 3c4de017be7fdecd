package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/changelog"
	"github.com/sustain-cli/sustain/internal/atomicfile"
	"github.com/sustain-cli/sustain/internal/i18n"
	"github.com/sustain-cli/sustain/internal/input"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/progress"
	"github.com/sustain-cli/sustain/internal/when"
	"github.com/sustain-cli/sustain/release"
	"github.com/sustain-cli/sustain/ticket"
)

func newTicketCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ticket",
		Short: "Support requests: open, list, act on, sweep",
		Long: `Support requests handled under the configured regulation (support: in the
configuration): registration numbers, the priority system, the reaction SLA
(first staff action by the end of the next business day) and auto-close
after N business days without the customer's reply.

States: new -> in_progress -> waiting_for_customer -> resolved -> closed
(see the README for the full diagram).

Tables, states, history, SLA phrases and errors are in English or Russian:
--lang ru|en, else SUSTAIN_LANG, else support.lang (the customer, calendar
and mail commands follow it too); --json is the same in both.`,
		Example: `  sustain ticket list --lang ru
  SUSTAIN_LANG=ru sustain ticket show SUP-12`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(NewCmdTicketOpen(a, nil), NewCmdTicketList(a, nil), NewCmdTicketShow(a, nil), NewCmdTicketNext(a, nil),
		NewCmdTicketSweep(a, nil), newTicketAttachmentCmd(a), NewCmdTicketClose(a, nil))
	for _, spec := range actionSpecs {
		cmd.AddCommand(NewCmdTicketAction(a, spec, nil))
	}
	cmd.AddCommand(NewCmdTicketRepolicy(a, nil))
	cmd.AddCommand(NewCmdTicketConfirm(a, nil))
	cmd.AddCommand(NewCmdTicketSetPriority(a, nil), NewCmdTicketUnassign(a, nil), NewCmdTicketEdit(a, nil), NewCmdTicketAttach(a, nil),
		NewCmdTicketSearch(a, nil))
	addLangFlag(a, cmd)
	return cmd
}

// --- views ---

type requestView struct {
	ticket.View
	loc     *time.Location
	history bool
	mail    *requestMail // messages in and out, where the store keeps mail
	// full is the request object of show, open, next and every action:
	// history and attachments are lists ([] when empty) and mail is there
	// (null where the store keeps no mail). A list's items have them null.
	full bool
	tr   i18n.Printer // the reader's language
	// closesIn is the business days left before the auto-close deadline,
	// after today; -1 when there is none.
	closesIn int
}

// requestMail is a request's e-mail: "mail" in ticket show --json.
type requestMail struct {
	In  []*ticket.Inbound `json:"in"`
	Out []*ticket.Notice  `json:"out"`
}

func fmtTime(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

func (v requestView) MarshalJSON() ([]byte, error) {
	if !v.full {
		return jsonOf(v.View)
	}
	r := *v.Request
	if r.History == nil {
		r.History = []ticket.Event{}
	}
	if r.Attachments == nil {
		r.Attachments = []ticket.Attachment{}
	}
	whole := v.View
	whole.Request = &r
	m := v.mail
	if m != nil {
		m = &requestMail{In: m.In, Out: m.Out}
		if m.In == nil {
			m.In = []*ticket.Inbound{}
		}
		if m.Out == nil {
			m.Out = []*ticket.Notice{}
		}
	}
	return jsonOf(struct {
		ticket.View
		Mail *requestMail `json:"mail"`
	}{whole, m})
}

func (v requestView) Table() output.Table {
	r, sla := v.Request, v.SLA
	ft := func(t *time.Time) string { return fmtTime(t, v.loc) }
	tr := deskTr(v.tr)
	reaction := sayReaction(tr, sla, ft)
	t := output.KV("REQUEST", r.ID, "STATUS", sayStatus(tr, r.Status), "CUSTOMER", r.Customer, "SUBJECT", r.Subject,
		"PRIORITY", sayCode(tr, "priority", r.Priority), "CHANNEL", sayCode(tr, "channel", r.Channel)+" "+r.From, "CREATED", ft(&r.CreatedAt), "REACTION", reaction)
	add := func(k, val string) {
		if val != "" {
			t.Rows = append(t.Rows, []string{k, val})
		}
	}
	add("ASSIGNEES", strings.Join(r.Assignees, ", "))
	add("TASKS", strings.Join(r.Tasks, ", "))
	add("RELATED", r.Related)
	add("FOLLOW-UPS", strings.Join(v.FollowUps, ", "))
	add("PROJECT ADDRESS", r.ProjectAddress)
	for _, p := range r.Params {
		add("PARAM", p.Key+"="+p.Value)
	}
	if sla.AutocloseAt != nil {
		add("AUTO-CLOSE", tr.T("%s unless the customer replies", ft(sla.AutocloseAt)))
		if v.closesIn >= 0 {
			add("CLOSES", sayClosesIn(tr, v.closesIn))
		}
	}
	if r.ClosedAt != nil {
		add("CLOSED", ft(r.ClosedAt)+" ("+sayCode(tr, "closure", r.Closure)+")")
	}
	if !v.history {
		return t
	}
	add("DESCRIPTION", oneLine(r.Description))
	for _, at := range r.Attachments {
		t.Rows = append(t.Rows, []string{"ATTACHMENT", fmt.Sprintf("%s (%s, sha256 %s)", at.Name, tr.N("bytes", int(at.Size)), shortSum(at.SHA256))})
	}
	for _, e := range r.History {
		t.Rows = append(t.Rows, []string{"HISTORY", sayEvent(tr, e, ft)})
	}
	if v.mail != nil {
		for _, in := range v.mail.In {
			t.Rows = append(t.Rows, []string{"MAIL IN", fmt.Sprintf("%s  #%d from %s as %s: %s", ft(&in.ReceivedAt), in.ID,
				in.From, cmp.Or(in.As, in.Decision), oneLine(in.Subject))})
		}
		for _, n := range v.mail.Out {
			state := n.Status
			if n.Status == ticket.NoticeFailed {
				state = "FAILED: the customer was not reached (" + oneLine(n.Error) + ")"
			}
			t.Rows = append(t.Rows, []string{"MAIL OUT", fmt.Sprintf("%s  #%d %s to %s: %s", ft(&n.QueuedAt), n.ID, n.Kind,
				strings.Join(n.To, ", "), state)})
		}
	}
	return t
}

// oneLine is a text in one table cell: words joined by single spaces, at
// most 200 characters (runes: a byte cut garbles Cyrillic).
func oneLine(s string) string { return output.OneLine(s, 200) }

// shortSum is the start of a SHA-256 for a table; "-" when there is none
// (an attachment added in Jira by hand).
func shortSum(sum string) string {
	if sum == "" {
		return "-"
	}
	if len(sum) > 12 {
		return sum[:12] // hex: bytes are characters
	}
	return sum
}

// attachErrorOf words a refused attachment as the store words a large one,
// so both limits read alike; flag says where the file was given (--attach,
// or attach's FILE arguments).
func attachErrorOf(err error, flag string) error {
	var tl *input.TooLargeError
	if errors.As(err, &tl) {
		tl.Name = "attachment " + filepath.Base(tl.Name)
		return problem.New(problem.Refused, "compress it, or raise support.attachment_max_mb", "%v", tl)
	}
	return usagef("%s: %v", flag, err)
}

type requestList struct {
	views []ticket.View
	loc   *time.Location
	tr    i18n.Printer
}

func (l requestList) MarshalJSON() ([]byte, error) { return jsonOf(l.views) }

var requestHeader = []string{"ID", "STATUS", "PRIORITY", "CUSTOMER", "CREATED", "REACTION", "DUE", "ASSIGNEES", "SUBJECT"}

func (l requestList) Table() output.Table {
	t := output.Table{Header: requestHeader, Color: requestColor}
	for _, v := range l.views {
		t.Rows = append(t.Rows, requestRow(v, l.loc, l.tr))
	}
	return t
}

// requestRow is a request's row in a list. The subject is whole: a
// terminal cuts it to its width, a pipe gets it all.
func requestRow(v ticket.View, loc *time.Location, tr i18n.Printer) []string {
	tr = deskTr(tr)
	return []string{v.ID, sayStatus(tr, v.Status), sayCode(tr, "priority", v.Priority), v.Customer,
		v.CreatedAt.In(loc).Format("2006-01-02 15:04"), sayCode(tr, "reaction", v.SLA.Reaction), fmtTime(v.SLA.Due, loc), assigneesCell(v.Assignees),
		strings.Join(strings.Fields(v.Subject), " ")}
}

// requestColor colours a list's states, priorities and reactions on a
// colour terminal.
func requestColor(col int, cell string) string {
	switch col {
	case 1:
		return statusColor(cell)
	case 2:
		if cell == "critical" || cell == "high" || cell == ruWord("priority:critical") || cell == ruWord("priority:high") {
			return output.Red
		}
	case 5:
		switch cell {
		case "overdue", "late", "breached", ruWord("reaction:overdue"), ruWord("reaction:breached"):
			return output.Red
		case "pending", ruWord("reaction:pending"):
			return output.Yellow
		}
	}
	return ""
}

func statusColor(status string) string {
	switch ticket.StatusOfText(status) {
	case ticket.StatusNew:
		return output.Green
	case ticket.StatusInProgress:
		return output.Yellow
	case ticket.StatusWaiting:
		return output.Cyan
	case ticket.StatusResolved:
		return output.Magenta
	case ticket.StatusClosed:
		return output.Gray
	}
	return ""
}

// ticketDeps is what every ticket command needs.
type ticketDeps struct {
	// Progress shows how far long work has got (stderr, terminal only).
	Progress func(label string, total int) *progress.Bar
	In       io.Reader
	Out      io.Writer
	Err      io.Writer // notes beside the output
	Format   output.Format
	Service  func() (*ticket.Service, error)
	Actor    func() string // who staff actions are recorded as
	// Ctx is the command's context, for the reads printing needs.
	Ctx context.Context
	Tr  i18n.Printer // the reader's language
}

func (a *app) ticketDeps() ticketDeps {
	return ticketDeps{In: a.in, Out: a.out, Err: a.err, Format: a.deskFormat(), Service: a.service, Actor: a.actor, Progress: a.progress, Ctx: a.ctx, Tr: a.tr()}
}

// printRequest prints one request: the same object for show, open, next
// and every action (history, attachments and mail included in --json);
// history says whether the table shows the history too.
func (d ticketDeps) printRequest(v *ticket.View, svc *ticket.Service, history bool) error {
	rv, err := d.requestObject(v, svc)
	if err != nil {
		return err
	}
	rv.history = history
	return d.Format.Print(d.Out, rv)
}

// requestObject is v whole: its history (read again where the caller's
// copy has none) and its mail, where the store keeps mail.
func (d ticketDeps) requestObject(v *ticket.View, svc *ticket.Service) (requestView, error) {
	ctx := d.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if v.History == nil {
		whole, err := svc.Show(ctx, v.ID)
		if err != nil {
			return requestView{}, err
		}
		whole.FollowUps = v.FollowUps
		v = whole
	}
	rv := requestView{View: *v, loc: svc.Calendar.Location(), full: true, tr: d.Tr, closesIn: closesIn(v, svc)}
	if ms, ok := svc.Store.(ticket.MailStore); ok {
		in, out, err := ms.RequestMail(ctx, v.ID)
		if err != nil {
			return requestView{}, err
		}
		rv.mail = &requestMail{In: in, Out: out}
	}
	return rv, nil
}

// act performs an action and prints the request.
func (d ticketDeps) act(ctx context.Context, id string, in ticket.ActInput) error {
	svc, err := d.Service()
	if err != nil {
		return err
	}
	r, err := svc.Act(ctx, id, in)
	if uc := (*ticket.UnchangedError)(nil); errors.As(err, &uc) {
		d.note(sayNote(deskTr(d.Tr), uc.Note, strings.TrimSpace(id), in.Detail))
		r, err = uc.Request, nil
	}
	if err != nil {
		return err
	}
	if r.Related != "" && !strings.EqualFold(r.ID, strings.TrimSpace(id)) {
		d.noteNewRelated(ctx, svc, r)
	}
	return d.printRequest(svc.ViewOf(r), svc, false)
}

// --- open ---

type TicketOpenOptions struct {
	ticketDeps
	Input           ticket.OpenInput // Description, Files and Actor are filled by the run
	Description     string
	DescriptionFile string
	Attach          []string
	// AttachmentMaxBytes is support.attachment_max_mb in bytes, known
	// before the store is opened, so a refused file creates no store.
	AttachmentMaxBytes func() (int64, error)
}

func NewCmdTicketOpen(a *app, runF func(*TicketOpenOptions) error) *cobra.Command {
	opts := &TicketOpenOptions{}
	var params []string
	cmd := &cobra.Command{
		Use:   "open",
		Short: "Register a new request and print its registration number",
		Long: `Register a request (Q9, Q11, A7, A8). It gets the next registration number,
PREFIX-N, printed so the customer can be told. The description comes from
--description, --description-file, or standard input when it is not a
terminal; it is limited to 1 MiB. With --channel email the sender must be a
registered address of the customer where support.email_requires_registered_sender
is set (Q10). A question that comes up inside another request is a new
request with --related (A6: one request, one problem). --attach takes
regular files only, up to support.attachment_max_mb. Phone requests are taken
Monday to Friday on business days within support.phone_hours (default
09:00-18:00, support time zone, Q10): outside them --channel phone is refused
with the next opening time, unless --outside-hours records that the call was
taken anyway.

` + exitStatusHelp,
		Example: `  sustain ticket open --customer ACME --from ops@acme.test --subject "Login fails" \
    --description "HTTP 500 after the update" --attach app.log --param version=1.0.37
  journalctl -u app | sustain ticket open --customer ACME --channel phone --subject "Crash" --priority high
  sustain ticket open --customer ACME --channel portal --subject "Export question" --related SUP-12 --template '{{.id}}'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Description != "" && opts.DescriptionFile != "" {
				return usagef("give the description once: --description or --description-file")
			}
			opts.Input.Params = nil
			for _, p := range params {
				k, v, ok := strings.Cut(p, "=")
				if !ok || strings.TrimSpace(k) == "" {
					return usagef("--param %q: use key=value", p)
				}
				opts.Input.Params = append(opts.Input.Params, ticket.Param{Key: strings.TrimSpace(k), Value: v})
			}
			opts.ticketDeps = a.ticketDeps()
			opts.AttachmentMaxBytes = func() (int64, error) {
				cfg, err := a.config()
				if err != nil {
					return 0, err
				}
				return int64(cfg.Support.AttachmentMaxMB) << 20, nil
			}
			if runF != nil {
				return runF(opts)
			}
			return ticketOpenRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	in := &opts.Input
	f.StringVar(&in.Customer, "customer", "", "the customer's `CODE`")
	f.StringVar(&in.Subject, "subject", "", "a short summary")
	f.StringVar(&opts.Description, "description", "", "the detailed description (or --description-file, or standard input)")
	f.StringVar(&opts.DescriptionFile, "description-file", "", "read the description from `FILE` (- for standard input)")
	f.StringVar(&in.Channel, "channel", "email", "how it arrived: email, phone or portal")
	f.StringVar(&in.From, "from", "", "the sender's e-mail `ADDRESS`")
	f.StringArrayVar(&opts.Attach, "attach", nil, "attach a `FILE`: a log, a screenshot (repeatable)")
	f.StringVar(&in.ProjectAddress, "project-address", "", "the installation's `URL` (default: the customer's)")
	f.StringArrayVar(&params, "param", nil, "an installation parameter `KEY=VALUE` (repeatable)")
	f.StringVar(&in.Priority, "priority", "normal", "critical, high, normal or low")
	f.StringVar(&in.Related, "related", "", "the request `ID` this question arose in (A6)")
	f.BoolVar(&in.OutsideHours, "outside-hours", false, "with --channel phone: a call taken outside support.phone_hours anyway (kept in history)")
	return cmd
}

func ticketOpenRun(ctx context.Context, opts *TicketOpenOptions) error {
	in := opts.Input
	var err error
	if opts.Description != "" {
		in.Description, err = checkText(opts.Description, "--description")
	} else {
		in.Description, err = readTextFrom(ctx, opts.In, "", opts.DescriptionFile, "--description-file")
	}
	if err != nil {
		return err
	}
	// Each file is read with the limit checked while reading, so a device
	// or a huge file costs nothing; the service checks the limit again.
	if len(opts.Attach) > 0 {
		if in.Files, err = readAttachments(opts.Attach, opts.AttachmentMaxBytes); err != nil {
			return err
		}
	}
	if strings.TrimSpace(in.Description) == "" && opts.DescriptionFile == "" {
		// Refused before the store is opened: nothing waits on an idle
		// standard input, nothing is written.
		return problem.New(problem.Usage,
			"give --description, --description-file, or pipe it on standard input (read when it brings text at once; --description-file - waits for a slow pipe)",
			"a request needs a description of the problem (Q9, A7: the request form requires it)")
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	in.Actor = opts.Actor()
	r, err := svc.Open(ctx, in)
	if err != nil {
		return err
	}
	v := svc.ViewOf(r)
	v.FollowUps = []string{} // nothing has arisen from a request just opened
	return opts.printRequest(v, svc, false)
}

// --- list, show, next ---

type TicketListOptions struct {
	ticketDeps
	List    listFlags
	Filter  ticket.Filter
	Overdue bool
	Since   string // parsed by the run: it counts back from the service's clock
	FixedIn string
	// Versioner and KeyPattern serve --fixed-in: the repository at -C and
	// changelog.key_pattern.
	Versioner  func() (*release.Versioner, error)
	KeyPattern func() (string, error)
}

func NewCmdTicketList(a *app, runF func(*TicketListOptions) error) *cobra.Command {
	opts := &TicketListOptions{}
	var statuses []string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List requests",
		Long: `List requests: the first 30 by registration number unless --limit N or
--all (streamed as read, in --json too). --sort newest puts the latest
first, --sort updated the latest changed, --sort queue follows the priority
system. Without --status, closed requests are left out (--status all shows
everything). --overdue keeps the requests past their reaction deadline with
no staff reaction.

On a terminal the table fits its width and a footer says when rows were left
out; in a pipe rows are tab-separated, without a header, nothing cut.

` + exitStatusHelp,
		Example: `  sustain ticket list
  sustain ticket list --status resolved --customer ACME
  sustain ticket list --overdue --json
  sustain ticket list --since 3d --sort queue --assignee anna
  sustain ticket list --all --status all | cut -f1
  sustain ticket list --sort newest --limit 5 --jq '.[].id'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := &opts.Filter
			f.Statuses = nil
			for _, s := range statuses {
				if s == "all" {
					f.Statuses = nil
					break
				}
				if s == "open" { // every state but closed
					f.Statuses = append(f.Statuses, ticket.StatusNew, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusResolved)
					continue
				}
				st, err := ticket.ParseStatus(s)
				if err != nil {
					return problem.New(problem.Usage, "use new, in_progress, waiting_for_customer, resolved, closed, open (all but closed) or all",
						"unknown status %q", s)
				}
				f.Statuses = append(f.Statuses, st)
			}
			if len(statuses) == 0 {
				f.Statuses = []ticket.Status{ticket.StatusNew, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusResolved}
			}
			if f.Priority != "" {
				if _, err := ticket.PriorityRank(f.Priority); err != nil {
					return err
				}
			}
			if err := opts.List.check(); err != nil {
				return err
			}
			f.Queue, f.Sort = false, ticket.SortNumber
			switch opts.List.Sort {
			case "queue":
				f.Queue = true
			case "newest":
				f.Sort = ticket.SortNewest
			case "updated":
				f.Sort = ticket.SortUpdated
			}
			opts.ticketDeps = a.ticketDeps()
			opts.Versioner = a.versioner
			opts.KeyPattern = func() (string, error) {
				cfg, err := a.config()
				if err != nil {
					return "", err
				}
				return cfg.Changelog.KeyPattern, nil
			}
			if runF != nil {
				return runF(opts)
			}
			return ticketListRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&statuses, "status", nil, "only this `STATUS` (repeatable; open for every state but closed, the default; all for every status)")
	fl.StringVar(&opts.Filter.Customer, "customer", "", "only this customer's requests (`CODE`)")
	fl.StringVar(&opts.Filter.Assignee, "assignee", "", "only requests assigned to `NAME`")
	fl.StringVar(&opts.Filter.Priority, "priority", "", "only this priority")
	fl.StringVar(&opts.Filter.Task, "task", "", "only requests linked to this development task `KEY`")
	fl.BoolVar(&opts.Overdue, "overdue", false, "only requests past their reaction deadline with no reaction")
	fl.StringVar(&opts.Since, "since", "", "only requests created since `WHEN`: a date (2026-11-01), a time (2026-11-01T15:04) or a duration (72h, 3d)")
	addListFlags(cmd, &opts.List, "`ORDER`: number, newest, updated, or queue (the priority system)", "number", "newest", "updated", "queue")
	fl.StringVar(&opts.FixedIn, "fixed-in", "", "only requests whose linked tasks the release `VERSION` carries (the repository at -C)")
	return cmd
}

func ticketListRun(ctx context.Context, opts *TicketListOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	f := opts.Filter
	if opts.Since != "" {
		if f.Since, err = parseSince(opts.Since, svc.Now(), svc.Calendar.Location()); err != nil {
			return err
		}
	}
	limit := opts.List.max()
	loc := svc.Calendar.Location()
	st := opts.Format.Stream(opts.Out, requestHeader, requestColor)
	shown, more := 0, false
	add := func(v ticket.View) error {
		if limit > 0 && shown == limit {
			more = true
			return errEnough
		}
		shown++
		return st.Add(v, requestRow(v, loc, opts.Tr))
	}
	if opts.FixedIn != "" {
		var views []ticket.View
		if views, err = listFixedIn(ctx, opts, svc, f); err != nil {
			return err
		}
		for _, v := range views {
			if err = add(v); err != nil {
				break
			}
		}
	} else {
		if limit > 0 {
			f.Limit = limit + 1 // one more tells that there are more
		}
		err = svc.Each(ctx, f, opts.Overdue, add)
	}
	if err != nil && !errors.Is(err, errEnough) {
		return err
	}
	total := -1
	if more && opts.Format.Term.TTY && !opts.Format.JSON && opts.FixedIn == "" && !opts.Overdue {
		f.Limit = 0
		if total, err = svc.Count(ctx, f); err != nil {
			return err
		}
	}
	return st.Close(footer(shown, total, more))
}

// errEnough stops a walk when the list has all the rows it shows.
var errEnough = errors.New("enough rows")

// listFixedIn lists the requests linked to the Jira tasks of a release: the
// keys of the commits between the previous release and VERSION's tag.
func listFixedIn(ctx context.Context, opts *TicketListOptions, svc *ticket.Service, f ticket.Filter) ([]ticket.View, error) {
	v, err := opts.Versioner()
	if err != nil {
		return nil, err
	}
	tag, err := release.ParseTagFormat(v.Settings.TagFormat, "")
	if err != nil {
		return nil, err
	}
	rg, err := v.Range(ctx, release.RangeOptions{To: tag.Render(strings.TrimPrefix(opts.FixedIn, "v"))})
	if err != nil {
		return nil, err
	}
	pattern, err := opts.KeyPattern()
	if err != nil {
		return nil, err
	}
	parser, err := changelog.NewParser(pattern, nil)
	if err != nil {
		return nil, usagef("changelog.key_pattern: %v", err)
	}
	seen := map[string]bool{}
	views := []ticket.View{}
	for _, key := range changelog.KeysOf(parser, rg) {
		f.Task = key
		vs, err := svc.List(ctx, f, opts.Overdue)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if !seen[v.ID] {
				seen[v.ID] = true
				views = append(views, v)
			}
		}
	}
	slices.SortFunc(views, func(x, y ticket.View) int { return x.Number - y.Number })
	return views, nil
}

func parseSince(s string, now time.Time, loc *time.Location) (time.Time, error) {
	t, err := when.Parse(s, now, loc)
	if err != nil {
		return time.Time{}, usagef("--since %q: %v", s, err)
	}
	return t, nil
}

type TicketShowOptions struct {
	ticketDeps
	ID string
}

func NewCmdTicketShow(a *app, runF func(*TicketShowOptions) error) *cobra.Command {
	opts := &TicketShowOptions{}
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a request: every field, attachments, SLA and the full history",
		Long:  "Show a request with its attachments, links, SLA state and full history (A9, A10).\n\n" + exitStatusHelp,
		Example: `  sustain ticket show SUP-12
  sustain ticket show 12 --json | jq '.history'`,
		Args: exactArgs(1, "the registration number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketShowRun(cmd.Context(), opts)
		},
	}
}

func ticketShowRun(ctx context.Context, opts *TicketShowOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	v, err := svc.Show(ctx, opts.ID)
	if err != nil {
		return err
	}
	// Follow-ups are looked up by show alone: on Jira it is a search of
	// the project, too dear for every action.
	if v.FollowUps, err = svc.FollowUps(ctx, v.ID); err != nil {
		return err
	}
	opts.Ctx = ctx
	return opts.printRequest(v, svc, true)
}

// --- actions ---

// actionSpec describes one action command.
type actionSpec struct {
	use, short, long, example string
	action                    ticket.Action
	text                      bool   // takes --text / --text-file / stdin
	detail                    string // the flag giving the assignee or task
	from                      string // the flag giving the customer's address
}

var actionSpecs = []actionSpec{
	{use: "assign ID --to NAME", short: "Assign a request to a member of staff (A8)", action: ticket.ActAssign, detail: "to",
		long: "Add an assignee. The first assignment of a new request is a reaction (Q12).", example: "  sustain ticket assign SUP-12 --to anna"},
	{use: "comment ID", short: "Add a note by staff (A9); --to-customer for a message to the customer", action: ticket.ActComment, text: true,
		long:    "Record a note in the history. A note is internal; with --to-customer it is a message to the customer, which counts as a reaction (Q12).",
		example: "  sustain ticket comment SUP-12 --text \"Reproduced on 1.0.37\"\n  sustain ticket comment SUP-12 --to-customer --text \"We are looking into it\""},
	{use: "request-info ID", short: "Ask the customer for more information (A10)", action: ticket.ActRequestInfo, text: true,
		long: "Ask the customer for more information: the request waits for the customer (waiting_for_customer).", example: "  sustain ticket request-info SUP-12 --text \"Please send the error log\""},
	{use: "reply ID --from EMAIL", short: "Record the customer's answer (A10)", action: ticket.ActReply, text: true, from: "from",
		long:    "Record the customer's answer. A request waiting for the customer, or resolved, goes back to in_progress (which stops the auto-close clock).",
		example: "  sustain ticket reply SUP-12 --from ops@acme.test --text-file answer.txt"},
	{use: "escalate ID --task KEY", short: "Link a development task (Q13)", action: ticket.ActEscalate, detail: "task",
		long:    "Link a development task in Jira; a request may link several. The release that carries the task answers the request.",
		example: "  sustain ticket escalate SUP-12 --task SRV-42"},
	{use: "answer ID", short: "Deliver the answer: resolved, awaiting the customer's confirmation (Q14, A11)", action: ticket.ActAnswer, text: true,
		long:    "Deliver the answer or recommendation. The request becomes resolved (\"Completed, requires user confirmation\") and the auto-close clock starts.",
		example: "  sustain ticket answer SUP-12 --text \"Fixed in 1.0.42; please update\""},
	{use: "dispute ID --from EMAIL --reason TEXT", short: "Record the customer's reasoned disagreement (A11)", action: ticket.ActDispute, from: "from",
		long:    "Record the customer's reasoned disagreement with the answer: the request goes back to in_progress. A reason is required.",
		example: "  sustain ticket dispute SUP-12 --from ops@acme.test --reason \"Still fails on Safari\""},
}

type TicketActionOptions struct {
	ticketDeps
	ID    string
	Input ticket.ActInput // Text and Actor are filled by the run
	// TakesText says the text comes from Text, TextFile or standard input.
	TakesText      bool
	Text, TextFile string
	// ReasonFile is dispute's --reason-file (- for standard input).
	ReasonFile string
	// Attach are --attach files, kept with the action in its transaction;
	// AttachmentMaxBytes is support.attachment_max_mb in bytes.
	Attach             []string
	AttachmentMaxBytes func() (int64, error)
}

func NewCmdTicketAction(a *app, spec actionSpec, runF func(*TicketActionOptions) error) *cobra.Command {
	opts := &TicketActionOptions{TakesText: spec.text}
	var reason string
	var toCustomer bool
	name := strings.Fields(spec.use)[0]
	cmd := &cobra.Command{
		Use:     spec.use,
		Short:   spec.short,
		Long:    spec.long + "\n\nActions not allowed from the request's status are refused with the status and the allowed actions.\n\n" + exitStatusHelp,
		Example: spec.example,
		Args:    exactArgs(1, "the registration number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.Input.Action = spec.action
			if toCustomer {
				opts.Input.Action = ticket.ActTell
			}
			if opts.Text != "" && opts.TextFile != "" {
				return usagef("give the text once: --text or --text-file")
			}
			if spec.action == ticket.ActDispute {
				if reason != "" && opts.ReasonFile != "" {
					return usagef("give the reason once: --reason or --reason-file")
				}
				opts.Input.Text = reason
			}
			opts.ticketDeps = a.ticketDeps()
			opts.AttachmentMaxBytes = a.attachmentMax
			if runF != nil {
				return runF(opts)
			}
			return ticketActionRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	if spec.text {
		f.StringVar(&opts.Text, "text", "", "the `TEXT` (or --text-file, or standard input)")
		f.StringVar(&opts.TextFile, "text-file", "", "read the text from `FILE` (- for standard input)")
	}
	switch spec.detail {
	case "to":
		f.StringVar(&opts.Input.Detail, "to", "", "the assignee's `NAME`")
	case "task":
		f.StringVar(&opts.Input.Detail, "task", "", "the development task's Jira `KEY`")
	}
	if spec.from != "" {
		f.StringVar(&opts.Input.From, "from", "", "the customer's e-mail `ADDRESS`")
	}
	if spec.action == ticket.ActDispute {
		f.StringVar(&reason, "reason", "", "why the customer disagrees (required, or --reason-file)")
		f.StringVar(&opts.ReasonFile, "reason-file", "", "read the reason from `FILE` (- for standard input)")
	}
	switch spec.action {
	case ticket.ActReply, ticket.ActAnswer, ticket.ActRequestInfo, ticket.ActComment, ticket.ActDispute:
		f.StringArrayVar(&opts.Attach, "attach", nil, "attach a `FILE` with it: a log, a screenshot (repeatable)")
	}
	if name == "comment" {
		f.BoolVar(&toCustomer, "to-customer", false, "a message to the customer, not an internal note")
	}
	return cmd
}

func ticketActionRun(ctx context.Context, opts *TicketActionOptions) error {
	in := opts.Input
	if opts.TakesText {
		var err error
		if in.Text, err = readText(ctx, opts.In, opts.Text, opts.TextFile); err != nil {
			return err
		}
	} else if opts.ReasonFile != "" {
		var err error
		if in.Text, err = readTextFrom(ctx, opts.In, "", opts.ReasonFile, "--reason-file"); err != nil {
			return err
		}
	} else if _, err := checkText(in.Text, "the reason"); err != nil {
		return err
	}
	files, err := readAttachments(opts.Attach, opts.AttachmentMaxBytes)
	if err != nil {
		return err
	}
	in.Files = files
	in.Actor = opts.Actor()
	return opts.act(ctx, opts.ID, in)
}

type TicketCloseOptions struct {
	ticketDeps
	ID    string
	Input ticket.ActInput // Actor is filled by the run
}

func NewCmdTicketClose(a *app, runF func(*TicketCloseOptions) error) *cobra.Command {
	opts := &TicketCloseOptions{}
	var confirmedBy, from string
	var withdrawn bool
	cmd := &cobra.Command{
		Use:   "close ID (--confirmed-by EMAIL | --withdrawn --from EMAIL)",
		Short: "Close a request on the customer's confirmation, or as withdrawn",
		Long: `Close a resolved request on the customer's confirmation (A12): where
support.confirm_requires_responsible_person is set, only a responsible
person of the customer may confirm. Or close any open request the customer
no longer needs (--withdrawn, Q15, A12). A closed request is never reopened:
open a new one with --related.

` + exitStatusHelp,
		Example: `  sustain ticket close SUP-12 --confirmed-by ivan@acme.test
  sustain ticket close SUP-12 --withdrawn --from ops@acme.test`,
		Args: exactArgs(1, "the registration number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			switch {
			case withdrawn && confirmedBy != "":
				return usagef("choose --confirmed-by or --withdrawn")
			case withdrawn:
				opts.Input = ticket.ActInput{Action: ticket.ActWithdraw, From: from}
			case confirmedBy == "":
				return usagef("close needs --confirmed-by EMAIL, or --withdrawn --from EMAIL")
			default:
				opts.Input = ticket.ActInput{Action: ticket.ActConfirm, From: confirmedBy}
			}
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketCloseRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&confirmedBy, "confirmed-by", "", "the customer's `EMAIL` confirming the answer")
	cmd.Flags().BoolVar(&withdrawn, "withdrawn", false, "the customer no longer needs it")
	cmd.Flags().StringVar(&from, "from", "", "with --withdrawn: the customer's `EMAIL`")
	return cmd
}

func ticketCloseRun(ctx context.Context, opts *TicketCloseOptions) error {
	in := opts.Input
	in.Actor = opts.Actor()
	return opts.act(ctx, opts.ID, in)
}

// --- sweep ---

type sweepView struct {
	*ticket.SweepResult
	loc *time.Location
	tr  i18n.Printer
}

func (v sweepView) MarshalJSON() ([]byte, error) { return jsonOf(v.SweepResult) }

func (v sweepView) Table() output.Table {
	t := output.Table{Header: []string{"ACTION", "ID", "CUSTOMER", "DETAIL"}}
	verb := "closed"
	if v.DryRun {
		verb = "would close"
	}
	tr := deskTr(v.tr)
	for _, c := range v.Closed {
		t.Rows = append(t.Rows, []string{tr.T(verb), c.ID, c.Customer,
			tr.T("answered %s, no reply by %s", c.AnsweredAt.In(v.loc).Format("2006-01-02 15:04"), c.AutocloseAt.In(v.loc).Format("2006-01-02 15:04"))})
	}
	for _, b := range v.Breaches {
		t.Rows = append(t.Rows, []string{tr.T("reaction overdue"), b.ID, b.Customer,
			tr.T("due %s, no staff reaction", b.SLA.ReactionDue.In(v.loc).Format("2006-01-02 15:04"))})
	}
	// Under the table on a terminal: how many, in the language's plurals.
	if n := len(v.Closed); n > 0 {
		noun := "requests closed"
		if v.DryRun {
			noun = "requests would close"
		}
		t.Footer = tr.N(noun, n)
	}
	if n := len(v.Breaches); n > 0 {
		t.Footer = strings.TrimPrefix(t.Footer+"; "+tr.N("requests past the reaction deadline", n), "; ")
	}
	return t
}

type TicketSweepOptions struct {
	ticketDeps
	DryRun bool
}

func NewCmdTicketSweep(a *app, runF func(*TicketSweepOptions) error) *cobra.Command {
	opts := &TicketSweepOptions{}
	cmd := &cobra.Command{
		Use:   "sweep",
		Short: "Close requests the customer left unanswered; report reaction-SLA breaches",
		Long: `Close resolved requests whose customer did not reply within
support.autoclose_business_days business days of the answer (Q15: 10, A12:
8), and report open requests past their reaction deadline. Safe from cron:
idempotent, and safe to run in several processes at once. --dry-run
changes nothing; with --now it answers what-if questions. Ctrl-C stops it
between requests: those closed stay closed, the rest are left for the next run.

` + exitStatusHelp,
		Example: `  sustain ticket sweep
  sustain ticket sweep --dry-run --now 2027-01-15
  */15 * * * *  sustain ticket sweep --json >> /var/log/sustain-sweep.jsonl`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketSweepRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "say what would be closed, change nothing")
	return cmd
}

func ticketSweepRun(ctx context.Context, opts *TicketSweepOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	if opts.Progress != nil {
		bar := opts.Progress("sweep: closing", 0)
		defer bar.Done()
		svc.Progress = func(done, total int) {
			bar.SetTotal(total)
			bar.Add(done - bar.Count())
		}
	}
	res, err := svc.Sweep(ctx, opts.DryRun)
	if err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, sweepView{res, svc.Calendar.Location(), opts.Tr})
}

// --- attachment get ---

func newTicketAttachmentCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "attachment",
		Short: "Attachments of requests",
		Args:  cobra.ArbitraryArgs,
		RunE:  groupRun,
	}
	cmd.AddCommand(NewCmdTicketAttachmentGet(a, nil))
	return cmd
}

type TicketAttachmentGetOptions struct {
	ticketDeps
	ID, Name string
	Output   string // a file, or "" and "-" for standard output
}

func NewCmdTicketAttachmentGet(a *app, runF func(*TicketAttachmentGetOptions) error) *cobra.Command {
	opts := &TicketAttachmentGetOptions{}
	get := &cobra.Command{
		Use:   "get ID NAME",
		Short: "Write an attachment back, byte for byte",
		Long: `Write an attachment to -o FILE (atomically: a temporary file renamed into
place, so a half-written file is never left behind), or to standard output
without -o. Its SHA-256 is checked against the one recorded on upload.

` + exitStatusHelp,
		Example: "  sustain ticket attachment get SUP-12 app.log -o /tmp/app.log",
		Args:    exactArgs(2, "the registration number and the attachment's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID, opts.Name = args[0], args[1]
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketAttachmentGetRun(cmd.Context(), opts)
		},
	}
	get.Flags().StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of standard output")
	return get
}

func ticketAttachmentGetRun(ctx context.Context, opts *TicketAttachmentGetOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	id, err := ticket.CheckID(opts.ID)
	if err != nil {
		return err
	}
	att, data, err := svc.Store.AttachmentData(ctx, id, opts.Name)
	if err != nil {
		return err
	}
	if err := att.Verify(data); err != nil {
		return err
	}
	if opts.Output == "" || opts.Output == "-" {
		_, err := opts.Out.Write(data)
		return err
	}
	return atomicfile.Write(opts.Output, data, 0o644)
}
