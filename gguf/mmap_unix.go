//go:build unix

package gguf

import (
	"errors"
	"math"
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the first size bytes of fd read-only.
func mapFile(fd *os.File, size int64) ([]byte, func() error, error) {
	if size <= 0 || uint64(size) > math.MaxInt {
		return nil, nil, errors.New("cannot map a file of this size")
	}
	data, err := unix.Mmap(int(fd.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return data, func() error { return unix.Munmap(data) }, nil
}
