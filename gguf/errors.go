package gguf

import (
	"errors"
	"fmt"
)

// Sentinel errors, wrapped by FormatError where a caller may act on them.
var (
	// ErrNotGGUF means the file does not start with the GGUF magic.
	ErrNotGGUF = errors.New("not a GGUF file")
	// ErrUnsupportedVersion means the file is GGUF, but of a version other than 2 or 3.
	ErrUnsupportedVersion = errors.New("unsupported GGUF version")
	// ErrTruncated means the file ends inside a field.
	ErrTruncated = errors.New("file truncated")
	// ErrClosed is returned by File methods after Close.
	ErrClosed = errors.New("gguf: file closed")
)

// FormatError describes a malformed GGUF file: which file, which field and
// where in the file. Its message reads, for example,
//
//	m.gguf: tensor 3 "blk.0.attn_q.weight": data [4096, 8192) beyond file size 6000 (offset 312)
type FormatError struct {
	File   string // the file's name as given to Open or Parse
	Field  string // what was being read, e.g. "version", `key 4 "general.alignment"`, `tensor 3 "output.weight": dims`
	Offset int64  // byte offset of the field in the file
	Msg    string // what is wrong
	Err    error  // the cause, such as ErrNotGGUF or ErrTruncated; may be nil
}

func (e *FormatError) Error() string {
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("%s: %s: %s (offset %d)", e.File, e.Field, msg, e.Offset)
}

// Unwrap returns the cause.
func (e *FormatError) Unwrap() error { return e.Err }
