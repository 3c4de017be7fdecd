// Package atomicfile writes files so that readers see the old content or the
// new, never half of it: the data goes to a temporary file in the same
// directory, is synced, and is renamed over the target.
package atomicfile

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Write replaces path with data. A new file gets perm less the umask, as
// os.WriteFile would; an existing file keeps its mode, so a 0600 file of
// personal data is never widened by being rewritten.
//
// Only regular files are replaced. A symbolic link is followed, so the file
// it names gets the new content and the link stays; a device or a FIFO
// (-o /dev/stdout, a named pipe) is written into as it is, since renaming
// over it would destroy it; a directory is an error. A file this process may
// not write is refused rather than replaced through the directory.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	var keep os.FileMode
	if st, statErr := os.Stat(path); statErr == nil {
		switch {
		case st.IsDir():
			return fmt.Errorf("write %s: it is a directory: name a file", path)
		case !st.Mode().IsRegular():
			return writeInto(path, data)
		}
		keep = st.Mode().Perm()
		// Opening for writing without truncating changes nothing, and says
		// whether the file's own permissions let us replace it.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		f.Close()
	}
	tmp, err := createTemp(path, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if keep != 0 {
		// Chmod is not subject to the umask: the old mode comes back exactly.
		if err = tmp.Chmod(keep); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeInto writes data into a device or a FIFO, which have no content to
// keep whole.
func writeInto(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// createTemp makes the temporary file with perm itself rather than with
// os.CreateTemp's 0600, so the kernel applies the umask to it.
func createTemp(path string, perm os.FileMode) (*os.File, error) {
	dir, base := filepath.Split(path)
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("cannot create a temporary file beside it")
}
