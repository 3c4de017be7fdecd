package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// withUmask runs the test under mask; tests here are not parallel, since
// the umask belongs to the whole process.
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestWriteReplacesWholeAndLeavesNoTemporaryFile(t *testing.T) {
	withUmask(t, 0o022)
	dir := t.TempDir()
	path := filepath.Join(dir, "out.log")
	for _, content := range []string{"first version\n", "second\n"} {
		if err := Write(path, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	if m := mode(t, path); m != 0o640 {
		t.Errorf("mode = %v", m)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the file", len(entries))
	}
}

func TestNewFileRespectsTheUmask(t *testing.T) {
	withUmask(t, 0o077)
	path := filepath.Join(t.TempDir(), "customers.yaml")
	if err := Write(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("new file mode = %v under umask 077, want -rw-------", m)
	}
}

func TestExistingFileKeepsItsMode(t *testing.T) {
	withUmask(t, 0o022)
	dir := t.TempDir()
	for _, keep := range []os.FileMode{0o600, 0o664, 0o755} {
		path := filepath.Join(dir, "f"+keep.String())
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, keep); err != nil {
			t.Fatal(err)
		}
		if err := Write(path, []byte("new"), 0o644); err != nil {
			t.Fatal(err)
		}
		if m := mode(t, path); m != keep {
			t.Errorf("rewritten file mode = %v, want it kept at %v", m, keep)
		}
	}
}

func TestWriteIntoMissingDirectoryFailsCleanly(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "such", "dir", "f"), []byte("x"), 0o644)
	if err == nil {
		t.Fatal("no error")
	}
}

// A symbolic link is followed: the file it names gets the content and the
// link stays a link.
func TestWriteFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "real.html"), filepath.Join(dir, "link.html")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.html", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st.Mode(), err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Fatalf("target holds %q, want new", got)
	}
}

// Devices and FIFOs are written into, never renamed over (-o /dev/null
// must leave /dev/null a device).
func TestWriteIntoDevicesAndFIFOs(t *testing.T) {
	if err := Write(os.DevNull, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, st.Mode(), err)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if err := Write(fifo, []byte("through the pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "through the pipe" {
		t.Fatalf("the reader got %q", b)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", st.Mode(), err)
	}
}

func TestWriteOverDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, []byte("x"), 0o644); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("the directory is gone: %v", err)
	}
}

// A file its permissions keep us from writing is refused, not replaced by a
// rename through the writable directory. Root may write any file, so the
// check only means something for other users.
func TestWriteRefusesAReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write a read-only file")
	}
	path := filepath.Join(t.TempDir(), "ro.html")
	if err := os.WriteFile(path, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new"), 0o644); err == nil {
		t.Fatal("a read-only file was replaced")
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("the file holds %q", got)
	}
}
