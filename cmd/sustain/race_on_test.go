//go:build race

package main

// raceEnabled: under the race detector every process of the parallel tests
// runs many times slower; they then run fewer rounds, enough for the
// detector, while the plain run keeps the full count.
const raceEnabled = true
