//go:build unix

package mail

import (
	"errors"
	"os"
	"syscall"
)

// openNoFollow opens a Maildir entry without following a symlink and
// without waiting for a FIFO's writer.
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// tryLock takes an exclusive flock on f without waiting; false when another
// process (or another open file in this one) holds it.
func tryLock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR):
			continue
		default:
			return false, err
		}
	}
}
