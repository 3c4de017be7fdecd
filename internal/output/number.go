package output

import (
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var english = message.NewPrinter(language.English)

// Thousands writes n with English digit grouping, 50086 as "50,086", for
// the counts in footers, progress lines and cut lists.
func Thousands(n int) string {
	return english.Sprintf("%d", n)
}
