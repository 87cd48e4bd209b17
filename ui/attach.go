// Attaching: handing the terminal to a session, pending attaches and what
// follows a detach.

package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// attachable reports whether the terminal can be handed to a session in
// state s now. Dropped and reconnecting sessions can be attached: the attach
// bar says the link is down and keys are not queued.
func attachable(s session.State) bool {
	switch s {
	case session.Up, session.Stale, session.Dropped, session.Reconnecting:
		return true
	}
	return false
}

// attach hands the terminal to session id, or, while it is still
// connecting or waiting for an answer, attaches as soon as it is up.
func (m *Model) attach(id int) tea.Cmd {
	s, ok := m.sessionByID(id)
	if !ok || m.quitting {
		return nil
	}
	switch {
	case attachable(s.State):
		m.hasPendingAttach = false
		m.seen(id)
		m.status = statusLine{fmt.Sprintf("attached to %s", s.Alias), statusInfo}
		return m.backend.Attach(id)
	case s.State.Terminal():
		m.status = statusLine{fmt.Sprintf("%s is %s; press %s to connect again", s.Alias, s.State, helpKey(m.sh.keys.Reconnect)), statusError}
		return nil
	default:
		m.pendingAttach, m.hasPendingAttach = id, true
		m.status = statusLine{fmt.Sprintf("will attach to %s when it is up (any key: don't)", s.Alias), statusInfo}
		return nil
	}
}

// cancelPendingAttach drops the attach waiting for a session to come up:
// the user went on using the dashboard, so the session opens in the
// background, and the status line says so.
func (m *Model) cancelPendingAttach() {
	if !m.hasPendingAttach {
		return
	}
	m.hasPendingAttach = false
	m.status = statusLine{fmt.Sprintf("won't attach to %s; it stays open in the background", m.aliasOf(m.pendingAttach)), statusInfo}
}

// maybeAttachPending attaches the session the user asked for once it is up
// and no prompt is waiting.
func (m *Model) maybeAttachPending() tea.Cmd {
	if !m.hasPendingAttach || m.prompts.active() || m.quitting {
		return nil
	}
	s, ok := m.sessionByID(m.pendingAttach)
	if !ok {
		return nil
	}
	if s.State == session.Up || s.State == session.Stale {
		return m.attach(s.ID)
	}
	return nil
}

func (m *Model) handleAttachResult(r AttachResult) tea.Cmd {
	m.sh.log.Debug("attach ended", "session", r.ID, "action", r.Action.String(), "jump", r.Jump, "err", r.Err)
	m.refreshSessions()
	alias := m.aliasOf(r.ID)
	if r.Err != nil {
		m.status = statusLine{fmt.Sprintf("could not attach to %s: %v", alias, r.Err), statusError}
		return nil
	}
	m.selectSession(r.ID)
	switch r.Action {
	case AttachDetached:
		m.status = statusLine{"detached from " + alias, statusInfo}
	case AttachNext, AttachPrev:
		d := 1
		if r.Action == AttachPrev {
			d = -1
		}
		if id, ok := m.neighbour(r.ID, d); ok {
			m.selectSession(id)
			return m.attach(id)
		}
		m.status = statusLine{"no other session to attach", statusInfo}
	case AttachJump:
		if r.Jump >= 1 && r.Jump <= len(m.snapshot) {
			id := m.snapshot[r.Jump-1].ID
			m.selectSession(id)
			return m.attach(id)
		}
		m.status = statusLine{fmt.Sprintf("there is no session %d", r.Jump), statusError}
	case AttachClose:
		return m.closeSession(r.ID)
	case AttachEnded:
		s, _ := m.sessionByID(r.ID)
		msg := alias + " ended"
		if s.State == session.Closed {
			msg = fmt.Sprintf("%s: the remote shell exited (status %d)", alias, s.ExitStatus)
		} else if s.Cause != nil {
			msg = fmt.Sprintf("%s %s: %s", alias, s.State, oneLine(s.Cause.Error()))
		}
		m.status = statusLine{msg, statusInfo}
	}
	return nil
}

// neighbour is the next (d=1) or previous (d=-1) attachable session after
// id in table order, wrapping around.
func (m Model) neighbour(id, d int) (int, bool) {
	n := len(m.snapshot)
	start := m.sessionNumber(id) - 1
	if start < 0 {
		return 0, false
	}
	for i := 1; i < n; i++ {
		s := m.snapshot[((start+d*i)%n+n)%n]
		if attachable(s.State) {
			return s.ID, true
		}
	}
	return 0, false
}
