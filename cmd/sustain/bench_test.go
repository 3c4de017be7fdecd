package main

import (
	"context"
	"io"
	"os"
	"testing"
)

// benchCommand runs sustain in this process over the store bench/genstore
// makes (BENCH_STORE), output thrown away: the command's own time, without
// the process start.
//
//	BENCH_STORE=$PWD/bench/work/tickets-100000.db go test -run '^$' -bench . -benchtime 5x ./cmd/sustain
func benchCommand(b *testing.B, env map[string]string, args ...string) {
	store := os.Getenv("BENCH_STORE")
	if store == "" {
		b.Skip("BENCH_STORE=bench/work/tickets-100000.db (go run ./bench/genstore makes it)")
	}
	b.Setenv("SUSTAIN_NOW", "2026-11-20T10:00:00+03:00")
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	for k, v := range env {
		b.Setenv(k, v)
	}
	args = append([]string{"--store", store}, args...)
	for b.Loop() {
		if code := run(context.Background(), args, nil, io.Discard, io.Discard); code != 0 {
			b.Fatalf("sustain %v: exit code %d", args, code)
		}
	}
}

func BenchmarkListAllJSON(b *testing.B) {
	benchCommand(b, nil, "ticket", "list", "--all", "--status", "all", "--json")
}

func BenchmarkListAllPipe(b *testing.B) {
	benchCommand(b, nil, "ticket", "list", "--all", "--status", "all")
}

func BenchmarkListAllTerminal(b *testing.B) {
	benchCommand(b, map[string]string{"SUSTAIN_FORCE_TTY": "120"}, "ticket", "list", "--all", "--status", "all")
}

func BenchmarkCompleteRequestID(b *testing.B) {
	benchCommand(b, nil, "__complete", "ticket", "show", "SUP-4")
}

func BenchmarkCompleteCustomer(b *testing.B) {
	benchCommand(b, nil, "__complete", "ticket", "list", "--customer", "C0")
}

func BenchmarkReportSLAYear(b *testing.B) {
	benchCommand(b, nil, "report", "sla", "--from", "2025-01-01", "--to", "2025-12-31", "--json")
}

func BenchmarkReportQueue(b *testing.B) {
	benchCommand(b, nil, "report", "queue", "--json")
}
