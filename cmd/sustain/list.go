package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/output"
)

// footed is a list with the footer a terminal shows under it; its JSON is
// the list's.
type footed struct {
	list   output.Tabler
	footer string
}

func (f footed) MarshalJSON() ([]byte, error) { return json.Marshal(f.list) }

func (f footed) Table() output.Table {
	t := f.list.Table()
	t.Footer = f.footer
	return t
}

// cut keeps the first n of items (all for n 0) and says whether some were
// left out.
func cut[T any](items []T, n int) ([]T, bool) {
	if n > 0 && len(items) > n {
		return items[:n], true
	}
	return items, false
}

// defaultLimit is how many rows a list shows without --limit or --all, as
// gh issue list.
const defaultLimit = 30

// listFlags are --limit, --all and --sort, shared by every list command.
type listFlags struct {
	Limit int
	All   bool
	Sort  string
	sorts []string // the documented keys; the first is the default
	cmd   *cobra.Command
}

// addListFlags binds --limit, --all and, when sorts are given, --sort
// (the first key is the default).
func addListFlags(cmd *cobra.Command, l *listFlags, sortHelp string, sorts ...string) {
	l.cmd, l.sorts = cmd, sorts
	f := cmd.Flags()
	f.IntVarP(&l.Limit, "limit", "L", defaultLimit, "show at most `N` rows (in --json too)")
	f.BoolVar(&l.All, "all", false, "show every row, streamed as read")
	if len(sorts) > 0 {
		f.StringVar(&l.Sort, "sort", sorts[0], sortHelp)
		_ = cmd.RegisterFlagCompletionFunc("sort", fixedCompletion(sorts...))
	}
}

// check refuses a limit below 1 and --limit with --all, and an unknown
// --sort key.
func (l *listFlags) check() error {
	if l.All && l.cmd != nil && l.cmd.Flags().Changed("limit") {
		return usagef("choose --limit N or --all")
	}
	if !l.All && l.Limit < 1 {
		return usagef("--limit %d: give a number of rows from 1 up, or --all for every row", l.Limit)
	}
	if len(l.sorts) > 0 && !slices.Contains(l.sorts, l.Sort) {
		return usagef("--sort %q: use %s", l.Sort, strings.Join(l.sorts, ", "))
	}
	return nil
}

// max is the number of rows to show, 0 for all.
func (l *listFlags) max() int {
	if l.All {
		return 0
	}
	return l.Limit
}

// footer is the line under a cut list on a terminal: how many of how many
// are shown and how to see more. total < 0 is unknown.
func footer(shown, total int, more bool) string {
	if !more {
		return ""
	}
	if total < 0 {
		return fmt.Sprintf("%s shown; --limit or --all for more", output.Thousands(shown))
	}
	return fmt.Sprintf("%s of %s shown; --limit or --all for more", output.Thousands(shown), output.Thousands(total))
}

// fixedCompletion completes a flag or an argument from a fixed set.
func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// plusOne is the number of rows to read for a limit n: one more tells
// that there are more; 0 (all) stays 0.
func plusOne(n int) int {
	if n == 0 {
		return 0
	}
	return n + 1
}
