// Command sustain is a CLI for sustaining engineering: versions and change
// documents cut from git, and support requests handled under a regulation.
package main

import (
	"os"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
