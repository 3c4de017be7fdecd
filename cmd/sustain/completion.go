package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/internal/storeurl"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/sqlite"
)

// Shell completion that knows the data: registration numbers (open
// requests first), customer codes, and the values of --status, --priority
// and --lang. It is silent on every error (no store yet, a bad
// configuration, Jira: nothing is offered), never creates a store, and
// gives up after a short while.

const completeMax = 200 // candidates offered at most

const completeTimeout = 2 * time.Second

type completeFunc = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)

const noFiles = cobra.ShellCompDirectiveNoFileComp

// completionStore opens the configured SQLite store for completion only if
// it exists: completion never creates one, nor asks Jira.
func (a *app) completionStore(ctx context.Context) (*sqlite.Store, bool) {
	cfg, err := a.config()
	if err != nil {
		return nil, false
	}
	st, err := storeurl.Parse(a.storePath(cfg))
	if err != nil || st.Kind == storeurl.Jira {
		return nil, false
	}
	if _, err := os.Stat(st.Path); errors.Is(err, fs.ErrNotExist) || err != nil {
		return nil, false
	}
	s, err := sqlite.OpenReadOnly(ctx, st.Path) // never creates, migrates or checkpoints: cheap to open and close
	if err != nil {
		return nil, false
	}
	return s, true
}

func (a *app) completeCtx() (context.Context, context.CancelFunc) {
	ctx := a.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithTimeout(ctx, completeTimeout)
}

// completeRequestID completes the first argument with registration
// numbers: "SUP-12<TAB>in_progress: Login fails".
func (a *app) completeRequestID(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, noFiles
	}
	ctx, cancel := a.completeCtx()
	defer cancel()
	s, ok := a.completionStore(ctx)
	if !ok {
		return nil, noFiles
	}
	defer s.Close()
	var c ticket.IDCompleter = s
	hints, err := c.CompleteIDs(ctx, toComplete, completeMax)
	if err != nil {
		return nil, noFiles
	}
	out := make([]string, 0, len(hints))
	for _, h := range hints {
		out = append(out, h.ID+"\t"+output.Cut(output.Line(h.Status+": "+h.Subject), 60))
	}
	return out, noFiles | cobra.ShellCompDirectiveKeepOrder
}

// completeCustomer completes customer codes: "ACME<TAB>Acme LLC".
func (a *app) completeCustomer(toComplete string) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := a.completeCtx()
	defer cancel()
	s, ok := a.completionStore(ctx)
	if !ok {
		return nil, noFiles
	}
	defer s.Close()
	cs, err := s.Customers(ctx)
	if err != nil {
		return nil, noFiles
	}
	var out []string
	for _, c := range cs {
		if strings.HasPrefix(strings.ToUpper(c.Code), strings.ToUpper(toComplete)) && len(out) < completeMax {
			out = append(out, c.Code+"\t"+output.Cut(output.Line(c.Name), 60))
		}
	}
	return out, noFiles
}

func (a *app) completeCustomerArg(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, noFiles
	}
	return a.completeCustomer(toComplete)
}

func (a *app) completeCustomerFlag(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return a.completeCustomer(toComplete)
}

var priorities = []string{"critical", "high", "normal", "low"}

func statusValues(withAll bool) []string {
	var out []string
	for _, s := range ticket.Statuses {
		out = append(out, string(s))
	}
	if withAll {
		out = append(out, "open", "all")
	}
	return out
}

// wireCompletion adds the completions to the command tree: by command path,
// so the commands' own files stay as they are.
func wireCompletion(a *app, root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(c.CommandPath(), root.Name()+" ")
		words := strings.Fields(c.Use)
		switch {
		case strings.HasPrefix(path, "ticket ") && len(words) > 1 && words[1] == "ID":
			c.ValidArgsFunction = a.completeRequestID
		case path == "customer show" || path == "customer edit":
			c.ValidArgsFunction = a.completeCustomerArg
		}
		if f := c.Flags().Lookup("customer"); f != nil {
			_ = c.RegisterFlagCompletionFunc("customer", a.completeCustomerFlag)
		}
		if f := c.Flags().Lookup("priority"); f != nil {
			_ = c.RegisterFlagCompletionFunc("priority", fixedCompletion(priorities...))
		}
		for _, name := range []string{"lang", "notice-lang"} {
			if f := c.Flags().Lookup(name); f != nil {
				_ = c.RegisterFlagCompletionFunc(name, fixedCompletion("ru", "en"))
			}
		}
		if f := c.Flags().Lookup("status"); f != nil && strings.HasPrefix(path, "ticket ") {
			_ = c.RegisterFlagCompletionFunc("status", fixedCompletion(statusValues(true)...))
		}
		if f := c.Flags().Lookup("component"); f != nil {
			_ = c.RegisterFlagCompletionFunc("component", a.completeComponent)
		}
		if f := c.Flags().Lookup("issue"); f != nil && strings.HasPrefix(path, "release ") {
			_ = c.RegisterFlagCompletionFunc("issue", a.completeIssue)
		}
		if f := c.Flags().Lookup("channel"); f != nil {
			_ = c.RegisterFlagCompletionFunc("channel", fixedCompletion("email", "phone", "portal"))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeComponent completes --component with the names under components:
// in the configuration.
func (a *app) completeComponent(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	cfg, err := a.config()
	if err != nil {
		return nil, noFiles
	}
	var out []string
	for _, name := range cfg.ComponentNames() {
		if strings.HasPrefix(name, toComplete) {
			out = append(out, name)
		}
	}
	return out, noFiles
}

// recentCommits bounds the history --issue completion reads: the keys of
// the work since a release are in the newest commits.
const recentCommits = 200

// completeIssue completes --issue of release next|tag with the Jira keys of
// the configured project in recent commits, highest number first.
func (a *app) completeIssue(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := a.completeCtx()
	defer cancel()
	v, err := a.versioner()
	if err != nil {
		return nil, noFiles
	}
	keys, err := v.RecentKeys(ctx, recentCommits)
	if err != nil {
		return nil, noFiles
	}
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, strings.ToUpper(toComplete)) {
			out = append(out, k)
		}
	}
	return out, noFiles | cobra.ShellCompDirectiveKeepOrder
}
