//go:build unix

package release

import (
	"os"
	"syscall"
)

// mapsFiles: pack files are mapped, and only the pages read are loaded.
const mapsFiles = true

// mapFile maps a file read-only; the commit-graph is read at random places,
// and mapping it costs nothing up front, unlike reading megabytes.
func mapFile(path string) ([]byte, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if st.Size() == 0 {
		return nil, func() error { return nil }, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
