package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/ticket"
)

// calendarVersion names the production calendar a request is opened
// under: the embedded data, plus the support.calendar file by its digest.
func (a *app) calendarVersion(file string) string {
	v := "embedded"
	if file == "" {
		return v
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return v + "+" + filepath.Base(file)
	}
	sum := sha256.Sum256(data)
	return v + "+" + filepath.Base(file) + "@" + hex.EncodeToString(sum[:6])
}

type TicketRepolicyOptions struct {
	ticketDeps
	ID  string
	All bool
	Yes bool
}

func NewCmdTicketRepolicy(a *app, runF func(*TicketRepolicyOptions) error) *cobra.Command {
	opts := &TicketRepolicyOptions{}
	cmd := &cobra.Command{
		Use:   "repolicy {ID | --all} --yes",
		Short: "Apply the current policy to open requests, on purpose",
		Long: `A request keeps the policy it was opened under (auto-close days, who may confirm,
working hours, calendar version): its deadlines never move because sustain runs with
another configuration or environment. repolicy gives open requests the current
policy, on purpose: each change is recorded in the request's history with the old
and the new policy. Requests that already have it are left alone. Nothing prompts:
--yes is required.

` + exitStatusHelp,
		Example: `  sustain ticket repolicy SUP-12 --yes
  sustain --config regulation-a.yaml ticket repolicy --all --yes --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 1:
				return usagef("repolicy takes one registration number, or --all")
			case len(args) == 1 && opts.All, len(args) == 0 && !opts.All:
				return usagef("give one registration number or --all")
			case !opts.Yes:
				return usagef("repolicy changes the deadlines of open requests: confirm with --yes")
			}
			if len(args) == 1 {
				opts.ID = args[0]
			}
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketRepolicyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "every open request")
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "confirm the change (required)")
	return cmd
}

func ticketRepolicyRun(ctx context.Context, opts *TicketRepolicyOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	var ids []string
	if opts.ID != "" {
		ids = []string{opts.ID}
	}
	res, err := svc.Repolicy(ctx, ids, opts.Actor())
	if err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, repolicyView{res})
}

type repolicyView struct{ *ticket.RepolicyResult }

func (v repolicyView) MarshalJSON() ([]byte, error) { return jsonOf(v.RepolicyResult) }

func (v repolicyView) Table() output.Table {
	t := output.Table{Header: []string{"REQUEST", "OLD POLICY", "NEW POLICY"}}
	for _, c := range v.Changed {
		t.Rows = append(t.Rows, []string{c.ID, ticket.DescribePolicy(c.Old), ticket.DescribePolicy(&c.New)})
	}
	if len(v.Changed) == 0 {
		t.Footer = "no open request needed a change"
	}
	return t
}

// phoneHours is support.phone_hours; nil when calls are taken any time.
func phoneHours(s string) (*ticket.Hours, error) {
	if s == "" {
		return nil, nil
	}
	start, end, err := bizcal.ParseHours(s)
	if err != nil {
		return nil, usagef("support.phone_hours: %v", err)
	}
	return &ticket.Hours{Start: start, End: end}, nil
}
