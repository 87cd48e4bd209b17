package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// Messages the hosts pane sends to the root model.
type (
	// connectMsg: connect to alias and attach when up (enter).
	connectMsg struct{ alias string }
	// openHostsMsg: open these hosts in the background (o).
	openHostsMsg struct{ aliases []string }
	// editHostMsg: open the settings form for alias (e).
	editHostMsg struct{ alias string }
)

// hostItem is one host shown by the hosts pane.
type hostItem struct {
	idx int   // index into hostsModel.hosts
	pos []int // rune positions of the alias that matched the filter
}

// hostsModel is the host list: grouped, fuzzy-filterable, multi-select.
type hostsModel struct {
	sh     *shared
	hosts  []Host
	looked []string // where the configuration was looked for (empty state)

	filter    textinput.Model
	filtering bool // the filter input has the keyboard

	items  []hostItem // hosts shown, in display order
	cursor int        // index into items
	offset int        // first visible line of the list
	marked map[string]bool
	live   map[string]session.State // alias → state of its newest session

	w, h    int
	focused bool

	// column widths, from the hosts
	aliasW, targetW, jumpW, hbW int
}

func newHostsModel(sh *shared, hosts []Host, looked []string) hostsModel {
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "filter hosts"
	ti.CharLimit = 64
	m := hostsModel{sh: sh, looked: looked, filter: ti, marked: map[string]bool{}}
	m.applyTheme()
	m.setHosts(hosts)
	return m
}

func (m *hostsModel) applyTheme() {
	m.filter.SetStyles(inputStyles(&m.sh.st))
}

// setHosts replaces the host list, keeping the cursor on the same alias.
func (m *hostsModel) setHosts(hosts []Host) {
	cur := m.cursorAlias()
	m.hosts = hosts
	known := make(map[string]bool, len(hosts))
	m.aliasW, m.targetW, m.jumpW, m.hbW = 5, 6, 0, 0
	for _, h := range hosts {
		known[h.Alias] = true
		m.aliasW = max(m.aliasW, len([]rune(h.Alias)))
		m.targetW = max(m.targetW, len([]rune(h.Target())))
		if h.ProxyJump != "" {
			m.jumpW = max(m.jumpW, len([]rune(h.ProxyJump))+4)
		}
		m.hbW = max(m.hbW, len(h.Heartbeat.String()))
	}
	m.aliasW, m.targetW, m.jumpW = min(m.aliasW, 20), min(m.targetW, 34), min(m.jumpW, 20)
	for a := range m.marked {
		if !known[a] {
			delete(m.marked, a)
		}
	}
	m.refilter()
	m.selectAlias(cur)
}

func (m *hostsModel) setSize(w, h int) {
	m.w, m.h = w, h
	m.filter.SetWidth(max(w-8, 4))
	m.scrollToCursor()
}

// setLive records the state of each host's newest session (for the icon).
func (m *hostsModel) setLive(ss []session.Status) {
	live := make(map[string]session.State, len(ss))
	for _, s := range ss {
		live[s.Alias] = s.State
	}
	m.live = live
}

func (m hostsModel) cursorAlias() string {
	if h, ok := m.current(); ok {
		return h.Alias
	}
	return ""
}

// current is the host under the cursor.
func (m hostsModel) current() (Host, bool) {
	if m.cursor < 0 || m.cursor >= len(m.items) {
		return Host{}, false
	}
	return m.hosts[m.items[m.cursor].idx], true
}

func (m *hostsModel) selectAlias(alias string) {
	for i, it := range m.items {
		if m.hosts[it.idx].Alias == alias {
			m.cursor = i
			m.scrollToCursor()
			return
		}
	}
	m.cursor = clamp(m.cursor, 0, len(m.items)-1)
	m.scrollToCursor()
}

// query is the filter text in force.
func (m hostsModel) query() string { return strings.TrimSpace(m.filter.Value()) }

// grouped reports whether group headings are shown: several groups and no
// filter (a filtered list is ordered by match quality instead).
func (m hostsModel) grouped() bool {
	if m.query() != "" || len(m.hosts) == 0 {
		return false
	}
	first := m.hosts[0].Group
	for _, h := range m.hosts[1:] {
		if h.Group != first {
			return true
		}
	}
	return false
}

// refilter recomputes the items from the hosts and the filter.
func (m *hostsModel) refilter() {
	q := m.query()
	m.items = m.items[:0]
	if q == "" {
		// Grouped by first appearance of each group, config order within.
		order := map[string]int{}
		for _, h := range m.hosts {
			if _, ok := order[h.Group]; !ok {
				order[h.Group] = len(order)
			}
		}
		for i := range m.hosts {
			m.items = append(m.items, hostItem{idx: i})
		}
		sort.SliceStable(m.items, func(a, b int) bool {
			return order[m.hosts[m.items[a].idx].Group] < order[m.hosts[m.items[b].idx].Group]
		})
	} else {
		type scored struct {
			hostItem
			score int
		}
		var ms []scored
		for i, h := range m.hosts {
			best, bestPos, ok := fuzzyMatch(q, h.Alias)
			if ok {
				best += 20 // the alias is what people type
			}
			for _, other := range []string{h.Target(), h.Group, h.ProxyJump} {
				if s, _, ok2 := fuzzyMatch(q, other); ok2 && (!ok || s > best) {
					best, bestPos, ok = s, nil, true
				}
			}
			if ok {
				ms = append(ms, scored{hostItem{idx: i, pos: bestPos}, best})
			}
		}
		sort.SliceStable(ms, func(a, b int) bool { return ms[a].score > ms[b].score })
		for _, s := range ms {
			m.items = append(m.items, s.hostItem)
		}
	}
	m.cursor = clamp(m.cursor, 0, len(m.items)-1)
	m.scrollToCursor()
}

// listHeight is the number of lines available for host rows.
func (m hostsModel) listHeight() int {
	h := m.h - 2 // border
	if m.filtering || m.query() != "" {
		h--
	}
	if len(m.items) > 0 {
		h-- // details line
	}
	return max(h, 1)
}

// lines is the display list: for each line, the item index or -1 for a
// group heading (with its group name).
func (m hostsModel) lines() (idx []int, heads []string) {
	grouped := m.grouped()
	prev := "\x00"
	for i, it := range m.items {
		g := m.hosts[it.idx].Group
		if grouped && g != prev {
			idx = append(idx, -1)
			heads = append(heads, g)
			prev = g
		}
		idx = append(idx, i)
		heads = append(heads, "")
	}
	return idx, heads
}

// cursorLine is the display line of the cursor.
func (m hostsModel) cursorLine() int {
	idx, _ := m.lines()
	for l, i := range idx {
		if i == m.cursor {
			return l
		}
	}
	return 0
}

func (m *hostsModel) scrollToCursor() {
	lh := m.listHeight()
	cl := m.cursorLine()
	if m.cursor == 0 {
		m.offset = 0 // show the first group heading too
	}
	if cl < m.offset {
		m.offset = cl
		if cl > 0 {
			if idx, _ := m.lines(); idx[cl-1] == -1 {
				m.offset = cl - 1 // keep the heading above the first host of a group
			}
		}
	}
	if cl >= m.offset+lh {
		m.offset = cl - lh + 1
	}
	m.offset = max(m.offset, 0)
}

func (m *hostsModel) move(d int) {
	if len(m.items) == 0 {
		return
	}
	m.cursor = clamp(m.cursor+d, 0, len(m.items)-1)
	m.scrollToCursor()
}

// capturing reports whether the pane wants every key (the filter is being
// typed into).
func (m hostsModel) capturing() bool { return m.filtering }

func (m hostsModel) Init() tea.Cmd { return nil }

// Update handles keys sent to the hosts pane.
func (m hostsModel) Update(msg tea.Msg) (hostsModel, tea.Cmd) {
	k := m.sh.keys
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if m.filtering {
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	if m.filtering {
		switch {
		case key.Matches(kp, k.Submit):
			m.filtering = false
			m.filter.Blur()
			return m, nil
		case key.Matches(kp, k.ClearFilter):
			m.filtering = false
			m.filter.Blur()
			m.filter.Reset()
			cur := m.cursorAlias()
			m.refilter()
			m.selectAlias(cur)
			return m, nil
		case kp.String() == "up":
			m.move(-1)
			return m, nil
		case kp.String() == "down":
			m.move(1)
			return m, nil
		}
		before := m.filter.Value()
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		if m.filter.Value() != before {
			m.cursor = 0
			m.refilter()
		}
		return m, cmd
	}
	switch {
	case key.Matches(kp, k.Up):
		m.move(-1)
	case key.Matches(kp, k.Down):
		m.move(1)
	case key.Matches(kp, k.PageUp):
		m.move(-max(m.listHeight()-1, 1))
	case key.Matches(kp, k.PageDown):
		m.move(max(m.listHeight()-1, 1))
	case key.Matches(kp, k.Top):
		m.move(-len(m.items))
	case key.Matches(kp, k.Bottom):
		m.move(len(m.items))
	case key.Matches(kp, k.Filter):
		m.filtering = true
		return m, m.filter.Focus()
	case key.Matches(kp, k.ClearFilter) && m.query() != "":
		cur := m.cursorAlias()
		m.filter.Reset()
		m.refilter()
		m.selectAlias(cur)
	case key.Matches(kp, k.Select):
		if h, ok := m.current(); ok {
			if m.marked[h.Alias] {
				delete(m.marked, h.Alias)
			} else {
				m.marked[h.Alias] = true
			}
			m.move(1)
		}
	case key.Matches(kp, k.OpenSelected):
		var aliases []string
		for _, h := range m.hosts { // config order
			if m.marked[h.Alias] {
				aliases = append(aliases, h.Alias)
			}
		}
		if len(aliases) == 0 {
			if h, ok := m.current(); ok {
				aliases = []string{h.Alias}
			}
		}
		if len(aliases) == 0 {
			return m, nil
		}
		m.marked = map[string]bool{}
		return m, emit(openHostsMsg{aliases: aliases})
	case key.Matches(kp, k.Connect):
		if h, ok := m.current(); ok {
			return m, emit(connectMsg{alias: h.Alias})
		}
	case key.Matches(kp, k.Edit):
		if h, ok := m.current(); ok {
			return m, emit(editHostMsg{alias: h.Alias})
		}
	}
	return m, nil
}

// click moves the cursor to the host on line y of the pane (0 = top border).
func (m *hostsModel) click(y int) bool {
	row := y - 1
	if m.filtering || m.query() != "" {
		row--
	}
	if row < 0 {
		return false
	}
	idx, _ := m.lines()
	l := m.offset + row
	if l >= len(idx) || idx[l] < 0 || l >= m.offset+m.listHeight() {
		return false
	}
	m.cursor = idx[l]
	return true
}

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
	const prefix = 5
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
	if selected {
		return st.Selected.Render(fit(b.String(), inner))
	}
	return b.String()
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

// emit is a command that sends msg to the root model.
func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
