package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// logModel shows one session's event log (connected, stale, dropped and
// why, reconnecting, reattached after N s, settings changed …) in a
// scrollable viewport.
type logModel struct {
	sh      *shared
	id      int
	alias   string
	entries []session.LogEntry
	vp      viewport.Model
	w, h    int
}

func newLogModel(sh *shared) logModel {
	vp := viewport.New()
	vp.SoftWrap = true
	vp.KeyMap.Up = sh.keys.Up
	vp.KeyMap.Down = sh.keys.Down
	vp.KeyMap.PageUp = sh.keys.PageUp
	vp.KeyMap.PageDown = sh.keys.PageDown
	vp.KeyMap.HalfPageUp = key.NewBinding(key.WithDisabled())
	vp.KeyMap.HalfPageDown = key.NewBinding(key.WithDisabled())
	vp.KeyMap.Left = key.NewBinding(key.WithDisabled())
	vp.KeyMap.Right = key.NewBinding(key.WithDisabled())
	return logModel{sh: sh, vp: vp}
}

func (m *logModel) open(id int, alias string, entries []session.LogEntry) {
	m.id, m.alias = id, alias
	m.entries = append([]session.LogEntry(nil), entries...)
	m.render()
	m.vp.GotoBottom()
}

// add appends a new entry, following the end of the log if the view was
// at the bottom.
func (m *logModel) add(e session.LogEntry) {
	follow := m.vp.AtBottom()
	m.entries = append(m.entries, e)
	m.render()
	if follow {
		m.vp.GotoBottom()
	}
}

func (m *logModel) setSize(w, h int) {
	m.w, m.h = w, h
	m.vp.SetWidth(max(w-2, 1))
	m.vp.SetHeight(max(h-2, 1))
	m.render()
}

func (m *logModel) render() {
	st := &m.sh.st
	if len(m.entries) == 0 {
		m.vp.SetContent(st.Muted.Render("Nothing has happened yet."))
		return
	}
	lines := make([]string, len(m.entries))
	for i, e := range m.entries {
		lines[i] = st.Muted.Render(e.At.Format("2006-01-02 15:04:05")) + "  " + e.Text
	}
	m.vp.SetContent(strings.Join(lines, "\n"))
}

func (m logModel) Init() tea.Cmd { return nil }

// Update scrolls the log.
func (m logModel) Update(msg tea.Msg) (logModel, tea.Cmd) {
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

// View renders the log pane over the whole body.
func (m logModel) View() []string {
	title := fmt.Sprintf("Event log · %s (session %d) · %d entries", m.alias, m.id, len(m.entries))
	return m.sh.frameFocused.box(title, strings.Split(m.vp.View(), "\n"), m.w, m.h)
}
