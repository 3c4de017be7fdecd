package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sustain-cli/sustain/internal/config"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/internal/progress"
	"github.com/sustain-cli/sustain/internal/when"
)

// Exit codes. They are documented in the README and in `sustain --help`.
const (
	exitOK         = 0
	exitFailure    = 1
	exitUsage      = 2
	exitRepository = 3  // the repository cannot answer: not a repository, no commits, shallow clone
	exitRefused    = 4  // a rule refuses the request: version not greater, tag exists, ambiguous issue
	exitNotFound   = 5  // nothing to report: no release yet, unknown revision
	exitAuth       = 6  // Jira rejected the credentials or denied access
	exitRemote     = 7  // Jira could not be reached, timed out, or kept failing after the retries
	exitTempFail   = 75 // EX_TEMPFAIL: a message could not be stored now; the MTA retries
	// exitInterrupted is the shell's 128+SIGINT, for SIGTERM too: the run
	// was stopped from outside, whatever it had done so far is committed or
	// rolled back whole.
	exitInterrupted = 130
)

const exitStatusHelp = `EXIT STATUS
  0  success
  1  failure (I/O, a damaged repository, anything unexpected)
  2  usage: bad flags, arguments or configuration
  3  the repository cannot answer: not a repository, no commits, shallow clone
  4  refused by a rule: version not greater, tag exists, several issue keys
  5  not found: no release yet, unknown revision, unknown request or Jira issue
  6  Jira rejected the credentials or denied access
  7  Jira unreachable, timed out, or still failing after the retries (try again later)
  75 a message could not be stored now (store busy, disk full): try again later
  130  interrupted (Ctrl-C, SIGINT or SIGTERM): stopped cleanly, nothing half-written`

// app holds what every command needs: streams, environment, clock, and the
// global flags. Commands read configuration through it, once.
type app struct {
	in       io.Reader
	out, err io.Writer
	getenv   func(string) string
	environ  func() []string
	now      func() time.Time

	ctx        context.Context
	configFile string
	dir        string
	storeFlag  string
	nowFlag    string
	langFlag   string // --lang of the desk groups
	lang       string // the desk's language, settled before a desk command runs
	format     output.Format
	color      string    // --color: auto, always or never
	stdout     io.Writer // the real standard output, a.out being a buffer under --jq
	jqBuf      *bytes.Buffer
	verbose    bool
	debug      bool

	cfg            *config.Loaded
	closers        []func() error // run when the command ends
	calendarWarned bool           // the calendar said once that it has no data
}

// config loads the configuration on first use.
func (a *app) config() (*config.Loaded, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	cfg, err := config.Load(config.Options{Dir: a.dir, File: a.configFile, Getenv: a.getenv, Environ: a.environ})
	if err != nil {
		return nil, err
	}
	a.cfg = cfg
	return cfg, nil
}

// warnf prints a warning; its arguments often quote stored or remote text,
// so the line is made safe for the terminal.
func (a *app) warnf(format string, args ...any) {
	tr := a.tr()
	fmt.Fprintf(a.err, "sustain: %s %s\n", tr.T("warning:"), output.Text(sayWarning(tr, format, args...)))
}

func (a *app) print(v output.Tabler) error { return a.deskFormat().Print(a.out, v) }

// deskFormat is the output format of the desk's commands (ticket, customer,
// calendar, mail): their JSON is one model, times in the support time zone
// to the second and empty texts null (see output.Model and the README).
func (a *app) deskFormat() output.Format {
	f := a.format
	f.Model = &output.Model{Zone: func() *time.Location {
		if cfg, err := a.config(); err == nil {
			return cfg.SupportLocation()
		}
		return time.UTC
	}}
	return f
}

// jsonOf lets a view that carries printing context marshal as its data.
func jsonOf(v any) ([]byte, error) { return json.Marshal(v) }

// usageError marks bad flags and arguments (exit 2).
type usageError struct {
	err    error
	format string // what err was made of, for the reader's language
	args   []any
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), format: format, args: args}
}

// Main runs sustain with args and returns the exit code. SIGINT and SIGTERM
// cancel the context every command runs under; a second one kills at once.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the default action again: a second Ctrl-C is not ignored
	}()
	return run(ctx, args, stdin, stdout, stderr)
}

// run is Main under a given context, for tests that cancel it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{in: stdin, out: stdout, stdout: stdout, err: stderr, getenv: os.Getenv, environ: os.Environ, now: time.Now, ctx: ctx}
	// Under --jq the command's JSON goes to a buffer the expression runs
	// over; the switch is made once the flags are parsed.
	out := &switchWriter{w: stdout}
	a.out = out
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(out)
	root.SetErr(stderr)
	root.PersistentPreRunE = chainPreRun(root.PersistentPreRunE, func() {
		if a.jqBuf != nil {
			out.w = a.jqBuf
		}
	})
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && a.lang == "" && cmd != nil {
		// The arguments are checked before the pre-run that settles the
		// language: their errors are said in it too (an unknown one: English).
		_ = a.chooseLang(cmd)
	}
	for _, c := range a.closers {
		_ = c()
	}
	if err == nil && a.jqBuf != nil {
		err = a.format.Filter(ctx, stdout, a.jqBuf.Bytes())
	}
	if err == nil {
		return exitOK
	}
	code, msg, hint := describeError(err)
	msg, hint = sayError(a.tr(), err, msg, hint)
	if ctx.Err() != nil {
		// Whatever the interrupted call made of the cancellation (a
		// context error, a driver's "interrupted"), the cause is the signal.
		code, msg, hint = exitInterrupted, "interrupted", ""
	}
	if a.format.JSON {
		_ = output.WriteJSON(stderr, map[string]any{"error": msg, "hint": hint, "exit_code": code})
	} else {
		fmt.Fprintf(stderr, "sustain: %s\n", output.Text(msg))
		if hint != "" {
			fmt.Fprintf(stderr, "  %s %s\n", a.tr().T("hint:"), output.Text(hint))
		}
	}
	return code
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "sustain",
		Short: "Versions, change documents and support requests for a shipped product",
		Long: `sustain keeps a shipped product alive: it cuts versions from git history
(MAJOR.MINOR.PATCH with the Jira issue as PATCH, or build numbers and dates)
and handles support requests under a written support regulation.

Configuration comes from flags, SUSTAIN_* environment variables, the
repository's .sustain.yaml (found by walking up from -C DIR or the current
directory), and $XDG_CONFIG_HOME/sustain/config.yaml, in that order.

` + exitStatusHelp,
		Example: `  sustain release next --issue SRV-42
  sustain release build-info --json
  sustain -C ../product release current`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			switch a.color {
			case "auto", "always", "never":
			default:
				return usagef("--color %q: use auto, always or never", a.color)
			}
			a.format.Term = a.terminal()
			if err := a.format.Validate(); err != nil {
				var je *output.JQError
				if errors.As(err, &je) {
					return err
				}
				return &usageError{err: err}
			}
			if cmd.Flags().Changed("jq") && a.format.JQ == "" {
				return usagef("--jq needs an expression, such as --jq '.[].id'")
			}
			if o := cmd.Flags().ShorthandLookup("o"); o != nil && o.Changed && a.format.JQ != "" {
				return usagef("--jq prints to standard output and does not go with -o/--%s: redirect its output instead", o.Name)
			}
			if a.format.JQ != "" {
				// --jq runs over the command's --json output, as gh's does.
				a.format.JSON = true
				a.jqBuf = &bytes.Buffer{}
			}
			// A bad --now is refused by every command, not only by those
			// that read the clock (the support time zone needs no config
			// to tell 1600 from 2026).
			if a.nowFlag != "" {
				if _, err := when.Parse(a.nowFlag, a.now(), time.UTC); err != nil {
					return usagef("--now %q: %v", a.nowFlag, err)
				}
			}
			return a.chooseLang(cmd)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "read the repository configuration from `FILE` instead of .sustain.yaml")
	pf.StringVarP(&a.dir, "dir", "C", ".", "run as if started in `DIR` (like git -C)")
	pf.BoolVar(&a.format.JSON, "json", false, "print JSON (field names are documented and stable)")
	pf.StringVar(&a.format.Template, "template", "", "print with a Go `TEMPLATE` over the JSON fields")
	pf.StringVar(&a.format.JQ, "jq", "", "print what the jq `EXPRESSION` makes of the --json output (implies --json)")
	pf.StringVar(&a.color, "color", "auto", "colour on a terminal: `WHEN` auto, always or never (NO_COLOR turns auto off)")
	_ = root.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "say more: skipped tags, the files configuration came from")
	pf.StringVar(&a.storeFlag, "store", "", "the ticket `STORE`: a SQLite file (default $XDG_DATA_HOME/sustain/sustain.db) or jira:https://SITE?project=KEY; SUSTAIN_STORE")
	pf.BoolVar(&a.debug, "debug", false, "print each Jira HTTP request (method, URL, status, duration, retries) to stderr; never credentials")
	pf.StringVar(&a.nowFlag, "now", "", "act as if it were `TIME` (2027-01-15, 2027-01-15T10:30; SUSTAIN_NOW), for what-if runs")

	root.AddCommand(newReleaseCmd(a), newTicketCmd(a), newCustomerCmd(a), newCalendarCmd(a), NewCmdVersion(a, nil), NewCmdMail(a))
	root.AddCommand(newReportCmd(a))
	root.AddCommand(NewCmdMan(root, nil))
	wireCompletion(a, root)
	return root
}

// describeError maps an error to its exit code, message and hint. It is the
// one place that knows the exit codes.
func describeError(err error) (code int, msg, hint string) {
	var ue *usageError
	var ce *config.Error
	var te *output.TemplateError
	var je *output.JQError
	switch {
	case errors.As(err, &je):
		return exitUsage, je.Error(), "see the JSON fields with --json; the expression is jq's language (gojq)"
	case errors.As(err, &te):
		return exitUsage, te.Error(), "the template ran over data it did not expect; see the JSON fields with --json"
	case errors.As(err, &ce):
		return exitUsage, "configuration: " + ce.Msg, "see the configuration keys in the README, or run with --verbose to list the files read"
	case errors.As(err, &ue):
		return exitUsage, ue.Error(), "see --help"
	}
	var pe *problem.Error
	if errors.As(err, &pe) {
		code := map[problem.Kind]int{
			problem.Usage:       exitUsage,
			problem.Repository:  exitRepository,
			problem.Refused:     exitRefused,
			problem.NotFound:    exitNotFound,
			problem.Auth:        exitAuth,
			problem.Unavailable: exitRemote,
			problem.TempFail:    exitTempFail,
		}[pe.Kind]
		if code == 0 {
			code = exitFailure
		}
		return code, pe.Msg, pe.Hint
	}
	if strings.HasPrefix(err.Error(), "unknown command") || strings.Contains(err.Error(), "accepts ") || strings.Contains(err.Error(), "arg(s)") {
		return exitUsage, err.Error(), "see --help"
	}
	return exitFailure, err.Error(), ""
}

// switchWriter is standard output, switched to a buffer under --jq.
type switchWriter struct{ w io.Writer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

func chainPreRun(pre func(*cobra.Command, []string) error, after func()) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := pre(cmd, args); err != nil {
			return err
		}
		after()
		return nil
	}
}

// terminal says where standard output goes. SUSTAIN_FORCE_TTY=WIDTH makes
// it a terminal of WIDTH cells, for tests of the terminal form (colour
// stays off under it unless --color always).
func (a *app) terminal() output.Terminal {
	var t output.Terminal
	if forced := a.getenv("SUSTAIN_FORCE_TTY"); forced != "" {
		t.TTY = true
		t.Width, _ = strconv.Atoi(forced)
	} else if f, ok := a.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		t.TTY = true
		t.Width, _, _ = term.GetSize(int(f.Fd()))
		t.Color = a.getenv("NO_COLOR") == "" && a.getenv("TERM") != "dumb"
	}
	if t.TTY && t.Width <= 0 {
		t.Width = 80
	}
	switch a.color {
	case "always":
		t.Color = true
	case "never":
		t.Color = false
	}
	return t
}

// stderrTerminal reports whether standard error is a terminal, for
// progress. SUSTAIN_FORCE_TTY counts for it too.
func (a *app) stderrTerminal() bool {
	if a.getenv("SUSTAIN_FORCE_TTY") != "" {
		return true
	}
	f, ok := a.err.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress is the progress of long work on stderr: shown on a terminal
// only, never with --json, --jq or --template (a script reads those).
func (a *app) progress(label string, total int) *progress.Bar {
	on := a.stderrTerminal() && !a.format.JSON && a.format.Template == ""
	// SUSTAIN_PROGRESS_DELAY (a Go duration) is a test hook: 0 shows
	// progress at once.
	if d, err := time.ParseDuration(a.getenv("SUSTAIN_PROGRESS_DELAY")); err == nil {
		return progress.NewAfter(a.err, on, label, total, d)
	}
	return progress.New(a.err, on, label, total)
}
