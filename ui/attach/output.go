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

// openOutput returns the writer for the terminal w: w as it is, with
// nothing to close; or, when raw is set, on Linux (amd64 and arm64) and
// when w is the terminal's *os.File, a rawOutput (see output_linux.go).
//
// The raw write is opt-in: it changes a signal handler for the whole
// process (a later signal.Reset of that signal would make its timer kill
// the process), lays out kernel structures by hand, and holds the P for
// up to 10 ms, which a garbage collection's stop waits for. Its gain is
// client CPU on bulk output, where throughput is bound by the server.
func openOutput(w io.Writer, raw bool) output {
	if f, ok := w.(*os.File); ok && raw {
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
