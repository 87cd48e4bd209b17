// The preview as a pane of its own: [ in the sessions pane focuses it
// (as prefix [ opens the scrollback view while attached), and it scrolls
// back through the selected session's history (the emulator's scrollback
// and screen) with the keys; the mouse wheel over it scrolls it anyway.

package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// nextPane is the pane tab and shift+tab move to: hosts and sessions in
// turn (from the preview, hosts).
func (m *Model) nextPane() pane {
	if m.focus == paneHosts {
		return paneSessions
	}
	return paneHosts
}

// focusPreview gives the keys to the preview of the selected session and
// fetches the history its emulator could not see.
func (m *Model) focusPreview() tea.Cmd {
	s, ok := m.sessions.selected()
	if !ok {
		return nil
	}
	if m.preview.rect.empty() {
		// Too small a window for the preview pane: say so rather than
		// ignore the key.
		m.status = statusLine{"no room for the preview here: enter attaches, then ctrl+^ [ scrolls back", statusInfo}
		return nil
	}
	m.setFocus(panePreview)
	return m.backend.SyncHistory(s.ID)
}

// previewKey handles keys while the preview has the focus.
func (m *Model) previewKey(kp tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	page := max(m.preview.rect.h-4, 1)
	switch {
	case key.Matches(kp, k.Back, k.Scrollback):
		m.setFocus(paneSessions)
	case key.Matches(kp, k.Attach):
		if s, ok := m.sessions.selected(); ok {
			return emit(attachMsg{s.ID})
		}
	case key.Matches(kp, k.Up):
		return m.scrollPreview(1)
	case key.Matches(kp, k.Down):
		return m.scrollPreview(-1)
	case key.Matches(kp, k.PageUp):
		return m.scrollPreview(page)
	case key.Matches(kp, k.PageDown):
		return m.scrollPreview(-page)
	case key.Matches(kp, k.Top):
		return m.scrollPreview(maxScroll)
	case key.Matches(kp, k.Bottom):
		return m.scrollPreview(-maxScroll)
	}
	return nil
}

// maxScroll stands for "as far as it goes"; the backend clamps it.
const maxScroll = 1 << 30

// scrollPreview moves the preview's window d lines back (d < 0: towards
// the live screen) and reads it again. Leaving the live screen without
// the preview's focus (the wheel) fetches the history first.
func (m *Model) scrollPreview(d int) tea.Cmd {
	if !m.preview.has || m.preview.rect.empty() {
		return nil
	}
	var cmd tea.Cmd
	if m.preview.scroll == 0 && d > 0 && m.focus != panePreview {
		cmd = m.backend.SyncHistory(m.preview.s.ID)
	}
	m.preview.scroll = max(0, min(m.preview.scroll+d, maxScroll))
	m.previewDirty = true
	m.refreshPreview()
	return cmd
}

// historySynced re-reads the preview once the session's history is in.
func (m *Model) historySynced(msg HistorySynced) {
	if msg.Err != nil {
		m.status = statusLine{fmt.Sprintf("%s: %v", m.aliasOf(msg.ID), msg.Err), statusError}
	}
	if m.preview.has && m.preview.s.ID == msg.ID {
		m.previewDirty = true
		m.refreshPreview()
	}
}
