package session

import (
	"errors"
	"fmt"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// State is where a session is in its lifecycle:
//
//	Resolving → Connecting(stage) → Up ⇄ Stale → Dropped → Reconnecting → Up …
//	                                           → Failed (permanent) | Closed
type State int

// Session states.
const (
	Resolving State = iota
	Connecting
	Up
	Stale
	Dropped
	Reconnecting
	NeedsYou // waiting for an answer to a prompt (passphrase, host key …)
	Failed   // terminal: never retried (auth refused, host key changed, config error)
	Closed   // terminal: remote shell exited or the user closed the session
)

var stateNames = [...]string{"resolving", "connecting", "up", "stale", "dropped", "reconnecting", "needs you", "failed", "closed"}

// String returns the state's word as shown to users, e.g. "reconnecting".
func (s State) String() string {
	if int(s) >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Icon is the state's icon, shown beside its word everywhere so that
// colour is never the only signal.
func (s State) Icon() string {
	switch s {
	case Up:
		return "●"
	case Stale:
		return "◐"
	case Dropped:
		return "✕"
	case Reconnecting:
		return "↻"
	case Failed:
		return "⚠"
	case NeedsYou:
		return "?"
	case Closed:
		return "○"
	}
	return "…" // resolving, connecting
}

// Terminal reports whether the session will never change state again.
func (s State) Terminal() bool { return s == Failed || s == Closed }

// Stage is the step of connection establishment a Connecting session is in.
type Stage string

// Connection stages, in order.
const (
	StageTCP       Stage = "tcp"
	StageHandshake Stage = "handshake"
	StageHostKey   Stage = "hostkey"
	StageAuth      Stage = "auth"
	StagePTY       Stage = "pty"
	StageShell     Stage = "shell"
)

// Status is a snapshot of one session for display.
type Status struct {
	ID          int
	Alias       string // the name the user opened (config alias or user@host)
	Target      string // user@hostname:port as resolved
	State       State
	Stage       Stage     // while Connecting/Reconnecting
	Cause       error     // why the last drop or failure happened; nil otherwise
	Since       time.Time // when State was entered
	Attempt     int       // reconnect attempt number while Reconnecting
	NextAttempt time.Time // when the next reconnect attempt starts; zero if none is scheduled
	DownSince   time.Time // when the link was lost; zero while up
	Heartbeat   keepalive.Stats
	RTTHistory  []time.Duration // recent RTT samples, oldest first (bounded)
	BytesIn     uint64          // bytes of terminal output received
	BytesOut    uint64          // bytes of terminal input sent
	Reattach    string          // reattach method in use: "tmux", "screen", "none" or "" before known
	TunnelOnly  bool
	Recording   bool // a recording is open (Options.Recorder), until the session ends for good
	Tunnels     []TunnelStatus
	ExitStatus  int // remote exit status once Closed by the remote shell exiting
	// Notice is a line of sshdash's for whoever is attached, kept until the
	// next one: that the previous shell was lost on a reconnect. Attaching
	// shows it on the bottom line (the new tmux's redraw erases the
	// screen); NoticeAt tells one notice from the next.
	Notice   string
	NoticeAt time.Time
	// DropCause is the kind of the last drop or failure (silent link,
	// reset, closed by the server, network changed …), kept while the
	// session is down; CauseNone before any.
	DropCause DropCause
}

// TunnelStatus is the state of one forward of a session.
type TunnelStatus struct {
	Spec  string // as written in the config, e.g. "L 8080:localhost:80"
	Up    bool
	Error error
}

// ErrLinkDown is returned by writes to a session whose link is not up:
// keystrokes are dropped, never queued for later.
var ErrLinkDown = errors.New("link is down: keys are not sent")
