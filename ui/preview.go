package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// previewModel shows the selected session's current screen (as the
// session's terminal emulator has it) under a one-line summary.
type previewModel struct {
	sh    *shared
	rect  rect // where the pane is; empty when hidden
	sized rect // the rect lines were read for
	has   bool
	s     session.Status
	num   int
	lines []string
	// scroll is how many lines back through the history the preview
	// shows (0: the live screen); focused: the preview pane has the keys.
	scroll  int
	focused bool
}

func newPreviewModel(sh *shared) previewModel { return previewModel{sh: sh} }

func (m *previewModel) clear() {
	m.has, m.lines = false, nil
}

func (m *previewModel) set(s session.Status, num int) {
	m.has, m.s, m.num = true, s, num
}

func (m previewModel) Init() tea.Cmd { return nil }

// Update: the preview has no keys of its own; the root model feeds it.
func (m previewModel) Update(tea.Msg) (previewModel, tea.Cmd) { return m, nil }

// View renders the pane, border included.
func (m previewModel) View() []string {
	st := &m.sh.st
	w, h := m.rect.w, m.rect.h
	if !m.has {
		return m.sh.frame.box("Preview", []string{"", st.Muted.Render("Select a session to see its screen here.")}, w, h)
	}
	s := m.s
	title := fmt.Sprintf("#%d %s", m.num, s.Alias)
	if s.Target != "" && s.Target != s.Alias {
		title += " · " + s.Target
	}
	if m.scroll > 0 {
		title = fmt.Sprintf("%s · %d lines back (G: live)", title, m.scroll)
	}
	f := m.sh.frame
	if m.focused {
		f = m.sh.frameFocused
	}
	headline, failure, failed := failureText(s)
	summary := stateStyle(st, s.State).Render(stateText(s, m.sh.now(), ""))
	var extra []string
	if s.BytesIn > 0 || s.BytesOut > 0 {
		extra = append(extra, "in "+bytesize(s.BytesIn)+" out "+bytesize(s.BytesOut))
	}
	if s.Heartbeat.Settings.Mode != "" {
		extra = append(extra, "heartbeat "+s.Heartbeat.Settings.String())
	}
	if s.Reattach != "" {
		extra = append(extra, "reattach "+s.Reattach)
	}
	if c := dropCauseText(s); c != "" && s.State == session.Reconnecting {
		extra = append(extra, "dropped: "+c)
	}
	if s.TunnelOnly {
		extra = append(extra, "tunnels only")
	}
	lines := make([]string, 0, h)
	switch {
	case failed:
		// The whole reason, wrapped, then the details on lines of
		// their own (a changed host key's warning), then the rest.
		for _, l := range wrap(headline, max(w-2, 1)) {
			lines = append(lines, stateStyle(st, s.State).Render(l))
		}
		for _, f := range failure {
			for _, l := range wrap(f, max(w-2, 1)) {
				lines = append(lines, stateStyle(st, s.State).Render(l))
			}
		}
		if len(extra) > 0 {
			lines = append(lines, st.Muted.Render(strings.Join(extra, " · ")))
		}
	case len(extra) > 0:
		lines = append(lines, summary+st.Muted.Render(" · "+strings.Join(extra, " · ")))
	default:
		lines = append(lines, summary)
	}
	// One line per forward: up, down (while the link is), or failed and why.
	for _, t := range s.Tunnels {
		switch {
		case t.Error != nil:
			lines = append(lines, st.StateFailed.Render("✕ "+t.Spec+": "+t.Error.Error()))
		case t.Up:
			lines = append(lines, st.StateUp.Render("✓ "+t.Spec))
		default:
			lines = append(lines, st.Muted.Render("… "+t.Spec+" (waiting for the link)"))
		}
	}
	lines = append(lines, m.lines...)
	if len(m.lines) == 0 {
		lines = append(lines, st.Muted.Render("(nothing on the screen yet)"))
	}
	return f.box(title, lines, w, h)
}
