package input

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func TestReadFileWithinTheLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, max := range []int64{0, 5, 100} {
		data, err := ReadFile(path, max)
		if err != nil || string(data) != "12345" {
			t.Errorf("max %d: %q, %v", max, data, err)
		}
	}
	_, err := ReadFile(path, 4)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !tl.Known || tl.Size != 5 {
		t.Errorf("max 4: %v", err)
	}
}

// heapGrowth is how much the heap grew while f ran.
func heapGrowth(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 3 GiB sparse file is refused by its size: nothing is read.
func TestSparseFileRefusedBySize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.img")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Truncate(path, 3<<30); err != nil {
		t.Skipf("no sparse files here: %v", err)
	}
	var err2 error
	grew := heapGrowth(func() { _, err2 = ReadFile(path, 25<<20) })
	var tl *TooLargeError
	if !errors.As(err2, &tl) || !strings.Contains(err2.Error(), "is 3.0 GiB, over the limit of 25.0 MiB") {
		t.Fatalf("got %v", err2)
	}
	if grew > 1<<20 {
		t.Errorf("refusing cost %d bytes of allocation", grew)
	}
}

func TestDevZeroRefusedUnread(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	var err error
	grew := heapGrowth(func() { _, err = ReadFile("/dev/zero", 1<<20) })
	var nr *NotRegularError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), "a device") {
		t.Fatalf("got %v", err)
	}
	if grew > 1<<20 {
		t.Errorf("refusing cost %d bytes", grew)
	}
}

// A FIFO with no writer would block a plain open forever; it is refused
// before it is opened.
func TestFIFORefusedWithoutBlocking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	_, err := ReadFile(path, 1<<20)
	var nr *NotRegularError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), "named pipe") {
		t.Fatalf("got %v", err)
	}
}

func TestDirectoryRefused(t *testing.T) {
	_, err := ReadFile(t.TempDir(), 1<<20)
	var nr *NotRegularError
	if !errors.As(err, &nr) {
		t.Fatalf("got %v", err)
	}
}

// An endless stream (standard input fed by /dev/zero) is read to the limit
// plus one byte and no further.
func TestReadAllStopsAtTheLimit(t *testing.T) {
	zero := &countingReader{}
	var err error
	grew := heapGrowth(func() { _, err = ReadAll(zero, "standard input", 1<<20) })
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Known {
		t.Fatalf("got %v", err)
	}
	if zero.n > 1<<20+64<<10 {
		t.Errorf("read %d bytes of an endless stream", zero.n)
	}
	if grew > 8<<20 {
		t.Errorf("reading cost %d bytes", grew)
	}
	data, err := ReadAll(strings.NewReader("short"), "x", 5)
	if err != nil || string(data) != "short" {
		t.Errorf("exactly the limit: %q %v", data, err)
	}
}

type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	clear(p)
	r.n += len(p)
	return len(p), nil
}

var _ io.Reader = (*countingReader)(nil)

// A stream nobody writes to does not hold up a cancelled read.
func TestReadAllContextGivesUpOnCancel(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := ReadAllContext(ctx, r, "standard input", 1<<20)
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
	data, err := ReadAllContext(context.Background(), strings.NewReader("text"), "x", 10)
	if err != nil || string(data) != "text" {
		t.Errorf("%q %v", data, err)
	}
}
