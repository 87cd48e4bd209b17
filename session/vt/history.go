package vt

import "bytes"

// History: the scrollback followed by the visible screen, read a window at
// a time by the scrollback view, and replaced wholesale by a history that
// a program between us and the shell kept (a tmux pane's history: tmux
// redraws rather than scrolls when output comes faster than it draws, so
// most lines that leave its screen never reach ours).

// HistoryLen returns the number of lines of the history: the scrollback
// and the visible screen.
func (s *Screen) HistoryLen() int {
	s.lockSettled()
	defer s.mu.Unlock()
	return s.sb.len() + s.rows
}

// ScrollbackLen returns the number of lines in the scrollback.
func (s *Screen) ScrollbackLen() int {
	s.lockSettled()
	defer s.mu.Unlock()
	return s.sb.len()
}

// StyledHistory returns up to n lines of the history starting at line
// from (0 is the oldest line of the scrollback; the visible screen follows
// the scrollback), each exactly cols cells wide with SGR styling as
// StyledLines makes them, and the history's length at the time.
func (s *Screen) StyledHistory(from, n, cols int) (lines []string, total int) {
	if cols <= 0 || n <= 0 {
		return nil, 0
	}
	cols = min(cols, MaxCols)
	s.lockSettled()
	defer s.mu.Unlock()
	total = s.sb.len() + s.rows
	from = min(max(from, 0), total)
	n = min(n, total-from)
	out := make([]string, n)
	var st styler
	for i := range out {
		st.buf = s.appendStyled(st.buf[:0], &st, s.historyLine(from+i).cells, cols, true)
		out[i] = string(st.buf)
	}
	return out, total
}

// PlainHistory returns the plain text of the whole history, oldest first
// (for searching).
func (s *Screen) PlainHistory() []string {
	s.lockSettled()
	defer s.mu.Unlock()
	out := make([]string, s.sb.len()+s.rows)
	for i := range out {
		out[i] = s.plain(s.historyLine(i).cells)
	}
	return out
}

// historyLine returns line i of the history; s.mu held.
func (s *Screen) historyLine(i int) *line {
	if i < s.sb.len() {
		return s.sb.at(i)
	}
	return s.buf.peek(i - s.sb.len())
}

// ReplaceScrollback replaces the scrollback with the lines of p (separated
// by LF, as `tmux capture-pane -p -e` prints them, SGR styling carried
// from line to line), keeping the newest when there are more than the
// scrollback holds. The visible screen is not touched. Styles and
// grapheme clusters that the screen's tables have no room for are
// dropped (plain text, first rune) rather than compacting the tables
// halfway through.
func (s *Screen) ReplaceScrollback(p []byte) {
	s.mu.Lock()
	cols, limit := s.cols, s.sb.max
	s.mu.Unlock()
	if limit <= 0 {
		return
	}
	p = bytes.TrimSuffix(p, []byte("\n"))
	// Emulate the lines on a scratch screen one line high: every line
	// ends in the scratch screen's scrollback, styled, wide characters
	// and clusters included.
	tmp := New(cols, 1, WithScrollback(limit))
	if len(p) > 0 {
		_, _ = tmp.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n")))
		_, _ = tmp.Write([]byte("\r\n"))
	}
	tmp.lockSettled()
	defer tmp.mu.Unlock()
	s.lockSettled()
	defer s.mu.Unlock()
	keepStyles := len(s.styles.list)+len(tmp.styles.list) <= s.styles.max
	keepClusters := len(s.clusters.list)+len(tmp.clusters.list) <= s.clusters.max
	s.sb.clear()
	for i := range tmp.sb.len() {
		l := tmp.sb.at(i)
		for j := range l.cells {
			c := &l.cells[j]
			if c.sid != 0 {
				if keepStyles {
					c.sid = s.internStyle(&tmp.styles.list[c.sid])
				} else {
					c.sid = 0
				}
			}
			if c.r < 0 {
				g := tmp.clusters.list[^c.r]
				if keepClusters {
					c.r = s.code([]byte(g))
				} else {
					c.r = []rune(g)[0]
				}
			}
		}
		s.sb.push(l)
	}
}
