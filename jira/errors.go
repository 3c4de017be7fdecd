package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/sustain-cli/sustain/internal/problem"
)

// apiError is Jira's documented error body.
type apiError struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

func (e apiError) messages() []string {
	out := append([]string{}, e.ErrorMessages...)
	for field, msg := range e.Errors {
		out = append(out, field+": "+msg)
	}
	return out
}

func parseAPIError(body []byte) apiError {
	var e apiError
	_ = json.Unmarshal(body, &e)
	return e
}

// httpError is an error answer: the status for callers that handle one
// (410 on search), the explanation for everyone else.
type httpError struct {
	status int
	body   apiError
	err    *problem.Error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// statusOf is the HTTP status behind err, or 0.
func statusOf(err error) (int, apiError) {
	var he *httpError
	if errors.As(err, &he) {
		return he.status, he.body
	}
	return 0, apiError{}
}

// statusError explains an HTTP error answer; what names what was asked for.
func (c *Client) statusError(resp *http.Response, body []byte, what string) error {
	return &httpError{status: resp.StatusCode, body: parseAPIError(body), err: c.redact.problem(c.explainStatus(resp, body, what))}
}

func (c *Client) explainStatus(resp *http.Response, body []byte, what string) *problem.Error {
	detail := ""
	if msgs := parseAPIError(body).messages(); len(msgs) > 0 {
		detail = ": " + strings.Join(msgs, "; ")
	} else if text := snippet(body); text != "" {
		detail = ": " + text // a proxy's page: its words say who answered
	}
	host := c.base.Host
	switch code := resp.StatusCode; {
	case code >= 300 && code < 400:
		method, path := "", ""
		if resp.Request != nil {
			method, path = resp.Request.Method, resp.Request.URL.Path
		}
		target := "nowhere (no Location)"
		if loc, err := resp.Location(); err == nil {
			target = loc.Scheme + "://" + loc.Host + loc.Path // a query may carry an SSO ticket
		}
		return problem.New(0, "set jira.url to the address Jira itself answers at: https://, the site's real base URL, not an http:// address or a single sign-on proxy",
			"Jira at %s answered %s %s with a redirect (%s) to %s; sustain does not send a write again after a redirect, so %s was not changed",
			host, method, path, resp.Status, target, what)
	case code == http.StatusUnauthorized:
		return problem.New(problem.Auth,
			"check that the token is valid and not expired; Jira Cloud takes jira.user (the account e-mail) with an API token, Server / Data Center a personal access token with no jira.user",
			"Jira at %s rejected the credentials (%s)", host, c.auth)
	case code == http.StatusForbidden:
		return problem.New(problem.Auth, "check the account's permissions in the project, or use another account",
			"Jira at %s denied access to %s (%s)%s", host, what, c.auth, detail)
	case code == http.StatusProxyAuthRequired:
		return problem.New(problem.Auth, "check the proxy settings (HTTPS_PROXY and its credentials); the Jira token is not a proxy credential",
			"a proxy between sustain and Jira at %s asks for credentials (407)%s", host, detail)
	case code == http.StatusNotFound:
		return problem.New(problem.NotFound, "check the key and that the account can see it",
			"%s not found in Jira at %s%s", what, host, detail)
	case code == http.StatusRequestEntityTooLarge:
		return problem.New(0, "send a smaller file, or ask the Jira administrator about the attachment size limit (and any proxy's request size limit)",
			"Jira at %s refused %s: the upload is larger than the site accepts (413)%s", host, what, detail)
	case code == http.StatusTooManyRequests:
		return problem.New(problem.Unavailable, "wait and run again; --debug shows each request and its retries",
			"Jira at %s is limiting requests (429, Retry-After %q) and still was after the retries", host, resp.Header.Get("Retry-After"))
	case code >= 500:
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			detail = fmt.Sprintf(" (Retry-After %q)", ra) + detail
		}
		hint := "run again later; --debug shows each request and its retries"
		if resp.Request != nil && resp.Request.Method == http.MethodPost && code >= 502 && code <= 504 {
			hint = "a gateway answered, so Jira may have done it all the same: check " + what + " in Jira before running again"
		}
		return problem.New(problem.Unavailable, hint, "Jira at %s failed with %s%s", host, resp.Status, detail)
	}
	return problem.New(0, "", "Jira at %s refused the request for %s: %s%s", host, what, resp.Status, detail)
}

// networkError explains a request that got no answer.
func (c *Client) networkError(req *http.Request, err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return c.redact.problem(problem.New(problem.Unavailable, "run again; the limit is jira.timeout_seconds",
			"Jira at %s did not answer in time", c.base.Host))
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	where := c.base.Host
	if req != nil {
		where = req.URL.Host
	}
	return c.redact.problem(problem.New(problem.Unavailable, "check jira.url and the network; --debug shows each request",
		"cannot reach Jira at %s: %s", where, unwrapURLError(err)))
}

func unwrapURLError(err error) string {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		return ue.Unwrap().Error()
	}
	return fmt.Sprint(err)
}
