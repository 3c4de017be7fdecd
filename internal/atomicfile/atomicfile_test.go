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
