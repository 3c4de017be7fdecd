package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/sustain-cli/sustain/internal/lazyre"
)

// SearchOptions chooses what each found issue carries.
type SearchOptions struct {
	Fields     []string
	Properties []string
	Expand     string
	PageSize   int // default 100
}

// Search runs a JQL query and calls fn for every issue, page by page. Jira
// Cloud has removed GET /rest/api/2/search (it answers 410 Gone), so Cloud
// uses /rest/api/2/search/jql with nextPageToken, and Server / Data Center
// the classic endpoint with startAt; a 410 switches this client to the new
// endpoint for good.
func (c *Client) Search(ctx context.Context, jql string, o SearchOptions, fn func(*Issue) error) error {
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	if !c.cloud.Load() {
		err := c.searchClassic(ctx, jql, o, fn)
		if status, _ := statusOf(err); status != http.StatusGone {
			return err
		}
		c.cloud.Store(true)
	}
	return c.searchJQL(ctx, jql, o, fn)
}

func (o SearchOptions) query(jql string) url.Values {
	q := GetOptions{Fields: o.Fields, Properties: o.Properties, Expand: o.Expand}.query()
	q.Set("jql", jql)
	q.Set("maxResults", strconv.Itoa(o.PageSize))
	return q
}

func (c *Client) searchClassic(ctx context.Context, jql string, o SearchOptions, fn func(*Issue) error) error {
	for start := 0; ; {
		q := o.query(jql)
		q.Set("startAt", strconv.Itoa(start))
		// Data Center documents validateQuery as a boolean: false turns an
		// unknown key in `key in (...)` into a warning, not a failure.
		q.Set("validateQuery", "false")
		var page struct {
			StartAt int         `json:"startAt"`
			Total   int         `json:"total"`
			Issues  []wireIssue `json:"issues"`
		}
		path := "rest/api/2/search?" + q.Encode()
		if err := c.do(ctx, http.MethodGet, path, nil, &page, "search"); err != nil {
			return err
		}
		if err := c.eachIssue(ctx, http.MethodGet, path, page.Issues, o, fn); err != nil {
			return err
		}
		start = page.StartAt + len(page.Issues)
		if len(page.Issues) == 0 || start >= page.Total {
			return nil
		}
	}
}

func (c *Client) searchJQL(ctx context.Context, jql string, o SearchOptions, fn func(*Issue) error) error {
	for token := ""; ; {
		q := o.query(jql)
		if token != "" {
			q.Set("nextPageToken", token)
		}
		var page struct {
			Issues        []wireIssue `json:"issues"`
			NextPageToken string      `json:"nextPageToken"`
			IsLast        bool        `json:"isLast"`
		}
		path := "rest/api/2/search/jql?" + q.Encode()
		if err := c.do(ctx, http.MethodGet, path, nil, &page, "search"); err != nil {
			return err
		}
		if err := c.eachIssue(ctx, http.MethodGet, path, page.Issues, o, fn); err != nil {
			return err
		}
		if page.NextPageToken == "" || page.IsLast || page.NextPageToken == token {
			return nil
		}
		token = page.NextPageToken
	}
}

// eachIssue checks a page's issues before handing them to fn, so a caller
// never acts on part of a page that turns out to be malformed. On Server /
// Data Center, whose search ignores the properties parameter, the
// properties asked for are read per issue first.
func (c *Client) eachIssue(ctx context.Context, method, path string, page []wireIssue, o SearchOptions, fn func(*Issue) error) error {
	if page == nil {
		return c.malformed(method, path, fmt.Errorf("the list of issues"))
	}
	issues := make([]*Issue, len(page))
	for i := range page {
		is, err := page[i].issue(o.Fields)
		if err != nil {
			return c.malformed(method, path, err)
		}
		issues[i] = is
	}
	if len(o.Properties) > 0 && !c.propertiesInSearch(ctx) {
		if err := c.fetchProperties(ctx, issues, o.Properties); err != nil {
			return err
		}
	}
	for _, is := range issues {
		if err := fn(is); err != nil {
			return err
		}
	}
	return nil
}

// PropertyConcurrency bounds the property reads in flight for one page of
// a search on Server / Data Center.
const PropertyConcurrency = 8

// fetchProperties reads the named properties of each issue, at most
// PropertyConcurrency requests at a time; the first error ends the batch.
func (c *Client) fetchProperties(ctx context.Context, issues []*Issue, names []string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		is   *Issue
		name string
	}
	jobs := make(chan job)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range min(PropertyConcurrency, len(issues)*len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				v, found, err := c.Property(ctx, j.is.Key, j.name)
				mu.Lock()
				switch {
				case err != nil && first == nil:
					first = err
					cancel()
				case err == nil && found:
					j.is.Properties[j.name] = v
				}
				mu.Unlock()
			}
		}()
	}
	for _, is := range issues {
		if is.Properties == nil {
			is.Properties = map[string]json.RawMessage{}
		}
	}
send:
	for _, is := range issues {
		for _, name := range names {
			select {
			case jobs <- job{is, name}:
			case <-ctx.Done():
				break send
			}
		}
	}
	close(jobs)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// propertiesInSearch says whether search returns entity properties: Jira
// Cloud does, Server and Data Center ignore the parameter. Unless
// jira.deployment says, serverInfo's deploymentType decides, asked once;
// when it cannot be read, properties are read per issue, which is right
// everywhere.
func (c *Client) propertiesInSearch(ctx context.Context) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.deployment == "" {
		var info struct {
			DeploymentType string `json:"deploymentType"`
		}
		c.deployment = Server
		if err := c.do(ctx, http.MethodGet, "rest/api/2/serverInfo", nil, &info, "server information"); err == nil && strings.EqualFold(info.DeploymentType, "Cloud") {
			c.deployment = Cloud
		}
	}
	return c.deployment == Cloud
}

// MaxKeys is how many keys one `key in (...)` query carries.
const MaxKeys = 100

var (
	keyRe        = lazyre.New(`^[A-Z][A-Z0-9_]*-[1-9][0-9]*$`)
	missingKeyRe = lazyre.New(`'([A-Z][A-Z0-9_]*-[0-9]+)'`)
)

// IssuesByKey reads the issues with the given keys, at most MaxKeys per
// request. Keys Jira does not know are simply absent from the result.
func (c *Client) IssuesByKey(ctx context.Context, keys []string, fields []string) (map[string]*Issue, error) {
	out := map[string]*Issue{}
	for _, k := range keys {
		if !keyRe.MatchString(k) {
			return nil, fmt.Errorf("%q is not a Jira issue key", k)
		}
	}
	for len(keys) > 0 {
		batch := keys[:min(MaxKeys, len(keys))]
		keys = keys[len(batch):]
		for len(batch) > 0 {
			jql := "key in (" + strings.Join(batch, ",") + ")"
			err := c.Search(ctx, jql, SearchOptions{Fields: fields, PageSize: MaxKeys}, func(is *Issue) error {
				out[is.Key] = is
				return nil
			})
			if err == nil {
				break
			}
			// Strict validation (Cloud's new endpoint) fails the whole query
			// on a key that does not exist: drop the keys it names and ask
			// again for the rest.
			status, body := statusOf(err)
			missing := map[string]bool{}
			for _, m := range body.messages() {
				for _, sub := range missingKeyRe.FindAllStringSubmatch(m, -1) {
					missing[sub[1]] = true
				}
			}
			if status != http.StatusBadRequest || len(missing) == 0 {
				return nil, err
			}
			kept := batch[:0:0]
			for _, k := range batch {
				if !missing[k] {
					kept = append(kept, k)
				}
			}
			if len(kept) == len(batch) {
				return nil, err
			}
			batch = kept
		}
	}
	return out, nil
}
