//go:build unix

package input

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestIdle(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !Idle(r, 10*time.Millisecond) {
		t.Error("a pipe whose writer stays open and silent is not idle")
	}
	if _, err := w.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if Idle(r, time.Hour) {
		t.Error("a pipe with data is idle")
	}
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	w2.Close()
	w.Close()
	if Idle(r2, time.Hour) {
		t.Error("a closed pipe is idle: its end is there to read")
	}
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if Idle(f, time.Hour) {
		t.Error("an empty regular file is idle")
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if Idle(null, time.Hour) {
		t.Error("/dev/null is idle")
	}
}
