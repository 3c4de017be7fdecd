// Package jiratest is an in-memory Jira for tests: an httptest server that
// answers the REST v2 calls sustain makes with the JSON shapes of Atlassian's
// REST reference (issue, search with both endpoints and their paging,
// comments, transitions, attachments, entity properties, changelog,
// versions, project statuses, serverInfo, Service Management comments),
// and can be told to fail: 429 with Retry-After or X-RateLimit-Reset, 500,
// slow answers, 410 on the removed search endpoint, redirects, HTML pages,
// gateway errors after the write was applied. It counts requests so tests
// can prove batching and caching.
//
// Its strict mode, on by default, is real Jira where a naive fake would
// believe what the code believes (see SetStrict); Data Center mode ignores
// the properties parameter of search, as Data Center does. Registry (registry.go) is the other
// kind of fake: recorded answers that must each be used.
package jiratest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Server is a fake Jira site.
type Server struct {
	*httptest.Server

	// mu guards everything below: handlers run on the server's goroutines
	// while the test changes the settings.
	mu sync.Mutex
	// cloud makes GET /rest/api/2/search answer 410 Gone, as Jira Cloud does.
	cloud bool
	// pageSize caps maxResults, to force paging in tests (default 50).
	pageSize int
	// user and token, when token is set, are the credentials required:
	// basic auth when user is set, else a bearer token.
	user, token string
	projects    map[string]*project
	issues      map[string]*issue
	files       map[string][]byte // attachment id → content
	faults      []*Fault
	log         []string
	nextID      int
	now         func() time.Time
	// strict makes the fake as strict as real Jira where sustain's code
	// could believe otherwise (on by default; see SetStrict).
	strict bool
	// siteStatuses are the statuses the site has; JQL naming another is a
	// 400, as on Cloud.
	siteStatuses []string
	// dataCenter makes serverInfo say Server and search ignore the
	// properties parameter, as Data Center does.
	dataCenter bool
	// serviceDesks are the projects that are Jira Service Management
	// service desks.
	serviceDesks map[string]bool
	// extraFields are further fields of transitions' screens, by
	// transition name.
	extraFields map[string][]TransitionField
	// inFlight and maxInFlight count the requests being answered.
	inFlight, maxInFlight int
}

type project struct {
	id, key  string
	next     int
	versions []map[string]any
}

type issue struct {
	id, key, project string
	fields           map[string]any // summary, description, issuetype, priority, labels, fixVersions, custom fields
	status           string
	resolution       string
	resolved         time.Time
	created, updated time.Time
	comments         []map[string]any
	histories        []map[string]any
	attachments      []map[string]any
	props            map[string]json.RawMessage
}

// Fault is an injected failure for requests whose "METHOD path" starts with
// Match ("" matches every request); it applies Times times (default once).
type Fault struct {
	Match      string
	Status     int
	RetryAfter string
	Delay      time.Duration
	Times      int
	// Echo puts the request's Authorization header in the error body, as
	// a careless proxy or plugin does.
	Echo bool
	// Body, when set, is the answer as is (with Status, default 200): a
	// malformed answer from a proxy or a broken plugin.
	Body string
	// Redirect, when set, answers with Status (default 302) and this
	// Location, as an http:// site or an SSO proxy does.
	Redirect string
	// HTML makes Body (or, when empty, a login page) an HTML page.
	HTML bool
	// Header is added to the fault's answer (X-RateLimit-Reset).
	Header map[string]string
	// Applied makes the request take effect before the fault's answer: a
	// gateway error after the write was done.
	Applied bool
}

// New starts a fake Jira with the given projects.
func New(projects ...string) *Server {
	s := &Server{pageSize: 50, projects: map[string]*project{}, issues: map[string]*issue{}, files: map[string][]byte{}, now: time.Now, nextID: 10000,
		strict: true}
	for _, st := range statuses {
		s.siteStatuses = append(s.siteStatuses, st.name)
	}
	for i, p := range projects {
		s.projects[p] = &project{id: strconv.Itoa(10000 + i), key: p}
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// SetCloud makes the classic search answer 410 Gone, as Jira Cloud does.
func (s *Server) SetCloud(cloud bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cloud = cloud
}

// SetStrict turns the strict mode on or off. Strict (the default) is real
// Jira's behaviour where it is stricter than a naive fake: JQL naming a
// status the site lacks is a 400, an entity property over 32,768
// characters is a 400, the upload XSRF header must be "no-check", a version
// is created with projectId, REST calls must accept JSON, and the classic
// search takes validateQuery only as true or false.
func (s *Server) SetStrict(strict bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.strict = strict
}

// SetServiceDesk makes a project a Jira Service Management service desk:
// its projectTypeKey is service_desk and its issues take comments through
// /rest/servicedeskapi/request/{key}/comment.
func (s *Server) SetServiceDesk(project string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.serviceDesks == nil {
		s.serviceDesks = map[string]bool{}
	}
	s.serviceDesks[project] = true
}

// TransitionField is a further field on a transition's screen.
type TransitionField struct {
	ID         string
	Required   bool
	HasDefault bool
}

// AddTransitionField puts a field on the screen of the named transition
// (Start Progress, Wait for customer, Resolve Issue, Close Issue, Reopen
// Issue). A required field without a default must be sent with the
// transition; one with a default may be left out.
func (s *Server) AddTransitionField(transition string, f TransitionField) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.extraFields == nil {
		s.extraFields = map[string][]TransitionField{}
	}
	s.extraFields[transition] = append(s.extraFields[transition], f)
}

// SetStatuses sets the statuses the site has (all of the fake workflow's by
// default); the workflow's transitions to a missing status disappear.
func (s *Server) SetStatuses(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.siteStatuses = append([]string(nil), names...)
}

// SetDataCenter makes the site a Data Center one: serverInfo says so and
// search ignores the properties parameter.
func (s *Server) SetDataCenter(dc bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataCenter = dc
}

func (s *Server) hasStatus(name string) bool {
	for _, n := range s.siteStatuses {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// SetPageSize caps maxResults, to force paging.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = n
}

// SetCredentials requires a token from now on: basic auth as user when user
// is set, else a bearer token; an empty token lets everyone in.
func (s *Server) SetCredentials(user, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.token = user, token
}

// Inject queues a failure.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// Count is the number of requests whose "METHOD path?query" starts with prefix.
func (s *Server) Count(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range s.log {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// MaxInFlight is the most requests answered at the same time so far.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// Log lists the requests received, as "METHOD path?query".
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// AddIssue puts an issue straight into the fake, as if made in Jira's UI.
// fields holds summary, issuetype (a name), status, labels, fixVersions
// (names) and any other field verbatim.
func (s *Server) AddIssue(key string, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, n, _ := strings.Cut(key, "-")
	num, _ := strconv.Atoi(n)
	if s.projects[p] == nil {
		s.projects[p] = &project{id: strconv.Itoa(20000 + len(s.projects)), key: p}
	}
	if s.projects[p].next < num {
		s.projects[p].next = num
	}
	is := s.newIssue(key, p)
	for k, v := range fields {
		switch k {
		case "status":
			is.status = v.(string)
			if is.status == "Resolved" || is.status == "Closed" {
				is.resolution, is.resolved = "Done", is.created
			}
		case "issuetype":
			is.fields[k] = map[string]any{"name": v, "subtask": false}
		case "fixVersions":
			var vs []map[string]any
			for _, name := range v.([]string) {
				vs = append(vs, map[string]any{"name": name, "archived": false, "released": false})
			}
			is.fields[k] = vs
		default:
			is.fields[k] = v
		}
	}
}

// Comment adds a comment as a person would in Jira's UI.
func (s *Server) Comment(key, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.issues[key]; is != nil {
		s.nextID++
		now := s.now().Format(jiraTime)
		is.comments = append(is.comments, map[string]any{"self": s.self("issue/" + is.id + "/comment/" + strconv.Itoa(s.nextID)),
			"id": strconv.Itoa(s.nextID), "author": agent, "body": body, "updateAuthor": agent, "created": now, "updated": now, "jsdPublic": true})
	}
}

// Change records a field change in an issue's changelog, as a person's
// edit in Jira's UI would.
func (s *Server) Change(key, field, from, to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.issues[key]; is != nil {
		s.changed(is, field, from, to)
	}
}

// Property returns an issue's entity property, or nil.
func (s *Server) Property(key, name string) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.issues[key]; is != nil {
		return is.props[name]
	}
	return nil
}

// SetProperty stores an entity property as is, in whatever shape a script
// or another tool left it; it must be valid JSON, as Jira requires.
func (s *Server) SetProperty(key, name string, value []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.issues[key]; is != nil {
		is.props[name] = append(json.RawMessage(nil), value...)
	}
}

// Field returns an issue's field as stored, or nil.
func (s *Server) Field(key, name string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.issues[key]; is != nil {
		if name == "status" {
			return is.status
		}
		return is.fields[name]
	}
	return nil
}

func (s *Server) newIssue(key, proj string) *issue {
	s.nextID++
	now := s.now()
	is := &issue{id: strconv.Itoa(s.nextID), key: key, project: proj, status: "Open", created: now, updated: now,
		fields: map[string]any{"labels": []string{}, "fixVersions": []map[string]any{}}, props: map[string]json.RawMessage{}}
	s.issues[key] = is
	return is
}

const jiraTime = "2006-01-02T15:04:05.000-0700"

// loginPage is what an SSO proxy or Jira's own login answers a request
// without a valid session with.
const loginPage = `<!DOCTYPE html>
<html><head><title>Log in - Jira</title><script>var x = "<b>not text</b>";</script></head>
<body><h1>Log in to continue</h1><form action="/login.jsp" method="post"><input name="os_username"></form></body></html>
`

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	line := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		line += "?" + r.URL.RawQuery
	}
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	s.log = append(s.log, line)
	var fault *Fault
	for i, f := range s.faults {
		if strings.HasPrefix(line, f.Match) {
			fault = f
			if f.Times--; f.Times <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			break
		}
	}
	authorized := s.authorized(r)
	s.mu.Unlock()
	if fault != nil {
		for k, v := range fault.Header {
			w.Header().Set(k, v)
		}
		if fault.Delay > 0 {
			// Reading the body to its end lets the server notice a client
			// that gives up, so a stalled POST ends with its client.
			data, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(data))
			select {
			case <-time.After(fault.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if fault.Redirect != "" {
			w.Header().Set("Location", fault.Redirect)
			w.WriteHeader(cmp.Or(fault.Status, http.StatusFound))
			return
		}
		if fault.Applied && authorized {
			s.mu.Lock()
			s.route(httptest.NewRecorder(), r)
			s.mu.Unlock()
		}
		if fault.HTML {
			body := fault.Body
			if body == "" {
				body = loginPage
			}
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			w.Header().Set("Content-Type", "text/html;charset=UTF-8")
			w.WriteHeader(cmp.Or(fault.Status, http.StatusOK))
			_, _ = io.WriteString(w, body)
			return
		}
		if fault.Body != "" {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			w.WriteHeader(cmp.Or(fault.Status, http.StatusOK))
			_, _ = io.WriteString(w, fault.Body)
			return
		}
		if fault.Status != 0 {
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			msg := http.StatusText(fault.Status)
			if fault.Echo {
				msg += " (Authorization: " + r.Header.Get("Authorization") + ")"
			}
			writeJSON(w, fault.Status, errorBody(msg))
			return
		}
	}
	if !authorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
		writeJSON(w, http.StatusUnauthorized, errorBody("You are not authenticated. Authentication required to perform this operation."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.route(w, r)
}

// authorized is called with s.mu held.
func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return true
	}
	got := r.Header.Get("Authorization")
	if s.user != "" {
		return got == "Basic "+base64.StdEncoding.EncodeToString([]byte(s.user+":"+s.token))
	}
	return got == "Bearer "+s.token
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/secure/attachment/"); ok && r.Method == http.MethodGet {
		id, _, _ := strings.Cut(rest, "/")
		data, ok := s.files[id]
		if !ok {
			writeJSON(w, http.StatusNotFound, errorBody("The attachment does not exist."))
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(data)
		return
	}
	if rest, ok := strings.CutPrefix(path, "/rest/servicedeskapi/request/"); ok {
		key, sub, _ := strings.Cut(rest, "/")
		is := s.issues[strings.ToUpper(key)]
		switch {
		case is == nil || !s.serviceDesks[is.project]:
			writeJSON(w, http.StatusNotFound, errorBody("The request could not be found, or it is not a service desk request."))
		case sub == "comment" && r.Method == http.MethodPost:
			s.addRequestComment(w, r, is)
		default:
			writeJSON(w, http.StatusNotFound, errorBody("No resource"))
		}
		return
	}
	rest, ok := strings.CutPrefix(path, "/rest/api/2/")
	if s.strict && ok && !strings.Contains(r.Header.Get("Accept"), "application/json") {
		// Jira answers JSON either way; the strict fake holds sustain to
		// the documented Accept header on what it sends.
		writeJSON(w, http.StatusNotAcceptable, errorBody("Send Accept: application/json."))
		return
	}
	if !ok {
		writeJSON(w, http.StatusNotFound, errorBody("Not found"))
		return
	}
	parts := strings.Split(rest, "/")
	switch {
	case rest == "search" && r.Method == http.MethodGet:
		s.searchClassic(w, r)
	case rest == "search/jql" && r.Method == http.MethodGet:
		s.searchJQL(w, r)
	case rest == "issue" && r.Method == http.MethodPost:
		s.create(w, r)
	case rest == "serverInfo" && r.Method == http.MethodGet:
		dt := "Cloud"
		if s.dataCenter || !s.cloud {
			dt = "Server"
		}
		writeJSON(w, http.StatusOK, map[string]any{"baseUrl": s.URL, "version": "9.12.0", "versionNumbers": []int{9, 12, 0},
			"deploymentType": dt, "buildNumber": 912000, "serverTitle": "Jira"})
	case rest == "version" && r.Method == http.MethodPost:
		s.createVersion(w, r)
	case parts[0] == "attachment" && len(parts) == 2 && r.Method == http.MethodGet:
		for _, is := range s.issues {
			for _, a := range is.attachments {
				if a["id"] == parts[1] {
					writeJSON(w, http.StatusOK, a)
					return
				}
			}
		}
		writeJSON(w, http.StatusNotFound, errorBody("The attachment with id '"+parts[1]+"' does not exist"))
	case parts[0] == "project" && len(parts) >= 2:
		s.project(w, r, parts[1:])
	case parts[0] == "issue" && len(parts) >= 2:
		is := s.issues[strings.ToUpper(parts[1])]
		if is == nil {
			writeJSON(w, http.StatusNotFound, errorBody("Issue does not exist or you do not have permission to see it."))
			return
		}
		s.issueRoute(w, r, is, parts[2:])
	default:
		writeJSON(w, http.StatusNotFound, errorBody("No resource at "+path))
	}
}

func (s *Server) issueRoute(w http.ResponseWriter, r *http.Request, is *issue, parts []string) {
	sub := strings.Join(parts, "/")
	switch {
	case sub == "" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.issueJSON(is, fieldSet(r.URL.Query().Get("fields")), r.URL.Query().Get("properties"), r.URL.Query().Get("expand")))
	case sub == "" && r.Method == http.MethodPut:
		s.edit(w, r, is)
	case sub == "comment" && r.Method == http.MethodPost:
		s.addComment(w, r, is)
	case sub == "comment" && r.Method == http.MethodGet:
		start, _ := strconv.Atoi(r.URL.Query().Get("startAt"))
		limit := s.limit(r.URL.Query().Get("maxResults"))
		start = min(start, len(is.comments))
		end := min(start+limit, len(is.comments))
		page := append([]map[string]any{}, is.comments[start:end]...) // [] when none, as Jira sends
		writeJSON(w, http.StatusOK, map[string]any{"startAt": start, "maxResults": limit, "total": len(is.comments), "comments": page})
	case sub == "changelog" && r.Method == http.MethodGet:
		start, _ := strconv.Atoi(r.URL.Query().Get("startAt"))
		limit := min(s.limit(r.URL.Query().Get("maxResults")), 100)
		start = min(max(start, 0), len(is.histories))
		end := min(start+limit, len(is.histories))
		page := append([]map[string]any{}, is.histories[start:end]...)
		writeJSON(w, http.StatusOK, map[string]any{"self": s.self("issue/" + is.key + "/changelog"), "startAt": start, "maxResults": limit,
			"total": len(is.histories), "isLast": end >= len(is.histories), "values": page})
	case sub == "transitions" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"expand": "transitions", "transitions": s.transitions(is, r.URL.Query().Get("expand") != "")})
	case sub == "transitions" && r.Method == http.MethodPost:
		s.transition(w, r, is)
	case sub == "attachments" && r.Method == http.MethodPost:
		s.attach(w, r, is)
	case sub == "properties" && r.Method == http.MethodGet:
		names := make([]string, 0, len(is.props))
		for name := range is.props {
			names = append(names, name)
		}
		sort.Strings(names)
		keys := []map[string]any{}
		for _, name := range names {
			keys = append(keys, map[string]any{"self": s.self("issue/" + is.id + "/properties/" + name), "key": name})
		}
		writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
	case len(parts) == 2 && parts[0] == "properties" && r.Method == http.MethodGet:
		v, ok := is.props[parts[1]]
		if !ok {
			writeJSON(w, http.StatusNotFound, errorBody(fmt.Sprintf("The property with key '%s' does not exist.", parts[1])))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"key": parts[1], "value": v})
	case len(parts) == 2 && parts[0] == "properties" && r.Method == http.MethodPut:
		data, _ := io.ReadAll(r.Body)
		if !json.Valid(data) {
			writeJSON(w, http.StatusBadRequest, errorBody("The property value must be valid JSON."))
			return
		}
		// Jira's documented limit on a property value.
		if s.strict && utf8.RuneCount(data) > 32768 {
			writeJSON(w, http.StatusBadRequest, errorBody("The property value must not be longer than 32768 characters."))
			return
		}
		status := http.StatusCreated
		if _, ok := is.props[parts[1]]; ok {
			status = http.StatusOK
		}
		is.props[parts[1]] = data
		w.WriteHeader(status)
	default:
		writeJSON(w, http.StatusNotFound, errorBody("No resource"))
	}
}

func errorBody(msgs ...string) map[string]any {
	return map[string]any{"errorMessages": msgs, "errors": map[string]string{}}
}

func fieldError(field, msg string) map[string]any {
	return map[string]any{"errorMessages": []string{}, "errors": map[string]string{field: msg}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) limit(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > s.pageSize {
		return s.pageSize
	}
	return n
}

func (s *Server) self(path string) string { return s.URL + "/rest/api/2/" + path }

// agent is a person working in Jira's UI.
var agent = map[string]any{"accountId": "5b10ac8d82e05b22cc7d4ef5", "name": "olga", "emailAddress": "olga@example.com",
	"displayName": "Olga Agent", "active": true, "timeZone": "Europe/Moscow"}

var user = map[string]any{"accountId": "5b10a2844c20165700ede21g", "name": "sustain-bot", "emailAddress": "bot@example.com",
	"displayName": "Sustain Bot", "active": true, "timeZone": "Europe/Moscow"}

// statuses are the fake workflow: every status with its category.
var statuses = []struct{ id, name, category string }{
	{"1", "Open", "new"}, {"3", "In Progress", "indeterminate"}, {"10001", "Waiting for customer", "indeterminate"},
	{"5", "Resolved", "done"}, {"6", "Closed", "done"},
}

// transitionsDef: id, name, target status, whether resolution is required.
var transitionsDef = []struct {
	id, name, to string
	resolution   bool
}{
	{"11", "Start Progress", "In Progress", false}, {"21", "Wait for customer", "Waiting for customer", false},
	{"31", "Resolve Issue", "Resolved", true}, {"41", "Close Issue", "Closed", true}, {"51", "Reopen Issue", "Open", false},
}

func (s *Server) statusJSON(name string) map[string]any {
	for _, st := range statuses {
		if st.name == name {
			cat := map[string]any{"new": map[string]any{"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
				"indeterminate": map[string]any{"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"},
				"done":          map[string]any{"id": 3, "key": "done", "colorName": "green", "name": "Done"}}[st.category]
			return map[string]any{"self": s.self("status/" + st.id), "id": st.id, "name": st.name, "description": "", "statusCategory": cat}
		}
	}
	return map[string]any{"name": name}
}

func (s *Server) transitions(is *issue, withFields bool) []map[string]any {
	var out []map[string]any
	for _, t := range transitionsDef {
		if t.to == is.status || (is.status == "Closed" && t.to != "Open") || !s.hasStatus(t.to) {
			continue
		}
		tr := map[string]any{"id": t.id, "name": t.name, "to": s.statusJSON(t.to), "hasScreen": t.resolution,
			"isGlobal": true, "isInitial": false, "isConditional": false}
		if withFields {
			fields := map[string]any{}
			if t.resolution {
				fields["resolution"] = map[string]any{"required": true, "name": "Resolution", "key": "resolution",
					"schema": map[string]any{"type": "resolution", "system": "resolution"}, "operations": []string{"set"},
					"allowedValues": []map[string]any{{"id": "10000", "name": "Done"}, {"id": "10001", "name": "Won't Do"}}}
			}
			for _, f := range s.extraFields[t.name] {
				fields[f.ID] = map[string]any{"required": f.Required, "hasDefaultValue": f.HasDefault, "name": f.ID, "key": f.ID,
					"schema":     map[string]any{"type": "string", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:textfield"},
					"operations": []string{"set"}}
			}
			tr["fields"] = fields
		}
		out = append(out, tr)
	}
	return out
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Fields map[string]json.RawMessage `json:"fields"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody("Unexpected character in the request body."))
		return
	}
	var proj struct{ Key string }
	_ = json.Unmarshal(in.Fields["project"], &proj)
	p := s.projects[proj.Key]
	if p == nil {
		writeJSON(w, http.StatusBadRequest, fieldError("project", "valid project is required"))
		return
	}
	var summary string
	if json.Unmarshal(in.Fields["summary"], &summary); strings.TrimSpace(summary) == "" {
		writeJSON(w, http.StatusBadRequest, fieldError("summary", "You must specify a summary of the issue."))
		return
	}
	if _, ok := in.Fields["issuetype"]; !ok {
		writeJSON(w, http.StatusBadRequest, fieldError("issuetype", "issue type is required"))
		return
	}
	p.next++
	is := s.newIssue(fmt.Sprintf("%s-%d", p.key, p.next), p.key)
	for k, raw := range in.Fields {
		if k == "project" {
			continue
		}
		var v any
		_ = json.Unmarshal(raw, &v)
		is.fields[k] = v
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": is.id, "key": is.key, "self": s.self("issue/" + is.id)})
}

func (s *Server) edit(w http.ResponseWriter, r *http.Request, is *issue) {
	var in struct {
		Fields map[string]any                         `json:"fields"`
		Update map[string][]map[string]map[string]any `json:"update"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody("Unexpected character in the request body."))
		return
	}
	for k, v := range in.Fields {
		// Jira's changelog records edits of these fields, by their names.
		switch k {
		case "summary", "description":
			if old, _ := is.fields[k].(string); old != v {
				now, _ := v.(string)
				s.changed(is, k, old, now)
			}
		case "priority":
			om, _ := is.fields[k].(map[string]any)
			nm, _ := v.(map[string]any)
			old, _ := om["name"].(string)
			now, _ := nm["name"].(string)
			if old != now {
				s.changed(is, k, old, now)
			}
		}
		is.fields[k] = v
	}
	for field, ops := range in.Update {
		if field != "fixVersions" {
			writeJSON(w, http.StatusBadRequest, fieldError(field, "Field does not support update"))
			return
		}
		for _, op := range ops {
			add, ok := op["add"]
			if !ok {
				continue
			}
			name, _ := add["name"].(string)
			if s.version(is.project, name) == nil {
				writeJSON(w, http.StatusBadRequest, fieldError("fixVersions", fmt.Sprintf("Version name '%s' is not valid", name)))
				return
			}
			vs, _ := is.fields["fixVersions"].([]map[string]any)
			have := false
			for _, v := range vs {
				have = have || v["name"] == name
			}
			if !have {
				is.fields["fixVersions"] = append(vs, s.version(is.project, name))
				s.changed(is, "Fix Version", "", name)
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) version(proj, name string) map[string]any {
	if p := s.projects[proj]; p != nil {
		for _, v := range p.versions {
			if v["name"] == name {
				return v
			}
		}
	}
	return nil
}

func (s *Server) project(w http.ResponseWriter, r *http.Request, parts []string) {
	p := s.projects[parts[0]]
	if p == nil {
		writeJSON(w, http.StatusNotFound, errorBody(fmt.Sprintf("No project could be found with key '%s'.", parts[0])))
		return
	}
	switch {
	case len(parts) == 1 && r.Method == http.MethodGet:
		typ := "software"
		if s.serviceDesks[p.key] {
			typ = "service_desk"
		}
		writeJSON(w, http.StatusOK, map[string]any{"self": s.self("project/" + p.id), "id": p.id, "key": p.key, "name": p.key + " project", "projectTypeKey": typ})
	case len(parts) == 2 && parts[1] == "statuses" && r.Method == http.MethodGet:
		sts := []map[string]any{}
		for _, name := range s.siteStatuses {
			sts = append(sts, s.statusJSON(name))
		}
		var types []map[string]any
		for i, t := range []string{"Task", "Bug"} {
			types = append(types, map[string]any{"self": s.self("issuetype/" + strconv.Itoa(i+1)), "id": strconv.Itoa(i + 1), "name": t, "subtask": false, "statuses": sts})
		}
		writeJSON(w, http.StatusOK, types)
	case len(parts) == 2 && parts[1] == "versions" && r.Method == http.MethodGet:
		vs := p.versions
		if vs == nil {
			vs = []map[string]any{}
		}
		writeJSON(w, http.StatusOK, vs)
	default:
		writeJSON(w, http.StatusNotFound, errorBody("No resource"))
	}
}

func (s *Server) createVersion(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name      string `json:"name"`
		Project   string `json:"project"`
		ProjectID *int64 `json:"projectId"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	var p *project
	if in.ProjectID != nil {
		for _, q := range s.projects {
			if q.id == strconv.FormatInt(*in.ProjectID, 10) {
				p, in.Project = q, q.key
			}
		}
	} else if !s.strict {
		p = s.projects[in.Project]
	}
	if p == nil {
		writeJSON(w, http.StatusBadRequest, fieldError("project", "Project must be specified to create a version."))
		return
	}
	if s.version(in.Project, in.Name) != nil {
		writeJSON(w, http.StatusBadRequest, fieldError("name", "A version with this name already exists in this project."))
		return
	}
	s.nextID++
	v := map[string]any{"self": s.self("version/" + strconv.Itoa(s.nextID)), "id": strconv.Itoa(s.nextID), "name": in.Name,
		"archived": false, "released": false, "projectId": p.id}
	p.versions = append(p.versions, v)
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) addComment(w http.ResponseWriter, r *http.Request, is *issue) {
	var in struct {
		Body       string           `json:"body"`
		Properties []map[string]any `json:"properties"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || strings.TrimSpace(in.Body) == "" {
		writeJSON(w, http.StatusBadRequest, fieldError("comment", "Comment body can not be empty!"))
		return
	}
	s.nextID++
	now := s.now()
	c := map[string]any{"self": s.self("issue/" + is.id + "/comment/" + strconv.Itoa(s.nextID)), "id": strconv.Itoa(s.nextID),
		"author": user, "body": in.Body, "updateAuthor": user, "created": now.Format(jiraTime), "updated": now.Format(jiraTime),
		"jsdPublic": len(in.Properties) == 0}
	if len(in.Properties) > 0 {
		c["properties"] = in.Properties
	}
	is.comments = append(is.comments, c)
	is.updated = now
	writeJSON(w, http.StatusCreated, c)
}

// addRequestComment is Jira Service Management's comment: public for the
// customer, or an internal note.
func (s *Server) addRequestComment(w http.ResponseWriter, r *http.Request, is *issue) {
	var in struct {
		Body   string `json:"body"`
		Public *bool  `json:"public"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || strings.TrimSpace(in.Body) == "" || in.Public == nil {
		writeJSON(w, http.StatusBadRequest, errorBody("A comment needs a body and public true or false."))
		return
	}
	s.nextID++
	now := s.now()
	id := strconv.Itoa(s.nextID)
	c := map[string]any{"self": s.self("issue/" + is.id + "/comment/" + id), "id": id,
		"author": user, "body": in.Body, "updateAuthor": user, "created": now.Format(jiraTime), "updated": now.Format(jiraTime),
		"jsdPublic": *in.Public}
	is.comments = append(is.comments, c)
	is.updated = now
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "body": in.Body, "public": *in.Public, "author": user,
		"created": map[string]any{"iso8601": now.Format("2006-01-02T15:04:05-0700"), "jira": now.Format(jiraTime),
			"friendly": "Today", "epochMillis": now.UnixMilli()},
		"_links": map[string]any{"self": s.URL + "/rest/servicedeskapi/request/" + is.id + "/comment/" + id}})
}

// CommentPublic says whether an issue's comment is public (jsdPublic);
// found is false when there is no such comment.
func (s *Server) CommentPublic(key, body string) (public, found bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.issues[key]; is != nil {
		for _, c := range is.comments {
			if strings.Contains(c["body"].(string), body) {
				return c["jsdPublic"].(bool), true
			}
		}
	}
	return false, false
}

func (s *Server) transition(w http.ResponseWriter, r *http.Request, is *issue) {
	var in struct {
		Transition struct {
			ID string `json:"id"`
		} `json:"transition"`
		Fields map[string]json.RawMessage `json:"fields"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody("Unexpected character in the request body."))
		return
	}
	for _, t := range s.transitions(is, true) {
		if t["id"] != in.Transition.ID {
			continue
		}
		to := t["to"].(map[string]any)["name"].(string)
		for _, f := range s.extraFields[t["name"].(string)] {
			if _, given := in.Fields[f.ID]; f.Required && !f.HasDefault && !given {
				writeJSON(w, http.StatusBadRequest, fieldError(f.ID, f.ID+" is required."))
				return
			}
		}
		if _, needs := t["fields"].(map[string]any)["resolution"]; needs {
			var rf struct{ Name string }
			_ = json.Unmarshal(in.Fields["resolution"], &rf)
			res := rf.Name
			if res != "Done" && res != "Won't Do" {
				writeJSON(w, http.StatusBadRequest, fieldError("resolution", "Resolution is required."))
				return
			}
			is.resolution, is.resolved = res, s.now()
		} else if to == "Open" || to == "In Progress" || to == "Waiting for customer" {
			is.resolution, is.resolved = "", time.Time{}
		}
		s.changed(is, "status", is.status, to)
		is.status = to
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusBadRequest, errorBody(fmt.Sprintf("Transition id '%s' is not valid for this issue.", in.Transition.ID)))
}

func (s *Server) changed(is *issue, field, from, to string) {
	s.nextID++
	now := s.now()
	is.histories = append(is.histories, map[string]any{"id": strconv.Itoa(s.nextID), "author": user, "created": now.Format(jiraTime),
		"items": []map[string]any{{"field": field, "fieldtype": "jira", "from": nil, "fromString": from, "to": nil, "toString": to}}})
	is.updated = now
}

func (s *Server) attach(w http.ResponseWriter, r *http.Request, is *issue) {
	// The reference asks for "no-check"; the strict fake refuses the
	// deprecated "nocheck", which go-jira sends.
	if t := r.Header.Get("X-Atlassian-Token"); t != "no-check" && (s.strict || t != "nocheck") {
		writeJSON(w, http.StatusForbidden, errorBody("XSRF check failed"))
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody("The request is not multipart: "+err.Error()))
		return
	}
	var out []map[string]any
	for _, fh := range r.MultipartForm.File["file"] {
		f, err := fh.Open()
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody(err.Error()))
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		s.nextID++
		id := strconv.Itoa(s.nextID)
		s.files[id] = data
		a := map[string]any{"self": s.self("attachment/" + id), "id": id, "filename": fh.Filename, "author": user,
			"created": s.now().Format(jiraTime), "size": len(data), "mimeType": "application/octet-stream",
			"content": s.URL + "/secure/attachment/" + id + "/" + fh.Filename}
		is.attachments = append(is.attachments, a)
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, out)
}

type fields map[string]bool

func fieldSet(v string) fields {
	if v == "" || v == "*all" || v == "*navigable" {
		return nil
	}
	f := fields{}
	for _, name := range strings.Split(v, ",") {
		f[strings.TrimSpace(name)] = true
	}
	return f
}

func (f fields) has(name string) bool { return f == nil || f[name] }

// issueJSON renders an issue with only the fields, properties and expansions asked for.
func (s *Server) issueJSON(is *issue, want fields, props, expand string) map[string]any {
	out := map[string]any{"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		"id": is.id, "self": s.self("issue/" + is.id), "key": is.key}
	f := map[string]any{}
	for k, v := range is.fields {
		if want.has(k) {
			if k == "issuetype" {
				if m, ok := v.(map[string]any); ok {
					v = map[string]any{"self": s.self("issuetype/1"), "id": "1", "name": m["name"], "subtask": false}
				}
			}
			f[k] = v
		}
	}
	set := func(k string, v any) {
		if want.has(k) {
			f[k] = v
		}
	}
	set("status", s.statusJSON(is.status))
	set("created", is.created.Format(jiraTime))
	set("updated", is.updated.Format(jiraTime))
	set("reporter", user)
	set("assignee", nil)
	if is.resolution != "" {
		set("resolution", map[string]any{"self": s.self("resolution/1"), "id": "10000", "name": is.resolution})
		set("resolutiondate", is.resolved.Format(jiraTime))
	} else {
		set("resolution", nil)
		set("resolutiondate", nil)
	}
	atts := is.attachments
	if atts == nil {
		atts = []map[string]any{}
	}
	set("attachment", atts)
	comments := is.comments
	if comments == nil {
		comments = []map[string]any{}
	}
	set("comment", map[string]any{"comments": comments, "maxResults": len(comments), "total": len(comments), "startAt": 0})
	out["fields"] = f
	if props != "" {
		p := map[string]json.RawMessage{}
		for _, name := range strings.Split(props, ",") {
			if v, ok := is.props[name]; ok {
				p[name] = v
			}
		}
		out["properties"] = p
	}
	if strings.Contains(expand, "changelog") {
		h := is.histories
		if h == nil {
			h = []map[string]any{}
		}
		start := 0
		if s.strict && len(h) > 100 {
			// Cloud expands only the latest 100 histories.
			start = len(h) - 100
		}
		out["changelog"] = map[string]any{"startAt": start, "maxResults": len(h) - start, "total": len(h), "histories": h[start:]}
	}
	return out
}

func (s *Server) searchClassic(w http.ResponseWriter, r *http.Request) {
	if s.cloud {
		writeJSON(w, http.StatusGone, errorBody("The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"))
		return
	}
	q := r.URL.Query()
	vq := q.Get("validateQuery")
	if s.strict && vq != "" && vq != "true" && vq != "false" {
		// Data Center documents validateQuery as a boolean.
		writeJSON(w, http.StatusBadRequest, errorBody(fmt.Sprintf("validateQuery must be true or false (got %q)", vq)))
		return
	}
	warn := vq == "false" || (!s.strict && vq == "warn")
	found, warnings, status, body := s.query(q.Get("jql"), warn)
	if status != 0 {
		writeJSON(w, status, body)
		return
	}
	start, _ := strconv.Atoi(q.Get("startAt"))
	limit := s.limit(q.Get("maxResults"))
	start = min(start, len(found))
	end := min(start+limit, len(found))
	issues := []map[string]any{}
	props := q.Get("properties")
	if s.strict || s.dataCenter {
		props = "" // Server and Data Center search has no properties parameter
	}
	for _, is := range found[start:end] {
		issues = append(issues, s.issueJSON(is, fieldSet(q.Get("fields")), props, q.Get("expand")))
	}
	out := map[string]any{"expand": "schema,names", "startAt": start, "maxResults": limit, "total": len(found), "issues": issues}
	if len(warnings) > 0 {
		out["warningMessages"] = warnings
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) searchJQL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	found, _, status, body := s.query(q.Get("jql"), false)
	if status != 0 {
		writeJSON(w, status, body)
		return
	}
	start := 0
	if t := q.Get("nextPageToken"); t != "" {
		raw, err := base64.RawURLEncoding.DecodeString(t)
		if start, err = strconv.Atoi(strings.TrimPrefix(string(raw), "offset:")); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody("Invalid nextPageToken."))
			return
		}
	}
	limit := s.limit(q.Get("maxResults"))
	start = min(start, len(found))
	end := min(start+limit, len(found))
	issues := []map[string]any{}
	props := q.Get("properties")
	if s.dataCenter {
		props = ""
	}
	for _, is := range found[start:end] {
		issues = append(issues, s.issueJSON(is, fieldSet(q.Get("fields")), props, q.Get("expand")))
	}
	out := map[string]any{"issues": issues, "isLast": end >= len(found)}
	if end < len(found) {
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	writeJSON(w, http.StatusOK, out)
}

// query evaluates the JQL subset sustain sends: clauses joined by AND over
// project, key, status, priority and issuetype with =, != or in, and an
// ORDER BY key or created.
func (s *Server) query(jql string, warn bool) ([]*issue, []string, int, map[string]any) {
	where, order, _ := strings.Cut(jql, " ORDER BY ")
	clauses, err := parseJQL(where)
	if err != nil {
		return nil, nil, http.StatusBadRequest, errorBody(err.Error())
	}
	var warnings []string
	for _, c := range clauses {
		for _, v := range c.values {
			switch c.field {
			case "project":
				if s.projects[v] == nil {
					return nil, nil, http.StatusBadRequest, errorBody(fmt.Sprintf("The value '%s' does not exist for the field 'project'.", v))
				}
			case "status":
				if s.strict && !s.hasStatus(v) {
					msg := fmt.Sprintf("The value '%s' does not exist for the field 'status'.", v)
					if !warn {
						return nil, nil, http.StatusBadRequest, errorBody(msg)
					}
					warnings = append(warnings, msg)
				}
			case "key":
				if s.issues[v] == nil {
					msg := fmt.Sprintf("An issue with key '%s' does not exist for field 'key'.", v)
					if !warn {
						return nil, nil, http.StatusBadRequest, errorBody(msg)
					}
					warnings = append(warnings, msg)
				}
			}
		}
	}
	var out []*issue
	for _, is := range s.issues {
		if matches(is, clauses) {
			out = append(out, is)
		}
	}
	desc := strings.HasSuffix(strings.ToUpper(order), " DESC")
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.project != b.project {
			return a.project < b.project
		}
		na, _ := strconv.Atoi(a.key[len(a.project)+1:])
		nb, _ := strconv.Atoi(b.key[len(b.project)+1:])
		return (na < nb) != desc
	})
	return out, warnings, 0, nil
}

type clause struct {
	field  string
	negate bool
	values []string
	// text is a text search (text ~ "words"): every word must be in the
	// summary, the description or a comment, in any case.
	text bool
}

func matches(is *issue, cs []clause) bool {
	for _, c := range cs {
		if c.text {
			if !textMatches(is, c.values[0]) {
				return false
			}
			continue
		}
		var have string
		switch c.field {
		case "project":
			have = is.project
		case "key":
			have = is.key
		case "status":
			have = is.status
		case "priority", "issuetype":
			m, _ := is.fields[c.field].(map[string]any)
			have, _ = m["name"].(string)
		}
		in := false
		for _, v := range c.values {
			in = in || strings.EqualFold(v, have)
			if c.field == "labels" {
				in = in || hasLabel(is.fields["labels"], v)
			}
		}
		if in == c.negate {
			return false
		}
	}
	return true
}

func parseJQL(s string) ([]clause, error) {
	var out []clause
	for _, part := range strings.Split(s, " AND ") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var c clause
		var rest string
		switch {
		case strings.Contains(part, " ~ "):
			c.field, rest, _ = strings.Cut(part, " ~ ")
			if f := strings.ToLower(strings.TrimSpace(c.field)); f != "text" {
				return nil, fmt.Errorf("Field '%s' does not support searching for text.", f)
			}
			v, err := strconv.Unquote(strings.TrimSpace(rest))
			if err != nil || !strings.HasPrefix(strings.TrimSpace(rest), `"`) {
				return nil, fmt.Errorf("Error in the JQL Query: the text to search for must be one quoted string: %s", rest)
			}
			out = append(out, clause{field: "text", text: true, values: []string{v}})
			continue
		case strings.Contains(part, " not in "):
			c.field, rest, _ = strings.Cut(part, " not in ")
			c.negate = true
		case strings.Contains(part, " in "):
			c.field, rest, _ = strings.Cut(part, " in ")
		case strings.Contains(part, " != "):
			c.field, rest, _ = strings.Cut(part, " != ")
			c.negate = true
		case strings.Contains(part, " = "):
			c.field, rest, _ = strings.Cut(part, " = ")
		default:
			return nil, fmt.Errorf("Error in the JQL Query: Expecting operator but got '%s'.", part)
		}
		c.field = strings.ToLower(strings.TrimSpace(c.field))
		switch c.field {
		case "project", "key", "status", "priority", "issuetype", "labels":
		default:
			return nil, fmt.Errorf("Field '%s' does not exist or you do not have permission to view it.", c.field)
		}
		rest = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(rest), "("), ")")
		for _, v := range strings.Split(rest, ",") {
			v = strings.TrimSpace(v)
			if uq, err := strconv.Unquote(v); err == nil {
				v = uq
			}
			c.values = append(c.values, v)
		}
		out = append(out, c)
	}
	return out, nil
}

// hasLabel reports whether labels (as created: a JSON array) holds label;
// Jira's labels are case-sensitive.
func hasLabel(labels any, label string) bool {
	switch ls := labels.(type) {
	case []string:
		for _, l := range ls {
			if l == label {
				return true
			}
		}
	case []any:
		for _, l := range ls {
			if l == label {
				return true
			}
		}
	}
	return false
}

// textMatches is a text search: every word of query in the summary, the
// description or a comment, in any case.
func textMatches(is *issue, query string) bool {
	var b strings.Builder
	for _, f := range []string{"summary", "description"} {
		v, _ := is.fields[f].(string)
		b.WriteString(v + "\n")
	}
	for _, c := range is.comments {
		v, _ := c["body"].(string)
		b.WriteString(v + "\n")
	}
	have := strings.ToLower(b.String())
	for _, w := range strings.Fields(strings.ToLower(query)) {
		if !strings.Contains(have, w) {
			return false
		}
	}
	return true
}
