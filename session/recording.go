package session

import "fmt"

// Recorder receives what a session shows, for a session recording (see
// session/record, which writes asciicast v2). Its methods are called on the
// session's goroutines, with the session's output lock held for Output, so
// they must not block: a Recorder queues and writes on its own goroutine.
// The session does not close it: whoever opened it closes it after the
// session has ended.
type Recorder interface {
	// Output receives bytes as they reach the session's emulator.
	Output(p []byte)
	// Input receives keystrokes sent to the remote shell; only with
	// Options.RecordInput, and never answers to prompts (those do not
	// go through Session.Write).
	Input(p []byte)
	// Resize receives each new terminal size.
	Resize(cols, rows int)
	// Marker receives the link's life: stale, dropped, reconnected,
	// reattached, failed, closed.
	Marker(text string)
}

// logMark is logf that also puts the sentence in the recording as a
// marker.
func (s *Session) logMark(format string, args ...any) {
	s.logf(format, args...)
	if r := s.opts.Recorder; r != nil {
		r.Marker(fmt.Sprintf(format, args...))
	}
}
