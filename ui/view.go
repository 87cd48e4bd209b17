// Rendering the root view: screen composition, tab bar, status line, key
// hints and the errors panel.

package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// View implements tea.Model. It renders only when something changed since
// the last call.
func (m Model) View() tea.View {
	if m.cache.valid && m.cache.rev == m.rev {
		return m.cache.view
	}
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "sshdash"
	m.cache.valid, m.cache.rev, m.cache.view = true, m.rev, v
	return v
}

// render draws the whole screen as exactly h lines of w cells.
func (m Model) render() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.w < 20 || m.h < 6 {
		return fit("sshdash: terminal too small", m.w)
	}
	g := layout(m.w, m.h, m.focus, len(m.snapshot))
	lines := make([]string, 0, m.h)
	if m.bc.mode == bcLive {
		lines = append(lines, m.liveBanner())
	} else {
		lines = append(lines, m.tabBar())
	}
	var body []string
	switch {
	case m.logOpen:
		body = m.logv.View()
	default:
		var right []string
		if !g.sessions.empty() {
			right = append(right, m.sessions.View()...)
		}
		if !g.preview.empty() {
			right = append(right, m.preview.View()...)
		}
		switch {
		case g.wide:
			body = joinColumns(m.hosts.View(), right)
		case m.focus == paneHosts:
			body = m.hosts.View()
		default:
			body = right
		}
	}
	for len(body) < g.body.h {
		body = append(body, fit("", m.w))
	}
	lines = append(lines, body[:g.body.h]...)
	switch {
	case m.bc.mode == bcLine && m.activeModal() == "":
		lines = append(lines, m.bcStatusBar(), m.editorLine())
	case m.bc.mode == bcLive && m.activeModal() == "":
		lines = append(lines, m.bcStatusBar(), m.liveHints())
	default:
		lines = append(lines, m.statusBar(), m.hintBar())
	}

	var modal []string
	switch m.activeModal() {
	case "confirm":
		modal = m.confirm.View()
	case "settings":
		modal = m.settings.View()
	case "detached":
		modal = m.detachedView()
	case "prompt":
		modal = m.prompts.View()
	case "watch":
		modal = m.watchFormView()
	case "help":
		modal = m.helpv.View(m.w, m.h)
	case "errors":
		modal = m.errorsView()
	}
	if modal != nil {
		return overlay(lines, modal, m.w, m.h)
	}
	return strings.Join(lines, "\n")
}

// tabRanges are the end columns of the Hosts and Sessions tabs.
func (m Model) tabRanges() (hostsEnd, sessionsEnd int) {
	h, s := m.tabLabels()
	start := len("sshdash") + 2
	hostsEnd = start + len([]rune(h)) + 2
	sessionsEnd = hostsEnd + len([]rune(s)) + 2
	return
}

func (m Model) tabLabels() (string, string) {
	return fmt.Sprintf("Hosts %d", len(m.hosts.hosts)), fmt.Sprintf("Sessions %d", len(m.snapshot))
}

// tabBar is the top line: the app name, the two tabs and a summary of
// session states (icon, count and word: never colour alone).
func (m Model) tabBar() string {
	st := &m.sh.st
	hl, sl := m.tabLabels()
	tab := func(label string, active bool) string {
		if active {
			return st.TabActive.Render(label)
		}
		return st.TabInactive.Render(label)
	}
	left := st.AppTitle.Render("sshdash") + "  " + tab(hl, m.focus == paneHosts) + "  " + tab(sl, m.focus != paneHosts)
	var counts [session.Closed + 1]int
	for _, s := range m.snapshot {
		if s.State >= 0 && s.State <= session.Closed {
			counts[s.State]++
		}
	}
	order := []session.State{session.NeedsYou, session.Failed, session.Dropped, session.Reconnecting, session.Stale, session.Connecting, session.Up}
	space := m.w - ansiWidth(left) - 2
	summary := func(words bool) string {
		var parts []string
		for _, s := range order {
			n := counts[s]
			if s == session.Connecting {
				n += counts[session.Resolving]
			}
			if n == 0 {
				continue
			}
			t := fmt.Sprintf("%s %d", stateIcon(s), n)
			if words {
				t += " " + s.String()
			}
			parts = append(parts, stateStyle(st, s).Render(t))
		}
		return strings.Join(parts, "  ")
	}
	net := netHeader(st, m.snapshot) // "3 of 3 hosts silent since …" (netheader.go)
	right := net + summary(true)
	if ansiWidth(right) > space {
		right = net + summary(false) // icons and counts only; the table has the words
	}
	if right == "" || ansiWidth(right) > space {
		return fit(left, m.w)
	}
	return left + fitRight(right, m.w-ansiWidth(left))
}

// statusBar is the status line: the last message on the left, waiting
// prompts and configuration problems on the right.
func (m Model) statusBar() string {
	st := &m.sh.st
	var right []string
	if n := m.prompts.waiting(); n > 0 && m.activeModal() != "prompt" {
		right = append(right, st.StateNeedsYou.Render(fmt.Sprintf("? %d prompt(s) waiting", n)))
	}
	if n := len(m.configErrors); n > 0 {
		right = append(right, st.StatusError.Render(fmt.Sprintf("⚠ %d config problem(s)", n))+st.Muted.Render(" ("+helpKey(m.sh.keys.Errors)+")"))
	}
	r := strings.Join(right, "  ")
	text := m.status.text
	style := st.StatusInfo
	switch m.status.kind {
	case statusError:
		text = "⚠ " + text
		style = st.StatusError
	case statusOK:
		text = "✓ " + text
		style = st.StatusOK
	}
	rw := ansiWidth(r)
	lw := max(m.w-rw-1, 0)
	return fit(style.Render(ansiTruncate(text, lw)), lw) + " " + r
}

// hintBar is the one-line key hint for what has the keyboard.
func (m Model) hintBar() string {
	k := m.sh.keys
	var bs []key.Binding
	switch m.activeModal() {
	case "confirm":
		bs = []key.Binding{k.Yes, k.No}
	case "settings":
		// Save and cancel first: a narrow hint bar cuts the end.
		bs = []key.Binding{k.Save, k.Cancel, withHelp(k.Submit, "next field"), k.Left, k.Right}
	case "prompt":
		bs = m.prompts.hints()
	case "detached":
		bs = m.detachedHints()
	case "watch":
		bs = []key.Binding{withHelp(k.Submit, "save"), k.Cancel, withHelp(k.NextField, "next"), withHelp(k.Right, "toggle")}
	case "help":
		bs = []key.Binding{withHelp(k.Back, "close")}
		if body, rows := m.helpv.body(m.w, m.h); len(body) > rows {
			bs = []key.Binding{withHelp(k.Down, "scroll"), withHelp(k.Back, "close")}
		}
	case "errors":
		bs = []key.Binding{withHelp(k.Back, "close")}
	default:
		switch {
		case m.logOpen:
			bs = []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, withHelp(k.Back, "close log")}
		case m.focus == paneHosts && m.hosts.filtering:
			bs = []key.Binding{withHelp(k.Submit, "apply filter"), withHelp(k.ClearFilter, "clear"),
				key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move"))}
		case m.focus == paneHosts:
			bs = k.hostsHints()
			if m.hosts.query() != "" {
				bs = append([]key.Binding{k.ClearFilter}, bs...)
			}
		case m.focus == panePreview:
			bs = []key.Binding{withHelp(k.Up, "back"), withHelp(k.Down, "forward"), k.PageUp, k.PageDown,
				withHelp(k.Top, "oldest"), withHelp(k.Bottom, "live"), withHelp(k.Back, "sessions"), k.Attach}
		default:
			bs = k.sessionsHints()
		}
	}
	h := m.sh.help
	h.SetWidth(m.w)
	return fit(h.ShortHelpView(bs), m.w)
}

// errorsView is the configuration problems panel.
func (m Model) errorsView() []string {
	st := &m.sh.st
	w := clamp(m.w-8, 30, 100)
	var body []string
	for _, e := range m.configErrors {
		for i, l := range wrap(e, w-6) {
			if i == 0 {
				body = append(body, st.Error.Render("⚠ ")+l)
			} else {
				body = append(body, "  "+l)
			}
		}
	}
	maxLines := max(m.h-8, 3)
	if len(body) > maxLines {
		more := len(body) - maxLines + 1
		body = append(body[:maxLines-1], st.Muted.Render(fmt.Sprintf("… and %d more line(s)", more)))
	}
	body = append(body, "", st.Muted.Render("The rest of the configuration is in use. esc closes."))
	return modalBox(st, "SSH configuration problems", body, w)
}
