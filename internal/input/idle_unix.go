//go:build unix

package input

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Idle reports whether f, a standard input that is not a terminal, gives
// nothing to read (neither data nor its end) within grace: a pipe or socket
// whose writer stays open and silent. A regular file, /dev/null or a
// closed pipe is never idle. Reading such an input would wait for ever, so
// a caller that reads it only when no flag gave the text treats it as
// empty instead.
func Idle(f *os.File, grace time.Duration) bool {
	st, err := f.Stat()
	if err != nil || st.Mode().IsRegular() {
		return false
	}
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
	deadline := time.Now().Add(grace)
	for {
		left := time.Until(deadline)
		if left < 0 {
			left = 0
		}
		n, err := unix.Poll(fds, int(left/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false // cannot tell: read it as before
		}
		return n == 0
	}
}
