// Drawing the broadcast: the live banner, the line editor, and the marks
// in the sessions table.

package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/sshdash/sshdash/session"
)

// Marks in the sessions table's host column.
const (
	markedMark  = "✓" // marked for broadcast
	outlierMark = "≠" // output differs from the majority after the last broadcast
)

// reach says how many marked sessions a send would reach now: "3 of 4
// sessions: 1 skipped (stale)". The send itself checks each session
// again as it goes out.
func (m Model) reach() string {
	t, _, _ := m.reachCounts()
	return t
}

// reachCounts is reach's sentence and its two figures.
func (m Model) reachCounts() (text string, up, total int) {
	skipped := map[string]int{}
	for _, s := range m.snapshot {
		if !m.sessions.marked[s.ID] {
			continue
		}
		total++
		if s.State == session.Up {
			up++
		} else {
			skipped[s.State.String()]++
		}
	}
	t := fmt.Sprintf("%d of %d session(s)", up, total)
	if len(skipped) == 0 {
		return t, up, total
	}
	words := make([]string, 0, len(skipped))
	for w := range skipped {
		words = append(words, w)
	}
	sort.Strings(words)
	n := 0
	var parts []string
	for _, w := range words {
		n += skipped[w]
		if len(words) == 1 {
			parts = append(parts, w)
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", skipped[w], w))
		}
	}
	return fmt.Sprintf("%s: %d skipped (%s)", t, n, strings.Join(parts, ", ")), up, total
}

// liveBanner is the top line in live mode: who receives the keys.
func (m Model) liveBanner() string {
	st := &m.sh.st
	text := fmt.Sprintf(" ⇶ broadcasting to %s · every key is sent · %s ends", m.reach(), helpKey(m.sh.keys.BroadcastEnd))
	return st.Banner.Render(fit(text, m.w))
}

// editorLine is the bottom line while the line editor is open.
func (m Model) editorLine() string {
	st := &m.sh.st
	text, up, total := m.reachCounts()
	label := fmt.Sprintf(" ⇶ to %s ", text)
	if ansiWidth(label) > m.w/2 { // a narrow screen: the figures only
		label = fmt.Sprintf(" ⇶ %d/%d ", up, total)
	}
	label = st.Banner.Render(label) + " "
	in := m.bc.input
	in.SetWidth(max(m.w-ansiWidth(label)-len([]rune(in.Prompt))-2, 4))
	return fit(label+in.View(), m.w)
}

// liveHints is the bottom line in live mode.
func (m Model) liveHints() string {
	st := &m.sh.st
	return fit(st.HintKey.Render(helpKey(m.sh.keys.BroadcastEnd))+" "+st.HintDesc.Render("end live broadcast (every other key, esc and ctrl+c too, goes to the sessions)"), m.w)
}

// hostCell is the host column of the sessions table, w cells wide: the
// alias (after ● REC when recorded), after a mark for unseen watcher alerts
// and one for a session marked for broadcast or whose output stood out.
func (m sessionsModel) hostCell(s session.Status, w int) (string, *lipgloss.Style) {
	st := &m.sh.st
	alias := recCell(s, w)
	alert := alertMark(m.marks[s.ID]) // unseen watcher alerts
	if alert != "" {
		alias = alert + alias
	}
	switch {
	case m.outliers[s.ID]:
		return outlierMark + " " + alias, &st.Outlier
	case m.marked[s.ID]:
		return markedMark + " " + alias, &st.Marked
	case alert != "":
		return alias, &st.StateStale
	}
	return alias, nil
}

// bcStatus puts a broadcast outcome in the status line. While broadcast
// has the keyboard it stays there (sessions' news would replace it; the
// table and the tab bar still show their states).
func (m *Model) bcStatus(text string, kind statusKind) {
	m.status = statusLine{text, kind}
	m.bc.result = m.status
}

// bcStatusBar is the status line while broadcasting: the last outcome.
func (m Model) bcStatusBar() string {
	if m.bc.result.text != "" {
		m.status = m.bc.result
	}
	return m.statusBar()
}
