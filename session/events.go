package session

import (
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// Event is something a session reports. The UI turns each into a message;
// nothing else flows from sessions to the UI.
type Event interface {
	// SessionID is the ID of the session that produced the event.
	SessionID() int
}

// StateChanged is published on state transitions. Transitions a consumer
// has not read yet coalesce: From is the state the consumer last saw, the
// other fields are the latest (Session.Status has the full snapshot).
type StateChanged struct {
	ID    int
	From  State
	To    State
	Stage Stage
	Cause error
	At    time.Time
}

// HeartbeatUpdate carries new heartbeat figures (coalesced: at most a few
// per second per session).
type HeartbeatUpdate struct {
	ID    int
	Stats keepalive.Stats
}

// OutputArrived says the session's screen changed (coalesced); consumers
// re-read the screen when they want it.
type OutputArrived struct{ ID int }

// PromptRequested asks the user something; the session waits for
// Prompt.Answer or Prompt.Cancel. A prompt the session stopped waiting
// for before it was delivered is not delivered.
type PromptRequested struct {
	ID     int
	Prompt *Prompt
}

// Logged is a new entry in the session's event log. A consumer that did
// not read for a while gets the latest entries only; Missed counts the
// entries before this one it was not sent (Session.Log has them all).
type Logged struct {
	ID     int
	Entry  LogEntry
	Missed int
}

// SessionID implements Event.
func (e StateChanged) SessionID() int { return e.ID }

// SessionID implements Event.
func (e HeartbeatUpdate) SessionID() int { return e.ID }

// SessionID implements Event.
func (e OutputArrived) SessionID() int { return e.ID }

// SessionID implements Event.
func (e PromptRequested) SessionID() int { return e.ID }

// SessionID implements Event.
func (e Logged) SessionID() int { return e.ID }

// LogEntry is one line of a session's event log.
type LogEntry struct {
	At   time.Time
	Text string // a complete sentence, e.g. "reattached after 3.2 s"
}
