package watch

import (
	"fmt"
	"time"
)

// Kind is what a watcher noticed.
type Kind int

// Alert kinds, one per watcher.
const (
	KindDrop Kind = iota + 1
	KindBack
	KindFail
	KindExit
	KindSilence
	KindMatch
)

// String is the watcher's name as Parse reads it, e.g. "match".
func (k Kind) String() string {
	switch k {
	case KindDrop:
		return "drop"
	case KindBack:
		return "back"
	case KindFail:
		return "fail"
	case KindExit:
		return "exit"
	case KindSilence:
		return "silence"
	case KindMatch:
		return "match"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Alert is one notification of a watcher.
type Alert struct {
	ID    int    // the session's ID
	Alias string // the session's host as opened
	Kind  Kind
	// Text says what happened as a sentence without the alias, e.g.
	// "output matched: DEPLOY-42".
	Text string
	At   time.Time
	// Delivered is set by Center.Post when an attach took the alert and
	// puts it on the terminal itself; the dashboard then only records it.
	Delivered bool
}

// Message is the alert as shown to the user: "web1: output matched: …".
func (a Alert) Message() string {
	if a.Alias == "" {
		return a.Text
	}
	return a.Alias + ": " + a.Text
}
