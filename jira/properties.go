package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Property reads one entity property of an issue; found is false when the
// issue has no property of that name (Jira answers 404).
func (c *Client) Property(ctx context.Context, key, name string) (value json.RawMessage, found bool, err error) {
	var out struct {
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	}
	path := "rest/api/2/issue/" + url.PathEscape(key) + "/properties/" + url.PathEscape(name)
	if err := c.do(ctx, http.MethodGet, path, nil, &out, "property "+name+" of issue "+key); err != nil {
		if status, _ := statusOf(err); status == http.StatusNotFound {
			// The issue itself may be missing too: the caller reads the
			// issue when that matters.
			return nil, false, nil
		}
		return nil, false, err
	}
	if out.Key != name || len(out.Value) == 0 {
		return nil, false, c.malformed(http.MethodGet, path, fmt.Errorf("the value of property %s of %s", name, key))
	}
	return out.Value, true, nil
}

// PropertyKeys lists the names of an issue's entity properties.
func (c *Client) PropertyKeys(ctx context.Context, key string) ([]string, error) {
	var out struct {
		Keys []struct {
			Key string `json:"key"`
		} `json:"keys"`
	}
	path := "rest/api/2/issue/" + url.PathEscape(key) + "/properties"
	if err := c.do(ctx, http.MethodGet, path, nil, &out, "issue "+key); err != nil {
		return nil, err
	}
	if out.Keys == nil {
		return nil, c.malformed(http.MethodGet, path, fmt.Errorf("the list of property keys of %s", key))
	}
	names := make([]string, 0, len(out.Keys))
	for _, k := range out.Keys {
		names = append(names, k.Key)
	}
	return names, nil
}

// AttachmentContent downloads an attachment by its id: its metadata names
// the content URL, which differs between Cloud and Server.
func (c *Client) AttachmentContent(ctx context.Context, id string) ([]byte, error) {
	var meta wireAttachment
	path := "rest/api/2/attachment/" + url.PathEscape(id)
	if err := c.do(ctx, http.MethodGet, path, nil, &meta, "attachment "+id); err != nil {
		return nil, err
	}
	if meta.Content == "" {
		return nil, c.malformed(http.MethodGet, path, fmt.Errorf("the content URL of attachment %s", id))
	}
	return c.Download(ctx, meta.Content)
}

// ProjectStatuses lists the statuses a project's workflows use, over all
// its issue types, each once.
func (c *Client) ProjectStatuses(ctx context.Context, project string) ([]Status, error) {
	var out []struct {
		Name     string       `json:"name"`
		Statuses []wireStatus `json:"statuses"`
	}
	path := "rest/api/2/project/" + url.PathEscape(project) + "/statuses"
	if err := c.do(ctx, http.MethodGet, path, nil, &out, "project "+project); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, c.malformed(http.MethodGet, path, fmt.Errorf("the statuses of project %s", project))
	}
	seen := map[string]bool{}
	var sts []Status
	for _, t := range out {
		for _, st := range t.Statuses {
			if st.Name == "" || seen[strings.ToLower(st.Name)] {
				continue
			}
			seen[strings.ToLower(st.Name)] = true
			sts = append(sts, Status{Name: st.Name, Category: st.StatusCategory.Key})
		}
	}
	return sts, nil
}
