// Watchers: alerts from the backend (row marks, log entries, the terminal's
// bell and desktop notification) and the per-session watch form.

package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/watch"
)

// WatchBackend is implemented by a Backend whose sessions have watchers
// (cmd/sshdash's does). The dashboard shows their alerts and edits them
// with the watch form; without it neither exists.
type WatchBackend interface {
	// Watches is session id's watchers now.
	Watches(id int) watch.Spec
	// SetWatches replaces session id's watchers (for this session only;
	// the settings file is not changed).
	SetWatches(id int, s watch.Spec) error
	// Alerts delivers every watcher alert; the dashboard reads it one at
	// a time from a tea.Cmd.
	Alerts() <-chan watch.Alert
	// AlertSequence is what to write to the terminal for an alert that
	// an attach did not already write (bell, OSC 9/777; nil: nothing).
	AlertSequence(a watch.Alert) []byte
}

// watchState is the root model's part for watchers.
type watchState struct {
	be     WatchBackend // nil: the backend has no watchers
	alerts <-chan watch.Alert
	// marks counts each session's alerts not yet looked at (attaching to
	// the session or opening its log clears them); the sessions table
	// shows a mark on those rows. Shared with sessionsModel.
	marks map[int]int
	form  watchForm
}

func newWatchState(b Backend) watchState {
	ws := watchState{marks: map[int]int{}}
	if wb, ok := b.(WatchBackend); ok {
		ws.be, ws.alerts = wb, wb.Alerts()
	}
	return ws
}

// alertMsg is a watcher alert read from the backend.
type alertMsg struct{ a watch.Alert }

// alertsClosedMsg says the backend's alert channel was closed.
type alertsClosedMsg struct{}

func (m Model) waitAlert() tea.Cmd {
	ch := m.watch.alerts
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		a, ok := <-ch
		if !ok {
			return alertsClosedMsg{}
		}
		return alertMsg{a}
	}
}

// handleWatchMsg handles the watcher messages; ok is false for others.
func (m *Model) handleWatchMsg(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case alertMsg:
		return tea.Batch(m.alert(msg.a), m.waitAlert()), true
	case alertsClosedMsg:
		m.watch.alerts = nil
		return nil, true
	case watchFormMsg:
		m.openWatchForm(msg.id)
		return nil, true
	}
	return nil, false
}

// alert marks the session's row and says what happened on the status line
// (the session's log has the entry: the backend wrote it there), and,
// unless an attach already did, rings the terminal.
func (m *Model) alert(a watch.Alert) tea.Cmd {
	m.watch.marks[a.ID]++
	m.status = statusLine{"⚑ " + a.Message(), statusInfo}
	m.sh.log.Debug("watch alert", "session", a.ID, "kind", a.Kind.String())
	if a.Delivered || m.watch.be == nil {
		return nil
	}
	if seq := m.watch.be.AlertSequence(a); len(seq) > 0 {
		if m.term != nil {
			m.term.WriteRaw(string(seq))
			return nil
		}
		return tea.Raw(string(seq))
	}
	return nil
}

// seen clears session id's alert mark.
func (m *Model) seen(id int) { delete(m.watch.marks, id) }

// alertMark is the mark a row with unseen alerts carries, e.g. "⚑2 ".
func alertMark(n int) string {
	switch {
	case n <= 0:
		return ""
	case n == 1:
		return "⚑ "
	case n > 9:
		return "⚑9+ "
	}
	return fmt.Sprintf("⚑%d ", n)
}
