package vt

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Text views of the screen: plain lines, styled preview lines, scrollback.

// plain returns the text of cells: wide characters once, blanks as spaces,
// trailing spaces trimmed.
func (s *Screen) plain(cells []cell) string {
	buf := s.scratch[:0]
	for _, c := range cells {
		buf = s.appendText(buf, c)
	}
	s.scratch = buf
	return strings.TrimRight(string(buf), " ")
}

// Lines returns the plain text of the visible screen, one string per row,
// with trailing spaces trimmed and wide characters appearing once.
func (s *Screen) Lines() []string {
	s.lockSettled()
	defer s.mu.Unlock()
	out := make([]string, s.rows)
	for i := range out {
		out[i] = s.plain(s.buf.peek(i).cells)
	}
	return out
}

// Scrollback returns the plain text of the scrollback, oldest line first.
func (s *Screen) Scrollback() []string {
	s.lockSettled()
	defer s.mu.Unlock()
	out := make([]string, s.sb.len())
	for i := range out {
		out[i] = s.plain(s.sb.at(i).cells)
	}
	return out
}

// StyledLines returns a cols×rows preview of the screen: exactly rows
// strings, each exactly cols cells wide as ansi.StringWidth (and so
// lipgloss) measures it, with SGR styling and a reset at the end of any
// styled line. Columns are taken from the left. Rows are taken from the top
// unless the cursor would fall outside while it is visible with nothing
// written below it (a shell: the output ends at its prompt); then the
// window ends at the cursor row, so the prompt stays visible. A
// full-screen program hides its cursor (top, htop) or has text below it
// (vim) and is shown from its top, where it keeps its header and the
// start of the text. The alternate screen says nothing here: the private
// tmux a session runs in keeps the emulator on it for a shell as well
// (tmux does pass on the cursor's visibility). Missing rows and
// columns are padded with spaces; a wide character cut by the right edge
// becomes a space.
func (s *Screen) StyledLines(cols, rows int) []string {
	if cols <= 0 || rows <= 0 {
		return nil
	}
	cols, rows = min(cols, MaxCols), min(rows, MaxRows)
	s.lockSettled()
	defer s.mu.Unlock()
	start := 0
	if s.y >= rows && s.modes.CursorVisible && !s.textBelow(s.y) {
		start = s.y - rows + 1
	}
	out := make([]string, rows)
	var st styler
	for i := range out {
		var cells []cell
		if y := start + i; y < s.rows {
			cells = s.buf.peek(y).cells
		}
		st.buf = s.appendStyled(st.buf[:0], &st, cells, cols, true)
		out[i] = string(st.buf)
	}
	return out
}

// textBelow reports whether any row of the screen below row y holds a
// visible character. The caller holds s.mu.
func (s *Screen) textBelow(y int) bool {
	for r := y + 1; r < s.rows; r++ {
		for _, c := range s.buf.peek(r).cells {
			if c.r != 0 && c.r != ' ' {
				return true
			}
		}
	}
	return false
}

// styler holds scratch buffers for appendStyled.
type styler struct {
	buf, last, tmp []byte
}

// appendStyled appends cells as SGR-styled text, at most width cells wide
// (exactly width when pad is set), ending with an SGR reset if any style
// was used.
func (s *Screen) appendStyled(dst []byte, sc *styler, cells []cell, width int, pad bool) []byte {
	var (
		pen  uint16 // style id
		n    int
		join bool
	)
	last, tmp := sc.last[:0], sc.tmp // text of the previous cell, scratch
	defer func() { sc.last, sc.tmp = last, tmp }()
	for x := 0; x < len(cells) && n < width; x++ {
		c := cells[x]
		w := c.width()
		if w == 0 {
			continue
		}
		if c.sid != pen {
			dst = appendSGR(dst, s.styleOf(pen), s.styleOf(c.sid))
			pen = c.sid
		}
		start := len(dst)
		if len(last) > 0 {
			join, tmp = s.wouldJoin(last, c, tmp)
		}
		switch {
		case w > width-n:
			// Cut by the right edge.
			dst = append(dst, ' ')
			w = 1
		case join:
			// The cell would merge with the previous one into one
			// grapheme (say two cells made by REP or cursor movement
			// from runes that join): keep the layout exact instead.
			dst = append(dst, "  "[:w]...)
		case c.r < 0:
			dst = s.appendText(dst, c)
			if ansi.StringWidth(string(dst[start:])) != w {
				// A cluster whose width is not its own (a width that
				// never shrank as runes joined, say): keep the layout.
				dst = append(dst[:start], "  "[:w]...)
			}
		default:
			dst = s.appendText(dst, c)
		}
		if dst[len(dst)-1] == ' ' {
			last = append(last[:0], ' ') // blank or substituted: the last grapheme is a space
		} else {
			last = append(last[:0], dst[start:]...)
		}
		join = false
		n += w
	}
	if pen != 0 {
		dst = append(dst, "\x1b[0m"...)
	}
	if pad {
		for ; n < width; n++ {
			dst = append(dst, ' ')
		}
	}
	return dst
}

// RenderScrollback returns the scrollback as styled text lines ending in
// CR LF, followed by enough line feeds to push them all off the screen.
// Written to a real terminal's main screen before Render, it puts the
// session's history into the terminal's own scrollback. Lines wider than
// the screen are cut.
func (s *Screen) RenderScrollback() []byte {
	s.lockSettled()
	defer s.mu.Unlock()
	if s.sb.len() == 0 {
		return nil
	}
	out := []byte("\x1b[0m\x1b[?1049l\x1b[r\x1b[?6l\x1b[4l\x1b[?7h\x1b(B\x0f")
	out = append(out, "\x1b[9999;1H"...)
	var st styler
	for i := range s.sb.len() {
		out = s.appendStyled(out, &st, s.sb.at(i).cells, s.cols, false)
		out = append(out, "\r\n"...)
	}
	for range s.rows - 1 {
		out = append(out, '\n')
	}
	return out
}
