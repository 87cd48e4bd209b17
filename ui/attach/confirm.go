package attach

import "io"

// Prefix r on a session that cannot reattach (no tmux or screen keeps its
// shell) asks first, as the dashboard's r does: the reconnect starts a
// new shell and ends what runs in this one.

// askReconnect puts the question on the bottom line when the session's
// shell would be replaced by a reconnect; it reports whether it asked.
func (a *attached) askReconnect() bool {
	st := a.s.Status()
	if st.Reattach != "none" || linkDown(st.State) {
		return false // it reattaches, or the shell is already lost
	}
	a.asking = true
	text := " Reconnect " + a.o.Alias + "? It cannot reattach: this shell and its programs end, a new one starts. y/n "
	line := bottomLine(a.cols, a.rows, text, false)
	if ow, ok := a.s.(OverlayWriter); !ok || !ow.WriteOverlay([]byte(line)) {
		_, _ = io.WriteString(a.o.Out, line)
	}
	return true
}

// answerReconnect takes the answer: y reconnects, anything else does not;
// either way the screen is redrawn without the question.
func (a *attached) answerReconnect(p []byte) {
	a.asking = false
	if p[0] == 'y' || p[0] == 'Y' {
		a.s.Reconnect()
	}
	a.redraw()
}
