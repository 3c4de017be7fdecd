package main

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/config"
	"github.com/sustain-cli/sustain/internal/input"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/storeurl"
	"github.com/sustain-cli/sustain/internal/when"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/sqlite"
)

// clock is the time every command works at: --now or SUSTAIN_NOW for what-if
// runs (sweep --dry-run --now 2027-01-15), else the wall clock. Nothing
// below cmd reads the wall clock itself.
func (a *app) clock() (func() time.Time, error) {
	v := a.nowFlag
	if v == "" {
		v = a.getenv("SUSTAIN_NOW")
	}
	if v == "" {
		return a.now, nil
	}
	loc := time.UTC
	if cfg, err := a.config(); err == nil {
		loc = cfg.SupportLocation()
	}
	t, err := when.Parse(v, a.now(), loc)
	if err != nil {
		return nil, usagef("--now %q: %v", v, err)
	}
	return func() time.Time { return t }, nil
}

// calendar is the production calendar with the configured working hours.
func (a *app) calendar() (*bizcal.Calendar, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	data := bizcal.Russian()
	if cfg.Support.Calendar != "" {
		user, err := bizcal.LoadFile(cfg.Support.Calendar)
		if err != nil {
			return nil, usagef("support.calendar: %v", err)
		}
		data = data.Merge(user)
	}
	start, end, err := bizcal.ParseHours(cfg.Support.WorkingHours)
	if err != nil {
		return nil, usagef("support.working_hours: %v", err)
	}
	return bizcal.New(data, cfg.SupportLocation(), start, end, a.onceWarner()), nil
}

// onceWarner prints the calendar's first warning (it warns once per year
// without data) and counts the rest, summed up when the command ends: a
// range over centuries gives two lines, not one per year.
func (a *app) onceWarner() func(string) {
	more := 0
	a.closers = append(a.closers, func() error {
		if more > 0 {
			a.warnf("... and the same for %d more year(s)", more)
		}
		return nil
	})
	return func(s string) {
		if more == 0 && !a.calendarWarned {
			a.calendarWarned = true
			a.warnf("%s", s)
			return
		}
		more++
	}
}

// service opens the ticket store and applies the support policy.
func (a *app) service() (*ticket.Service, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	now, err := a.clock()
	if err != nil {
		return nil, err
	}
	cal, err := a.calendar()
	if err != nil {
		return nil, err
	}
	store, err := a.openStore(cfg)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, store.Close)
	s := cfg.Support
	svc := &ticket.Service{
		Store: store,
		Policy: ticket.Policy{
			Prefix:                        s.Prefix,
			AutocloseBusinessDays:         s.AutocloseBusinessDays,
			ConfirmRequiresResponsible:    s.ConfirmRequiresResponsiblePerson,
			EmailRequiresRegisteredSender: s.EmailRequiresRegisteredSender,
			PriorityRequiresContract:      s.PriorityRequiresContract,
			AttachmentMaxBytes:            int64(s.AttachmentMaxMB) << 20,
			TextMaxBytes:                  int64(s.TextMaxKB) << 10,
			CalendarVersion:               a.calendarVersion(cfg.Support.Calendar),
		},
		Calendar: cal,
		Now:      now,
	}
	if svc.Policy.PhoneHours, err = phoneHours(s.PhoneHours); err != nil {
		return nil, err
	}
	// mail.notify: staff actions queue notices, on a store with an outbox.
	if _, ok := store.(ticket.MailStore); ok {
		n, err := a.mailNotifier()
		if err != nil {
			return nil, err
		}
		if n != nil {
			svc.Notifier = n
		}
	}
	return svc, nil
}

// openStore opens the ticket store named by --store, SUSTAIN_STORE or
// `store:`: a SQLite file, or jira:https://site?project=KEY.
func (a *app) openStore(cfg *config.Loaded) (ticket.Store, error) {
	where := a.storePath(cfg)
	st, err := storeurl.Parse(where)
	if err != nil {
		return nil, usagef("--store: %v", err)
	}
	if st.Kind == storeurl.Jira {
		return a.jiraStore(cfg, st)
	}
	return sqlite.Open(a.ctx, st.Path)
}

// storePath is --store, else the configured or default store.
func (a *app) storePath(cfg *config.Loaded) string {
	if a.storeFlag != "" {
		return a.storeFlag
	}
	return cfg.StorePath(a.getenv)
}

// actor is who staff actions are recorded as: support.actor, else the
// login name.
func (a *app) actor() string {
	if cfg, err := a.config(); err == nil && cfg.Support.Actor != "" {
		return cfg.Support.Actor
	}
	for _, v := range []string{"USER", "USERNAME", "LOGNAME"} {
		if name := a.getenv(v); name != "" {
			return name
		}
	}
	return "staff"
}

// textMaxBytes bounds what is read of a text (a description, a comment)
// from a flag, a file or standard input, whatever the input: the largest
// support.text_max_kb allows. The service then holds the text to the
// configured limit and names the key in its refusal.
const textMaxBytes = config.MaxTextKB << 10

// stdinGrace is how long a standard input read without being asked for
// (no --text-file -) may take to give its first byte or its end.
const stdinGrace = 500 * time.Millisecond

// text is the text of an action: --text, else --text-file, else standard
// input when it is not a terminal (nothing ever prompts). It is read at
// most textMaxBytes (plus one byte to know) whatever the source.
func (a *app) text(flag, file string) (string, error) { return readText(a.ctx, a.in, flag, file) }

// readText is a.text over any standard input, for run functions. Standard
// input is given up when ctx ends, so Ctrl-C works while it waits.
func readText(ctx context.Context, in io.Reader, flag, file string) (string, error) {
	return readTextFrom(ctx, in, flag, file, "--text-file")
}

// readTextFrom is readText where the file comes from the flag fileFlag
// (--description-file, --reason-file), which its errors name.
func readTextFrom(ctx context.Context, in io.Reader, flag, file, fileFlag string) (string, error) {
	if flag != "" && file != "" {
		return "", usagef("give the text once: --text or --text-file")
	}
	if flag != "" {
		return checkText(flag, "the text")
	}
	if file != "" {
		var data []byte
		var err error
		if file == "-" {
			data, err = input.ReadAllContext(ctx, in, "standard input", textMaxBytes)
		} else {
			data, err = input.ReadFile(file, textMaxBytes)
		}
		if err != nil {
			return "", inputError(err, fileFlag)
		}
		return strings.TrimSpace(string(data)), nil
	}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return "", nil
	}
	if in == nil {
		return "", nil
	}
	// A pipe that stays open and silent (a cron job's, an ssh session's)
	// gives no text rather than a wait for ever; --text-file - waits.
	if f, ok := in.(*os.File); ok && input.Idle(f, stdinGrace) {
		return "", nil
	}
	data, err := input.ReadAllContext(ctx, in, "standard input", textMaxBytes)
	if err != nil {
		return "", inputError(err, "read standard input")
	}
	return strings.TrimSpace(string(data)), nil
}

func checkText(s, what string) (string, error) {
	if len(s) > textMaxBytes {
		return "", inputError(&input.TooLargeError{Name: what, Size: int64(len(s)), Limit: textMaxBytes, Known: true}, "")
	}
	return s, nil
}

// inputError says what a refused input was: over its limit (exit 4, as the
// store refuses a large attachment), not a regular file or unreadable
// (usage, exit 2).
func inputError(err error, flag string) error {
	var tl *input.TooLargeError
	if errors.As(err, &tl) {
		return problem.New(problem.Refused, "shorten it, or attach it as a file", "%v", err)
	}
	if flag == "" {
		return err
	}
	return usagef("%s: %v", flag, err)
}
