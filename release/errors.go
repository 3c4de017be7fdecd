package release

import "fmt"

// Kind classifies errors so the command layer can choose an exit code
// without parsing messages.
type Kind int

const (
	// KindRepository: the repository cannot answer (not a repository, no
	// commits, shallow clone).
	KindRepository Kind = iota + 1
	// KindRefused: the request breaks a versioning rule (version not greater,
	// tag exists, ambiguous or foreign issue key).
	KindRefused
	// KindNotFound: nothing to report (no release yet, unknown revision).
	KindNotFound
	// KindUsage: the arguments are wrong (unknown component, malformed key).
	KindUsage
)

// Error is a failure the user can act on: Msg says what is wrong, Hint what
// to do about it.
type Error struct {
	Kind Kind
	Msg  string
	Hint string
}

func (e *Error) Error() string { return e.Msg }

func newError(kind Kind, hint string, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Hint: hint}
}
