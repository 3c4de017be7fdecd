package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/ticket"
)

type TicketConfirmOptions struct {
	ticketDeps
	ID   string
	From string
	// Text is the customer's words, optional: --text, --text-file, or
	// standard input when it is not a terminal.
	Text, TextFile string
}

func NewCmdTicketConfirm(a *app, runF func(*TicketConfirmOptions) error) *cobra.Command {
	opts := &TicketConfirmOptions{}
	cmd := &cobra.Command{
		Use:   "confirm ID --from EMAIL [--text TEXT]",
		Short: "Record the customer's confirmation: a resolved request is closed as confirmed (Q14, A12)",
		Long: `Record the customer's "it works": a resolved request ("Completed, requires user
confirmation") is closed as confirmed. Who may confirm follows the policy the request
keeps: under regulation Q its author or a registered address of its customer; where
support.confirm_requires_responsible_person is set (A12) only a responsible person of
the customer — anyone else is refused with the list of those who may. The customer's
words (--text) are kept in the history. ticket close --confirmed-by is the same for
staff recording a confirmation received by phone.

` + exitStatusHelp,
		Example: `  sustain ticket confirm SUP-12 --from ivan@acme.test --text "Works, thank you"`,
		Args:    exactArgs(1, "the registration number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if opts.From == "" {
				return usagef("confirm needs the customer's address: --from EMAIL")
			}
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketConfirmRun(cmd.Context(), a, opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the customer's `EMAIL` confirming the answer")
	cmd.Flags().StringVar(&opts.Text, "text", "", "the customer's words, kept in the history")
	cmd.Flags().StringVar(&opts.TextFile, "text-file", "", "read the customer's words from `FILE`")
	return cmd
}

func ticketConfirmRun(ctx context.Context, a *app, opts *TicketConfirmOptions) error {
	text := opts.Text
	if text == "" && opts.TextFile != "" {
		var err error
		if text, err = a.text("", opts.TextFile); err != nil {
			return err
		}
	}
	in := ticket.ActInput{Action: ticket.ActConfirm, From: opts.From, Text: text, Actor: opts.Actor()}
	return opts.act(ctx, opts.ID, in)
}
