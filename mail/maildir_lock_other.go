//go:build !unix

package mail

import (
	"errors"
	"os"
)

// tryLock: Maildir claiming relies on flock(2), which only Unix systems have.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("maildir: reading a Maildir needs a Unix system (flock)")
}
