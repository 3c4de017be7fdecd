//go:build !unix

package release

import "os"

// mapsFiles: without mmap the pack reader would read whole packs; go-git
// reads objects instead.
const mapsFiles = false

// mapFile reads the file whole where memory mapping is not available.
func mapFile(path string) ([]byte, func() error, error) {
	data, err := os.ReadFile(path)
	return data, func() error { return nil }, err
}
