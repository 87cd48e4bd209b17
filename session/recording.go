package session

import "fmt"

// Recorder receives what a session shows, for a session recording (see
// session/record, which writes asciicast v2). Its methods are called on the
// session's goroutines, with the session's output lock held for Output, so
// they must not block: a Recorder queues and writes on its own goroutine.
// A session closes its Recorder when it ends for good if the Recorder has
// a Close method (see Options.Recorder); Close must be idempotent.
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

// closeRecorder closes the recording once the session has ended for good
// (Closed, or removed after it failed), so the file is complete while
// sshdash goes on running; a recording that stopped early (a full disk)
// is logged. The status no longer shows it as recording.
func (s *Session) closeRecorder() {
	r := s.opts.Recorder
	if r == nil {
		return
	}
	s.recClose.Do(func() {
		if c, ok := r.(interface{ Close() error }); ok {
			if err := c.Close(); err != nil {
				s.logf("the recording: %v", err)
			}
		}
		s.mu.Lock()
		s.status.Recording = false
		s.mu.Unlock()
	})
}
