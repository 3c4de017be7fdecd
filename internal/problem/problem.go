// Package problem is the error type of the domain packages: what went wrong,
// what to do about it, and a kind from which the command layer chooses the
// exit code, so no one parses messages.
package problem

import "fmt"

// Kind classifies a problem.
type Kind int

const (
	// Usage: the arguments or settings are wrong (exit 2).
	Usage Kind = iota + 1
	// Repository: the git repository cannot answer (exit 3).
	Repository
	// Refused: a rule forbids the request (exit 4).
	Refused
	// NotFound: the thing asked for does not exist (exit 5).
	NotFound
	// Auth: a remote service rejected the credentials or denied access (exit 6).
	Auth
	// Unavailable: a remote service could not be reached or kept failing
	// after the retries (exit 7); running again later may work.
	Unavailable
	// TempFail: the work could not be done now but nothing was lost, and
	// the caller should retry later (exit 75, EX_TEMPFAIL: an MTA retries).
	TempFail
)

// Error is a failure the user can act on.
type Error struct {
	Kind Kind
	Msg  string
	Hint string
	// Format and Args are what Msg was made of, so that the command layer
	// can say it in the reader's language (the English format is the key
	// of the message catalogues); Format is empty when Msg was set directly.
	Format string
	Args   []any
}

func (e *Error) Error() string { return e.Msg }

// New makes an Error; hint says what to do, and may be empty.
func New(kind Kind, hint, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Hint: hint, Format: format, Args: args}
}
