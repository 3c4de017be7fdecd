package main

import (
	"context"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

type ManOptions struct {
	Dir string
	// Generate writes the pages into a directory; the constructor binds it
	// to the command tree, so manRun itself knows nothing of cobra.
	Generate func(dir string) error
}

func NewCmdMan(root *cobra.Command, runF func(*ManOptions) error) *cobra.Command {
	opts := &ManOptions{Generate: func(dir string) error {
		header := &doc.GenManHeader{Title: "SUSTAIN", Section: "1", Source: "sustain " + buildVersion().Version}
		root.DisableAutoGenTag = true
		return doc.GenManTree(root, header, dir)
	}}
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write man pages for every command into DIR",
		Long: `Write a man page (section 1) for every command into DIR, generated from the
command tree, so they never disagree with --help.`,
		Example: "  sustain man /usr/local/share/man/man1",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("man takes one argument, the directory to write into")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(opts)
			}
			return manRun(cmd.Context(), opts)
		},
	}
}

func manRun(_ context.Context, opts *ManOptions) error {
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return err
	}
	return opts.Generate(opts.Dir)
}
