// The hosts pane: its state, cursor and scrolling, and key and mouse
// handling.

package ui

import (
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

// Messages the hosts pane sends to the root model.
type (
	// connectMsg: connect to alias and attach when up (enter).
	connectMsg struct{ alias string }
	// openHostsMsg: open these hosts in the background (o), or for their
	// tunnels only, like ssh -N (t).
	openHostsMsg struct {
		aliases    []string
		tunnelOnly bool
	}
	// editHostMsg: open the settings form for alias (e).
	editHostMsg struct{ alias string }
)

// hostItem is one host shown by the hosts pane.
type hostItem struct {
	idx   int    // index into hostsModel.hosts
	pos   []int  // rune positions of the alias that matched the filter
	group string // the group heading it is listed under (unfiltered list)
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
	// detached is how many detached sessions each host's server is
	// known to have (the row's marker); hosts with none are missing.
	detached map[string]int

	w, h    int
	focused bool
	byTag   bool // group the list by tag instead of by file

	// column widths, from the hosts
	aliasW, targetW, jumpW, hbW int

	// lineIdx and lineHeads are the display lines (see lines) and itemLine
	// the line of each item: refilter computes them when the list changes,
	// so a frame or a cursor move costs the visible rows, not the hosts.
	lineIdx   []int
	lineHeads []string
	itemLine  []int
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
	var hb keepalive.Settings // the last heartbeat measured, hbLen its width
	hbLen := -1
	for _, h := range hosts {
		known[h.Alias] = true
		m.aliasW = max(m.aliasW, utf8.RuneCountInString(h.Alias))
		m.targetW = max(m.targetW, h.targetWidth())
		if h.ProxyJump != "" {
			m.jumpW = max(m.jumpW, utf8.RuneCountInString(h.ProxyJump)+4)
		}
		if hbLen < 0 || h.Heartbeat != hb { // hosts mostly share a few
			hb, hbLen = h.Heartbeat, len(h.Heartbeat.String())
		}
		m.hbW = max(m.hbW, hbLen)
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

// cursorLine is the display line of the cursor.
func (m hostsModel) cursorLine() int {
	if m.cursor >= 0 && m.cursor < len(m.itemLine) {
		return m.itemLine[m.cursor]
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
		case key.Matches(kp, k.SelectAll):
			// No host alias has a '*' (those are patterns, never
			// listed): it applies the filter and marks what it shows,
			// so /prod* o works as /prod enter * o.
			m.filtering = false
			m.filter.Blur()
			m.markShown()
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
	if d, ok := navDelta(k, kp, m.listHeight(), len(m.items)); ok {
		m.move(d)
		return m, nil
	}
	switch {
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
	case key.Matches(kp, k.SelectAll):
		m.markShown()
	case key.Matches(kp, k.GroupBy):
		cur := m.cursorAlias()
		m.byTag = !m.byTag
		m.refilter()
		m.selectAlias(cur)
	case key.Matches(kp, k.OpenSelected), key.Matches(kp, k.OpenTunnels):
		aliases := m.markedOrCurrent()
		if len(aliases) == 0 {
			return m, nil
		}
		m.marked = map[string]bool{}
		return m, emit(openHostsMsg{aliases: aliases, tunnelOnly: key.Matches(kp, k.OpenTunnels)})
	case key.Matches(kp, k.Connect):
		if h, ok := m.current(); ok {
			return m, emit(connectMsg{alias: h.Alias})
		}
	case key.Matches(kp, k.Edit):
		if h, ok := m.current(); ok {
			return m, emit(editHostMsg{alias: h.Alias})
		}
	case key.Matches(kp, k.Detached):
		if h, ok := m.current(); ok {
			return m, emit(detachedOpenMsg{alias: h.Alias})
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

// emit is a command that sends msg to the root model.
func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// markShown marks every host the list shows (all of them, or those the
// filter matches); when all of those are marked already, it unmarks them.
func (m *hostsModel) markShown() {
	all := true
	for _, it := range m.items {
		all = all && m.marked[m.hosts[it.idx].Alias]
	}
	for _, it := range m.items {
		if all {
			delete(m.marked, m.hosts[it.idx].Alias)
		} else {
			m.marked[m.hosts[it.idx].Alias] = true
		}
	}
}

// markedOrCurrent is the marked hosts in the list's order (as the
// unfiltered list shows them: by group, config order within), each once
// however many tags list it, or else the one under the cursor.
func (m hostsModel) markedOrCurrent() []string {
	var aliases []string
	for _, it := range m.listOrder(false) {
		if h := m.hosts[it.idx]; m.marked[h.Alias] {
			aliases = append(aliases, h.Alias)
		}
	}
	if len(aliases) == 0 {
		if h, ok := m.current(); ok {
			aliases = []string{h.Alias}
		}
	}
	return aliases
}
