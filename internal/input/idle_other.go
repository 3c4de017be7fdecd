//go:build !unix

package input

import (
	"os"
	"time"
)

// Idle cannot tell on this system: the input is read as given.
func Idle(f *os.File, grace time.Duration) bool { return false }
