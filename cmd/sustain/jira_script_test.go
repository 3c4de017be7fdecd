package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sustain-cli/sustain/internal/jiratest"
)

// jiraToken is the fake Jira's token; scripts check it never shows.
const jiraToken = "tok-3f9a7c1e-never-printed"

// TestScriptsOnJira runs the ticket scenarios of the embedded store again
// with the Jira store against an in-memory Jira, so both stores behave the
// same, and then the Jira-only scripts in testdata/script/jira.
func TestScriptsOnJira(t *testing.T) {
	t.Run("same-as-sqlite", func(t *testing.T) {
		p := scriptParams(filepath.Join("..", "..", "testdata", "script"), true)
		files, err := filepath.Glob(filepath.Join(p.Dir, "ticket_*.txtar"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no ticket scripts: %v", err)
		}
		p.Dir, p.Files = "", files
		testscript.Run(t, p)
	})
	t.Run("jira", func(t *testing.T) {
		testscript.Run(t, scriptParams(filepath.Join("..", "..", "testdata", "script", "jira"), true))
	})
}

// setupJira starts a fake Jira for one script and points the store at it.
func setupJira(env *testscript.Env) {
	srv := jiratest.New("SUP", "REQ", "SRV")
	srv.SetCredentials("", jiraToken)
	env.Defer(srv.Close)
	env.Values["jira"] = srv
	env.Setenv("JIRA_URL", srv.URL)
	env.Setenv("SUSTAIN_STORE", "jira:"+srv.URL)
	env.Setenv("SUSTAIN_JIRA_URL", srv.URL)
	env.Setenv("SUSTAIN_JIRA_TOKEN", jiraToken)
	env.Setenv("JIRA_TOKEN", jiraToken)
}

// jiraCmd drives the fake Jira from a script:
//
//	jira fail METHOD-AND-PATH-PREFIX STATUS [RETRY-AFTER [TIMES]]
//	jira echo METHOD-AND-PATH-PREFIX STATUS   (the error body repeats the Authorization header)
//	jira answer METHOD-AND-PATH-PREFIX STATUS BODY   (once, as is)
//	jira slow METHOD-AND-PATH-PREFIX SECONDS
//	jira count METHOD-AND-PATH-PREFIX N
//	jira issue KEY TYPE STATUS SUMMARY
//	jira comment KEY TEXT    (as a person in Jira's UI)
//	jira cloud               (the classic search answers 410 Gone)
//	jira pagesize N
//	jira property KEY NAME   (prints the entity property to stdout)
//	jira field KEY NAME      (prints the field)
//	jira setproperty KEY NAME VALUE  (stores the entity property as is)
//	jira statuses NAME...    (the statuses the site has; default all five)
//	jira datacenter          (serverInfo says Server; search ignores properties)
//	jira servicedesk PROJECT (a Jira Service Management project)
//	jira redirect METHOD-AND-PATH-PREFIX STATUS TARGET  (once)
//	jira html METHOD-AND-PATH-PREFIX STATUS [BODY]  (once; a login page when no BODY)
//	jira applied METHOD-AND-PATH-PREFIX STATUS  (once: the write is done, then the error)
//	jira public KEY TEXT     (prints whether the comment containing TEXT is public)
func jiraCmd(ts *testscript.TestScript, neg bool, args []string) {
	srv, _ := ts.Value("jira").(*jiratest.Server)
	if srv == nil {
		ts.Fatalf("jira: no fake Jira in this run")
	}
	if len(args) == 0 {
		ts.Fatalf("jira: give a subcommand")
	}
	need := func(n int) {
		if len(args) < n {
			ts.Fatalf("jira %s: too few arguments", args[0])
		}
	}
	switch args[0] {
	case "fail":
		need(3)
		status, _ := strconv.Atoi(args[2])
		f := jiratest.Fault{Match: args[1], Status: status}
		if len(args) > 3 {
			f.RetryAfter = args[3]
		}
		if len(args) > 4 {
			f.Times, _ = strconv.Atoi(args[4])
		}
		srv.Inject(f)
	case "echo":
		need(3)
		status, _ := strconv.Atoi(args[2])
		srv.Inject(jiratest.Fault{Match: args[1], Status: status, Echo: true})
	case "answer":
		need(4)
		status, _ := strconv.Atoi(args[2])
		srv.Inject(jiratest.Fault{Match: args[1], Status: status, Body: strings.Join(args[3:], " ")})
	case "slow":
		need(3)
		secs, _ := strconv.ParseFloat(args[2], 64)
		srv.Inject(jiratest.Fault{Match: args[1], Delay: time.Duration(secs * float64(time.Second)), Times: 10})
	case "count":
		need(3)
		want, _ := strconv.Atoi(args[2])
		got := srv.Count(args[1])
		if (got == want) == neg {
			ts.Fatalf("jira count %q: %d requests, want %d\n%s", args[1], got, want, strings.Join(srv.Log(), "\n"))
		}
	case "issue":
		need(5)
		srv.AddIssue(args[1], map[string]any{"issuetype": args[2], "status": args[3], "summary": strings.Join(args[4:], " ")})
	case "comment":
		need(3)
		srv.Comment(args[1], strings.Join(args[2:], " "))
	case "cloud":
		srv.SetCloud(true)
	case "pagesize":
		need(2)
		n, _ := strconv.Atoi(args[1])
		srv.SetPageSize(n)
	case "property":
		need(3)
		fmt.Fprintf(ts.Stdout(), "%s\n", srv.Property(args[1], args[2]))
	case "setproperty":
		need(4)
		srv.SetProperty(args[1], args[2], []byte(strings.Join(args[3:], " ")))
	case "field":
		need(3)
		fmt.Fprintf(ts.Stdout(), "%v\n", srv.Field(args[1], args[2]))
	case "statuses":
		srv.SetStatuses(args[1:]...)
	case "datacenter":
		srv.SetDataCenter(true)
	case "servicedesk":
		need(2)
		srv.SetServiceDesk(args[1])
	case "redirect":
		need(4)
		status, _ := strconv.Atoi(args[2])
		srv.Inject(jiratest.Fault{Match: args[1], Status: status, Redirect: args[3]})
	case "html":
		need(3)
		status, _ := strconv.Atoi(args[2])
		srv.Inject(jiratest.Fault{Match: args[1], Status: status, HTML: true, Body: strings.Join(args[3:], " ")})
	case "applied":
		need(3)
		status, _ := strconv.Atoi(args[2])
		srv.Inject(jiratest.Fault{Match: args[1], Status: status, Applied: true})
	case "public":
		need(3)
		public, found := srv.CommentPublic(args[1], strings.Join(args[2:], " "))
		if !found {
			ts.Fatalf("jira public: no comment of %s contains %q", args[1], strings.Join(args[2:], " "))
		}
		fmt.Fprintf(ts.Stdout(), "%v\n", public)
	default:
		ts.Fatalf("jira: unknown subcommand %q", args[0])
	}
}
