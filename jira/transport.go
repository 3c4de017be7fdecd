package jira

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// transport adds the credentials, retries what may be retried, and traces
// each request for --debug.
type transport struct {
	base      http.RoundTripper
	scheme    string // credentials go only to the configured site, and
	host      string // never over a redirect from https to http
	authorize func(*http.Request)
	retries   int
	timeout   time.Duration // per attempt, so a stalled attempt can be retried
	debug     io.Writer
	redact    redactor
	sleep     func(context.Context, time.Duration) error
}

// maxWait bounds a wait between attempts: a longer Retry-After is cut to it
// (so a CI job does not hang for hours), and when the retries run out the
// error quotes Jira's own figure.
const maxWait = 60 * time.Second

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var (
		resp    *http.Response
		err     error
		retries int
	)
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
		r := req.Clone(ctx)
		if attempt > 0 && req.GetBody != nil {
			if r.Body, err = req.GetBody(); err != nil {
				cancel()
				return nil, err
			}
		}
		if r.URL.Host == t.host && r.URL.Scheme == t.scheme {
			t.authorize(r)
		}
		resp, err = t.base.RoundTrip(r)
		if err != nil {
			cancel()
		} else {
			// The attempt's deadline covers reading the body too; closing
			// it releases the timer.
			resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
		}
		wait, again := t.retryAfter(req, resp, err, attempt)
		if !again {
			break
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		}
		retries++
		if serr := t.sleep(req.Context(), wait); serr != nil {
			return nil, serr
		}
	}
	t.trace(req, resp, err, time.Since(start), retries)
	return resp, err
}

// retryAfter says whether to try again and after how long: 429 always (Jira
// did not act on it), 502-504 always (a proxy answered), 500 and network
// errors only for methods that are safe to repeat, so a create is never
// sent twice.
func (t *transport) retryAfter(req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if attempt >= t.retries || req.Context().Err() != nil {
		return 0, false
	}
	if req.Body != nil && req.GetBody == nil {
		return 0, false
	}
	backoff := time.Duration(500<<attempt) * time.Millisecond
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodPut || req.Method == http.MethodDelete || req.Method == http.MethodHead
	switch {
	case err != nil:
		// A timeout of one attempt is a network error like any other.
		return min(backoff, maxWait), idempotent
	case resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusGatewayTimeout:
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxWait), true
		}
		return min(backoff, maxWait), true
	case resp.StatusCode >= 500:
		return min(backoff, maxWait), idempotent
	}
	return 0, false
}

// cancelBody ends an attempt's context when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// trace prints method, URL, status, duration and retries; credentials
// travel in headers, which are not printed, and the line is redacted in
// case a URL carries one.
func (t *transport) trace(req *http.Request, resp *http.Response, err error, d time.Duration, retries int) {
	if t.debug == nil {
		return
	}
	status := "error: " + errText(err)
	if resp != nil {
		status = strconv.Itoa(resp.StatusCode)
	}
	extra := ""
	if retries > 0 {
		extra = fmt.Sprintf(", %d retries", retries)
	}
	line := fmt.Sprintf("jira: %s %s -> %s (%s%s)", req.Method, req.URL.Redacted(), status, d.Round(time.Millisecond), extra)
	fmt.Fprintln(t.debug, t.redact.String(line))
}

func errText(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
