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
	jitter    func() float64 // in [0, 1)
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
// did not act on it); 502-504 for methods that are safe to repeat (a
// gateway answered, but the request may have reached Jira and been applied:
// a create is looked up by its marker before it is sent again, see
// CreateIssue); 500 and network errors only for methods that are safe to
// repeat. Jira's Retry-After and X-RateLimit-Reset are honoured, whatever
// the per-attempt timeout, up to maxWait.
func (t *transport) retryAfter(req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if attempt >= t.retries || req.Context().Err() != nil {
		return 0, false
	}
	if req.Body != nil && req.GetBody == nil {
		return 0, false
	}
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodPut || req.Method == http.MethodDelete || req.Method == http.MethodHead
	switch {
	case err != nil:
		// A timeout of one attempt is a network error like any other.
		return t.wait(nil, attempt), idempotent
	case resp.StatusCode == http.StatusTooManyRequests:
		return t.wait(resp, attempt), true
	case resp.StatusCode >= 500:
		return t.wait(resp, attempt), idempotent
	}
	return 0, false
}

// wait is Jira's figure (the later of Retry-After and X-RateLimit-Reset)
// or else an exponential backoff from 0.5 s, plus up to 30% jitter so
// clients limited together do not come back together, cut to maxWait.
func (t *transport) wait(resp *http.Response, attempt int) time.Duration {
	d := time.Duration(500<<attempt) * time.Millisecond
	if resp != nil {
		now := time.Now()
		ra, ok1 := parseRetryAfter(resp.Header.Get("Retry-After"), now)
		reset, ok2 := parseReset(resp.Header.Get("X-RateLimit-Reset"), now)
		if ok1 || ok2 {
			d = max(ra, reset)
		}
	}
	j := 0.0
	if t.jitter != nil {
		j = t.jitter()
	}
	d += time.Duration(float64(d) * 0.3 * j)
	return min(d, maxWait)
}

// parseReset reads X-RateLimit-Reset, an ISO 8601 time ("2024-03-01T10:15Z").
func parseReset(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	for _, layout := range []string{"2006-01-02T15:04Z07:00", time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700"} {
		if at, err := time.Parse(layout, v); err == nil {
			return max(at.Sub(now), 0), true
		}
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
