//go:build unix

package mail

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestDirTransportWritesAtomically(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	dir := t.TempDir()
	n := testNotice(3)
	n.MessageID = "../../sup-3.1@desk.example/x"
	path, err := DirTransport{Dir: dir}.Send(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if base := filepath.Base(path); filepath.Dir(path) != dir || base != "_._.._sup-3.1@desk.example_x.eml" {
		t.Errorf("written to %s", path)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != string(n.Raw) {
		t.Fatalf("file holds %q, %v", b, err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v; want 0666 less the umask 027", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries; want only the message", len(ents))
	}
	// Again: the same file, no temporary left behind.
	if _, err := (DirTransport{Dir: dir}).Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("after a resend the directory holds %d entries", len(ents))
	}
	n.MessageID = ""
	if _, err := (DirTransport{Dir: dir}).Send(context.Background(), n); !IsPermanent(err) {
		t.Errorf("no Message-ID: err %v; want permanent", err)
	}
	// A missing directory is made on first use, under the umask.
	made := filepath.Join(dir, "new", "outbox")
	if _, err := (DirTransport{Dir: made}).Send(context.Background(), testNotice(4)); err != nil {
		t.Fatalf("missing directory: %v", err)
	}
	if fi, err := os.Stat(made); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("made %v %v; want 0777 less the umask 027", fi, err)
	}
	// One that cannot be made (a file stands in the way) is a temporary failure.
	if _, err := (DirTransport{Dir: filepath.Join(path, "sub")}).Send(context.Background(), testNotice(5)); err == nil || IsPermanent(err) {
		t.Errorf("blocked directory: err %v; want temporary", err)
	}
}
