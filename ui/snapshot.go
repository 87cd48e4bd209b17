// The session snapshot: refreshing it and the preview, and looking sessions
// up.

package ui

import (
	"fmt"

	"github.com/sshdash/sshdash/session"
)

// refreshSessions takes a new snapshot from the backend and hands it to
// every screen that shows sessions.
func (m *Model) refreshSessions() {
	if m.deferRefresh {
		m.refreshDeferred = true
		return
	}
	m.needRefresh, m.refreshDeferred, m.statesDirty = false, false, false
	n := len(m.snapshot)
	m.snapshot = m.backend.Sessions()
	m.sessions.setRows(m.snapshot)
	m.hosts.setLive(m.snapshot)
	if len(m.snapshot) != n {
		m.resize() // the table's height follows the number of sessions
	}
	m.refreshPreview()
}

// refreshPreview shows the selected session in the preview; its screen is
// read again only when the selection changed or output arrived for it.
func (m *Model) refreshPreview() {
	s, ok := m.sessions.selected()
	if !ok {
		m.preview.clear()
		m.previewDirty = false
		return
	}
	if m.preview.has && m.preview.s.ID != s.ID {
		m.preview.scroll = 0 // another session: its live screen
	}
	if m.previewDirty || !m.preview.has || m.preview.s.ID != s.ID || m.preview.sized != m.preview.rect {
		var lines []string
		cols, rows := max(m.preview.rect.w-2, 1), max(m.preview.rect.h-3, 1)
		switch {
		case m.preview.rect.empty():
		case m.preview.scroll > 0:
			lines, m.preview.scroll = m.backend.History(s.ID, m.preview.scroll, rows, cols)
		default:
			lines = m.backend.Screen(s.ID, cols, rows)
		}
		m.preview.lines = lines
		m.preview.sized = m.preview.rect
	}
	m.previewDirty = false
	m.preview.set(s, m.sessionNumber(s.ID))
}

func (m Model) sessionByID(id int) (session.Status, bool) {
	for _, s := range m.snapshot {
		if s.ID == id {
			return s, true
		}
	}
	return session.Status{}, false
}

// sessionNumber is the 1-based position of a session in the table (the
// number the attach prefix's 1–9 jump uses); 0 if unknown.
func (m Model) sessionNumber(id int) int {
	for i, s := range m.snapshot {
		if s.ID == id {
			return i + 1
		}
	}
	return 0
}

func (m Model) aliasOf(id int) string {
	if s, ok := m.sessionByID(id); ok {
		return s.Alias
	}
	return fmt.Sprintf("session %d", id)
}

// liveSessionFor finds the newest session to alias that has not ended.
func (m Model) liveSessionFor(alias string) (int, bool) {
	for i := len(m.snapshot) - 1; i >= 0; i-- {
		s := m.snapshot[i]
		if s.Alias == alias && !s.State.Terminal() {
			return s.ID, true
		}
	}
	return 0, false
}

func (m *Model) selectSession(id int) {
	m.sessions.selectID(id)
	m.refreshPreview()
}
