//go:build windows

package gguf

import (
	"errors"
	"math"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// mapFile maps the first size bytes of fd read-only.
func mapFile(fd *os.File, size int64) ([]byte, func() error, error) {
	if size <= 0 || uint64(size) > math.MaxInt {
		return nil, nil, errors.New("cannot map a file of this size")
	}
	h, err := windows.CreateFileMapping(windows.Handle(fd.Fd()), nil, windows.PAGE_READONLY, uint32(uint64(size)>>32), uint32(size), nil)
	if err != nil {
		return nil, nil, err
	}
	addr, err := windows.MapViewOfFile(h, windows.FILE_MAP_READ, 0, 0, uintptr(size))
	windows.CloseHandle(h) // the view keeps the mapping alive
	if err != nil {
		return nil, nil, err
	}
	// The view lies outside the Go heap; reinterpret its address as a pointer.
	p := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	data := unsafe.Slice((*byte)(p), int(size))
	return data, func() error { return windows.UnmapViewOfFile(addr) }, nil
}
