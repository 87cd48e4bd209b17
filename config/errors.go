package config

import (
	"errors"
	"fmt"
)

// LineError is a problem with one line of a configuration file: an unknown
// keyword, a bad value, an Include that cannot be read. Line is 0 when the
// problem concerns a whole file.
type LineError struct {
	File string // path of the file, as it was opened
	Line int    // 1-based line number; 0 for the file as a whole
	Msg  string // plain reason, without the position
	// Err is the underlying error, if any (for example from reading a file).
	Err error
	// unknown marks an unknown keyword found while loading. Whether ssh
	// rejects it depends on the IgnoreUnknown in force for the host, so a
	// strict resolution decides it again (see ResolveOptions.Strict).
	unknown bool
	// advisory marks a problem ssh does not see (a malformed sshdash
	// comment): reported, but never a reason to refuse the file.
	advisory bool
}

// Error returns "file:line: msg" (or "file: msg" for a whole-file problem).
func (e *LineError) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Unwrap returns the underlying error, if any.
func (e *LineError) Unwrap() error { return e.Err }

// ErrFatal marks errors that make ssh refuse to connect (ssh exits with
// status 255): Resolve wraps it in such errors, so errors.Is(err, ErrFatal)
// tells a fatal resolution problem apart from other errors.
var ErrFatal = errors.New("fatal configuration problem")

// fatalError is returned by Resolve for problems that make ssh exit.
type fatalError struct {
	pos *LineError // position and reason; nil pos fields when not tied to a line
	msg string
}

// Error returns the position (if any) and the reason.
func (e *fatalError) Error() string {
	if e.pos != nil {
		return e.pos.Error()
	}
	return e.msg
}

// Unwrap exposes ErrFatal and the position, for errors.Is and errors.As.
func (e *fatalError) Unwrap() []error {
	if e.pos != nil {
		return []error{ErrFatal, e.pos}
	}
	return []error{ErrFatal}
}

func fatalf(format string, args ...any) error {
	return &fatalError{msg: fmt.Sprintf(format, args...)}
}

func fatalAt(file string, line int, format string, args ...any) error {
	return &fatalError{pos: &LineError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}}
}

// RefusedError is what Resolve returns, with ResolveOptions.Strict set,
// when ssh would refuse the configuration: some line of a file ssh reads
// for the host is broken (an unknown keyword not covered by the
// IgnoreUnknown in force, a bad value, an Include loop, an unreadable or
// badly owned file). It wraps ErrFatal.
type RefusedError struct {
	// Problems are the broken lines, grouped by file in the order the
	// files were first met, each file's lines in order.
	Problems []*LineError
}

// Error names the first file with problems and how many it has, as ssh's
// "FILE: terminating, N bad configuration options".
func (e *RefusedError) Error() string {
	if len(e.Problems) == 0 {
		return "bad configuration"
	}
	file := e.Problems[0].File
	n := 0
	for _, p := range e.Problems {
		if p.File == file {
			n++
		}
	}
	if n == 1 {
		return fmt.Sprintf("%s: terminating, 1 bad configuration option", file)
	}
	return fmt.Sprintf("%s: terminating, %d bad configuration options", file, n)
}

// Unwrap returns ErrFatal: ssh exits with status 255 on such a file.
func (e *RefusedError) Unwrap() error { return ErrFatal }
