// Broadcast input: marking sessions, starting and ending the editor and
// the live mode, and the keys they take.

package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Messages of the sessions pane for marking.
type (
	markSessionMsg struct{ id int } // toggle one session's mark
	markShownMsg   struct{}         // mark (or unmark) all shown, by the host filter's tags
)

// broadcasting reports whether broadcast has the keyboard.
func (m Model) broadcasting() bool { return m.bc.mode != bcOff && m.activeModal() == "" }

// markSession toggles the mark of session id.
func (m *Model) markSession(id int) {
	if m.sessions.marked[id] {
		delete(m.sessions.marked, id)
	} else {
		m.sessions.marked[id] = true
	}
}

// markShown marks every session whose host carries the tags of the hosts
// pane's filter (#prod, tag:prod), or every session when it has none;
// when those are all marked already, it unmarks them.
func (m *Model) markShown() {
	tags, _ := parseQuery(m.hosts.query())
	byAlias := make(map[string]Host, len(m.hosts.hosts))
	for _, h := range m.hosts.hosts {
		byAlias[h.Alias] = h
	}
	var ids []int
	for _, s := range m.snapshot {
		if len(tags) == 0 || hasTags(byAlias[s.Alias], tags) {
			ids = append(ids, s.ID)
		}
	}
	all := true
	for _, id := range ids {
		all = all && m.sessions.marked[id]
	}
	for _, id := range ids {
		if all {
			delete(m.sessions.marked, id)
		} else {
			m.sessions.marked[id] = true
		}
	}
	what := fmt.Sprintf("%d session(s)", len(ids))
	if len(tags) > 0 {
		what += " tagged #" + strings.Join(tags, " #")
	}
	if all {
		m.status = statusLine{"unmarked " + what, statusInfo}
	} else {
		m.status = statusLine{"marked " + what + " for broadcast (b: line by line, B: live)", statusInfo}
	}
}

// startBroadcast opens the line editor (bcLine) or the live mode on the
// marked sessions.
func (m *Model) startBroadcast(mode bcMode) tea.Cmd {
	k := m.sh.keys
	if _, ok := m.backend.(Broadcaster); !ok {
		m.status = statusLine{"broadcast is not available with this backend", statusError}
		return nil
	}
	if len(m.targets()) == 0 {
		m.status = statusLine{fmt.Sprintf("no session is marked: in Sessions, %s marks one, %s all (those tagged #x when the host filter is #x)",
			helpKey(k.Select), helpKey(k.SelectAll)), statusError}
		return nil
	}
	m.bc.mode = mode
	m.bc.result = statusLine{}
	m.bc.lastSkip = "\x00" // the first live send says who receives
	m.bc.liveNoted = map[int]bool{}
	m.bc.liveLine = nil
	if mode == bcLive {
		m.bcStatus(fmt.Sprintf("live broadcast: every key goes to the marked sessions that are up; %s ends it", helpKey(k.BroadcastEnd)), statusInfo)
		return nil
	}
	m.bc.input.Reset()
	m.bc.histPos, m.bc.draft = len(m.bc.history), ""
	m.bc.input.SetWidth(max(m.w-20, 10))
	return m.bc.input.Focus()
}

// stopBroadcast leaves the editor or the live mode. The send under way,
// and what was typed before this behind it, still go out (each checking
// its sessions as it does); nothing else is kept.
func (m *Model) stopBroadcast() {
	was := m.bc.mode
	m.bc.mode = bcOff
	m.bc.result = statusLine{}
	m.bc.input.Blur()
	if was == bcLive {
		m.status = statusLine{"live broadcast ended", statusInfo}
	}
}

// broadcastKey handles a key while broadcast has the keyboard.
func (m *Model) broadcastKey(kp tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	// As every key in the dashboard does: a session opened just before
	// stays in the background, and never takes the terminal mid-line.
	m.cancelPendingAttach()
	if m.bc.mode == bcLive {
		if key.Matches(kp, k.BroadcastEnd) {
			m.stopBroadcast()
			return nil
		}
		data := keyBytes(kp)
		if data == nil {
			m.bcStatus(fmt.Sprintf("%s was not sent: no terminal encoding for it", kp.String()), statusError)
			return nil
		}
		it := bcItem{data: data, live: true}
		switch {
		case kp.Code == tea.KeyEnter:
			it.line, it.compare = string(m.bc.liveLine), true
			m.bc.liveLine = nil
		case kp.Code == tea.KeyBackspace:
			if n := len(m.bc.liveLine); n > 0 {
				m.bc.liveLine = m.bc.liveLine[:n-1]
			}
		case kp.Mod&(tea.ModCtrl|tea.ModAlt) != 0:
			if kp.String() == "ctrl+c" || kp.String() == "ctrl+u" {
				m.bc.liveLine = nil
			}
		case kp.Text != "":
			m.bc.liveLine = append(m.bc.liveLine, []rune(kp.Text)...)
		}
		return m.enqueue(it)
	}
	switch {
	case key.Matches(kp, k.Back) || kp.String() == "ctrl+c":
		m.stopBroadcast()
		return nil
	case kp.Code == tea.KeyEnter:
		line := m.bc.input.Value()
		if strings.TrimSpace(line) != "" && (len(m.bc.history) == 0 || m.bc.history[len(m.bc.history)-1] != line) {
			m.bc.history = append(m.bc.history, line)
			if len(m.bc.history) > maxBroadcastHistory {
				m.bc.history = m.bc.history[1:]
			}
		}
		m.bc.input.Reset()
		m.bc.histPos, m.bc.draft = len(m.bc.history), ""
		return m.enqueue(bcItem{data: []byte(line + "\r"), line: line, compare: true})
	case kp.Code == tea.KeyUp:
		m.recall(-1)
		return nil
	case kp.Code == tea.KeyDown:
		m.recall(1)
		return nil
	}
	var cmd tea.Cmd
	m.bc.input, cmd = m.bc.input.Update(kp)
	return cmd
}

// recall moves through the lines sent before (d -1: older, 1: newer).
func (m *Model) recall(d int) {
	n := len(m.bc.history)
	pos := clamp(m.bc.histPos+d, 0, n)
	if pos == m.bc.histPos {
		return
	}
	if m.bc.histPos == n {
		m.bc.draft = m.bc.input.Value()
	}
	m.bc.histPos = pos
	if pos == n {
		m.bc.input.SetValue(m.bc.draft)
	} else {
		m.bc.input.SetValue(m.bc.history[pos])
	}
	m.bc.input.CursorEnd()
}

// broadcastPaste gives pasted text to the editor, or sends it in live mode.
func (m *Model) broadcastPaste(msg tea.PasteMsg) tea.Cmd {
	if m.bc.mode == bcLive {
		m.bc.liveLine = append(m.bc.liveLine, []rune(msg.Content)...)
		return m.enqueue(bcItem{data: []byte(msg.Content), live: true})
	}
	var cmd tea.Cmd
	m.bc.input, cmd = m.bc.input.Update(msg)
	return cmd
}

// broadcastAction handles the broadcast's messages; ok is false for others.
func (m *Model) broadcastAction(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case SessionOpened:
		if m.bc.mode == bcOff || msg.Background {
			return nil, false
		}
		// Opened (enter on a host) just before broadcasting began: it
		// stays in the background rather than take the terminal.
		msg.Background = true
		return m.handleAction(msg), true
	case markSessionMsg:
		m.markSession(msg.id)
		return nil, true
	case markShownMsg:
		m.markShown()
		return nil, true
	case bcSentMsg:
		return m.sent(msg), true
	case bcCompareMsg:
		m.compared(msg)
		return nil, true
	}
	return nil, false
}
