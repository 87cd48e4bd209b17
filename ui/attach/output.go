package attach

import (
	"io"
	"os"
)

// output is the attached terminal as the session and the attach loop
// write to it: one writer for both, so that their writes never interleave
// inside each other, and Close when the attach ends.
type output interface {
	io.Writer
	Close() error
}

// openOutput returns the writer for the terminal w: on Linux (amd64 and
// arm64) a rawOutput when w is the terminal's *os.File (see
// output_linux.go), otherwise w as it is, with nothing to close.
func openOutput(w io.Writer) output {
	if f, ok := w.(*os.File); ok {
		if o := openRaw(f); o != nil {
			return o
		}
	}
	return plainOutput{w}
}

// plainOutput is a writer with nothing to close.
type plainOutput struct{ io.Writer }

// Close does nothing.
func (plainOutput) Close() error { return nil }
