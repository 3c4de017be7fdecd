// Package jira is sustain's one client for Jira, shared by the Jira ticket
// store and the change documents. It is a thin layer over go-jira v1 that
// adds what every caller needs: authentication (Cloud basic, Server / Data
// Center bearer), bounded retries on 429, 5xx and timeouts, a --debug trace
// and errors with every credential redacted, the right search endpoint for
// Cloud and Server, answers checked before use, and its own types (Issue,
// Transition, Attachment, Comment, User) so go-jira stays inside.
package jira

import (
	"bytes"
	"cmp"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/sustain-cli/sustain/internal/problem"
)

// Deployments.
const (
	Cloud  = "cloud"
	Server = "server" // Server and Data Center
)

// Config says how to reach Jira.
type Config struct {
	URL   string
	User  string // the account's e-mail on Cloud (basic auth); empty for a Server / DC token
	Token string
	// TokenSource names where the token came from (SUSTAIN_JIRA_TOKEN,
	// ~/.netrc, a file) for error messages; never the token itself.
	TokenSource string
	// Deployment is Cloud, Server or "" to decide from the host name
	// (*.atlassian.net is Cloud) and, for search, from a 410 answer.
	Deployment string
	Timeout    time.Duration // per attempt; default 30s
	// Retries is how many times a request is tried again after the first
	// attempt: on 429, 502-504 and, for idempotent requests, on 500, network
	// errors and timeouts.
	Retries int
	Debug   io.Writer // when set, one line per HTTP request
	// Sleep waits between retries; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) that spreads the waits (up to 30%
	// more); default math/rand, tests replace it.
	Jitter func() float64
	// Transport is the HTTP transport; default http.DefaultTransport.
	Transport http.RoundTripper
	// Warn, when set, receives warnings about the configuration (a token
	// sent over http://).
	Warn func(msg string)
}

// Client talks to one Jira site.
type Client struct {
	api  *gojira.Client
	base *url.URL
	auth string // "basic as USER, token from SOURCE", for errors
	// redact removes the credentials from anything printed.
	redact redactor
	// cloud is 1 when searches use /rest/api/2/search/jql.
	cloud atomic.Bool
	t     *transport
	// deployment is Cloud or Server once known: configured, or learnt
	// from serverInfo on the first search that asks for properties.
	mu         sync.Mutex
	deployment string
}

// New checks cfg and makes a client. It sends nothing.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, problem.New(problem.Usage, "set jira.url (or SUSTAIN_JIRA_URL) to the site, for example https://example.atlassian.net",
			"%q is not a Jira site URL", cfg.URL)
	}
	if u.User != nil {
		return nil, problem.New(problem.Usage, "remove the credentials from the URL; use SUSTAIN_JIRA_TOKEN, jira.token_file or ~/.netrc",
			"jira.url must not contain a user name or password")
	}
	if cfg.Token == "" {
		return nil, problem.New(problem.Usage,
			"set SUSTAIN_JIRA_TOKEN, jira.token_file, or a ~/.netrc entry for "+u.Hostname(),
			"no Jira token for %s", u.Host)
	}
	switch cfg.Deployment {
	case "", Cloud, Server:
	default:
		return nil, problem.New(problem.Usage, "use cloud or server", "jira.deployment %q is unknown", cfg.Deployment)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Float64
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	source := cfg.TokenSource
	if source == "" {
		source = "configuration"
	}
	c := &Client{base: u, redact: newRedactor(cfg.User, cfg.Token)}
	// Loopback traffic never leaves the machine (a local proxy, a test).
	if u.Scheme == "http" && cfg.Warn != nil && !loopback(u.Hostname()) {
		cfg.Warn("jira.url " + u.String() + " is http://: the Jira token travels unencrypted and anyone on the path can read it; use https://")
	}
	t := &transport{redact: c.redact, base: cfg.Transport, scheme: u.Scheme, host: u.Host, retries: cfg.Retries, timeout: cfg.Timeout, debug: cfg.Debug, sleep: cfg.Sleep, jitter: cfg.Jitter}
	c.t = t
	if cfg.User != "" {
		user, token := cfg.User, cfg.Token
		t.authorize = func(r *http.Request) { r.SetBasicAuth(user, token) }
		c.auth = fmt.Sprintf("basic auth as %s with the token from %s", user, source)
	} else {
		token := cfg.Token
		t.authorize = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
		c.auth = fmt.Sprintf("a bearer personal access token from %s", source)
	}
	// The timeout is the transport's, per attempt: a client-wide one would
	// end the retries with the first stalled attempt.
	api, err := gojira.NewClient(&http.Client{Transport: t, CheckRedirect: checkRedirect}, u.String())
	if err != nil {
		return nil, err
	}
	c.api = api
	c.deployment = cfg.Deployment
	switch cfg.Deployment {
	case Cloud:
		c.cloud.Store(true)
	case "":
		h := strings.ToLower(u.Hostname())
		c.cloud.Store(strings.HasSuffix(h, ".atlassian.net") || strings.HasSuffix(h, ".jira.com"))
	}
	return c, nil
}

// checkRedirect follows redirects of reads only. Go would replay a PUT or
// POST answered 301-303 as a GET and report the GET's success; a write
// answered with a redirect is returned as is and explained as an error.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if m := via[0].Method; m != http.MethodGet && m != http.MethodHead {
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return fmt.Errorf("stopped after %d redirects", len(via))
	}
	return nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Host is the site's host name, for messages and cache directories.
func (c *Client) Host() string { return c.base.Host }

// Site is the site's base URL, without a trailing slash.
func (c *Client) Site() string { return c.base.String() }

// BrowseURL is the web address of an issue.
func (c *Client) BrowseURL(key string) string { return c.base.String() + "/browse/" + key }

// do sends a request and decodes a JSON answer into out (when not nil).
// what names the thing asked for, for the error ("issue SUP-7").
func (c *Client) do(ctx context.Context, method, path string, body, out any, what string) error {
	if strings.Contains(path, "//") || strings.HasSuffix(path, "/") {
		// An empty key would address another resource (issue//properties).
		return problem.New(problem.Usage, "", "no Jira key for %s %s", method, path)
	}
	req, err := c.api.NewRequestWithContext(ctx, method, path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	return c.send(req, out, what)
}

func (c *Client) send(req *http.Request, out any, what string) error {
	resp, err := c.api.Do(req, nil)
	if resp == nil {
		return c.networkError(req, err)
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode >= 300 {
		return c.statusError(resp.Response, data, what)
	}
	if rerr != nil {
		return c.networkError(req, rerr)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return c.redact.problem(problem.New(0, "check that jira.url is Jira's own address, not a proxy or a login page; --debug shows each request",
			"Jira at %s answered %s %s with something that is not the expected JSON: %v", c.base.Host, req.Method, req.URL.Path, err))
	}
	return nil
}

// GetOptions chooses what an issue read returns; Jira sends only what is asked.
type GetOptions struct {
	Fields     []string
	Properties []string
	Expand     string
}

func (o GetOptions) query() url.Values {
	q := url.Values{}
	if len(o.Fields) > 0 {
		q.Set("fields", strings.Join(o.Fields, ","))
	}
	if len(o.Properties) > 0 {
		q.Set("properties", strings.Join(o.Properties, ","))
	}
	if o.Expand != "" {
		q.Set("expand", o.Expand)
	}
	return q
}

// Issue reads one issue.
func (c *Client) Issue(ctx context.Context, key string, o GetOptions) (*Issue, error) {
	if key == "" {
		return nil, problem.New(problem.Usage, "", "no issue key given")
	}
	var out wireIssue
	path := "rest/api/2/issue/" + url.PathEscape(key) + "?" + o.query().Encode()
	if err := c.do(ctx, http.MethodGet, path, nil, &out, "issue "+key); err != nil {
		return nil, err
	}
	if cl := out.Changelog; cl != nil && cl.Total > len(cl.Histories) {
		// Cloud expands only the latest 100 histories: the rest come from
		// the paged changelog.
		all, err := c.histories(ctx, key, cl.Total)
		if err != nil {
			return nil, err
		}
		cl.Histories = all
	}
	is, err := out.issue(o.Fields)
	if err != nil {
		return nil, c.malformed(http.MethodGet, path, err)
	}
	// A moved issue answers under its new key, so only the form is checked.
	if !keyRe.MatchString(is.Key) {
		return nil, c.malformed(http.MethodGet, path, fmt.Errorf("a valid key for %s (got %q)", key, is.Key))
	}
	return is, nil
}

// histories reads an issue's whole changelog, oldest first, from the paged
// GET /rest/api/2/issue/{key}/changelog.
func (c *Client) histories(ctx context.Context, key string, total int) ([]wireHistory, error) {
	var all []wireHistory
	for {
		var page struct {
			StartAt int           `json:"startAt"`
			Total   int           `json:"total"`
			IsLast  bool          `json:"isLast"`
			Values  []wireHistory `json:"values"`
		}
		q := url.Values{"startAt": {strconv.Itoa(len(all))}, "maxResults": {"100"}}
		path := "rest/api/2/issue/" + url.PathEscape(key) + "/changelog?" + q.Encode()
		if err := c.do(ctx, http.MethodGet, path, nil, &page, "the changelog of issue "+key); err != nil {
			return nil, err
		}
		if page.Values == nil {
			return nil, c.malformed(http.MethodGet, path, fmt.Errorf("the changes of %s", key))
		}
		all = append(all, page.Values...)
		if page.IsLast || len(page.Values) == 0 || len(all) >= max(page.Total, total) {
			return all, nil
		}
	}
}

// malformed explains an answer that lacks what the call needs: a proxy, a
// login page or a broken plugin answered 200 with something else.
func (c *Client) malformed(method, path string, missing error) error {
	path, _, _ = strings.Cut(path, "?")
	return c.redact.problem(problem.New(0, "check that jira.url is Jira's own address, not a proxy or a login page; --debug shows each request",
		"Jira at %s answered %s /%s without %v", c.base.Host, method, strings.TrimPrefix(path, "/"), missing))
}

// CreateIssue creates an issue in project from raw fields (custom fields
// included) and returns its key.
//
// A create answered 502, 503 or 504, or not answered at all, may have been
// applied all the same. So each issue carries a unique label (MarkerPrefix
// and random hex), and before the create is sent again the project is
// searched for it: an issue found is the one created, and its key is
// returned instead of creating a second one.
func (c *Client) CreateIssue(ctx context.Context, project string, fields map[string]any) (string, error) {
	var out struct {
		Key string `json:"key"`
	}
	fields["project"] = map[string]string{"key": project}
	marker := MarkerPrefix + randomHex(8)
	var labels []string
	switch l := fields["labels"].(type) {
	case []string:
		labels = append(labels, l...)
	case nil:
	default:
		return "", problem.New(problem.Usage, "", "the labels of a new issue must be a list of strings")
	}
	fields["labels"] = append(labels, marker)
	for attempt := 0; ; attempt++ {
		err := c.do(ctx, http.MethodPost, "rest/api/2/issue", map[string]any{"fields": fields}, &out, "project "+project)
		if err == nil {
			break
		}
		if !mayHaveApplied(err) || ctx.Err() != nil {
			return "", c.explainProject(ctx, project, err)
		}
		if attempt >= c.t.retries {
			return "", problem.New(problem.Unavailable, "look in project "+project+" for an issue with the label "+marker+" before running again",
				"%v; the issue may have been created all the same (label %s)", err, marker)
		}
		if serr := c.t.sleep(ctx, c.t.wait(nil, attempt)); serr != nil {
			return "", serr
		}
		key, ferr := c.findMarked(ctx, project, marker)
		if ferr != nil {
			return "", problem.New(problem.Unavailable, "look in project "+project+" for an issue with the label "+marker+" before running again",
				"%v, and looking for the issue it may have created failed: %v", err, ferr)
		}
		if key != "" {
			return key, nil
		}
	}
	if !keyRe.MatchString(out.Key) {
		// The issue may exist all the same: say so, since running again
		// would create a second one.
		return "", problem.New(0, "look in project "+project+" for an issue with the label "+marker+" before running again",
			"Jira at %s answered POST /rest/api/2/issue without the key of the created issue (got %q)", c.base.Host, out.Key)
	}
	return out.Key, nil
}

// MarkerPrefix starts the label that marks each issue sustain creates, so
// a create retried after a gateway error finds the issue it made.
const MarkerPrefix = "sustain-create-"

// mayHaveApplied says whether a failed write may have reached Jira: a
// gateway's 502-504, a timeout or a broken connection after sending.
func mayHaveApplied(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	status, _ := statusOf(err)
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case 0:
		var pe *problem.Error
		return errors.As(err, &pe) && pe.Kind == problem.Unavailable
	}
	return false
}

// findMarked is the key of the issue of project labelled marker, or "".
func (c *Client) findMarked(ctx context.Context, project, marker string) (string, error) {
	key := ""
	err := c.Search(ctx, fmt.Sprintf("project = %q AND labels = %q", project, marker), SearchOptions{Fields: []string{"labels"}, PageSize: 1},
		func(is *Issue) error {
			key = is.Key
			return nil
		})
	return key, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}

// Comment is an issue comment with its entity properties.
type Comment struct {
	ID         string
	Author     User
	Body       string
	Created    time.Time
	Properties []EntityValue
}

// EntityValue is an entity property as it travels inside another object.
type EntityValue struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

type wireComment struct {
	ID         string        `json:"id"`
	Author     User          `json:"author"`
	Body       string        `json:"body"`
	Created    string        `json:"created"`
	Properties []EntityValue `json:"properties"`
}

func (w *wireComment) comment(key string) (Comment, error) {
	if w.ID == "" {
		return Comment{}, fmt.Errorf("the id of a comment of %s", key)
	}
	created, err := parseTime(w.Created)
	if err != nil || created.IsZero() {
		return Comment{}, fmt.Errorf("a valid time for comment %s of %s (got %q)", w.ID, key, w.Created)
	}
	return Comment{ID: w.ID, Author: w.Author, Body: w.Body, Created: created, Properties: w.Properties}, nil
}

// AddComment adds a comment. internal marks it as a Jira Service Management
// internal note (the sd.public.comment property); plain Jira keeps the
// property and shows the comment as usual.
func (c *Client) AddComment(ctx context.Context, key, body string, internal bool) (*Comment, error) {
	in := map[string]any{"body": body}
	if internal {
		in["properties"] = []map[string]any{{"key": "sd.public.comment", "value": map[string]bool{"internal": true}}}
	}
	var out wireComment
	path := "rest/api/2/issue/" + url.PathEscape(key) + "/comment"
	if err := c.do(ctx, http.MethodPost, path, in, &out, "issue "+key); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, c.malformed(http.MethodPost, path, fmt.Errorf("the id of the comment added to %s", key))
	}
	cm, err := out.comment(key)
	if err != nil {
		return nil, c.malformed(http.MethodPost, path, err)
	}
	return &cm, nil
}

// AddRequestComment adds a comment to a Jira Service Management request
// through the documented POST /rest/servicedeskapi/request/{key}/comment:
// public for a message the customer sees, not public for an internal note.
func (c *Client) AddRequestComment(ctx context.Context, key, body string, public bool) (*Comment, error) {
	var out struct {
		ID      string `json:"id"`
		Body    string `json:"body"`
		Author  User   `json:"author"`
		Created struct {
			ISO8601 string `json:"iso8601"`
			Jira    string `json:"jira"`
		} `json:"created"`
	}
	path := "rest/servicedeskapi/request/" + url.PathEscape(key) + "/comment"
	if err := c.do(ctx, http.MethodPost, path, map[string]any{"body": body, "public": public}, &out, "request "+key); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, c.malformed(http.MethodPost, path, fmt.Errorf("the id of the comment added to %s", key))
	}
	created, err := parseTime(cmp.Or(out.Created.Jira, out.Created.ISO8601))
	if err != nil || created.IsZero() {
		return nil, c.malformed(http.MethodPost, path, fmt.Errorf("a valid time for comment %s of %s (got %q)", out.ID, key, out.Created.ISO8601))
	}
	return &Comment{ID: out.ID, Author: out.Author, Body: out.Body, Created: created}, nil
}

// ProjectType is a project's projectTypeKey: software, business, or
// service_desk for Jira Service Management.
func (c *Client) ProjectType(ctx context.Context, key string) (string, error) {
	var out struct {
		Key            string `json:"key"`
		ProjectTypeKey string `json:"projectTypeKey"`
	}
	path := "rest/api/2/project/" + url.PathEscape(key)
	if err := c.do(ctx, http.MethodGet, path, nil, &out, "project "+key); err != nil {
		return "", err
	}
	if out.Key == "" {
		return "", c.malformed(http.MethodGet, path, fmt.Errorf("the key of project %s", key))
	}
	return out.ProjectTypeKey, nil
}

// Comments reads all of an issue's comments, page by page.
func (c *Client) Comments(ctx context.Context, key string) ([]Comment, error) {
	all := []Comment{}
	for {
		var page struct {
			StartAt    int           `json:"startAt"`
			MaxResults int           `json:"maxResults"`
			Total      int           `json:"total"`
			Comments   []wireComment `json:"comments"`
		}
		q := url.Values{"startAt": {fmt.Sprint(len(all))}, "maxResults": {"100"}, "orderBy": {"created"}}
		path := "rest/api/2/issue/" + url.PathEscape(key) + "/comment?" + q.Encode()
		if err := c.do(ctx, http.MethodGet, path, nil, &page, "issue "+key); err != nil {
			return nil, err
		}
		if page.Comments == nil {
			return nil, c.malformed(http.MethodGet, path, fmt.Errorf("the comments of %s", key))
		}
		for i := range page.Comments {
			cm, err := page.Comments[i].comment(key)
			if err != nil {
				return nil, c.malformed(http.MethodGet, path, err)
			}
			all = append(all, cm)
		}
		if len(page.Comments) == 0 || len(all) >= page.Total {
			return all, nil
		}
	}
}

// SetProperty stores an entity property on an issue.
func (c *Client) SetProperty(ctx context.Context, key, name string, value any) error {
	return c.do(ctx, http.MethodPut, "rest/api/2/issue/"+url.PathEscape(key)+"/properties/"+url.PathEscape(name), value, nil, "issue "+key)
}

// Transitions lists the transitions the workflow offers an issue now, with
// their fields.
func (c *Client) Transitions(ctx context.Context, key string) ([]Transition, error) {
	var out struct {
		Transitions []wireTransition `json:"transitions"`
	}
	path := "rest/api/2/issue/" + url.PathEscape(key) + "/transitions?expand=transitions.fields"
	if err := c.do(ctx, http.MethodGet, path, nil, &out, "issue "+key); err != nil {
		return nil, err
	}
	if out.Transitions == nil {
		return nil, c.malformed(http.MethodGet, path, fmt.Errorf("the list of transitions of %s", key))
	}
	ts := make([]Transition, 0, len(out.Transitions))
	for i := range out.Transitions {
		t, err := out.Transitions[i].transition()
		if err != nil {
			return nil, c.malformed(http.MethodGet, path, err)
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// Transition performs a transition, with the fields it needs.
func (c *Client) Transition(ctx context.Context, key, id string, fields map[string]any) error {
	in := map[string]any{"transition": map[string]string{"id": id}}
	if len(fields) > 0 {
		in["fields"] = fields
	}
	return c.do(ctx, http.MethodPost, "rest/api/2/issue/"+url.PathEscape(key)+"/transitions", in, nil, "issue "+key)
}

// Attach uploads a file to an issue.
func (c *Client) Attach(ctx context.Context, key, name string, data []byte) (*Attachment, error) {
	// The body is the part's header, the data itself and the closing
	// boundary: a large message is never copied into a second buffer, and
	// a retry reads the same three again.
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if _, err := mw.CreateFormFile("file", name); err != nil {
		return nil, err
	}
	n := head.Len()
	if err := mw.Close(); err != nil {
		return nil, err
	}
	start, tail := head.Bytes()[:n], head.Bytes()[n:]
	open := func() io.Reader {
		return io.MultiReader(bytes.NewReader(start), bytes.NewReader(data), bytes.NewReader(tail))
	}
	path := "rest/api/2/issue/" + url.PathEscape(key) + "/attachments"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.String()+"/"+path, open())
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(start) + len(data) + len(tail))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(open()), nil }
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Atlassian-Token", "no-check") // Jira's XSRF check for uploads
	req.Header.Set("Accept", "application/json")
	var got []wireAttachment
	if err := c.send(req, &got, "issue "+key); err != nil {
		return nil, err
	}
	if len(got) == 0 {
		return nil, c.malformed(http.MethodPost, path, fmt.Errorf("the attachment %s it was sent", name))
	}
	a := got[0]
	if a.Filename == "" || a.Content == "" {
		return nil, c.malformed(http.MethodPost, path, fmt.Errorf("the file name and content URL of the attachment %s", name))
	}
	created, _ := parseTime(a.Created)
	return &Attachment{ID: a.ID, Filename: a.Filename, Size: a.Size, Created: created, Content: a.Content}, nil
}

// Download reads an attachment's content from the URL Jira gave for it.
func (c *Client) Download(ctx context.Context, contentURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, contentURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.api.Do(req, nil)
	if resp == nil {
		return nil, c.networkError(req, err)
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(resp.Body)
	if err != nil {
		return nil, c.statusError(resp.Response, data, "attachment")
	}
	if rerr != nil {
		return nil, c.networkError(req, rerr)
	}
	if page := loginPage(req.URL, resp.Response, data); page != "" {
		return nil, c.redact.problem(problem.New(problem.Auth,
			"check the credentials and that jira.url is Jira's own address, not a single sign-on proxy; nothing was saved",
			"Jira at %s answered the download of %s with an HTML page (%s), not the file", c.base.Host, path.Base(req.URL.Path), page))
	}
	return data, nil
}

// loginPage names the HTML page a download was answered with instead of
// the file (a login page, a proxy's page), or "". An attachment that is
// itself an .html file is HTML too: it counts as a page only when Jira
// says the user is not logged in or the download was sent elsewhere.
func loginPage(asked *url.URL, resp *http.Response, data []byte) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "text/html" && !(mt == "" && looksHTML(string(data[:min(len(data), 512)]))) {
		return ""
	}
	name := strings.ToLower(asked.Path)
	redirected := resp.Request != nil && resp.Request.URL.Path != asked.Path
	anonymous := resp.Header.Get("X-Seraph-LoginReason") != "" || strings.EqualFold(resp.Header.Get("X-AUSERNAME"), "anonymous")
	if (strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".htm")) && !redirected && !anonymous {
		return ""
	}
	if s := snippet(data); s != "" {
		return s
	}
	return "text/html"
}

// Project checks that a project exists and the account can see it.
func (c *Client) Project(ctx context.Context, key string) error {
	return c.do(ctx, http.MethodGet, "rest/api/2/project/"+url.PathEscape(key), nil, nil, "project "+key)
}

// explainProject turns a failure into "project X not found" when the project
// is the reason, at the cost of one request on the error path only.
func (c *Client) explainProject(ctx context.Context, project string, err error) error {
	if status, _ := statusOf(err); project == "" || status != http.StatusBadRequest {
		return err
	}
	if perr := c.Project(ctx, project); perr != nil {
		return perr
	}
	return err
}
