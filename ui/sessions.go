package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

// Messages the sessions pane sends to the root model.
type (
	attachMsg       struct{ id int }
	reconnectMsg    struct{ id int } // asks first when the shell would be replaced
	reconnectNowMsg struct{ id int } // confirmed, or nothing to lose
	closeRequestMsg struct{ id int } // asks for confirmation first
	closeMsg        struct{ id int } // confirmed
	showLogMsg      struct{ id int }
)

// Columns of the sessions table.
const (
	colNum = iota
	colState
	colHost
	colRTT
	colSpark
	colMiss
	colUptime
	colContact
	colIO
	colHB
	numCols
)

type column struct {
	title string
	w     int  // preferred width
	min   int  // narrowest it may shrink to
	max   int  // widest it may grow to
	drop  int  // order in which columns are dropped when space runs out (0: never)
	right bool // right-aligned
}

// sessionColumns returns the table's columns; a function, not a variable,
// so that no package state exists.
func sessionColumns() [numCols]column {
	return [numCols]column{
		colNum:     {title: "#", w: 3, min: 3, max: 3, right: true},
		colState:   {title: "STATE", w: 28, min: 13, max: 44}, // 28: "↻ reconnecting #12 handshake"
		colHost:    {title: "HOST", w: 12, min: 8, max: 24},
		colRTT:     {title: "RTT", w: 6, min: 6, max: 6, drop: 5, right: true},
		colSpark:   {title: "RECENT", w: 10, min: 6, max: 24, drop: 3},
		colMiss:    {title: "MISS", w: 4, min: 4, max: 4, drop: 4, right: true},
		colUptime:  {title: "UP", w: 7, min: 7, max: 7, drop: 6, right: true},
		colContact: {title: "LAST", w: 7, min: 7, max: 7, drop: 7, right: true},
		colIO:      {title: "IN/OUT", w: 11, min: 11, max: 11, drop: 8},
		colHB:      {title: "HEARTBEAT", w: 12, min: 9, max: 14, drop: 9},
	}
}

// fitColumns chooses the widths of the columns for inner cells: it drops
// the least important columns until the rest fit at their preferred width,
// shrinks the flexible ones if needed, and gives spare room to the state,
// host and sparkline columns. A width of 0 means the column is hidden.
func fitColumns(inner int) [numCols]int {
	cols := sessionColumns()
	var w [numCols]int
	for i, c := range cols {
		w[i] = c.w
	}
	total := func() int {
		t, n := 0, 0
		for _, x := range w {
			if x > 0 {
				t += x
				n++
			}
		}
		return t + max(n-1, 0) // one space between columns
	}
	// Give up some of the host's and the sparkline's room, and then the
	// state's (whose last four cells hold only the longest states), when
	// that is enough; otherwise drop the least important column and try
	// again. When cutting, the sparkline goes first and down to its
	// narrowest (a few samples still show the trend), so that a host name
	// of 12 cells stays whole beside the full state at 120 columns.
	soft := func(i int) int {
		if i == colState {
			return cols[i].w - 4
		}
		return cols[i].w - 2
	}
	floor := func(i int) int {
		if i == colSpark {
			return cols[i].min
		}
		return soft(i)
	}
	shrink := []int{colSpark, colHost, colState}
	for total() > inner {
		over := total() - inner
		slack := 0
		for _, i := range shrink {
			if w[i] > 0 {
				slack += w[i] - soft(i)
			}
		}
		if over <= slack {
			for _, i := range shrink {
				if cut := min(over, w[i]-floor(i)); w[i] > 0 && cut > 0 {
					w[i] -= cut
					over -= cut
				}
			}
			break
		}
		worst, wi := 0, -1
		for i, c := range cols {
			if w[i] > 0 && c.drop > worst {
				worst, wi = c.drop, i
			}
		}
		if wi < 0 {
			break
		}
		w[wi] = 0
	}
	for _, i := range []int{colState, colHost} {
		if over := total() - inner; over > 0 {
			w[i] = max(w[i]-over, cols[i].min)
		}
	}
	for _, i := range []int{colState, colHost, colSpark} {
		if spare := inner - total(); spare > 0 && w[i] > 0 {
			w[i] = min(w[i]+spare, cols[i].max)
		}
	}
	return w
}

// sessionsModel is the live sessions table.
type sessionsModel struct {
	sh      *shared
	rows    []session.Status
	cursor  int
	offset  int
	w, h    int
	focused bool
	spin    string // spinner frame for sessions in progress
	// marks counts unseen watcher alerts per session ID (the root
	// model's watchState.marks); their rows carry alertMark.
	marks map[int]int
	// marked are the sessions marked for broadcast; outliers those whose
	// output differed from the majority's after the last broadcast.
	marked   map[int]bool
	outliers map[int]bool
}

func newSessionsModel(sh *shared) sessionsModel {
	return sessionsModel{sh: sh, spin: "⠋", marked: map[int]bool{}}
}

// setRows replaces the rows, keeping the cursor on the same session.
func (m *sessionsModel) setRows(rows []session.Status) {
	id, ok := m.selectedID()
	m.rows = rows
	if ok {
		m.selectID(id)
	}
	m.cursor = clamp(m.cursor, 0, len(m.rows)-1)
	m.scroll()
}

func (m *sessionsModel) setSize(w, h int) {
	m.w, m.h = w, h
	m.scroll()
}

func (m sessionsModel) selected() (session.Status, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return session.Status{}, false
	}
	return m.rows[m.cursor], true
}

func (m sessionsModel) selectedID() (int, bool) {
	s, ok := m.selected()
	return s.ID, ok
}

func (m *sessionsModel) selectID(id int) {
	for i, s := range m.rows {
		if s.ID == id {
			m.cursor = i
			m.scroll()
			return
		}
	}
}

func (m sessionsModel) visibleRows() int { return max(m.h-3, 1) }

func (m *sessionsModel) scroll() {
	vr := m.visibleRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+vr {
		m.offset = m.cursor - vr + 1
	}
	m.offset = clamp(m.offset, 0, max(len(m.rows)-vr, 0))
}

func (m *sessionsModel) move(d int) {
	if len(m.rows) == 0 {
		return
	}
	m.cursor = clamp(m.cursor+d, 0, len(m.rows)-1)
	m.scroll()
}

// click selects the row on line y of the pane (0 = top border).
func (m *sessionsModel) click(y int) bool {
	row := y - 2
	if row < 0 || row >= m.visibleRows() || m.offset+row >= len(m.rows) {
		return false
	}
	m.cursor = m.offset + row
	return true
}

func (m sessionsModel) Init() tea.Cmd { return nil }

// Update handles keys sent to the sessions pane.
func (m sessionsModel) Update(msg tea.Msg) (sessionsModel, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	k := m.sh.keys
	if d, ok := navDelta(k, kp, m.visibleRows(), len(m.rows)); ok {
		m.move(d)
	}
	s, ok := m.selected()
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(kp, k.Attach):
		return m, emit(attachMsg{s.ID})
	case key.Matches(kp, k.Reconnect):
		return m, emit(reconnectMsg{s.ID})
	case key.Matches(kp, k.Close):
		return m, emit(closeRequestMsg{s.ID})
	case key.Matches(kp, k.Log):
		return m, emit(showLogMsg{s.ID})
	case key.Matches(kp, k.Watch):
		return m, emit(watchFormMsg{s.ID})
	case key.Matches(kp, k.Edit):
		return m, emit(editHostMsg{s.Alias})
	case key.Matches(kp, k.Select):
		m.move(1)
		return m, emit(markSessionMsg{s.ID})
	case key.Matches(kp, k.SelectAll):
		return m, emit(markShownMsg{})
	}
	return m, nil
}

func (m sessionsModel) title() string {
	if len(m.rows) == 0 {
		return "Sessions"
	}
	return fmt.Sprintf("Sessions %d", len(m.rows))
}

// View renders the pane, border included, as exactly h lines of w cells.
func (m sessionsModel) View() []string {
	f := m.sh.frame
	if m.focused {
		f = m.sh.frameFocused
	}
	return f.box(m.title(), m.content(), m.w, m.h)
}

func (m sessionsModel) content() []string {
	st := &m.sh.st
	inner := m.w - 2
	if len(m.rows) == 0 {
		k := m.sh.keys
		return append([]string{"", st.Muted.Render("No sessions yet.")},
			wrap(st.Muted.Render(fmt.Sprintf("Choose a host and press %s to connect, or mark several with %s and press %s to open them in the background.",
				helpKey(k.Connect), helpKey(k.Select), helpKey(k.OpenSelected))), inner)...)
	}
	widths := fitColumns(inner)
	cols := sessionColumns()
	out := make([]string, 0, m.h-2)

	var hb strings.Builder
	first := true
	for i, c := range cols {
		if widths[i] == 0 {
			continue
		}
		if !first {
			hb.WriteByte(' ')
		}
		first = false
		if c.right {
			hb.WriteString(fitRight(c.title, widths[i]))
		} else {
			hb.WriteString(fit(c.title, widths[i]))
		}
	}
	out = append(out, st.Header.Render(fit(hb.String(), inner)))

	now := m.sh.now()
	end := min(m.offset+m.visibleRows(), len(m.rows))
	for i := m.offset; i < end; i++ {
		out = append(out, m.row(i, now, widths, inner))
	}
	return out
}

// row renders one session. The cursor row is drawn plain and then in the
// selection style as a whole (inner colours would break its background).
func (m sessionsModel) row(i int, now time.Time, widths [numCols]int, inner int) string {
	st := &m.sh.st
	s := m.rows[i]
	selected := i == m.cursor && m.focused
	cols := sessionColumns()
	var b strings.Builder
	b.Grow(inner * 2)
	first := true
	for c := range cols {
		w := widths[c]
		if w == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		text, style := m.cell(c, i, s, now, w)
		if cols[c].right {
			text = fitRight(text, w)
		} else {
			text = fit(text, w)
		}
		if style != nil && !selected {
			text = style.Render(text)
		}
		b.WriteString(text)
	}
	line := b.String()
	if selected {
		return st.Selected.Render(fit(line, inner))
	}
	return line
}

// cell is the text of one cell and its style (nil: plain).
func (m sessionsModel) cell(c, i int, s session.Status, now time.Time, w int) (string, *lipgloss.Style) {
	st := &m.sh.st
	hb := s.Heartbeat
	live := s.State == session.Up || s.State == session.Stale
	switch c {
	case colNum:
		if i == m.cursor {
			return "▸" + strconv.Itoa(i+1), nil
		}
		return strconv.Itoa(i + 1), &st.Muted
	case colState:
		style := stateStyle(st, s.State)
		return stateText(s, now, m.spin), &style
	case colHost:
		return m.hostCell(s, w)
	case colRTT:
		if !live || hb.LastRTT <= 0 {
			return "—", &st.Muted
		}
		return rtt(hb.LastRTT), nil
	case colSpark:
		if len(s.RTTHistory) == 0 {
			return "", nil
		}
		return sparkline(s.RTTHistory, w), &st.Spark
	case colMiss:
		if hb.Settings.Mode != keepalive.ModeProbe {
			return "—", &st.Muted
		}
		t := fmt.Sprintf("%d/%d", hb.Misses, hb.Settings.Count)
		if hb.Misses > 0 {
			return t, &st.StateStale
		}
		return t, nil
	case colUptime:
		if !live || hb.Started.IsZero() {
			return "—", &st.Muted
		}
		return since(hb.Uptime(now)), nil
	case colContact:
		if hb.LastContact.IsZero() {
			return "—", &st.Muted
		}
		return since(now.Sub(hb.LastContact)), nil
	case colIO:
		return bytesize(s.BytesIn) + "/" + bytesize(s.BytesOut), nil
	case colHB:
		if hb.Settings.Mode == "" {
			return "—", &st.Muted
		}
		return hb.Settings.String(), &st.Muted
	}
	return "", nil
}
