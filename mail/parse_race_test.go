//go:build race

package mail

// raceEnabled: the race detector changes what allocates, so memory
// budgets are not checked under it.
const raceEnabled = true
