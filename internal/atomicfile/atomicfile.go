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
func Write(path string, data []byte, perm os.FileMode) (err error) {
	var keep os.FileMode
	st, statErr := os.Stat(path)
	if statErr == nil && st.Mode().IsRegular() {
		keep = st.Mode().Perm()
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
