// Package input reads what users hand to sustain (attachments, texts) with a
// size limit enforced while reading, so a huge or endless input costs at most
// the limit in memory.
package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// TooLargeError is an input over its limit. Size is the input's size when
// known (a regular file), else the limit plus one: reading stopped there.
type TooLargeError struct {
	Name  string
	Size  int64
	Limit int64
	Known bool // Size is the real size, not where reading stopped
}

func (e *TooLargeError) Error() string {
	if e.Known {
		return fmt.Sprintf("%s is %s, over the limit of %s", e.Name, Size(e.Size), Size(e.Limit))
	}
	return fmt.Sprintf("%s is over the limit of %s", e.Name, Size(e.Limit))
}

// NotRegularError is a path that names a device, a FIFO, a socket or a
// directory: reading it could block or never end.
type NotRegularError struct {
	Path string
	Mode os.FileMode
}

func (e *NotRegularError) Error() string {
	kind := "not a regular file"
	switch {
	case e.Mode.IsDir():
		kind = "a directory"
	case e.Mode&os.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case e.Mode&os.ModeDevice != 0:
		kind = "a device"
	case e.Mode&os.ModeSocket != 0:
		kind = "a socket"
	}
	return fmt.Sprintf("%s is %s: give a regular file", e.Path, kind)
}

// Size formats a byte count the way limits are written (MiB, GiB).
func Size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadFile reads a regular file of at most max bytes (max <= 0: no limit).
// Anything else is refused before a byte is read: a file whose size is over
// the limit (a sparse 3 GiB file costs nothing), a device such as /dev/zero,
// a FIFO (it is opened without blocking and never read).
func ReadFile(path string, max int64) ([]byte, error) {
	f, st, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if max > 0 && st.Size() > max {
		return nil, &TooLargeError{Name: path, Size: st.Size(), Limit: max, Known: true}
	}
	data, err := ReadAll(f, path, max)
	var tl *TooLargeError
	if errors.As(err, &tl) {
		tl.Known = false // it grew while being read
	}
	return data, err
}

// OpenFile opens a regular file for reading, for a caller that reads it
// with its own limit; like ReadFile it refuses anything else unread.
func OpenFile(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, &NotRegularError{Path: path, Mode: st.Mode()}
	}
	// O_NONBLOCK: should the path be swapped for a FIFO after the check,
	// opening it does not wait for a writer; the check below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	if st, err = f.Stat(); err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &NotRegularError{Path: path, Mode: st.Mode()}
	}
	return f, st, nil
}

// ReadAll reads r up to max bytes (max <= 0: no limit) and refuses more
// without reading past max+1.
func ReadAll(r io.Reader, name string, max int64) ([]byte, error) {
	if max <= 0 {
		return io.ReadAll(r)
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Name: name, Size: max + 1, Limit: max}
	}
	return data, nil
}

// ReadAllContext is ReadAll that gives up when ctx is done: a terminal or a
// pipe that never ends must not make Ctrl-C wait. The read itself cannot be
// stopped; it is abandoned, and ends with the process.
func ReadAllContext(ctx context.Context, r io.Reader, name string, max int64) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := ReadAll(r, name, max)
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
