package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/input"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

// Changing a request after it is opened (A8–A10): set-priority, unassign,
// edit, attach. Each prints the request as ticket show does (--json: the
// same object, history included).

const changeStatesHelp = `A closed request is not changed (exit 4): a new question is a new request
with --related (A6). Every other state allows it, and the status stays.`

// printChanged prints a request after a change; a change that holds
// already is a note on standard error and the request as it is (exit 0).
func (d ticketDeps) printChanged(ctx context.Context, svc *ticket.Service, r *ticket.Request, err error) error {
	if uc := (*ticket.UnchangedError)(nil); errors.As(err, &uc) {
		d.note(sayNote(deskTr(d.Tr), uc.Note, uc.Request.ID, uc.Request.Priority))
		r, err = uc.Request, nil
	}
	if err != nil {
		return err
	}
	v, err := svc.Show(ctx, r.ID)
	if err != nil {
		return err
	}
	return d.printRequest(v, svc, false)
}

// attachmentMax is support.attachment_max_mb in bytes.
func (a *app) attachmentMax() (int64, error) {
	cfg, err := a.config()
	if err != nil {
		return 0, err
	}
	return int64(cfg.Support.AttachmentMaxMB) << 20, nil
}

// readAttachments reads --attach files (regular files only, each at most
// max bytes, checked while reading).
// maxAttachFiles bounds the files one command attaches (each within
// support.attachment_max_mb), as mail intake bounds a message's, so what is
// held in memory at once is bounded too.
const maxAttachFiles = 100

func readAttachments(paths []string, max func() (int64, error)) ([]ticket.File, error) {
	return readAttachmentsAs(paths, max, "--attach")
}

// readAttachmentsAs is readAttachments whose errors say where the files
// were given (flag).
func readAttachmentsAs(paths []string, max func() (int64, error), flag string) ([]ticket.File, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	if len(paths) > maxAttachFiles {
		return nil, problem.New(problem.Usage, "attach them in several steps, or pack them into one archive",
			"%d files: at most %d at once", len(paths), maxAttachFiles)
	}
	limit, err := max()
	if err != nil {
		return nil, err
	}
	files := make([]ticket.File, 0, len(paths))
	for _, path := range paths {
		data, err := input.ReadFile(path, limit)
		if err != nil {
			return nil, attachErrorOf(err, flag)
		}
		files = append(files, ticket.File{Name: filepath.Base(path), Data: data})
	}
	return files, nil
}

// --- set-priority ---

type TicketSetPriorityOptions struct {
	ticketDeps
	ID, Level, Reason string
}

func NewCmdTicketSetPriority(a *app, runF func(*TicketSetPriorityOptions) error) *cobra.Command {
	opts := &TicketSetPriorityOptions{}
	cmd := &cobra.Command{
		Use:   "set-priority ID LEVEL --reason TEXT",
		Short: "Give a request another priority, with the reason (A8)",
		Long: `Give a request another priority: critical, high, normal or low (A8: support
assigns the priority). The reason is required and kept in the history
(set-priority OLD->NEW). The same priority again changes nothing (a note, exit 0).

` + changeStatesHelp + "\n\n" + exitStatusHelp,
		Example: `  sustain ticket set-priority SUP-12 critical --reason "production is down"`,
		Args:    exactArgs(2, "the registration number and the priority"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID, opts.Level = args[0], args[1]
			if _, err := ticket.PriorityRank(opts.Level); err != nil {
				return err
			}
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketSetPriorityRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why the priority changes (required)")
	return cmd
}

func ticketSetPriorityRun(ctx context.Context, opts *TicketSetPriorityOptions) error {
	if _, err := checkText(opts.Reason, "the reason"); err != nil {
		return err
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	r, err := svc.SetPriority(ctx, opts.ID, opts.Level, opts.Reason, opts.Actor())
	return opts.printChanged(ctx, svc, r, err)
}

// --- unassign ---

type TicketUnassignOptions struct {
	ticketDeps
	ID, From string
}

func NewCmdTicketUnassign(a *app, runF func(*TicketUnassignOptions) error) *cobra.Command {
	opts := &TicketUnassignOptions{}
	cmd := &cobra.Command{
		Use:   "unassign ID --from NAME",
		Short: "Remove an assignee from a request",
		Long: `Remove an assignee (A8); the history keeps "unassign NAME". A name that is not
assigned is refused (exit 4), naming those who are.

` + changeStatesHelp + "\n\n" + exitStatusHelp,
		Example: `  sustain ticket unassign SUP-12 --from anna`,
		Args:    exactArgs(1, "the registration number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if opts.From == "" {
				return usagef("unassign needs the assignee to remove: --from NAME")
			}
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketUnassignRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the assignee's `NAME` to remove")
	return cmd
}

func ticketUnassignRun(ctx context.Context, opts *TicketUnassignOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	r, err := svc.Unassign(ctx, opts.ID, opts.From, opts.Actor())
	return opts.printChanged(ctx, svc, r, err)
}

// --- edit ---

type TicketEditOptions struct {
	ticketDeps
	ID string
	// Field is subject or description; Text its new text (Description
	// and DescriptionFile are read by the run).
	Field, Text     string
	DescriptionFile string
}

func NewCmdTicketEdit(a *app, runF func(*TicketEditOptions) error) *cobra.Command {
	opts := &TicketEditOptions{}
	var subject, description string
	cmd := &cobra.Command{
		Use:   "edit ID (--subject TEXT | --description TEXT | --description-file FILE)",
		Short: "Correct a request's subject or description; the old text stays in the history",
		Long: `Replace the subject or the description of a request. The old text is kept in
the history entry (edit subject|description), the new one is on the request.
One field per run; a blank text is refused (Q9, A7). The same text again
changes nothing (a note, exit 0).

` + changeStatesHelp + "\n\n" + exitStatusHelp,
		Example: `  sustain ticket edit SUP-12 --subject "Login fails after the 1.0.37 update"
  sustain ticket edit SUP-12 --description-file corrected.txt`,
		Args: exactArgs(1, "the registration number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			given := 0
			for _, name := range []string{"subject", "description", "description-file"} {
				if cmd.Flags().Changed(name) {
					given++
				}
			}
			switch {
			case given != 1:
				return usagef("edit one field: --subject, --description or --description-file")
			case cmd.Flags().Changed("subject"):
				opts.Field, opts.Text = "subject", subject
			default:
				opts.Field, opts.Text = "description", description
			}
			opts.ticketDeps = a.ticketDeps()
			if runF != nil {
				return runF(opts)
			}
			return ticketEditRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&subject, "subject", "", "the new subject")
	f.StringVar(&description, "description", "", "the new description")
	f.StringVar(&opts.DescriptionFile, "description-file", "", "read the new description from `FILE` (- for standard input)")
	return cmd
}

func ticketEditRun(ctx context.Context, opts *TicketEditOptions) error {
	text := opts.Text
	var err error
	if opts.DescriptionFile != "" {
		text, err = readTextFrom(ctx, opts.In, "", opts.DescriptionFile, "--description-file")
	} else {
		_, err = checkText(text, "the "+opts.Field)
	}
	if err != nil {
		return err
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	r, err := svc.Edit(ctx, opts.ID, opts.Field, text, opts.Actor())
	return opts.printChanged(ctx, svc, r, err)
}

// --- attach ---

type TicketAttachOptions struct {
	ticketDeps
	ID    string
	Paths []string
	Note  string
	// AttachmentMaxBytes is support.attachment_max_mb in bytes, known
	// before the store is opened.
	AttachmentMaxBytes func() (int64, error)
}

func NewCmdTicketAttach(a *app, runF func(*TicketAttachOptions) error) *cobra.Command {
	opts := &TicketAttachOptions{}
	cmd := &cobra.Command{
		Use:   "attach ID FILE...",
		Short: "Attach files to a request: a later log or screenshot (Q9, A7)",
		Long: `Attach files to a request after it is opened: a log or a screenshot that came
later (Q9, A7). Regular files only, each up to support.attachment_max_mb; kept
with their SHA-256 (ticket attachment get gives them back). A name the request
has already gets -2, -3... before its extension. The history keeps
"attach NAMES" with the optional --note. All the files or none are attached.

` + changeStatesHelp + "\n\n" + exitStatusHelp,
		Example: `  sustain ticket attach SUP-12 app.log screenshot.png --note "after the restart"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef("attach needs the registration number and at least one FILE")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID, opts.Paths = args[0], args[1:]
			opts.ticketDeps = a.ticketDeps()
			opts.AttachmentMaxBytes = a.attachmentMax
			if runF != nil {
				return runF(opts)
			}
			return ticketAttachRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Note, "note", "", "a note kept with the attach entry in the history")
	return cmd
}

func ticketAttachRun(ctx context.Context, opts *TicketAttachOptions) error {
	if _, err := ticket.CheckID(opts.ID); err != nil {
		return err
	}
	files, err := readAttachmentsAs(opts.Paths, opts.AttachmentMaxBytes, "attach")
	if err != nil {
		return err
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	r, err := svc.Attach(ctx, opts.ID, files, opts.Note, opts.Actor())
	return opts.printChanged(ctx, svc, r, err)
}

// assigneesCell is a list's ASSIGNEES cell: the names joined by commas,
// "-" for none.
func assigneesCell(names []string) string {
	if len(names) == 0 {
		return "-"
	}
	return strings.Join(names, ",")
}
