// Broadcast: sending the same input to every marked session that is up.
// b opens a line editor (each line goes out on enter), B a live mode (each
// key goes out as typed). A session that is not up at the moment of a
// send is skipped and told so; nothing is queued for it.

package ui

import (
	"errors"
	"sync"

	"charm.land/bubbles/v2/textinput"
)

// Broadcaster is what broadcasting needs from the Backend beyond the
// Backend interface. A Backend that does not implement it cannot
// broadcast: b and B say so.
type Broadcaster interface {
	// SendIfUp writes p to session id only if its link is up at this
	// moment (session.Session.WriteIfUp); a refusal is a
	// *session.NotUpError, a session that no longer exists
	// ErrSessionGone. Nothing is ever queued. It may block while the
	// session's transport does: the dashboard calls it from commands.
	SendIfUp(id int, p []byte) error
	// ScreenText is the session's screen as plain text lines. Quick.
	ScreenText(id int) []string
	// Note adds a sentence to the session's event log. Quick.
	Note(id int, text string)
}

// ErrSessionGone is SendIfUp's error for a session that no longer exists.
var ErrSessionGone = errors.New("the session is gone")

// bcMode is what broadcast is doing.
type bcMode int

const (
	bcOff  bcMode = iota
	bcLine        // the line editor has the keyboard
	bcLive        // every key goes to the marked sessions as typed
)

// maxBroadcastHistory bounds the lines kept for recall (up/down).
const maxBroadcastHistory = 100

// broadcastModel is the broadcast's state. The marks themselves live in
// the sessions pane (sessionsModel.marked), which draws them.
type broadcastModel struct {
	mode  bcMode
	input textinput.Model

	history []string // lines sent, oldest first
	histPos int      // the recalled line; len(history): the line being typed
	draft   string   // what was typed before recalling

	// One send at a time, so that input reaches each session in the
	// order it was typed; what is typed meanwhile waits here (in the
	// dashboard, at most as long as a send waits, sendWait; never for a
	// session that is down: a send checks each session as it goes out).
	queue    []bcItem
	inflight bool

	seq       int            // the latest send that compares outputs
	liveLine  []rune         // live mode: what was typed since the last enter, to find its output
	liveNoted map[int]bool   // live mode: sessions whose skip is in their log already
	lastSkip  string         // live mode: the skip summary last shown
	writes    *pendingWrites // shared by the model's copies and the send commands
	result    statusLine     // the last outcome, kept in the status line while broadcasting
}

// bcItem is one send: bytes for the marked sessions.
type bcItem struct {
	data []byte
	// line is the line typed (line mode, or live mode up to an enter);
	// with compare set, the outputs after it are compared.
	line    string
	compare bool
	seq     int // the compare's number (broadcastModel.seq)
	live    bool
}

func newBroadcastModel(sh *shared) broadcastModel {
	ti := textinput.New()
	ti.Placeholder = "a line for every marked session that is up · enter sends · ↑/↓ earlier lines · esc leaves"
	ti.Prompt = "› "
	ti.CharLimit = 4096
	ti.SetStyles(inputStyles(&sh.st))
	return broadcastModel{input: ti, writes: &pendingWrites{ids: map[int]bool{}}, liveNoted: map[int]bool{}}
}

// pendingWrites are sessions whose write outlived the wait of its send (a
// transport that blocks). Until it returns, they are skipped, so that no
// later input overtakes it.
type pendingWrites struct {
	mu  sync.Mutex // guards ids
	ids map[int]bool
}

// start claims id for a write; false while an earlier one is pending.
func (p *pendingWrites) start(id int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ids[id] {
		return false
	}
	p.ids[id] = true
	return true
}

func (p *pendingWrites) end(id int) {
	p.mu.Lock()
	delete(p.ids, id)
	p.mu.Unlock()
}
