package jira

import (
	"context"
	"net/http"
	"net/url"
)

// EditIssue sets fields of an issue (summary, description, priority...).
func (c *Client) EditIssue(ctx context.Context, key string, fields map[string]any) error {
	return c.do(ctx, http.MethodPut, "rest/api/2/issue/"+url.PathEscape(key), map[string]any{"fields": fields}, nil, "issue "+key)
}
