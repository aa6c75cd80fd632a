//go:build !unix && !windows

package gguf

import (
	"errors"
	"os"
)

// mapFile reports that this OS offers no mapping; Open then reads tensor data.
func mapFile(*os.File, int64) ([]byte, func() error, error) {
	return nil, nil, errors.New("memory mapping is not supported on this OS")
}
