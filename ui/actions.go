// Messages from screens and the backend, and the open, close and quit flows.

package ui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// handleAction acts on the messages screens and the backend send.
func (m *Model) handleAction(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.detachedAction(msg); ok {
		return cmd
	}
	if cmd, ok := m.handleWatchMsg(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	// From the hosts pane.
	case connectMsg:
		if id, ok := m.liveSessionFor(msg.alias); ok {
			m.selectSession(id)
			return m.attach(id)
		}
		m.status = statusLine{"connecting to " + msg.alias + "…", statusInfo}
		return m.backend.Open(msg.alias, false)
	case openHostsMsg:
		cmds := make([]tea.Cmd, 0, len(msg.aliases))
		for _, a := range msg.aliases {
			if msg.tunnelOnly {
				cmds = append(cmds, m.backend.OpenTunnels(a))
			} else {
				cmds = append(cmds, m.backend.Open(a, true))
			}
		}
		switch {
		case msg.tunnelOnly && len(msg.aliases) == 1:
			m.status = statusLine{"opening the tunnels of " + msg.aliases[0] + "…", statusInfo}
		case msg.tunnelOnly:
			m.status = statusLine{fmt.Sprintf("opening the tunnels of %d hosts…", len(msg.aliases)), statusInfo}
		case len(msg.aliases) == 1:
			m.status = statusLine{"opening " + msg.aliases[0] + " in the background…", statusInfo}
		default:
			m.status = statusLine{fmt.Sprintf("opening %d hosts in the background…", len(msg.aliases)), statusInfo}
		}
		return inOrder(cmds)
	case editHostMsg:
		return m.openSettings(msg.alias)

	// From the backend.
	case SessionOpened:
		m.refreshSessions()
		if msg.Background {
			m.status = statusLine{fmt.Sprintf("opened %s in the background (#%d)", msg.Alias, m.sessionNumber(msg.ID)), statusInfo}
			return tea.Batch(m.ensureTimers()...)
		}
		m.selectSession(msg.ID)
		m.setFocus(paneSessions)
		m.pendingAttach, m.hasPendingAttach = msg.ID, true
		m.status = statusLine{fmt.Sprintf("connecting to %s; will attach when it is up (any key: stay here)", msg.Alias), statusInfo}
		return tea.Batch(append(m.ensureTimers(), m.maybeAttachPending())...)
	case OpenFailed:
		m.status = statusLine{fmt.Sprintf("could not open %s: %v", msg.Alias, msg.Err), statusError}
		return nil
	case AttachResult:
		return m.handleAttachResult(msg)
	case HistorySynced:
		m.historySynced(msg)
		return nil

	// From the sessions pane.
	case attachMsg:
		return m.attach(msg.id)
	case reconnectMsg:
		s, ok := m.sessionByID(msg.id)
		if !ok {
			return nil
		}
		if s.Reattach == "none" && (s.State == session.Up || s.State == session.Stale) {
			// No tmux or screen keeps the shell: a reconnect starts a
			// new one, and what runs in this one is ended.
			m.openConfirm(fmt.Sprintf("Reconnect session #%d %s?", m.sessionNumber(msg.id), s.Alias),
				"It cannot reattach: its shell and programs are ended and a new shell starts.", reconnectNowMsg(msg))
			return nil
		}
		return emit(reconnectNowMsg(msg))
	case reconnectNowMsg:
		b, id := m.backend, msg.id
		m.status = statusLine{fmt.Sprintf("reconnecting %s now…", m.aliasOf(id)), statusInfo}
		return func() tea.Msg { b.Reconnect(id); return nil }
	case closeRequestMsg:
		s, ok := m.sessionByID(msg.id)
		if !ok {
			return nil
		}
		if s.State.Terminal() {
			return m.closeSession(msg.id)
		}
		m.openConfirm(fmt.Sprintf("Close session #%d %s?", m.sessionNumber(msg.id), s.Alias),
			"The remote shell and its programs are ended.", closeMsg(msg))
		return nil
	case closeMsg:
		return m.closeSession(msg.id)
	case closedMsg:
		m.refreshSessions()
		m.status = statusLine{fmt.Sprintf("closed %s", m.aliasOf(msg.id)), statusOK}
		return nil
	case showLogMsg:
		s, ok := m.sessionByID(msg.id)
		if !ok {
			return nil
		}
		m.logv.open(s.ID, s.Alias, m.backend.Log(s.ID))
		m.logOpen = true
		m.seen(s.ID)
		m.resize()
		return nil

	// From the settings form.
	case settingsSaveMsg:
		b := m.backend
		return func() tea.Msg {
			err := b.SaveHostSettings(msg.pattern, msg.hs)
			return settingsSaved{pattern: msg.pattern, hs: msg.hs, err: err}
		}
	case settingsSaved:
		if msg.err != nil {
			m.settings.saveFailed(msg.err)
			return nil
		}
		m.settingsOpen = false
		m.hosts.setHosts(m.backend.Hosts())
		m.status = statusLine{fmt.Sprintf("saved for %s: %s", msg.pattern, msg.hs), statusOK}
		return nil
	case settingsCancelMsg:
		m.settingsOpen = false
		return nil
	case settingsUnchangedMsg:
		m.settingsOpen = false
		m.status = statusLine{fmt.Sprintf("%s: nothing changed, nothing saved", msg.alias), statusInfo}
		return nil

	// From prompts and dialogs.
	case promptDoneMsg:
		if msg.cancelled {
			m.status = statusLine{fmt.Sprintf("%s: prompt cancelled", m.aliasOf(msg.id)), statusInfo}
		}
		return m.maybeAttachPending()
	case confirmDoneMsg:
		m.confirmOpen = false
		if msg.yes && msg.then != nil {
			return emit(msg.then)
		}
		return nil
	case quitMsg:
		return m.closeAllAndQuit()
	case quitLeaveMsg:
		m.quitting, m.leftRunning = true, true
		return tea.Quit
	case allClosedMsg:
		if msg.err != nil {
			m.sh.log.Warn("quit before every session had closed", "err", msg.err)
		}
		return tea.Quit
	}
	return nil
}

func (m *Model) closeSession(id int) tea.Cmd {
	b := m.backend
	m.status = statusLine{fmt.Sprintf("closing %s…", m.aliasOf(id)), statusInfo}
	if m.hasPendingAttach && m.pendingAttach == id {
		m.hasPendingAttach = false
	}
	return func() tea.Msg {
		b.Close(id)
		return closedMsg{id}
	}
}

func (m *Model) openSettings(alias string) tea.Cmd {
	var host Host
	found := false
	for _, h := range m.hosts.hosts {
		if h.Alias == alias {
			host, found = h, true
			break
		}
	}
	if !found {
		host = Host{Alias: alias}
	}
	m.settings = newSettingsModel(m.sh, host)
	m.settings.setSize(m.w, m.h)
	m.settingsOpen = true
	return m.settings.Init()
}

func (m *Model) openConfirm(question, detail string, then tea.Msg) {
	m.confirm = newConfirmModel(m.sh, question, detail, then)
	m.confirmOpen = true
}

// openSessions counts sessions that have not ended.
func (m Model) openSessions() int {
	n := 0
	for _, s := range m.snapshot {
		if !s.State.Terminal() {
			n++
		}
	}
	return n
}

// requestQuit quits at once when no session is open, and asks first
// otherwise.
func (m *Model) requestQuit() tea.Cmd {
	if m.quitting {
		return nil
	}
	n := m.openSessions()
	if n == 0 {
		return m.closeAllAndQuit()
	}
	q := "Close 1 open session and quit?"
	if n > 1 {
		q = fmt.Sprintf("Close %d open sessions and quit?", n)
	}
	m.openConfirm(q, "y: their remote shells are ended. l: quit and leave them running on the servers, to resume later (R on the host in the dashboard, or sshdash connect --resume HOST).", quitMsg{})
	m.confirm.alt, m.confirm.altLabel = quitLeaveMsg{}, "Leave running"
	return nil
}

// quitDeadline bounds quitting: sessions are closed in parallel, and
// those whose remote cleanup (ending the remote tmux session) has not
// finished by then are left to end with the process.
const quitDeadline = 3 * time.Second

// closeAllAndQuit closes every session at once, then quits; from here on
// input is ignored (see whileQuitting), so a habitual Enter cannot attach
// to a closing session.
func (m *Model) closeAllAndQuit() tea.Cmd {
	m.quitting = true
	m.hasPendingAttach = false
	n := m.openSessions()
	if n == 0 {
		return tea.Quit
	}
	m.status = statusLine{fmt.Sprintf("closing %d session(s)…", n), statusInfo}
	b := m.backend
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), quitDeadline)
		defer cancel()
		return allClosedMsg{err: b.CloseAll(ctx)}
	}
}

// whileQuitting handles input once quitting has started: it is ignored,
// except that an interrupt (ctrl+c) leaves at once, without waiting for
// the sessions to finish closing.
func (m *Model) whileQuitting(interrupt bool) tea.Cmd {
	if interrupt {
		return tea.Quit
	}
	return nil
}

// inOrder runs cmds one after the other in one command (so sessions are
// opened, and numbered, in list order; each open only resolves the host
// and starts the session) and then delivers their messages.
func inOrder(cmds []tea.Cmd) tea.Cmd {
	return func() tea.Msg {
		out := make(tea.BatchMsg, 0, len(cmds))
		for _, c := range cmds {
			if msg := c(); msg != nil {
				out = append(out, emit(msg))
			}
		}
		return out
	}
}
