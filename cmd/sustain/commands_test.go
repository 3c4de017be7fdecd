package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type pflagFlag = pflag.Flag

// TestEveryCommandIsDocumented walks the tree: each command a user can run
// has a short description and an example, and no two flags of a command
// (its own or inherited) share a name or a shorthand.
func TestEveryCommandIsDocumented(t *testing.T) {
	var buf bytes.Buffer
	root := newRootCmd(&app{out: &buf, err: &buf})
	root.InitDefaultCompletionCmd()
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		path := c.CommandPath()
		if c.Short == "" {
			t.Errorf("%s has no short description", path)
		}
		builtin := strings.HasPrefix(path, "sustain completion") || c.Name() == "help"
		if c.Runnable() && !builtin && c.HasParent() && c.Example == "" && !c.HasSubCommands() {
			t.Errorf("%s has no example", path)
		}
		seen := map[string]string{}
		check := func(name, what string) {
			if name == "-" {
				return // no shorthand
			}
			if prev, ok := seen[name]; ok && prev != what {
				t.Errorf("%s: %s clashes with %s", path, what, prev)
			}
			seen[name] = what
		}
		c.InheritedFlags().VisitAll(func(f *pflagFlag) { check("--"+f.Name, f.Name); check("-"+f.Shorthand, f.Name) })
		c.LocalNonPersistentFlags().VisitAll(func(f *pflagFlag) { check("--"+f.Name, f.Name); check("-"+f.Shorthand, f.Name) })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
