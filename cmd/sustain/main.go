// Command sustain is a CLI for sustaining engineering: versions and change
// documents cut from git, and support requests handled under a regulation.
package main

import (
	"os"
	"runtime/debug"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

func main() {
	// A short-lived process that builds big maps while walking history: fewer
	// collections buy a lot of speed for a little memory.
	debug.SetGCPercent(400)
	// ... and a soft ceiling so that whole-history documents do not grow the
	// heap fivefold; GOMEMLIMIT, when set, decides instead.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
