package ticket

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/lazyre"
	"github.com/sustain-cli/sustain/internal/problem"
)

// Service carries out what support staff and customers do, under a policy.
type Service struct {
	Store    Store
	Policy   Policy
	Calendar *bizcal.Calendar
	Now      func() time.Time
	// Notifier, when set, queues notices to the customer in the same
	// transaction as the actions that cause them (mail.notify).
	Notifier Notifier
	// Progress, when set, hears how far a long run (a sweep) has got:
	// done of total items.
	Progress func(done, total int)
}

// AddCustomer validates and stores a new customer.
func (s *Service) AddCustomer(ctx context.Context, c *Customer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.CreatedAt = s.Now()
	return s.Store.AddCustomer(ctx, c)
}

// EditCustomer changes a customer; the result is validated before it is kept.
func (s *Service) EditCustomer(ctx context.Context, code string, change func(*Customer) error) (*Customer, error) {
	return s.Store.UpdateCustomer(ctx, strings.ToUpper(code), func(c *Customer) error {
		if err := change(c); err != nil {
			return err
		}
		return c.Validate()
	})
}

// OpenInput is a new request as it arrives.
type OpenInput struct {
	Customer, Subject, Description string
	Channel, From, ProjectAddress  string
	Params                         []Param
	Priority                       string
	Related                        string
	// OutsideHours records a phone call taken outside the phone hours
	// (Q10) anyway; without it such a request is refused.
	OutsideHours bool
	Files        []File
	Actor        string // who registers it
	// Inbound is the e-mail that opened it: its decision is recorded with
	// the request, in one transaction.
	Inbound *Inbound
}

// Open registers a new request and gives it its registration number (A8).
func (s *Service) Open(ctx context.Context, in OpenInput) (*Request, error) {
	cust, err := s.Store.Customer(ctx, strings.ToUpper(in.Customer))
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Subject) == "" {
		return nil, problem.New(problem.Usage, "give --subject", "a request needs a subject (Q9)")
	}
	if strings.TrimSpace(in.Description) == "" {
		return nil, problem.New(problem.Usage, "give --description, --description-file, or pipe it on standard input",
			"a request needs a description of the problem (Q9, A7: the request form requires it)")
	}
	if err := s.checkText("the subject", in.Subject); err != nil {
		return nil, err
	}
	if err := s.checkText("the description", in.Description); err != nil {
		return nil, err
	}
	if in.Channel == "" {
		in.Channel = "email"
	}
	if !slices.Contains(Channels, in.Channel) {
		return nil, problem.New(problem.Usage, "use email, phone or portal", "unknown channel %q", in.Channel)
	}
	if in.From != "" {
		if in.From, err = ParseEmail(in.From); err != nil {
			return nil, err
		}
	}
	outside := false
	if in.Channel == "phone" {
		if outside, err = s.checkPhoneHours(in.OutsideHours); err != nil {
			return nil, err
		}
	}
	if in.Channel == "email" {
		if in.From == "" {
			return nil, problem.New(problem.Usage, "give the sender with --from", "a request by e-mail needs its sender's address")
		}
		if s.Policy.EmailRequiresRegisteredSender && !cust.IsRegistered(in.From) {
			return nil, problem.New(problem.Refused,
				fmt.Sprintf("register it first: sustain customer edit %s --add-email %s (Q10)", cust.Code, in.From),
				"%s is not a registered address of %s: e-mail requests are accepted only from registered addresses", in.From, cust.Code)
		}
	}
	if in.Priority == "" {
		in.Priority = "normal"
	}
	if _, err := PriorityRank(in.Priority); err != nil {
		return nil, err
	}
	if in.Related != "" {
		if in.Related, err = CheckID(in.Related); err != nil {
			return nil, err
		}
		if _, err := s.Store.Request(ctx, in.Related); err != nil {
			return nil, err
		}
	}
	files, err := s.checkFiles(in.Files)
	if err != nil {
		return nil, err
	}
	if in.ProjectAddress == "" {
		in.ProjectAddress = cust.ProjectAddress
	}
	now := s.Now()
	r := &Request{
		Customer: cust.Code, Subject: strings.TrimSpace(in.Subject), Description: in.Description,
		Channel: in.Channel, From: in.From, ProjectAddress: in.ProjectAddress, Params: in.Params,
		Priority: in.Priority, Status: StatusNew, Related: strings.ToUpper(in.Related),
		Assignees: []string{}, Tasks: []string{}, CreatedAt: now, UpdatedAt: now,
		Policy: s.Policy.ForRequest(s.Calendar),
	}
	if r.Params == nil {
		r.Params = []Param{}
	}
	actor := in.Actor
	if in.From != "" {
		actor = in.From
	}
	first := Event{At: now, Actor: actor, Action: string(ActOpen), Text: in.Description, Detail: in.Channel, To: StatusNew}
	if outside {
		first.Detail += ", " + OutsideHoursNote
	}
	first.Mail = s.mailEffects(cust, in.Inbound, inboundID(in.Inbound))
	return s.Store.CreateRequest(ctx, s.Policy.Prefix, r, files, first)
}

// checkFiles applies the size limit and sanitises names (Q9, A7).
func (s *Service) checkFiles(in []File) ([]File, error) {
	names := NewNames()
	out := make([]File, 0, len(in))
	for _, f := range in {
		if s.Policy.AttachmentMaxBytes > 0 && int64(len(f.Data)) > s.Policy.AttachmentMaxBytes {
			return nil, problem.New(problem.Refused, "compress it, or raise support.attachment_max_mb",
				"attachment %s is %s, over the limit of %s", f.Name, size(int64(len(f.Data))), size(s.Policy.AttachmentMaxBytes))
		}
		out = append(out, File{Name: names.Free(SanitizeName(f.Name)), Data: f.Data})
	}
	return out, nil
}

// checkText bounds a text before anything reads it again or stores it: a
// huge description would otherwise be copied into every list and history.
func (s *Service) checkText(what, text string) error {
	if limit := s.Policy.TextMaxBytes; limit > 0 && int64(len(text)) > limit {
		return problem.New(problem.Refused, "shorten it (attach long logs as files), or raise support.text_max_kb",
			"%s is %s, over the limit of %s (support.text_max_kb = %d)", what, size(int64(len(text))), size(limit), limit>>10)
	}
	return nil
}

var unsafeName = lazyre.New(`[^\p{L}\p{N}._ -]+`)

// SanitizeName keeps the last path element of a file name and only letters,
// digits, dots, dashes, underscores and spaces, so a stored name is never a
// path. It keeps at most 120 characters (runes, so Cyrillic is never cut
// in half) and always returns valid UTF-8.
func SanitizeName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = name[strings.LastIndex(name, "/")+1:]
	// Invalid bytes match no letter class, but the regexp sees them as
	// U+FFFD; turning them into "_" first leaves nothing to chance.
	name = strings.ToValidUTF8(name, "_")
	name = strings.Trim(unsafeName.ReplaceAllString(name, "_"), ". ")
	if name == "" {
		name = "attachment"
	}
	const maxRunes, maxExt = 120, 20
	if runes := []rune(name); len(runes) > maxRunes {
		ext := []rune(filepath.Ext(name))
		if len(ext) > maxExt {
			ext = nil
		}
		name = string(runes[:maxRunes-len(ext)]) + string(ext)
	}
	return name
}

// Names hands out the file names of one request: a name already taken
// gets -2, -3... before its extension. Each base name remembers where its
// suffixes stopped, so many files of one name cost linear time, not
// quadratic.
type Names struct {
	taken map[string]bool
	next  map[string]int
}

// NewNames is an empty set of names.
func NewNames() *Names { return &Names{taken: map[string]bool{}, next: map[string]int{}} }

// Take marks a name as taken.
func (n *Names) Take(name string) { n.taken[name] = true }

// Free returns name, or the first free name-K.ext after it, and takes it.
func (n *Names) Free(name string) string {
	if !n.taken[name] {
		n.taken[name] = true
		return name
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	k := max(n.next[name], 2)
	free := fmt.Sprintf("%s-%d%s", base, k, ext)
	for n.taken[free] {
		k++
		free = fmt.Sprintf("%s-%d%s", base, k, ext)
	}
	n.next[name] = k + 1
	n.taken[free] = true
	return free
}

func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// ActInput is one action on a request.
type ActInput struct {
	Action Action
	Actor  string // staff member, for staff actions
	Text   string
	From   string // the customer's address, for customer actions
	Detail string // the assignee or the task key
	// Inbound is the e-mail this action comes from: its decision is
	// recorded with the change, in one transaction.
	Inbound *Inbound
	// Files came with the e-mail, or with --attach; they are attached
	// with the change, in its transaction.
	Files []File
	// claim makes an assignment only of a request still waiting and
	// unassigned (ticket next --claim).
	claim bool
}

var taskRe = lazyre.New(`^[A-Z][A-Z0-9_]*-[1-9][0-9]*$`)

// Act performs an action, checked against the state machine and the policy
// inside the store's transaction, and records it in the history.
func (s *Service) Act(ctx context.Context, id string, in ActInput) (*Request, error) {
	id, err := CheckID(id)
	if err != nil {
		return nil, err
	}
	in.Text = strings.TrimSpace(in.Text)
	if err := s.checkText("the text of "+commandOf[in.Action], in.Text); err != nil {
		return nil, err
	}
	if err := s.checkInput(&in); err != nil {
		return nil, err
	}
	var cust *Customer
	inReplyTo := inboundID(in.Inbound)
	if in.From != "" || s.Notifier != nil {
		r, err := s.Store.Request(ctx, id)
		if err != nil {
			return nil, err
		}
		if cust, err = s.Store.Customer(ctx, r.Customer); err != nil {
			return nil, err
		}
		if in.Action == ActReply && s.Current(r).Status == StatusClosed {
			return s.replyToClosed(ctx, r, in)
		}
		if inReplyTo == "" {
			if inReplyTo, err = s.lastInbound(ctx, r.ID); err != nil {
				return nil, err
			}
		}
	}
	files, err := s.checkFiles(in.Files)
	if err != nil {
		return nil, err
	}
	check := cust
	if in.From == "" {
		check = nil // a staff action: no customer rules apply
	}
	now := s.Now()
	rs, err := s.Store.UpdateRequests(ctx, []string{id}, func(r *Request) (*Event, error) {
		if s.lapse(r, now); r.Status == StatusClosed && !in.claim {
			return nil, s.closedRefusal(r)
		}
		if in.claim {
			if err := claimable(r); err != nil {
				return nil, err
			}
		}
		to, err := next(in.Action, r)
		if err != nil {
			return nil, err
		}
		if err := s.checkCustomer(in, r, check); err != nil {
			return nil, err
		}
		if in.Action == ActAssign && slices.Contains(r.Assignees, in.Detail) {
			return nil, ErrSkip // the assignment holds already: no second entry
		}
		ev := &Event{At: now, Actor: in.Actor, Action: string(in.Action), Text: in.Text, Detail: in.Detail, From: r.Status, To: to}
		ev.Mail = s.mailEffects(cust, in.Inbound, inReplyTo)
		if len(files) > 0 && ev.Mail == nil {
			ev.Mail = &MailEffects{} // --attach: the files alone
		}
		if ev.Mail != nil {
			ev.Mail.Files = files
		}
		if in.From != "" {
			ev.Actor = in.From
		}
		switch in.Action {
		case ActAssign:
			if !slices.Contains(r.Assignees, in.Detail) {
				r.Assignees = append(r.Assignees, in.Detail)
			}
		case ActEscalate:
			if !slices.Contains(r.Tasks, in.Detail) {
				r.Tasks = append(r.Tasks, in.Detail)
			}
		case ActAnswer:
			r.AnsweredAt = &now
		case ActConfirm:
			r.Closure = "confirmed"
		case ActWithdraw:
			r.Closure = "withdrawn"
		}
		if reactions[in.Action] && r.FirstResponse == nil {
			r.FirstResponse = &now
		}
		if to == StatusClosed {
			r.ClosedAt = &now
		}
		r.Status, r.UpdatedAt = to, now
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		r, err := s.Store.Request(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, &UnchangedError{Request: s.Current(r),
			Note: fmt.Sprintf("%s is already assigned to %s: nothing changed", r.ID, in.Detail)}
	}
	return rs[0], nil
}

// UnchangedError is an action that changes nothing because what it asks
// holds already (an assignment repeated): not a failure, a note.
type UnchangedError struct {
	Request *Request
	Note    string
}

func (e *UnchangedError) Error() string { return e.Note }

func (s *Service) checkInput(in *ActInput) error {
	needText := map[Action]string{ActComment: "the note", ActTell: "the message", ActRequestInfo: "what is asked",
		ActReply: "the customer's answer", ActAnswer: "the answer", ActDispute: "the reason (A11: a reasoned disagreement)"}
	if what, ok := needText[in.Action]; ok && in.Text == "" {
		flag := "--text, --text-file or standard input"
		if in.Action == ActDispute {
			flag = "--reason"
		}
		return problem.New(problem.Usage, "give it with "+flag, "%s needs %s", commandOf[in.Action], what)
	}
	switch in.Action {
	case ActAssign:
		in.Detail = strings.TrimSpace(in.Detail)
		if in.Detail == "" {
			return problem.New(problem.Usage, "give --to NAME", "assign needs an assignee")
		}
	case ActEscalate:
		in.Detail = strings.ToUpper(strings.TrimSpace(in.Detail))
		if !taskRe.MatchString(in.Detail) {
			return problem.New(problem.Usage, "give --task PROJECT-N, for example SRV-42", "%q is not a Jira task key", in.Detail)
		}
	case ActReply, ActDispute, ActConfirm, ActWithdraw:
		if in.From == "" {
			return problem.New(problem.Usage, "give the customer's address (--from or --confirmed-by)", "%s needs the customer's e-mail address", commandOf[in.Action])
		}
		addr, err := ParseEmail(in.From)
		if err != nil {
			return err
		}
		in.From = addr
	}
	return nil
}

// checkCustomer applies who may speak for the customer.
func (s *Service) checkCustomer(in ActInput, r *Request, c *Customer) error {
	if c == nil {
		return nil
	}
	author := strings.EqualFold(in.From, r.From)
	_, p := Governing(r, s.Calendar, s.Policy)
	switch {
	case in.Action == ActConfirm && p.ConfirmRequiresResponsible:
		if !c.IsResponsible(in.From) {
			return problem.New(problem.Refused,
				fmt.Sprintf("responsible persons of %s: %s (sustain customer show %s)", c.Code, people(c.Responsible), c.Code),
				"%s is not a responsible person of %s: only they may confirm closure (A12)", in.From, c.Code)
		}
	case !author && !c.IsRegistered(in.From):
		return problem.New(problem.Refused, fmt.Sprintf("register it: sustain customer edit %s --add-email %s", c.Code, in.From),
			"%s is neither the author of %s nor a registered address of %s", in.From, r.ID, c.Code)
	}
	return nil
}

func people(ps []Person) string {
	if len(ps) == 0 {
		return "none registered"
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return strings.Join(out, ", ")
}

// View is a request with its SLA, as list and show print it.
type View struct {
	*Request
	SLA SLA `json:"sla"`
	// FollowUps are the requests that arose from this one (A6): show
	// fills them; lists leave them null.
	FollowUps []string `json:"follow_ups"`
}

// ViewOf is r with its SLA now.
func (s *Service) ViewOf(r *Request) *View {
	return &View{Request: r, SLA: SLAOf(r, s.Calendar, s.Policy, s.Now())}
}

// Show returns a request with its history, attachments and SLA.
func (s *Service) Show(ctx context.Context, id string) (*View, error) {
	id, err := CheckID(id)
	if err != nil {
		return nil, err
	}
	r, err := s.Store.Request(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.ViewOf(s.Current(r)), nil
}

// List returns the requests f selects; overdue keeps only those past their
// reaction deadline with no reaction.
func (s *Service) List(ctx context.Context, f Filter, overdue bool) ([]View, error) {
	if f.Queue {
		f.ContractMatters, f.Today = s.Policy.PriorityRequiresContract, bizcal.DateOf(s.Now().In(s.Calendar.Location()))
	}
	if overdue {
		f.NoResponse = true
	}
	statuses, limit := f.Statuses, f.Limit
	f, recheck := lapsedFilter(f)
	if recheck {
		f.Limit = 0 // which are still resolved is known only here
	}
	rs, err := s.Store.Requests(ctx, f)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]View, 0, len(rs))
	for _, r := range rs {
		if s.lapse(r, now); recheck && !slices.Contains(statuses, r.Status) {
			continue
		}
		if limit > 0 && len(out) >= limit {
			break
		}
		v := View{Request: r, SLA: SLAOf(r, s.Calendar, s.Policy, now)}
		if overdue && v.SLA.Reaction != "overdue" {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// Each hands the requests f selects to fn one by one with their SLA, in
// f's order: streamed from stores that can (Walker), read whole from the
// rest. overdue keeps only those past their reaction deadline with no
// reaction; the limit then counts the overdue ones. fn returning an error
// stops the walk with it.
func (s *Service) Each(ctx context.Context, f Filter, overdue bool, fn func(View) error) error {
	if f.Queue {
		f.ContractMatters, f.Today = s.Policy.PriorityRequiresContract, bizcal.DateOf(s.Now().In(s.Calendar.Location()))
	}
	limit, statuses := f.Limit, f.Statuses
	f, recheck := lapsedFilter(f)
	if overdue {
		f.NoResponse = true
	}
	if overdue || recheck {
		f.Limit = 0 // which are overdue, or still resolved, is known only here
	}
	now := s.Now()
	n := 0
	errEnough := errors.New("enough")
	each := func(r *Request) error {
		if s.lapse(r, now); recheck && !slices.Contains(statuses, r.Status) {
			return nil
		}
		v := View{Request: r, SLA: SLAOf(r, s.Calendar, s.Policy, now)}
		if overdue && v.SLA.Reaction != "overdue" {
			return nil
		}
		if limit > 0 && n >= limit {
			return errEnough
		}
		n++
		return fn(v)
	}
	var err error
	if w, ok := s.Store.(Walker); ok {
		err = w.EachRequest(ctx, f, each)
	} else {
		var rs []*Request
		if rs, err = s.Store.Requests(ctx, f); err == nil {
			for _, r := range rs {
				if err = each(r); err != nil {
					break
				}
			}
		}
	}
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}

// Count is how many requests f selects, or -1 when the store cannot say
// without reading them all.
func (s *Service) Count(ctx context.Context, f Filter) (int, error) {
	c, ok := s.Store.(Counter)
	if !ok {
		return -1, nil
	}
	f.Limit = 0
	wide, recheck := lapsedFilter(f)
	n, err := c.CountRequests(ctx, wide)
	if err != nil || !recheck {
		return n, err
	}
	// Requests past their deadline are closed though the store says
	// resolved: the resolved ones the wide filter counted are checked.
	rf := f
	rf.Statuses = []Status{StatusResolved}
	rs, err := s.Store.Requests(ctx, rf)
	if err != nil {
		return 0, err
	}
	now := s.Now()
	for _, r := range rs {
		if s.lapse(r, now); !slices.Contains(f.Statuses, r.Status) {
			n--
		}
	}
	return n, nil
}

// Next is the request to work on now under the priority system (Q12, A4, A9):
// new or in progress; contract customers first by priority then age, the
// rest by age. Nil when the queue is empty.
func (s *Service) Next(ctx context.Context) (*View, error) {
	vs, err := s.List(ctx, Filter{Statuses: working, Queue: true, Limit: 1}, false)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	return &vs[0], nil
}

// SweepResult is what a sweep closed (or would close) and the reaction
// deadlines it found missed.
type SweepResult struct {
	DryRun   bool    `json:"dry_run"`
	Closed   []Swept `json:"closed"`
	Breaches []View  `json:"breaches"`
}

// Swept is a request closed for want of a reply.
type Swept struct {
	ID          string    `json:"id"`
	Customer    string    `json:"customer"`
	AnsweredAt  time.Time `json:"answered_at"`
	AutocloseAt time.Time `json:"autoclose_at"`
}

// Sweep closes resolved requests whose customers did not reply within the
// policy's business days (Q15, A12) and reports reaction-SLA breaches. It is
// idempotent and safe to run concurrently: each close is re-checked inside
// the transaction that makes it.
func (s *Service) Sweep(ctx context.Context, dryRun bool) (*SweepResult, error) {
	now := s.Now()
	res := &SweepResult{DryRun: dryRun, Closed: []Swept{}, Breaches: []View{}}
	resolved, err := s.Store.Requests(ctx, Filter{Statuses: []Status{StatusResolved}})
	if err != nil {
		return nil, err
	}
	var due []string
	customers := map[string]*Customer{}
	replyTo := map[string]string{}
	if s.Notifier != nil && !dryRun {
		// Read before the transactions: a store may hold one connection.
		cs, err := s.Store.Customers(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			customers[c.Code] = c
		}
	}
	for _, r := range resolved {
		if at, ok := AutocloseAt(r, s.Calendar, s.Policy); ok && !now.Before(at) {
			if dryRun {
				res.Closed = append(res.Closed, Swept{ID: r.ID, Customer: r.Customer, AnsweredAt: *r.AnsweredAt, AutocloseAt: at})
				continue
			}
			due = append(due, r.ID)
			if s.Notifier != nil {
				if replyTo[r.ID], err = s.lastInbound(ctx, r.ID); err != nil {
					return nil, err
				}
			}
		}
	}
	const batch = 500 // short transactions leave room for other writers
	total := len(due)
	for len(due) > 0 {
		if s.Progress != nil {
			s.Progress(total-len(due), total)
		}
		n := min(batch, len(due))
		// The store re-runs change when the transaction is retried, so
		// change only notes what it closes; the report is built from what
		// the store says it committed.
		closing := map[string]Swept{}
		change := func(r *Request) (*Event, error) {
			at, ok := AutocloseAt(r, s.Calendar, s.Policy)
			if !ok || now.Before(at) {
				return nil, ErrSkip // replied to, or closed, since the list was read
			}
			closing[r.ID] = Swept{ID: r.ID, Customer: r.Customer, AnsweredAt: *r.AnsweredAt, AutocloseAt: at}
			// Closed at the deadline, not when sweep happened to run.
			ev := s.lapse(r, now)
			if c := customers[r.Customer]; c != nil {
				ev.Mail = s.mailEffects(c, nil, replyTo[r.ID])
			}
			return ev, nil
		}
		closed, err := s.Store.UpdateRequests(ctx, due[:n], change)
		if err != nil && !errors.Is(err, ErrSkip) {
			return nil, err
		}
		for _, r := range closed {
			if sw, ok := closing[r.ID]; ok {
				res.Closed = append(res.Closed, sw)
			}
		}
		due = due[n:]
	}
	if res.Breaches, err = s.List(ctx, Filter{Statuses: open}, true); err != nil {
		return nil, err
	}
	return res, nil
}

// Imported says what an import did with one customer.
type Imported struct {
	Code   string `json:"code"`
	Action string `json:"action"` // added, updated or unchanged
}

// ImportCustomers adds the customers that are new and updates those that
// differ; all are validated before anything is written. A customer keeps
// the creation time the store already has.
func (s *Service) ImportCustomers(ctx context.Context, cs []*Customer) ([]Imported, error) {
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			return nil, err
		}
	}
	out := make([]Imported, 0, len(cs))
	for _, c := range cs {
		old, err := s.Store.Customer(ctx, c.Code)
		var pe *problem.Error
		switch {
		case errors.As(err, &pe) && pe.Kind == problem.NotFound:
			if c.CreatedAt.IsZero() {
				c.CreatedAt = s.Now()
			}
			if err := s.Store.AddCustomer(ctx, c); err != nil {
				return out, err
			}
			out = append(out, Imported{c.Code, "added"})
		case err != nil:
			return out, err
		case sameCustomer(old, c):
			out = append(out, Imported{c.Code, "unchanged"})
		default:
			if _, err := s.Store.UpdateCustomer(ctx, c.Code, func(cur *Customer) error {
				created := cur.CreatedAt
				*cur = *c
				cur.CreatedAt = created
				return nil
			}); err != nil {
				return out, err
			}
			out = append(out, Imported{c.Code, "updated"})
		}
	}
	return out, nil
}

func sameCustomer(a, b *Customer) bool {
	date := func(d *bizcal.Date) string {
		if d == nil {
			return ""
		}
		return d.String()
	}
	return a.Name == b.Name && slices.Equal(a.Emails, b.Emails) && slices.Equal(a.Responsible, b.Responsible) &&
		date(a.ContractStart) == date(b.ContractStart) && date(a.ContractEnd) == date(b.ContractEnd) &&
		a.ProjectAddress == b.ProjectAddress && a.Lang == b.Lang
}

// mailEffects are an event's mail side: the inbound message's decision and
// the notices the Notifier makes of the event; nil when there are none.
func (s *Service) mailEffects(c *Customer, inbound *Inbound, inReplyTo string) *MailEffects {
	if inbound == nil && (s.Notifier == nil || c == nil) {
		return nil
	}
	m := &MailEffects{Inbound: inbound}
	if s.Notifier != nil && c != nil {
		m.Notify = func(r *Request, ev Event) ([]Notice, error) {
			cal, _ := Governing(r, s.Calendar, s.Policy)
			nc := NoticeContext{Request: r, Customer: c, Event: ev, InReplyTo: inReplyTo,
				ReactionDue: cal.EndOfNextWorkday(r.CreatedAt)}
			if at, ok := AutocloseAt(r, s.Calendar, s.Policy); ok {
				nc.AutocloseAt = &at
			}
			return s.Notifier.Notices(nc)
		}
	}
	return m
}

// lastInbound is the customer's last message on a request, "" when the
// store keeps no mail.
func (s *Service) lastInbound(ctx context.Context, id string) (string, error) {
	ms, ok := s.Store.(MailStore)
	if !ok {
		return "", nil
	}
	return ms.LastInbound(ctx, id)
}

func inboundID(in *Inbound) string {
	if in == nil {
		return ""
	}
	return in.MessageID
}
