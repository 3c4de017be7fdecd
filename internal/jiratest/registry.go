package jiratest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// Registry replays recorded answers: each stub answers one request, in the
// order registered, and Verify fails the test when a stub was not used or
// a request found no stub, so a test cannot pass by not calling what it
// claims to test.
type Registry struct {
	*httptest.Server

	mu        sync.Mutex
	stubs     []*Stub
	unmatched []string
	requests  []Request
}

// Stub is one recorded answer.
type Stub struct {
	Method string
	// Path is matched against the request's path, or against path?query
	// as a prefix when it contains "?".
	Path   string
	Status int
	Header http.Header
	Body   []byte
	used   bool
}

// Request is a request the registry received.
type Request struct {
	Method, URL string
	Header      http.Header
	Body        []byte
}

// NewRegistry starts a server that answers from stubs.
func NewRegistry(t testing.TB) *Registry {
	r := &Registry{}
	r.Server = httptest.NewServer(r)
	t.Cleanup(r.Close)
	return r
}

// Register adds a stub answering status with body (JSON unless the header
// says otherwise).
func (r *Registry) Register(method, path string, status int, body string) *Stub {
	s := &Stub{Method: method, Path: path, Status: status, Body: []byte(body), Header: http.Header{}}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stubs = append(r.stubs, s)
	return s
}

// File adds a stub answering status with a recorded file, in which every
// {{URL}} becomes the registry's own address.
func (r *Registry) File(t testing.TB, method, path string, status int, file string) *Stub {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return r.Register(method, path, status, strings.ReplaceAll(string(data), "{{URL}}", r.URL))
}

func (s *Stub) matches(req *http.Request) bool {
	if s.used || s.Method != req.Method {
		return false
	}
	if strings.Contains(s.Path, "?") {
		return strings.HasPrefix(req.URL.Path+"?"+req.URL.RawQuery, s.Path)
	}
	return req.URL.Path == s.Path
}

func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests = append(r.requests, Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body})
	var stub *Stub
	for _, s := range r.stubs {
		if s.matches(req) {
			s.used, stub = true, s
			break
		}
	}
	if stub == nil {
		r.unmatched = append(r.unmatched, req.Method+" "+req.URL.String())
	}
	r.mu.Unlock()
	if stub == nil {
		http.Error(w, "no stub for "+req.Method+" "+req.URL.String(), http.StatusNotImplemented)
		return
	}
	for k, v := range stub.Header {
		w.Header()[k] = v
	}
	if w.Header().Get("Content-Type") == "" && len(stub.Body) > 0 {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	}
	w.WriteHeader(stub.Status)
	_, _ = w.Write(stub.Body)
}

// Requests lists what was received, in order.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Verify fails t for every stub not used and every request without a stub.
func (r *Registry) Verify(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.stubs {
		if !s.used {
			t.Errorf("stub not used: %s %s", s.Method, s.Path)
		}
	}
	for _, u := range r.unmatched {
		t.Errorf("request without a stub: %s", u)
	}
}

// String lists the stubs, for failure messages.
func (r *Registry) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, s := range r.stubs {
		fmt.Fprintf(&b, "%s %s used=%v\n", s.Method, s.Path, s.used)
	}
	return b.String()
}
