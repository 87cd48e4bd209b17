package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

// Backend is everything the dashboard needs from the rest of sshdash. The
// UI never calls into the session layer directly; cmd/sshdash wires a real
// Backend, tests use a fake.
//
// Methods that return data (Hosts, Sessions, Screen, Log …) are called from
// the Bubble Tea update loop and must be quick and non-blocking. Methods
// that may take time (Open, Attach) return a tea.Cmd, which Bubble Tea runs
// in its own goroutine. Reconnect, Close, CloseAll and SaveHostSettings are
// called from commands, never from the update loop.
type Backend interface {
	// Hosts lists the concrete hosts of the configuration, in config order.
	Hosts() []Host
	// ConfigErrors are problems found while reading the configuration, each
	// "file:line: reason". The dashboard shows them and goes on.
	ConfigErrors() []string

	// Open starts a session to alias. The command's message is SessionOpened
	// (the session exists; it may still be connecting) or OpenFailed.
	// background is false when the user wants to attach as soon as the
	// session is up (the dashboard then calls Attach itself).
	Open(alias string, background bool) tea.Cmd
	// OpenTunnels starts a tunnel-only session to alias (like ssh -N):
	// its forwards, no shell, in the background. Its message is
	// SessionOpened (Background true) or OpenFailed.
	OpenTunnels(alias string) tea.Cmd
	// Sessions is a snapshot of every session, in opening order.
	Sessions() []session.Status
	// Screen renders the session's current screen for a preview: at most
	// rows lines of at most cols cells, styled with ANSI SGR sequences.
	Screen(id int, cols, rows int) []string
	// History renders rows lines of the session's history (scrollback,
	// then screen) ending back lines above its last line, each cols
	// cells wide and styled, for a scrolled preview; back is clamped to
	// what there is and returned.
	History(id, back, rows, cols int) (lines []string, clamped int)
	// SyncHistory brings into the session's history what its emulator
	// could not see (the remote tmux pane's history); its message is
	// HistorySynced.
	SyncHistory(id int) tea.Cmd
	// Log is the session's event log, oldest first.
	Log(id int) []session.LogEntry
	// Reconnect asks for an immediate reconnect attempt (or a fresh
	// connection for a dropped or failed session).
	Reconnect(id int)
	// Close closes the session (the remote shell and its reattach wrapper
	// are told to end). It must not block for long.
	Close(id int)
	// CloseAll closes every session at once, in parallel (quitting). It
	// returns when all have ended or when ctx is done, whichever is first:
	// ending the remote shells is best effort within ctx's deadline.
	CloseAll(ctx context.Context) error
	// Attach hands the terminal to the session (via tea.Exec). The
	// command's message is an AttachResult saying how the user came back.
	Attach(id int) tea.Cmd
	// SaveHostSettings stores heartbeat, reattach and tags settings for a
	// Host pattern in sshdash's settings file and applies them to live sessions
	// of matching hosts.
	SaveHostSettings(pattern string, hs HostSettings) error

	// Events delivers session events. The dashboard reads it one event at a
	// time from a tea.Cmd; a closed channel ends the reading. It may be nil.
	Events() <-chan session.Event
}

// Host is one host as the dashboard lists it.
type Host struct {
	Alias     string // the Host alias from the config
	User      string
	HostName  string
	Port      int
	ProxyJump string // "" when direct
	// Heartbeat are the effective heartbeat settings for the host and
	// HeartbeatSource where they came from, e.g. "sshdash settings",
	// "ssh_config" or "default".
	Heartbeat       keepalive.Settings
	HeartbeatSource string
	Reattach        string // "auto", "tmux", "screen" or "none"
	// Group is where the host was defined, e.g. the config file or the
	// Include file it came from ("~/.ssh/config.d/work"). Hosts are shown
	// grouped by it, in order of first appearance.
	Group string
	// Tags are the host's sshdash tags (lower case): from the settings
	// file and from "# sshdash: tags=" comments in ssh_config. The filter
	// selects them with "tag:NAME" or "#NAME".
	Tags []string
	// ConfigTags are those of Tags that come from ssh_config comments:
	// the settings form shows them but cannot change them (sshdash never
	// edits ssh_config).
	ConfigTags []string
}

// Target renders user@hostname:port, leaving out what is unknown.
func (h Host) Target() string {
	s := h.HostName
	if s == "" {
		s = h.Alias
	}
	if h.User != "" {
		s = h.User + "@" + s
	}
	if h.Port != 0 {
		s += ":" + strconv.Itoa(h.Port)
	}
	return s
}

// targetWidth is the number of runes in Target, without building it.
func (h Host) targetWidth() int {
	n := utf8.RuneCountInString(h.HostName)
	if h.HostName == "" {
		n = utf8.RuneCountInString(h.Alias)
	}
	if h.User != "" {
		n += utf8.RuneCountInString(h.User) + 1
	}
	if h.Port != 0 {
		n += 1 + len(strconv.Itoa(h.Port))
	}
	return n
}

// HostSettings are the per-host settings the settings form edits.
type HostSettings struct {
	Heartbeat keepalive.Settings
	Reattach  string // "auto", "tmux", "screen" or "none"
	// Tags replace the tags of the settings file's [[host]] entry for
	// the pattern (never ssh_config's); empty removes them.
	Tags []string
	// Changed says which fields to write: the ones the user changed. The
	// others keep what the settings file has for the pattern, or stay
	// unset there, so that they go on following ssh_config and the
	// defaults. Zero means all of them.
	Changed HostFields
}

// HostFields is a set of the fields of HostSettings.
type HostFields uint8

// The fields of HostSettings.
const (
	FieldMode     HostFields = 1 << iota // Heartbeat.Mode
	FieldInterval                        // Heartbeat.Interval
	FieldCount                           // Heartbeat.Count
	FieldReattach                        // Reattach
	FieldTags                            // Tags
	AllHostFields = FieldMode | FieldInterval | FieldCount | FieldReattach | FieldTags
)

// Has reports whether f includes g (a zero set includes every field).
func (f HostFields) Has(g HostFields) bool { return f == 0 || f&g != 0 }

// String lists the changed settings for the status line: "heartbeat
// mode noop, reattach none".
func (hs HostSettings) String() string {
	var parts []string
	if hs.Changed.Has(FieldMode) {
		parts = append(parts, "heartbeat mode "+string(hs.Heartbeat.Mode))
	}
	if hs.Changed.Has(FieldInterval) && hs.Heartbeat.Interval > 0 {
		parts = append(parts, "interval "+shortDuration(hs.Heartbeat.Interval))
	}
	if hs.Changed.Has(FieldCount) && hs.Heartbeat.Count > 0 {
		parts = append(parts, fmt.Sprintf("count %d", hs.Heartbeat.Count))
	}
	if hs.Changed.Has(FieldReattach) {
		parts = append(parts, "reattach "+hs.Reattach)
	}
	if hs.Changed.Has(FieldTags) {
		if len(hs.Tags) == 0 {
			parts = append(parts, "no tags")
		} else {
			parts = append(parts, "tags #"+strings.Join(hs.Tags, " #"))
		}
	}
	return strings.Join(parts, ", ")
}

// Messages the Backend's commands produce.

// HistorySynced is the result of Backend.SyncHistory.
type HistorySynced struct {
	ID  int
	Err error // nil also when there was nothing to fetch
}

// SessionOpened is the result of Backend.Open when the session was created.
type SessionOpened struct {
	ID         int
	Alias      string
	Background bool // as passed to Open
}

// OpenFailed is the result of Backend.Open when no session could be created
// (e.g. the alias is unknown). Connection failures of a created session are
// reported as state changes instead.
type OpenFailed struct {
	Alias string
	Err   error
}

// AttachAction says how the user left an attached session.
type AttachAction int

// Ways out of attach mode (the prefix key followed by a command key).
const (
	// AttachDetached: back to the dashboard (prefix d).
	AttachDetached AttachAction = iota
	// AttachNext: attach the next session in the dashboard's order (prefix n).
	AttachNext
	// AttachPrev: attach the previous session (prefix p).
	AttachPrev
	// AttachJump: attach session number AttachResult.Jump (prefix 1–9).
	AttachJump
	// AttachClose: close this session and return (prefix .).
	AttachClose
	// AttachEnded: the session ended by itself (remote shell exited, or it
	// failed) while attached.
	AttachEnded
)

// String returns a short name for the action.
func (a AttachAction) String() string {
	switch a {
	case AttachDetached:
		return "detached"
	case AttachNext:
		return "next"
	case AttachPrev:
		return "prev"
	case AttachJump:
		return "jump"
	case AttachClose:
		return "close"
	case AttachEnded:
		return "ended"
	}
	return fmt.Sprintf("AttachAction(%d)", int(a))
}

// AttachResult is the message of Backend.Attach's command: how the user
// came back from the attached session ID.
type AttachResult struct {
	ID     int
	Action AttachAction
	Jump   int   // AttachJump: 1-based position in the sessions table
	Err    error // attaching failed (the terminal could not be handed over …)
}

// nullBackend stands in when Options.Backend is nil.
type nullBackend struct{}

func (nullBackend) Hosts() []Host                               { return nil }
func (nullBackend) ConfigErrors() []string                      { return nil }
func (nullBackend) Open(string, bool) tea.Cmd                   { return nil }
func (nullBackend) OpenTunnels(string) tea.Cmd                  { return nil }
func (nullBackend) Sessions() []session.Status                  { return nil }
func (nullBackend) Screen(int, int, int) []string               { return nil }
func (nullBackend) History(int, int, int, int) ([]string, int)  { return nil, 0 }
func (nullBackend) SyncHistory(int) tea.Cmd                     { return nil }
func (nullBackend) Log(int) []session.LogEntry                  { return nil }
func (nullBackend) Reconnect(int)                               {}
func (nullBackend) Close(int)                                   {}
func (nullBackend) CloseAll(context.Context) error              { return nil }
func (nullBackend) Attach(int) tea.Cmd                          { return nil }
func (nullBackend) SaveHostSettings(string, HostSettings) error { return nil }
func (nullBackend) Events() <-chan session.Event                { return nil }
