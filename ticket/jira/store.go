// Package jira keeps support requests in a Jira project. The Jira key is the
// registration number (A8); summary, description, priority and status are
// Jira's own fields; what Jira has no field for (customer, channel, sender,
// installation parameters, assignees, linked tasks, the reaction and answer
// times, the history with its actors) is kept in an issue entity property,
// "sustain", which Jira returns with searches. Messages are comments
// (internal notes as Jira Service Management internal comments), status
// changes are workflow transitions. Customers live in a customers file
// (ticket/customerfile) kept in git.
package jira

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
	jiraclient "github.com/sustain-cli/sustain/jira"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/customerfile"
)

// Property is the entity property that holds sustain's record of a request.
const Property = "sustain"

// Options maps sustain's requests onto a Jira project.
type Options struct {
	Project   string
	IssueType string // default Task
	// Statuses lists, per sustain status, the Jira statuses that mean it.
	Statuses map[ticket.Status][]string
	// Transitions names, per sustain status, the transition (or its target
	// status) that leads there.
	Transitions map[ticket.Status]string
	// Priorities maps sustain priorities to Jira priority names.
	Priorities map[string]string
	// Resolution is set on transitions that require one (default Done).
	Resolution string
	// Fields puts request data into custom fields (customer, channel, from,
	// project_address, params, related → customfield_NNNNN); what is not
	// mapped goes into a block at the end of the description.
	Fields map[string]string
	// Warn, when set, receives warnings about the mapping: the mapped
	// status names the project does not have (said once per store).
	Warn func(msg string)
}

// Store is a ticket.Store over a Jira project and a customers file.
type Store struct {
	*customerfile.Store
	api  *jiraclient.Client
	opts Options
	// mailbox caches the key of the mailbox issue (mail.go) for the process.
	mu      sync.Mutex
	mailbox string
	// recent keeps the bytes of the last small message kept or read, which
	// the intake reads back (more than once) right after keeping it.
	recent struct {
		id   int64
		data []byte
	}
	// statuses are the project's statuses by lower-case name, learnt once.
	statuses map[string]string
	// serviceDesk is "yes" or "no" once the project's type is known.
	serviceDesk string
}

// New makes the store; it sends nothing until used.
func New(api *jiraclient.Client, customers *customerfile.Store, opts Options) *Store {
	if opts.IssueType == "" {
		opts.IssueType = "Task"
	}
	if opts.Resolution == "" {
		opts.Resolution = "Done"
	}
	return &Store{Store: customers, api: api, opts: opts}
}

// Close releases nothing: the store holds no connection.
func (s *Store) Close() error { return nil }

// record is the "sustain" property of an issue.
type record struct {
	Customer       string         `json:"customer"`
	Channel        string         `json:"channel"`
	From           string         `json:"from,omitempty"`
	ProjectAddress string         `json:"project_address,omitempty"`
	Params         []ticket.Param `json:"params"`
	Related        string         `json:"related,omitempty"`
	Assignees      []string       `json:"assignees"`
	Tasks          []string       `json:"tasks"`
	CreatedAt      time.Time      `json:"created_at"`
	FirstResponse  *time.Time     `json:"first_response_at,omitempty"`
	AnsweredAt     *time.Time     `json:"answered_at,omitempty"`
	ClosedAt       *time.Time     `json:"closed_at,omitempty"`
	Closure        string         `json:"closure,omitempty"`
	// Policy is what the request keeps from its opening (nil before
	// policies were kept).
	Policy      *ticket.RequestPolicy `json:"policy,omitempty"`
	Attachments []ticket.Attachment   `json:"attachments"`
	Events      []event               `json:"events"`
	// EventPages is how many pages of older events were moved out of the
	// record into the properties sustain.events.1, .2, ... (oldest first),
	// so the record stays within Jira's 32,768-character limit.
	EventPages int `json:"event_pages,omitempty"`
	// EventsMoved is how many events those pages hold.
	EventsMoved int `json:"events_moved,omitempty"`
	// The request's messages in and out (ids in the mailbox issue, mail.go)
	// and the comments that mirror its notices, which the history leaves
	// out: ticket show lists the notices themselves.
	MailIn         []int64  `json:"mail_in,omitempty"`
	MailOut        []int64  `json:"mail_out,omitempty"`
	NoticeComments []string `json:"notice_comments,omitempty"`
}

// event is a history entry; its text is the comment it points to (or, for
// the opening, the description).
type event struct {
	At      time.Time     `json:"at"`
	Actor   string        `json:"actor"`
	Action  string        `json:"action"`
	Detail  string        `json:"detail,omitempty"`
	From    ticket.Status `json:"from,omitempty"`
	To      ticket.Status `json:"to"`
	Comment string        `json:"comment,omitempty"` // Jira comment id
	Moved   string        `json:"moved,omitempty"`   // the Jira status a transition led to
}

var readFields = []string{"summary", "description", "status", "priority", "created", "updated", "resolutiondate", "labels"}

// listFields leave the description out: a list never shows it, and a
// request's description may be large (the same rule as the SQLite store).
var listFields = slices.DeleteFunc(slices.Clone(readFields), func(f string) bool { return f == "description" })

// CreateRequest creates the issue, uploads the files and writes the record.
// An upload that fails does not undo the issue: the error names the key and
// the files that are missing.
func (s *Store) CreateRequest(ctx context.Context, _ string, r *ticket.Request, files []ticket.File, first ticket.Event) (*ticket.Request, error) {
	first.Seq = 1
	box, again, err := s.beforeMail(ctx, first)
	if err != nil {
		return nil, err
	}
	if again != nil {
		return s.resumeMail(ctx, box, again, first, ticket.DecisionOpened)
	}
	fields := map[string]any{
		"summary":     r.Subject,
		"issuetype":   map[string]string{"name": s.opts.IssueType},
		"description": s.description(r),
	}
	if p := s.opts.Priorities[r.Priority]; p != "" {
		fields["priority"] = map[string]string{"name": p}
	}
	for name, value := range s.customValues(r) {
		fields[s.opts.Fields[name]] = value
	}
	key, err := s.api.CreateIssue(ctx, s.opts.Project, fields)
	if err != nil {
		return nil, err
	}
	r.ID = key
	r.Number = number(key)
	// Said at once, so a retry of the message finds the request it opened
	// rather than opening a second one.
	if err := s.markCaused(ctx, first, key); err != nil {
		return nil, mailPartial(first, key, []string{"the request was created"}, "recording the message that opened it", err)
	}
	rec := recordOf(r)
	rec.Events = []event{{At: first.At, Actor: first.Actor, Action: first.Action, Detail: first.Detail, To: first.To}}
	var failed []string
	for _, f := range files {
		if _, err := s.api.Attach(ctx, key, f.Name, f.Data); err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", f.Name, err))
			continue
		}
		sum := sha256.Sum256(f.Data)
		rec.Attachments = append(rec.Attachments, ticket.Attachment{Name: f.Name, Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:]), AddedAt: first.At})
	}
	if err := s.saveRecord(ctx, key, rec); err != nil {
		return nil, keepPending(first, problem.New(0, "see it at "+s.api.BrowseURL(key)+"; sustain reads it without its customer and history",
			"%s was created in Jira, but its sustain record could not be saved: %v", key, err))
	}
	if len(failed) > 0 {
		return nil, keepPending(first, problem.New(0, "attach the file to "+key+" in Jira: "+s.api.BrowseURL(key),
			"%s was created, but %d attachment(s) failed to upload: %s", key, len(failed), strings.Join(failed, "; ")))
	}
	if first.Mail != nil {
		r.History = []ticket.Event{first}
		if err := s.finishMail(ctx, box, r, first, []string{"the request was created"}); err != nil {
			return nil, err
		}
	}
	return s.Request(ctx, key)
}

func number(key string) int {
	n, _ := strconv.Atoi(key[strings.LastIndex(key, "-")+1:])
	return n
}

func recordOf(r *ticket.Request) *record {
	return &record{Customer: r.Customer, Channel: r.Channel, From: r.From, ProjectAddress: r.ProjectAddress,
		Params: r.Params, Related: r.Related, Assignees: r.Assignees, Tasks: r.Tasks, CreatedAt: r.CreatedAt,
		FirstResponse: r.FirstResponse, AnsweredAt: r.AnsweredAt, ClosedAt: r.ClosedAt, Closure: r.Closure,
		Policy: r.Policy, Attachments: []ticket.Attachment{}}
}

// blockMark starts the block of request data appended to the description
// for people reading the issue in Jira; sustain itself reads the property.
const blockMark = "\n\n----\n*Request data (sustain)*\n"

func (s *Store) description(r *ticket.Request) string {
	var lines []string
	add := func(field, label, value string) {
		if value != "" && s.opts.Fields[field] == "" {
			lines = append(lines, fmt.Sprintf("* %s: %s", label, value))
		}
	}
	add("customer", "Customer", r.Customer)
	add("channel", "Channel", r.Channel)
	add("from", "From", r.From)
	add("project_address", "Project address", r.ProjectAddress)
	add("related", "Related request", r.Related)
	if s.opts.Fields["params"] == "" {
		for _, p := range r.Params {
			lines = append(lines, fmt.Sprintf("* %s: %s", p.Key, p.Value))
		}
	}
	if len(lines) == 0 {
		return r.Description
	}
	return r.Description + blockMark + strings.Join(lines, "\n")
}

// customValues are the request data for the mapped custom fields.
func (s *Store) customValues(r *ticket.Request) map[string]string {
	out := map[string]string{}
	params := make([]string, len(r.Params))
	for i, p := range r.Params {
		params[i] = p.Key + "=" + p.Value
	}
	for name, value := range map[string]string{"customer": r.Customer, "channel": r.Channel, "from": r.From,
		"project_address": r.ProjectAddress, "related": r.Related, "params": strings.Join(params, "\n")} {
		if s.opts.Fields[name] != "" && value != "" {
			out[name] = value
		}
	}
	return out
}

// Request reads a request with its history and attachments.
func (s *Store) Request(ctx context.Context, id string) (*ticket.Request, error) {
	key := strings.ToUpper(strings.TrimSpace(id))
	if _, err := strconv.Atoi(key); err == nil {
		key = s.opts.Project + "-" + key
	}
	is, err := s.api.Issue(ctx, key, jiraclient.GetOptions{
		Fields:     append(slices.Clone(readFields), "attachment"),
		Properties: []string{Property}, Expand: "changelog"})
	if err != nil {
		return nil, requestError(key, err)
	}
	if slices.Contains(is.Labels, MailboxLabel) {
		return nil, ticket.ErrNoRequest(key)
	}
	r, rec, err := s.requestOf(is)
	if err != nil {
		return nil, err
	}
	comments, err := s.api.Comments(ctx, key)
	if err != nil {
		return nil, err
	}
	if rec.EventPages > 0 {
		older, err := s.movedEvents(ctx, key, rec.EventPages)
		if err != nil {
			return nil, err
		}
		rec.Events = append(older, rec.Events...)
	}
	r.History = history(rec, comments, is)
	r.Attachments = rec.Attachments
	for _, a := range is.Attachments {
		// A file attached in Jira by hand has no checksum recorded: its
		// SHA256 is "" (documented in the README).
		if !slices.ContainsFunc(r.Attachments, func(b ticket.Attachment) bool { return b.Name == a.Filename }) {
			r.Attachments = append(r.Attachments, ticket.Attachment{Name: a.Filename, Size: a.Size, AddedAt: a.Created})
		}
	}
	if len(r.Attachments) == 0 {
		r.Attachments = nil
	}
	return r, nil
}

// readRecord decodes an issue's sustain property. A damaged one is an
// error, never "no record": writing after it would lose its history.
func (s *Store) readRecord(is *jiraclient.Issue) (*record, error) {
	rec := &record{}
	raw := is.Properties[Property]
	if len(raw) == 0 {
		return rec, nil
	}
	if err := json.Unmarshal(raw, rec); err != nil {
		return nil, problem.New(0,
			fmt.Sprintf("repair the JSON of the entity property %q of %s (GET/PUT %s/rest/api/2/issue/%s/properties/%s), or delete it to keep only Jira's own fields; sustain will not write over it",
				Property, is.Key, s.api.Site(), is.Key, Property),
			"%s: its sustain record (the %q entity property) is damaged: %v", is.Key, Property, err)
	}
	return rec, nil
}

// requestOf builds the request from the issue's fields and record, without
// its history.
func (s *Store) requestOf(is *jiraclient.Issue) (*ticket.Request, *record, error) {
	rec, err := s.readRecord(is)
	if err != nil {
		return nil, nil, err
	}
	r := &ticket.Request{ID: is.Key, Number: number(is.Key), Subject: is.Summary, Customer: rec.Customer,
		Channel: rec.Channel, From: rec.From, ProjectAddress: rec.ProjectAddress, Params: rec.Params,
		Related: rec.Related, Assignees: rec.Assignees, Tasks: rec.Tasks, CreatedAt: rec.CreatedAt,
		UpdatedAt: is.Updated, FirstResponse: rec.FirstResponse, AnsweredAt: rec.AnsweredAt,
		ClosedAt: rec.ClosedAt, Closure: rec.Closure, Policy: rec.Policy, Priority: "normal"}
	r.Description, _, _ = strings.Cut(is.Description, blockMark)
	if r.CreatedAt.IsZero() {
		r.CreatedAt = is.Created
	}
	if is.Priority != "" {
		for p, name := range s.opts.Priorities {
			if strings.EqualFold(name, is.Priority) {
				r.Priority = p
			}
		}
	}
	r.Status = s.statusOf(is.Status)
	// Resolved or closed in Jira by hand: Jira's resolution date starts the
	// auto-close clock, so the business-day rules apply to it too.
	if r.AnsweredAt == nil && (r.Status == ticket.StatusResolved || r.Status == ticket.StatusClosed) && !is.Resolved.IsZero() {
		t := is.Resolved
		r.AnsweredAt = &t
	}
	if r.Status == ticket.StatusClosed && r.ClosedAt == nil && !is.Resolved.IsZero() {
		t := is.Resolved
		r.ClosedAt = &t
	}
	for _, l := range []*[]string{&r.Assignees, &r.Tasks} {
		if *l == nil {
			*l = []string{}
		}
	}
	if r.Params == nil {
		r.Params = []ticket.Param{}
	}
	return r, rec, nil
}

// statusOf maps a Jira status: by the configured names, else by its
// category (To Do → new, In Progress → in_progress, Done → closed).
func (s *Store) statusOf(st jiraclient.Status) ticket.Status {
	for _, status := range ticket.Statuses {
		for _, name := range s.opts.Statuses[status] {
			if strings.EqualFold(name, st.Name) {
				return status
			}
		}
	}
	switch st.Category {
	case "new":
		return ticket.StatusNew
	case "done":
		return ticket.StatusClosed
	}
	return ticket.StatusInProgress
}

// history joins the record's events with their comments' texts, and adds
// what happened in Jira outside sustain: other comments and field changes.
func history(rec *record, comments []jiraclient.Comment, is *jiraclient.Issue) []ticket.Event {
	byID := map[string]jiraclient.Comment{}
	for _, c := range comments {
		byID[c.ID] = c
	}
	var out []ticket.Event
	used := map[string]bool{}
	for _, id := range rec.NoticeComments {
		used[id] = true
	}
	moved := map[string]int{} // transitions sustain made, by target status
	editedDescription := false
	for i, e := range rec.Events {
		ev := ticket.Event{At: e.At, Actor: e.Actor, Action: e.Action, Detail: e.Detail, From: e.From, To: e.To}
		if i == 0 && e.Action == string(ticket.ActOpen) {
			ev.Text, _, _ = strings.Cut(is.Description, blockMark)
		}
		if c, ok := byID[e.Comment]; ok {
			ev.Text = strings.TrimPrefix(c.Body, customerPrefix(e.Actor))
			used[c.ID] = true
		}
		if e.Moved != "" {
			moved[strings.ToLower(e.Moved)]++
		}
		if opened := len(out) > 0 && out[0].Action == string(ticket.ActOpen); opened && !editedDescription &&
			e.Action == string(ticket.ActEdit) && e.Detail == "description" {
			out[0].Text, editedDescription = ev.Text, true // the description it was opened with
		}
		out = append(out, ev)
	}
	for _, c := range comments {
		if !used[c.ID] {
			out = append(out, ticket.Event{At: c.Created, Actor: who(c.Author), Action: "jira-comment", Text: c.Body})
		}
	}
	edited := editedFields(rec)
	for _, ch := range is.Changes {
		if ch.Field == "status" && moved[strings.ToLower(ch.To)] > 0 {
			moved[strings.ToLower(ch.To)]--
			continue
		}
		if edited[strings.ToLower(ch.Field)] > 0 {
			edited[strings.ToLower(ch.Field)]-- // sustain's own edit, in its history already
			continue
		}
		out = append(out, ticket.Event{At: ch.At, Actor: who(ch.Author), Action: "jira-change",
			Detail: fmt.Sprintf("%s: %s -> %s", ch.Field, ch.From, ch.To)})
	}
	slices.SortStableFunc(out, func(a, b ticket.Event) int { return a.At.Compare(b.At) })
	for i := range out {
		out[i].Seq = i + 1
	}
	return out
}

func who(u jiraclient.User) string {
	for _, v := range []string{u.Email, u.Name, u.DisplayName, u.AccountID} {
		if v != "" {
			return v
		}
	}
	return "jira"
}

// customerPrefix marks, in Jira, the comments that carry a customer's words,
// since the account sustain uses is their author there.
func customerPrefix(actor string) string {
	if !strings.Contains(actor, "@") {
		return ""
	}
	return "*From " + actor + ":*\n"
}

// Requests searches the project. Statuses and priority go into the JQL; the
// other filters and the order of the priority system are applied here,
// over sustain's record.
func (s *Store) Requests(ctx context.Context, f ticket.Filter) ([]*ticket.Request, error) {
	jql := []string{"project = " + quote(s.opts.Project)}
	known, err := s.siteStatuses(ctx)
	if err != nil {
		return nil, err
	}
	if len(f.Statuses) > 0 {
		var names []string
		for _, st := range f.Statuses {
			for _, n := range s.opts.Statuses[st] {
				if name, ok := known[strings.ToLower(n)]; ok {
					names = append(names, quote(name))
				}
			}
		}
		if len(names) == 0 {
			return []*ticket.Request{}, nil
		}
		jql = append(jql, "status in ("+strings.Join(names, ", ")+")")
	}
	if f.Priority != "" && s.opts.Priorities[f.Priority] != "" {
		jql = append(jql, "priority = "+quote(s.opts.Priorities[f.Priority]))
	}
	var out []*ticket.Request
	err = s.api.Search(ctx, strings.Join(jql, " AND ")+" ORDER BY key ASC",
		jiraclient.SearchOptions{Fields: listFields, Properties: []string{Property}},
		func(is *jiraclient.Issue) error {
			if slices.Contains(is.Labels, MailboxLabel) {
				return nil // the mailbox issue is no request
			}
			r, _, err := s.requestOf(is)
			if err != nil {
				return err
			}
			r.Description = ""
			if f.Match(r) {
				out = append(out, r)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	var customers map[string]*ticket.Customer
	if f.Queue {
		cs, err := s.Customers(ctx)
		if err != nil {
			return nil, err
		}
		customers = map[string]*ticket.Customer{}
		for _, c := range cs {
			customers[c.Code] = c
		}
	}
	out = f.Order(out, func(code string) *ticket.Customer { return customers[code] })
	if out == nil {
		out = []*ticket.Request{}
	}
	return out, nil
}

func quote(s string) string { return strconv.Quote(s) }

// addComment adds a comment: on a Jira Service Management service desk
// through its request comment API, public for what the customer is to see
// and not public for an internal note; elsewhere through the plain comment
// API, an internal note marked with the sd.public.comment property.
func (s *Store) addComment(ctx context.Context, key, body string, internal bool) (*jiraclient.Comment, error) {
	s.mu.Lock()
	sd := s.serviceDesk
	s.mu.Unlock()
	if sd == "" {
		typ, err := s.api.ProjectType(ctx, s.opts.Project)
		if err != nil {
			return nil, err
		}
		sd = "no"
		if typ == "service_desk" {
			sd = "yes"
		}
		s.mu.Lock()
		s.serviceDesk = sd
		s.mu.Unlock()
	}
	if sd == "yes" && strings.HasPrefix(key, s.opts.Project+"-") {
		return s.api.AddRequestComment(ctx, key, body, !internal)
	}
	return s.api.AddComment(ctx, key, body, internal)
}

// siteStatuses learns the project's statuses once per store, and warns
// about the sustain statuses none of whose mapped names the project has: Jira Cloud refuses a query that
// names a status the site does not have.
func (s *Store) siteStatuses(ctx context.Context) (map[string]string, error) {
	s.mu.Lock()
	known := s.statuses
	s.mu.Unlock()
	if known != nil {
		return known, nil
	}
	sts, err := s.api.ProjectStatuses(ctx, s.opts.Project)
	if err != nil {
		return nil, err
	}
	known = map[string]string{}
	for _, st := range sts {
		known[strings.ToLower(st.Name)] = st.Name
	}
	// The defaults name alternatives (Open, To Do, New), so a status is
	// worth a warning only when none of its names exists.
	var missing []string
	for _, st := range ticket.Statuses {
		names := s.opts.Statuses[st]
		if len(names) == 0 || slices.ContainsFunc(names, func(n string) bool { _, ok := known[strings.ToLower(n)]; return ok }) {
			continue
		}
		for _, n := range names {
			missing = append(missing, fmt.Sprintf("%q (%s)", n, st))
		}
	}
	s.mu.Lock()
	first := s.statuses == nil
	s.statuses = known
	s.mu.Unlock()
	if first && len(missing) > 0 && s.opts.Warn != nil {
		s.opts.Warn(fmt.Sprintf("Jira project %s has no status %s, named in jira.requests.statuses; requests are not looked for in them (set jira.requests.statuses to the project's own statuses)",
			s.opts.Project, strings.Join(missing, ", ")))
	}
	return known, nil
}

// UpdateRequests applies change to each request in turn. Jira has no
// transactions, so the steps run in the order that fails early and says
// what was done: the transition is looked up before anything is written,
// then the comment, the transition and the record follow.
func (s *Store) UpdateRequests(ctx context.Context, ids []string, change func(*ticket.Request) (*ticket.Event, error)) ([]*ticket.Request, error) {
	var out []*ticket.Request
	for _, id := range ids {
		r, err := s.Request(ctx, id)
		if err != nil {
			return nil, err
		}
		prev := r.Status
		before := fieldsOf(r)
		ev, err := change(r)
		if errors.Is(err, ticket.ErrSkip) {
			continue
		}
		if err != nil {
			return nil, err
		}
		box, again, err := s.beforeMail(ctx, *ev)
		if err != nil {
			return nil, err
		}
		if again != nil {
			got, err := s.resumeMail(ctx, box, again, *ev, ticket.DecisionAppended)
			if err != nil {
				return nil, err
			}
			out = append(out, got)
			continue
		}
		if err := s.editFields(ctx, r, before); err != nil {
			return nil, err
		}
		seq, err := s.apply(ctx, r, prev, ev)
		if err != nil {
			return nil, err
		}
		if ev.Mail != nil {
			ev.Seq = seq
			if err := s.afterApply(ctx, box, r, *ev); err != nil {
				return nil, err
			}
		}
		got, err := s.Request(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, got)
	}
	return out, nil
}

// apply returns the event's place in the record, which numbers its notices.
func (s *Store) apply(ctx context.Context, r *ticket.Request, prev ticket.Status, ev *ticket.Event) (int, error) {
	var tr *jiraclient.Transition
	var trFields map[string]any
	if r.Status != prev {
		var err error
		if tr, trFields, err = s.transition(ctx, r.ID, prev, r.Status); err != nil {
			return 0, err
		}
	}
	e := event{At: ev.At, Actor: ev.Actor, Action: ev.Action, Detail: ev.Detail, From: ev.From, To: ev.To}
	// Checked before anything is written: events move out of the record
	// as it grows, the rest of it must fit on its own.
	pre := recordOf(r)
	pre.Attachments = r.Attachments
	pre.Events = []event{e}
	if err := fits(r.ID, pre); err != nil {
		return 0, err
	}
	var done []string
	if ev.Text != "" {
		c, err := s.addComment(ctx, r.ID, customerPrefix(ev.Actor)+ev.Text, internalAction(ev.Action))
		if err != nil {
			return 0, err
		}
		e.Comment = c.ID
		done = append(done, "the comment was added")
	}
	if tr != nil {
		if err := s.api.Transition(ctx, r.ID, tr.ID, trFields); err != nil {
			return 0, partial(r.ID, done, "moving it to "+tr.To.Name, err)
		}
		e.Moved = tr.To.Name
		done = append(done, "it moved to "+tr.To.Name)
	}
	// The record is read again just before it is written, so events
	// recorded meanwhile by someone else are kept.
	is, err := s.api.Issue(ctx, r.ID, jiraclient.GetOptions{Fields: []string{"status"}, Properties: []string{Property}})
	if err != nil {
		return 0, partial(r.ID, done, "saving its record", err)
	}
	old, err := s.readRecord(is)
	if err != nil {
		return 0, partial(r.ID, done, "saving its record", err)
	}
	rec := recordOf(r)
	rec.Attachments = old.Attachments
	if rec.Attachments == nil {
		rec.Attachments = []ticket.Attachment{}
	}
	rec.Events = append(old.Events, e)
	rec.EventPages, rec.EventsMoved = old.EventPages, old.EventsMoved
	rec.MailIn, rec.MailOut, rec.NoticeComments = old.MailIn, old.MailOut, old.NoticeComments
	if rec.CreatedAt.IsZero() {
		rec.CreatedAt = old.CreatedAt
	}
	if err := s.saveRecord(ctx, r.ID, rec); err != nil {
		return 0, partial(r.ID, done, "saving its record", err)
	}
	return rec.EventsMoved + len(rec.Events), nil
}

// eventPage is a page of older events, moved out of the record.
type eventPage struct {
	Events []event `json:"events"`
}

func pageProperty(n int) string { return Property + ".events." + strconv.Itoa(n) }

// saveRecord writes the record (at most maxProperty bytes of JSON, which
// are never fewer than the characters Jira counts), first moving its oldest events into a new
// page property while it is over the limit. A page is written before the
// record that counts it, so a failure in between leaves the old record
// whole (the page is written again next time, under the same name).
func (s *Store) saveRecord(ctx context.Context, key string, rec *record) error {
	for {
		data, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if len(data) <= maxProperty {
			return s.api.SetProperty(ctx, key, Property, json.RawMessage(data))
		}
		if len(rec.Events) <= 1 {
			return fits(key, rec)
		}
		// The page takes the oldest events that fit, keeping the newest
		// in the record.
		n, size := 0, len(`{"events":[]}`)
		for n < len(rec.Events)-1 {
			b, err := json.Marshal(rec.Events[n])
			if err != nil {
				return err
			}
			if size+len(b)+1 > maxProperty {
				break
			}
			size += len(b) + 1
			n++
		}
		if n == 0 {
			return fits(key, rec)
		}
		page := eventPage{Events: rec.Events[:n]}
		if err := s.api.SetProperty(ctx, key, pageProperty(rec.EventPages+1), page); err != nil {
			return err
		}
		rec.Events = slices.Clone(rec.Events[n:])
		rec.EventPages++
		rec.EventsMoved += n
	}
}

// fits says whether a record with at most its last event fits in an
// entity property: what is not history (attachments, mail ids, params)
// cannot move out of it.
func fits(key string, rec *record) error {
	small := *rec
	if len(small.Events) > 1 {
		small.Events = small.Events[len(small.Events)-1:]
	}
	data, err := json.Marshal(&small)
	if err != nil {
		return err
	}
	if len(data) <= maxProperty {
		return nil
	}
	return problem.New(0, "open a new request for further work and link it (ticket link), or remove attachments recorded on this one",
		"%s: its sustain record would be %d characters even without its history, over the %d sustain allows an entity property (Jira's limit is 32,768); nothing was written",
		key, len(data), maxProperty)
}

// movedEvents reads the pages of older events, oldest first.
func (s *Store) movedEvents(ctx context.Context, key string, pages int) ([]event, error) {
	var out []event
	for i := 1; i <= pages; i++ {
		raw, found, err := s.api.Property(ctx, key, pageProperty(i))
		if err != nil {
			return nil, err
		}
		var p eventPage
		if !found || json.Unmarshal(raw, &p) != nil {
			return nil, problem.New(0, fmt.Sprintf("restore the entity property %q of %s; sustain will not write over its history", pageProperty(i), key),
				"%s: page %d of its older history (the %q entity property) is missing or damaged", key, i, pageProperty(i))
		}
		out = append(out, p.Events...)
	}
	return out, nil
}

func partial(key string, done []string, step string, err error) error {
	if len(done) == 0 {
		return err
	}
	return problem.New(0, "check "+key+" in Jira before running the command again",
		"%s: %s, but %s failed: %v", key, strings.Join(done, " and "), step, err)
}

// transition finds the workflow transition to a sustain status and the
// fields it needs. A missing one is an error naming what Jira offered.
func (s *Store) transition(ctx context.Context, key string, from, to ticket.Status) (*jiraclient.Transition, map[string]any, error) {
	want := s.opts.Transitions[to]
	ts, err := s.api.Transitions(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	for i := range ts {
		t := &ts[i]
		if !strings.EqualFold(t.Name, want) && !strings.EqualFold(t.To.Name, want) {
			continue
		}
		fields := map[string]any{}
		var missing []string
		for name, f := range t.Fields {
			switch {
			case name == "resolution":
				fields["resolution"] = map[string]string{"name": s.opts.Resolution}
			case f.Required && !f.HasDefault:
				// A required field with a default is filled by Jira.
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			slices.Sort(missing)
			return nil, nil, problem.New(problem.Usage, "make the fields optional on that transition's screen, or choose another transition",
				"the Jira transition %q of %s requires fields sustain does not fill: %s", t.Name, key, strings.Join(missing, ", "))
		}
		return t, fields, nil
	}
	offered := make([]string, len(ts))
	for i, t := range ts {
		offered[i] = fmt.Sprintf("%q (to %s)", t.Name, t.To.Name)
	}
	if len(offered) == 0 {
		offered = []string{"none"}
	}
	return nil, nil, problem.New(problem.Usage,
		fmt.Sprintf("set jira.requests.transitions.%s to one of them, or change the project's workflow", to),
		"%s: the workflow offers no transition %q for %s -> %s; Jira offers: %s", key, want, from, to, strings.Join(offered, ", "))
}

// AttachmentData downloads an attachment and checks it against the
// checksum recorded when sustain uploaded it.
func (s *Store) AttachmentData(ctx context.Context, id, name string) (*ticket.Attachment, []byte, error) {
	key := strings.ToUpper(strings.TrimSpace(id))
	is, err := s.api.Issue(ctx, key, jiraclient.GetOptions{Fields: []string{"attachment"}, Properties: []string{Property}})
	if err != nil {
		return nil, nil, requestError(key, err)
	}
	rec, err := s.readRecord(is)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range is.Attachments {
		if a.Filename != name {
			continue
		}
		data, err := s.api.Download(ctx, a.Content)
		if err != nil {
			return nil, nil, err
		}
		sum := sha256.Sum256(data)
		att := &ticket.Attachment{Name: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), AddedAt: a.Created}
		for _, known := range rec.Attachments {
			if known.Name == name {
				att = &known // verified by the caller against what was uploaded
				break
			}
		}
		return att, data, nil
	}
	return nil, nil, ticket.ErrNoAttachment(key, name)
}

var _ ticket.Store = (*Store)(nil)

// requestError reads "issue not found" as the store's unknown request.
func requestError(key string, err error) error {
	var pe *problem.Error
	if errors.As(err, &pe) && pe.Kind == problem.NotFound {
		return ticket.ErrNoRequest(key)
	}
	return err
}
