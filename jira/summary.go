package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/sustain-cli/sustain/internal/atomicfile"
)

// Summary is what change documents take from an issue.
type Summary struct {
	Key         string   `json:"key"`
	Found       bool     `json:"found"` // false: Jira does not know the key
	Summary     string   `json:"summary,omitempty"`
	Type        string   `json:"type,omitempty"`
	Status      string   `json:"status,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	FixVersions []string `json:"fix_versions,omitempty"`
}

// summaryFields are the only fields asked for.
var summaryFields = []string{"summary", "issuetype", "status", "labels", "fixVersions"}

// Summaries reads the keys' summaries in batches of MaxKeys; a key Jira does
// not know comes back with Found false.
func (c *Client) Summaries(ctx context.Context, keys []string) (map[string]Summary, error) {
	got, err := c.IssuesByKey(ctx, keys, summaryFields)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Summary, len(keys))
	for _, k := range keys {
		is, ok := got[k]
		if !ok {
			out[k] = Summary{Key: k}
			continue
		}
		out[k] = Summary{Key: k, Found: true, Summary: is.Summary, Labels: is.Labels, Type: is.Type,
			Status: is.Status.Name, FixVersions: is.FixVersions}
	}
	return out, nil
}

// Cache keeps summaries on disk, one file per key, so a second run within
// TTL asks Jira nothing.
type Cache struct {
	Dir string
	TTL time.Duration
	Now func() time.Time
}

type cached struct {
	FetchedAt time.Time `json:"fetched_at"`
	Summary
}

func (c *Cache) path(key string) string { return filepath.Join(c.Dir, key+".json") }

// Get returns a cached summary; fresh says whether it is within TTL.
func (c *Cache) Get(key string) (s Summary, fresh, ok bool) {
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return Summary{}, false, false
	}
	var e cached
	if json.Unmarshal(data, &e) != nil || e.Key != key {
		return Summary{}, false, false // damaged: fetch again
	}
	return e.Summary, c.Now().Sub(e.FetchedAt) < c.TTL, true
}

// Put stores a summary, atomically.
func (c *Cache) Put(s Summary) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(cached{FetchedAt: c.Now().UTC(), Summary: s})
	if err != nil {
		return err
	}
	return atomicfile.Write(c.path(s.Key), data, 0o644)
}

// Lookup answers from the cache what it can and asks Jira, in batches, for
// the rest. With a nil client (offline) it uses any cached entry however
// old, and returns the keys it could not answer.
func Lookup(ctx context.Context, api *Client, cache *Cache, keys []string) (map[string]Summary, []string, error) {
	out := map[string]Summary{}
	var ask []string
	for _, k := range keys {
		if s, fresh, ok := cache.Get(k); ok && (fresh || api == nil) {
			out[k] = s
		} else {
			ask = append(ask, k)
		}
	}
	if api == nil || len(ask) == 0 {
		return out, ask, nil
	}
	got, err := api.Summaries(ctx, ask)
	if err != nil {
		return nil, nil, err
	}
	var errs []error
	for _, k := range ask {
		out[k] = got[k]
		errs = append(errs, cache.Put(got[k]))
	}
	return out, nil, errors.Join(errs...)
}

// AddFixVersion makes sure version exists in project and adds it to the fix
// versions of each issue. It returns the keys Jira does not know; they are
// skipped, not fatal.
func (c *Client) AddFixVersion(ctx context.Context, project, version string, keys []string) ([]string, error) {
	var versions []struct {
		Name string `json:"name"`
	}
	if err := c.do(ctx, http.MethodGet, "rest/api/2/project/"+project+"/versions", nil, &versions, "project "+project); err != nil {
		return nil, err
	}
	exists := false
	for _, v := range versions {
		exists = exists || v.Name == version
	}
	if !exists {
		// The reference creates a version with projectId; the project key
		// it also took is deprecated.
		var p struct {
			ID string `json:"id"`
		}
		if err := c.do(ctx, http.MethodGet, "rest/api/2/project/"+url.PathEscape(project), nil, &p, "project "+project); err != nil {
			return nil, err
		}
		id, err := strconv.ParseInt(p.ID, 10, 64)
		if err != nil {
			return nil, c.malformed(http.MethodGet, "rest/api/2/project/"+project, fmt.Errorf("the id of project %s (got %q)", project, p.ID))
		}
		if err := c.do(ctx, http.MethodPost, "rest/api/2/version", map[string]any{"name": version, "projectId": id}, nil, "project "+project); err != nil {
			return nil, err
		}
	}
	var unknown []string
	body := map[string]any{"update": map[string]any{"fixVersions": []any{map[string]any{"add": map[string]string{"name": version}}}}}
	for _, k := range keys {
		err := c.do(ctx, http.MethodPut, "rest/api/2/issue/"+k, body, nil, "issue "+k)
		if status, _ := statusOf(err); status == http.StatusNotFound {
			unknown = append(unknown, k)
			continue
		}
		if err != nil {
			return unknown, err
		}
	}
	return unknown, nil
}
