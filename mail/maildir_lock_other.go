//go:build !unix

package mail

import (
	"errors"
	"os"
)

// openNoFollow: Each refuses to run here anyway (tryLock).
const openNoFollow = 0

// tryLock: Maildir claiming relies on flock(2), which only Unix systems have.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("maildir: reading a Maildir needs a Unix system (flock)")
}
