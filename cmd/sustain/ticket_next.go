package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

type TicketNextOptions struct {
	ticketDeps
	Query ticket.NextQuery
	Mine  bool
	Claim string // assign the head of the queue to this person
}

func NewCmdTicketNext(a *app, runF func(*TicketNextOptions) error) *cobra.Command {
	opts := &TicketNextOptions{}
	cmd := &cobra.Command{
		Use:   "next [--mine | --unassigned | --assignee NAME] [--customer CODE] [--claim NAME]",
		Short: "The request to work on now under the priority system; --claim takes it",
		Long: `Print the request to work on now: among new and in-progress requests,
those of customers with an active support contract first (where
support.priority_requires_contract is set, A4), by priority then age; the
others after them, by age.

--mine (assigned to you: support.actor, else the login name), --assignee NAME,
--unassigned and --customer CODE narrow the queue. --claim NAME takes the head of
the queue of unassigned requests and assigns it to NAME in one transaction: the
request must still be waiting and unassigned when the assignment is written, so
engineers claiming at the same moment get different requests. Exit status 5
when nothing is waiting (or left to claim).

` + exitStatusHelp,
		Example: `  sustain ticket next
  sustain ticket next --mine
  sustain ticket next --customer ACME --unassigned
  sustain ticket next --claim anna --template '{{.id}}'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := 0
			for _, set := range []bool{opts.Mine, opts.Query.Unassigned, opts.Query.Assignee != ""} {
				if set {
					n++
				}
			}
			switch {
			case n > 1:
				return usagef("choose one of --mine, --unassigned and --assignee")
			case opts.Claim != "" && (opts.Mine || opts.Query.Assignee != ""):
				return usagef("--claim takes an unassigned request: it does not go with --mine or --assignee")
			}
			opts.ticketDeps = a.ticketDeps()
			if opts.Mine {
				opts.Query.Assignee = opts.Actor()
			}
			if runF != nil {
				return runF(opts)
			}
			return ticketNextRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.Mine, "mine", false, "only requests assigned to you")
	f.BoolVar(&opts.Query.Unassigned, "unassigned", false, "only requests nobody is assigned to")
	f.StringVar(&opts.Query.Assignee, "assignee", "", "only requests assigned to `NAME`")
	f.StringVar(&opts.Query.Customer, "customer", "", "only requests of the customer `CODE`")
	f.StringVar(&opts.Claim, "claim", "", "assign the head of the queue to `NAME`, in one transaction")
	return cmd
}

func ticketNextRun(ctx context.Context, opts *TicketNextOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	var v *ticket.View
	if opts.Claim != "" {
		v, err = svc.Claim(ctx, opts.Query, opts.Claim, opts.Actor())
	} else {
		v, err = svc.NextFor(ctx, opts.Query)
	}
	if err != nil {
		return err
	}
	if v == nil {
		if opts.Claim != "" {
			return problem.New(problem.NotFound, "see the queue with: sustain ticket list --sort queue", "no unassigned request is waiting to be claimed")
		}
		return problem.New(problem.NotFound, "", "no request is waiting to be worked on")
	}
	return opts.printRequest(v, svc, false)
}
