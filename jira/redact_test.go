package jira

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/problem"
)

// echoServer answers every request with status and a body that repeats
// the Authorization header, as a careless proxy or plugin does.
func echoServer(t *testing.T, status int, contentType, format string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(status)
		fmt.Fprintf(w, format, r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestErrorsAndTraceRedactEchoedCredentials(t *testing.T) {
	const user = "bot@example.com"
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
	for _, tc := range []struct {
		name, user, contentType, body string
		status                        int
		want                          string
	}{
		{"jira json, bearer", "", "application/json", `{"errorMessages":["header was: %s"],"errors":{}}`, 400, "header was: Bearer [REDACTED]"},
		{"jira json, basic", user, "application/json", `{"errorMessages":[],"errors":{"auth":"got %s"}}`, 400, "auth: got Basic [REDACTED]"},
		{"proxy 407 text, basic", user, "text/plain", "Proxy authentication required. You sent: %s\n", 407, "asks for credentials (407): Proxy authentication required. You sent: Basic [REDACTED]"},
		{"proxy 502 html, bearer", "", "text/html", "<html><body><h1>502 Bad Gateway</h1><pre>\x1b]0;x\x07%s</pre></body></html>", 502, `failed with 502 Bad Gateway (Retry-After "1"): 502 Bad Gateway`},
		{"proxy 502 html without a heading, bearer", "", "text/html", "<html><body><p>upstream said \x1b]0;x\x07%s</p><script>var s = 1;</script></body></html>", 502, `failed with 502 Bad Gateway (Retry-After "1"): upstream said ]0;x Bearer [REDACTED]`},
		{"jira 403 json, basic", user, "application/json", `{"errorMessages":["denied for %s"]}`, 403, "denied for Basic [REDACTED]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := echoServer(t, tc.status, tc.contentType, tc.body)
			var trace bytes.Buffer
			c, err := New(Config{URL: srv.URL, User: tc.user, Token: secret, Retries: 1, Debug: &trace,
				Sleep: func(context.Context, time.Duration) error { return nil }})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Issue(context.Background(), "SUP-1", GetOptions{})
			var pe *problem.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			for _, text := range []string{err.Error(), pe.Hint, trace.String()} {
				for _, leak := range []string{secret, basic, user + ":" + secret, "\x1b"} {
					if strings.Contains(text, leak) {
						t.Errorf("%q leaked in %q", leak, text)
					}
				}
			}
		})
	}
}

func TestRedactorKeepsWordsAndRemovesTokens(t *testing.T) {
	r := newRedactor("bot@example.com", "abc123")
	for in, want := range map[string]string{
		"a bearer personal access token from SUSTAIN_JIRA_TOKEN":                         "a bearer personal access token from SUSTAIN_JIRA_TOKEN",
		"basic authentication is disabled":                                               "basic authentication is disabled",
		"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x":                               "Authorization: Bearer [REDACTED]",
		"proxy: Basic dXNlcjpwYXNzd29yZDEyMw==":                                          "proxy: Basic [REDACTED]",
		"token abc123 in a URL ?t=abc123":                                                "token [REDACTED] in a URL ?t=[REDACTED]",
		"pair " + base64.RawURLEncoding.EncodeToString([]byte("bot@example.com:abc123")): "pair [REDACTED]",
	} {
		if got := r.String(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}

func TestWarnsWhenTheTokenWouldTravelOverHTTP(t *testing.T) {
	var warned []string
	warn := func(msg string) { warned = append(warned, msg) }
	for _, url := range []string{"https://jira.example.com", "http://127.0.0.1:8080", "http://localhost", "http://[::1]:80"} {
		if _, err := New(Config{URL: url, Token: secret, Warn: warn}); err != nil {
			t.Fatal(err)
		}
	}
	if len(warned) != 0 {
		t.Fatalf("warned for https or loopback: %q", warned)
	}
	if _, err := New(Config{URL: "http://jira.example.com", Token: secret, Warn: warn}); err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "http://") || !strings.Contains(warned[0], "unencrypted") || strings.Contains(warned[0], secret) {
		t.Errorf("warnings %q", warned)
	}
}

// roundTripFunc records what would be sent.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestCredentialsGoOnlyToTheSiteOverItsScheme(t *testing.T) {
	sent := map[string]string{}
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent[r.URL.Scheme+"://"+r.URL.Host] = r.Header.Get("Authorization")
		return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})
	c, err := New(Config{URL: "https://jira.example.com", Token: secret, Transport: base})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://jira.example.com/a", "http://jira.example.com/a", "https://files.example.com/a"} {
		if _, err := c.Download(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	if sent["https://jira.example.com"] != "Bearer "+secret || sent["http://jira.example.com"] != "" || sent["https://files.example.com"] != "" {
		t.Errorf("Authorization sent: %q", sent)
	}
}
