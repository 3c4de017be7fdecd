package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

type TicketSearchOptions struct {
	ticketDeps
	Query string
	List  listFlags
}

func NewCmdTicketSearch(a *app, runF func(*TicketSearchOptions) error) *cobra.Command {
	opts := &TicketSearchOptions{}
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find requests by the words of their subject, description and messages",
		Long: `Find requests, in any state, whose subject, description or messages (notes,
answers, the customer's replies) hold every word of TEXT, in any case.
Only letters and digits count: quotes, operators and other characters only
separate words. The embedded store ranks the best match first (SQLite FTS5,
BM25, the subject weighing most) and also finds longer words that start with
a word given («принтер» finds «принтера»); the Jira store asks Jira's text
search (JQL text ~) within the project, newest first.

The first 30 unless --limit N or --all; the columns are those of ticket list.

` + exitStatusHelp,
		Example: `  sustain ticket search printer
  sustain ticket search "принтер не печатает" --all
  sustain ticket search "login 500" --json --jq '.[].id'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("search needs the TEXT to look for")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = strings.Join(args, " ")
			if err := opts.List.check(); err != nil {
				return err
			}
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketSearchRun(cmd.Context(), opts)
		},
	}
	addListFlags(cmd, &opts.List, "")
	return cmd
}

func ticketSearchRun(ctx context.Context, opts *TicketSearchOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	limit := opts.List.max()
	ask := 0
	if limit > 0 {
		ask = limit + 1 // one more tells that there are more
	}
	views, err := svc.Search(ctx, opts.Query, ask)
	if err != nil {
		return err
	}
	more := limit > 0 && len(views) > limit
	if more {
		views = views[:limit]
	}
	loc := svc.Calendar.Location()
	st := opts.Format.Stream(opts.Out, requestHeader, requestColor)
	for _, v := range views {
		if err := st.Add(v, requestRow(v, loc, opts.Tr)); err != nil {
			return err
		}
	}
	return st.Close(footer(len(views), -1, more))
}
