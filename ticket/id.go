package ticket

import (
	"strings"

	"github.com/sustain-cli/sustain/internal/lazyre"
	"github.com/sustain-cli/sustain/internal/problem"
)

var idRe = lazyre.New(`^([A-Z][A-Z0-9_]*-)?[1-9][0-9]{0,17}$`)

// CheckID reads a registration number (A8), PREFIX-N or just N, in any
// case; anything else is a usage error, not an unknown request.
func CheckID(id string) (string, error) {
	id = strings.ToUpper(strings.TrimSpace(id))
	if !idRe.MatchString(id) {
		return "", problem.New(problem.Usage, "a registration number is PREFIX-N, for example SUP-12 (see sustain ticket list)",
			"%q is not a registration number", id)
	}
	return id, nil
}
