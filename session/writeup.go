// Writes that happen only while the link is up now (broadcast input).

package session

import (
	"fmt"
)

// NotUpError is WriteIfUp's refusal: the session's link was not Up at the
// moment of the write, so nothing was sent and nothing was kept to send
// later. It wraps ErrLinkDown.
type NotUpError struct {
	Alias string // the session's alias
	State State  // the state the session was in (Stale, Reconnecting …)
	// Err, when set, is why a write to a link that was Up failed (the link
	// broke during the write); State is then Up.
	Err error
}

// Error implements error: "web1: not sent: the session is stale".
func (e *NotUpError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: not sent: the link broke during the write: %v", e.Alias, e.Err)
	}
	return fmt.Sprintf("%s: not sent: the session is %s", e.Alias, e.State)
}

// Unwrap returns ErrLinkDown, so errors.Is(err, ErrLinkDown) holds.
func (e *NotUpError) Unwrap() error { return ErrLinkDown }

// Reason is a short word for lists of skipped sessions: the state, or
// "write failed".
func (e *NotUpError) Reason() string {
	if e.Err != nil {
		return "write failed"
	}
	return e.State.String()
}

// WriteIfUp sends p to the remote shell only if the session is Up at this
// moment, on the link that is up now. Unlike Write it refuses a Stale
// session too: bytes handed to a silent link sit in its buffers and would
// run whenever that link recovers, seconds later, behind the user's back.
// A refusal is a *NotUpError and sends nothing; nothing is queued, so the
// input never reaches the shell after a reconnect either (the next link
// has a new channel). It may block while the transport does (a full send
// window), like Write; callers that must not block call it from a
// goroutine of their own.
func (s *Session) WriteIfUp(p []byte) error {
	s.mu.Lock()
	l := s.live
	state := s.status.State
	s.mu.Unlock()
	if state != Up || l == nil || l.stdin == nil || l.err() != nil {
		if state == Up {
			// Up but the link is being torn down (closed, not yet
			// marked Dropped): say so as the state that follows.
			state = Dropped
		}
		return &NotUpError{Alias: s.opts.Alias, State: state}
	}
	if _, err := s.send(l, p); err != nil {
		return &NotUpError{Alias: s.opts.Alias, State: Up, Err: err}
	}
	return nil
}
