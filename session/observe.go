package session

// Observer watches a session as it runs (package watch's watchers use
// it). Its methods are called on the session's goroutines, Output with the
// session's output lock held, so they must not block: an Observer copies
// what it needs and works on its own goroutine.
type Observer interface {
	// Output receives the bytes the session printed, as they reach its
	// emulator.
	Output(p []byte)
	// State receives every state transition, as published.
	State(e StateChanged)
	// Exited receives the remote shell's exit status when it ended the
	// session (before the Closed transition).
	Exited(status int)
}

// Note adds a sentence of the caller's to the session's event log (a
// watcher's alert, say); it is published like the session's own entries.
func (s *Session) Note(text string) {
	s.logf("%s", text)
}
