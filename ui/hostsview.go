// Rendering the hosts pane: title, rows, columns, details line and the empty
// state.

package ui

import (
	"fmt"
	"strings"
)

func (m hostsModel) title() string {
	t := fmt.Sprintf("Hosts %d", len(m.hosts))
	if q := m.query(); q != "" {
		t = fmt.Sprintf("Hosts %d/%d", len(m.items), len(m.hosts))
	}
	if n := len(m.marked); n > 0 {
		t += fmt.Sprintf(" · %d selected", n)
	}
	return t
}

// View renders the pane, border included, as exactly h lines of w cells.
func (m hostsModel) View() []string {
	f := m.sh.frame
	if m.focused {
		f = m.sh.frameFocused
	}
	return f.box(m.title(), m.content(), m.w, m.h)
}

func (m hostsModel) content() []string {
	st := &m.sh.st
	inner := m.w - 2
	var out []string
	if len(m.hosts) == 0 {
		return m.emptyState(inner)
	}
	if m.filtering {
		out = append(out, m.filter.View())
	} else if q := m.query(); q != "" {
		out = append(out, st.Muted.Render("/ ")+st.Match.Render(q)+st.Muted.Render(fmt.Sprintf("  %d match · esc clears", len(m.items))))
	}
	if len(m.items) == 0 {
		out = append(out, "", st.Muted.Render(fmt.Sprintf("No hosts match %q.", m.query())))
		return out
	}
	aw, tw, jw, hw := m.columns(inner)
	idx, heads := m.lines()
	lh := m.listHeight()
	for l := m.offset; l < len(idx) && l < m.offset+lh; l++ {
		if idx[l] < 0 {
			g := heads[l]
			if g == "" {
				g = "(no file)"
			}
			out = append(out, st.Group.Render(ansiTruncate("── "+g+" ", inner)))
			continue
		}
		out = append(out, m.row(idx[l], inner, aw, tw, jw, hw))
	}
	rows := max(m.h-3, 0) // lines above the details line
	for len(out) < rows {
		out = append(out, "")
	}
	if h, ok := m.current(); ok && m.h > 3 {
		out = append(out[:rows], st.Muted.Render(ansiTruncate(hostDetails(h), inner)))
	}
	return out
}

// columns fits the column widths into inner cells, dropping the heartbeat
// and proxy columns, then shrinking the target and alias, as needed.
func (m hostsModel) columns(inner int) (aw, tw, jw, hw int) {
	aw, tw, jw, hw = m.aliasW, m.targetW, m.jumpW, m.hbW
	prefix := 5 + m.detachedW()
	total := func() int {
		t := prefix + aw + 2 + tw
		if jw > 0 {
			t += 2 + jw
		}
		if hw > 0 {
			t += 2 + hw
		}
		return t
	}
	if total() > inner {
		hw = 0
	}
	if total() > inner {
		jw = 0
	}
	if over := total() - inner; over > 0 {
		tw = max(tw-over, 8)
	}
	if over := total() - inner; over > 0 {
		aw = max(aw-over, 6)
	}
	return aw, tw, jw, hw
}

func (m hostsModel) row(i, inner, aw, tw, jw, hw int) string {
	st := &m.sh.st
	it := m.items[i]
	h := m.hosts[it.idx]
	selected := i == m.cursor && m.focused
	plain := func(s string) string { return s }

	cur, mark, icon := " ", " ", " "
	if i == m.cursor {
		cur = "▸"
	}
	if m.marked[h.Alias] {
		mark = "✓"
	}
	state, hasLive := m.live[h.Alias]
	if hasLive {
		icon = stateIcon(state)
	}
	var b strings.Builder
	if selected {
		b.WriteString(cur + mark + " " + icon + " ")
		b.WriteString(fit(h.Alias, aw))
	} else {
		b.WriteString(cur)
		if mark != " " {
			b.WriteString(st.Marked.Render(mark))
		} else {
			b.WriteString(" ")
		}
		b.WriteString(" ")
		if hasLive {
			b.WriteString(stateStyle(st, state).Render(icon))
		} else {
			b.WriteString(" ")
		}
		b.WriteString(" ")
		alias := h.Alias
		if len([]rune(alias)) > aw {
			alias = string([]rune(alias)[:aw-1]) + "…"
		}
		b.WriteString(highlight(alias, it.pos, func(x string) string { return st.Match.Render(x) }, plain))
		b.WriteString(strings.Repeat(" ", max(aw-len([]rune(alias)), 0)))
	}
	b.WriteString("  ")
	b.WriteString(fit(h.Target(), tw))
	if jw > 0 {
		b.WriteString("  ")
		j := ""
		if h.ProxyJump != "" {
			j = "via " + h.ProxyJump
		}
		b.WriteString(fit(j, jw))
	}
	if hw > 0 {
		b.WriteString("  ")
		hb := h.Heartbeat.String()
		if selected {
			b.WriteString(fit(hb, hw))
		} else {
			b.WriteString(st.Muted.Render(fit(hb, hw)))
		}
	}
	if mark := detachedMark(m.detached[h.Alias]); mark != "" {
		b.WriteString("  ")
		if selected {
			b.WriteString(mark)
		} else {
			b.WriteString(st.StateNeedsYou.Render(mark))
		}
	}
	if selected {
		return st.Selected.Render(fit(b.String(), inner))
	}
	return b.String()
}

// detachedW is the width the rows' detached markers take: none until a
// host is known to have detached sessions.
func (m hostsModel) detachedW() int {
	if len(m.detached) == 0 {
		return 0
	}
	return len("  99 detached")
}

// hostDetails is the one-line description of a host under the list.
func hostDetails(h Host) string {
	var b strings.Builder
	b.WriteString(h.Target())
	if h.ProxyJump != "" {
		b.WriteString(" via " + h.ProxyJump)
	}
	b.WriteString(" · heartbeat " + h.Heartbeat.String())
	if h.HeartbeatSource != "" {
		b.WriteString(" (" + h.HeartbeatSource + ")")
	}
	if h.Reattach != "" {
		b.WriteString(" · reattach " + h.Reattach)
	}
	if len(h.Tags) > 0 {
		b.WriteString(" · #" + strings.Join(h.Tags, " #"))
	}
	return b.String()
}

func (m hostsModel) emptyState(inner int) []string {
	st := &m.sh.st
	out := []string{st.Bold.Render("No hosts found."), ""}
	if len(m.looked) == 0 {
		out = append(out, "sshdash found no OpenSSH configuration to read.")
	} else {
		out = append(out, "sshdash looked for Host entries in:")
		for _, p := range m.looked {
			out = append(out, "  "+p)
		}
	}
	out = append(out, "")
	out = append(out, wrap("Add a Host block (Host, HostName, User …) to one of these files, or try sshdash without any configuration:", inner)...)
	out = append(out, "", "  "+st.HintKey.Render("sshdash demo"))
	return out
}
