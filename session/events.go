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

// StateChanged is published on every state transition.
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
// Prompt.Answer or Prompt.Cancel.
type PromptRequested struct {
	ID     int
	Prompt *Prompt
}

// Logged is a new entry in the session's event log.
type Logged struct {
	ID    int
	Entry LogEntry
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
