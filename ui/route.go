// Input routing: keys, pastes, clicks and the wheel go to the modal, pane or
// screen that has them.

package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// activeModal names the dialog that has the keyboard, if any.
func (m Model) activeModal() string {
	switch {
	case m.confirmOpen:
		return "confirm"
	case m.det.open:
		return "detached"
	case m.settingsOpen:
		return "settings"
	case m.watch.form.open:
		return "watch"
	case m.prompts.active():
		return "prompt"
	case m.helpOpen:
		return "help"
	case m.errorsOpen:
		return "errors"
	}
	return ""
}

func (m *Model) handleKey(kp tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	if m.broadcasting() {
		return m.broadcastKey(kp) // ctrl+c too: in live mode it is the remote's
	}
	if kp.String() == "ctrl+c" && !m.confirmOpen {
		return m.requestQuit()
	}
	if m.hasPendingAttach && m.activeModal() != "prompt" {
		// The user is using the dashboard: the session they were waiting
		// for stays in the background, and keys meant for the dashboard
		// never reach its shell. Esc only says so; other keys also act.
		back := key.Matches(kp, k.Back) && m.activeModal() == "" && !m.logOpen &&
			!(m.focus == paneHosts && m.hosts.query() != "")
		m.cancelPendingAttach()
		if back {
			return nil
		}
	}
	switch m.activeModal() {
	case "confirm":
		var cmd tea.Cmd
		m.confirm, cmd = m.confirm.Update(kp)
		return cmd
	case "settings":
		var cmd tea.Cmd
		m.settings, cmd = m.settings.Update(kp)
		return cmd
	case "detached":
		return m.detachedKey(kp)
	case "prompt":
		var cmd tea.Cmd
		m.prompts, cmd = m.prompts.Update(kp)
		return cmd
	case "watch":
		return m.watchFormKey(kp)
	case "help":
		page := max(m.h-8, 1)
		switch {
		case key.Matches(kp, k.Help, k.Back, k.Quit):
			m.helpOpen = false
		case key.Matches(kp, k.Up):
			m.helpv.scroll(-1, m.w, m.h)
		case key.Matches(kp, k.Down):
			m.helpv.scroll(1, m.w, m.h)
		case key.Matches(kp, k.PageUp):
			m.helpv.scroll(-page, m.w, m.h)
		case key.Matches(kp, k.PageDown):
			m.helpv.scroll(page, m.w, m.h)
		case key.Matches(kp, k.Top):
			m.helpv.scroll(-maxScroll, m.w, m.h)
		case key.Matches(kp, k.Bottom):
			m.helpv.scroll(maxScroll, m.w, m.h)
		}
		return nil
	case "errors":
		if key.Matches(kp, k.Errors, k.Back, k.Quit) {
			m.errorsOpen = false
		}
		return nil
	}
	if m.logOpen {
		if key.Matches(kp, k.Back, k.Log, k.Quit) {
			m.logOpen = false
			return nil
		}
		if key.Matches(kp, k.Help) {
			m.helpOpen, m.helpv.off = true, 0
			return nil
		}
		var cmd tea.Cmd
		m.logv, cmd = m.logv.Update(kp)
		return cmd
	}
	if m.focus == paneHosts && m.hosts.capturing() {
		var cmd tea.Cmd
		m.hosts, cmd = m.hosts.Update(kp)
		return cmd
	}
	switch {
	case key.Matches(kp, k.Quit):
		return m.requestQuit()
	case key.Matches(kp, k.Help):
		m.helpOpen, m.helpv.off = true, 0
		return nil
	case key.Matches(kp, k.Errors):
		m.errorsOpen = len(m.configErrors) > 0
		if !m.errorsOpen {
			m.status = statusLine{"no problems in the SSH configuration", statusOK}
		}
		return nil
	case key.Matches(kp, k.NextPane, k.PrevPane):
		m.setFocus(m.nextPane())
		return nil
	case m.focus == paneSessions && key.Matches(kp, k.Scrollback):
		return m.focusPreview()
	case m.focus != panePreview && key.Matches(kp, k.Broadcast):
		return m.startBroadcast(bcLine)
	case m.focus != panePreview && key.Matches(kp, k.BroadcastLive):
		return m.startBroadcast(bcLive)
	}
	var cmd tea.Cmd
	if m.focus == panePreview {
		return m.previewKey(kp)
	}
	if m.focus == paneHosts {
		m.hosts, cmd = m.hosts.Update(kp)
	} else {
		before, _ := m.sessions.selectedID()
		m.sessions, cmd = m.sessions.Update(kp)
		if after, _ := m.sessions.selectedID(); after != before {
			m.refreshPreview()
		}
	}
	return cmd
}

// handlePaste gives pasted text (bracketed paste) to the text input that
// has the keyboard: a prompt's answer, a settings field or the filter.
func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	if m.broadcasting() {
		return m.broadcastPaste(msg)
	}
	var cmd tea.Cmd
	switch m.activeModal() {
	case "settings":
		m.settings, cmd = m.settings.Update(msg)
	case "prompt":
		m.prompts, cmd = m.prompts.Update(msg)
	case "watch":
		cmd = m.watchFormPaste(msg)
	case "":
		if m.focus == paneHosts && m.hosts.filtering {
			m.hosts, cmd = m.hosts.Update(msg)
			m.hosts.cursor = 0
			m.hosts.refilter()
		}
	}
	return cmd
}

func (m *Model) handleClick(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft || m.activeModal() != "" || m.logOpen {
		return nil
	}
	g := layout(m.w, m.h, m.focus, len(m.snapshot))
	if g.tabs.contains(ms.X, ms.Y) {
		hostsEnd, sessEnd := m.tabRanges()
		switch {
		case ms.X < hostsEnd:
			m.setFocus(paneHosts)
		case ms.X < sessEnd:
			m.setFocus(paneSessions)
		}
		return nil
	}
	switch {
	case g.hosts.contains(ms.X, ms.Y):
		if m.focus != paneHosts {
			m.setFocus(paneHosts)
		}
		m.hosts.click(ms.Y - g.hosts.y)
	case g.sessions.contains(ms.X, ms.Y):
		if m.focus != paneSessions {
			m.setFocus(paneSessions)
		}
		if m.sessions.click(ms.Y - g.sessions.y) {
			m.refreshPreview()
		}
	}
	return nil
}

func (m *Model) handleWheel(ms tea.Mouse) tea.Cmd {
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -1
	case tea.MouseWheelDown:
		d = 1
	default:
		return nil
	}
	if m.logOpen {
		if d < 0 {
			m.logv.vp.ScrollUp(3)
		} else {
			m.logv.vp.ScrollDown(3)
		}
		return nil
	}
	if m.activeModal() != "" {
		return nil
	}
	g := layout(m.w, m.h, m.focus, len(m.snapshot))
	switch {
	case g.hosts.contains(ms.X, ms.Y):
		m.hosts.move(d)
	case g.sessions.contains(ms.X, ms.Y):
		m.sessions.move(d)
		m.refreshPreview()
	case g.preview.contains(ms.X, ms.Y):
		return m.scrollPreview(-3 * d)
	}
	return nil
}
