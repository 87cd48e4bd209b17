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
