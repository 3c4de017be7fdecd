package output

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkWriteTable renders a 10,000-row table, the size of a sweep's
// report on a large store.
func BenchmarkWriteTable(b *testing.B) {
	t := Table{Header: []string{"ID", "STATUS", "PRIORITY", "CUSTOMER", "CREATED", "REACTION", "SUBJECT"}}
	for i := 0; i < 10000; i++ {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("SUP-%d", i), "resolved", "normal", "C042", "2024-11-22 02:53", "met", fmt.Sprintf("Generated request %d", i)})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteTable(io.Discard, t); err != nil {
			b.Fatal(err)
		}
	}
}
