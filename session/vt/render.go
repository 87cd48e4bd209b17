package vt

import (
	"strconv"
	"unicode/utf8"
)

// Render returns bytes that, written to a real terminal in any state,
// reproduce this screen: both the main screen and (when the remote is in
// it) the alternate screen on top, every cell with its rendition, soft
// wraps, the saved cursors, tab stops, scroll region, charsets, the cursor
// (position, pending wrap, visibility, style), the current SGR pen, the
// title and every tracked mode (keys, keypad, mouse, focus, bracketed
// paste, kitty keyboard flags, modifyOtherKeys, autowrap, insert, ...).
// Modes the remote did not set are explicitly switched off.
//
// The redraw assumes the real terminal has the Screen's size: Resize the
// Screen (and the remote pty) to it first. Feeding the result to a fresh
// Screen of the same size yields the same state (see the round-trip
// tests); the scrollback is not included (see RenderScrollback).
func (s *Screen) Render() []byte {
	s.lockSettled()
	defer s.mu.Unlock()
	r := renderer{s: s, out: make([]byte, 0, s.cols*s.rows*2+512)}
	r.render()
	return r.out
}

// renderer tracks what it has told the real terminal so far.
type renderer struct {
	s     *Screen
	out   []byte
	pen   style      // the terminal's current rendition
	cs    [4]charset // the terminal's G0-G3
	gl    uint8      // and which is in GL
	x, y  int        // the terminal's cursor, valid when known
	known bool       // cursor position known (false after the last column, or a multi-rune cluster)
	last  []byte     // cluster just printed, with no cursor movement since (nil: none)
	tmp   []byte
}

// renderReset is the preamble: cancel any half-received sequence, then
// sane state, main screen, cleared.
const renderReset = "\x18\x1b[0m\x1b[?25l\x1b[?1049l" + // CAN, SGR reset, hide cursor, main screen
	"\x1b[r\x1b[?6l\x1b[4l\x1b[20l\x1b[?7h" + // margins, origin, insert, newline, autowrap
	"\x1b(B\x1b)B\x1b*B\x1b+B\x0f" + // ASCII in G0-G3, G0 in GL
	"\x1b[H\x1b[2J" // clear

func (r *renderer) render() {
	s := r.s
	r.out = append(r.out, renderReset...)
	r.draw(&s.main)
	if s.buf == &s.alt {
		r.kitty(s.main.kitty)
		r.placeSaved(&s.main) // 1049 saves the cursor as DECSC does
		r.out = append(r.out, "\x1b[?1049h"...)
		r.unplaceSaved(&s.main)
		r.setPen(style{})
		r.out = append(r.out, "\x1b[2J"...)
		r.draw(&s.alt)
	}
	r.placeSaved(s.buf)
	r.out = append(r.out, "\x1b7"...)
	r.unplaceSaved(s.buf)
	r.kitty(s.buf.kitty)

	r.out = append(r.out, "\x1b[3g"...)
	for x, t := range s.tabs {
		if t {
			r.cha(x)
			r.out = append(r.out, "\x1bH"...)
		}
	}
	if s.top != 0 || s.bottom != s.rows-1 {
		r.csi(s.top+1, s.bottom+1, 'r')
	}
	if s.modes.Origin {
		r.out = append(r.out, "\x1b[?6h"...)
	}
	r.placeCursor(s.buf, s.x, s.y, s.pending, s.modes.Origin)
	r.setPen(s.pen)

	m := s.modes
	if m.Insert {
		r.out = append(r.out, "\x1b[4h"...)
	}
	if m.NewLine {
		r.out = append(r.out, "\x1b[20h"...)
	}
	r.charsets(s.charsets, s.gl)
	r.mode(1, m.AppCursorKeys)
	r.mode(5, m.ReverseVideo)
	r.mode(12, m.CursorBlink)
	r.out = append(r.out, "\x1b[?9;1000;1001;1002;1003;1005;1006;1015;1016l"...)
	if m.MouseTracking != 0 {
		r.mode(m.MouseTracking, true)
	}
	if m.MouseEncoding != 0 {
		r.mode(m.MouseEncoding, true)
	}
	r.mode(1004, m.FocusEvents)
	r.mode(2004, m.BracketedPaste)
	if m.AppKeypad {
		r.out = append(r.out, "\x1b="...)
	} else {
		r.out = append(r.out, "\x1b>"...)
	}
	r.out = append(r.out, "\x1b[>4;"...)
	r.out = strconv.AppendInt(r.out, int64(m.ModifyOtherKeys), 10)
	r.out = append(r.out, 'm')
	r.out = append(r.out, "\x1b["...)
	r.out = strconv.AppendInt(r.out, int64(m.CursorStyle), 10)
	r.out = append(r.out, " q"...)
	if !m.Autowrap {
		r.out = append(r.out, "\x1b[?7l"...)
	}
	if s.title != "" {
		r.out = append(r.out, "\x1b]2;"...)
		r.out = append(r.out, s.title...)
		r.out = append(r.out, '\a')
	}
	if m.CursorVisible {
		r.out = append(r.out, "\x1b[?25h"...)
	}
}

// draw paints a buffer onto a cleared screen (margins full, origin and
// insert mode off, autowrap on). Default blanks are skipped; a soft-wrapped
// line is painted through its last column so that the terminal wraps into
// the next line by itself and records the soft wrap too.
func (r *renderer) draw(b *buffer) {
	s := r.s
	for y := range s.rows {
		l := b.peek(y)
		wrapped := l.wrapped && y < s.rows-1
		cont := y > 0 && b.peek(y-1).wrapped // continue through the wrap
		end := len(l.cells)
		if !wrapped {
			for end > 0 && l.cells[end-1].isDefaultBlank() {
				end--
			}
		}
		if cont && end == 0 {
			end = 1
		}
		for x := 0; x < end; {
			var c cell // a line never written is blank
			if x < len(l.cells) {
				c = l.cells[x]
			}
			if c.kind == cellCont {
				x++
				continue
			}
			first := cont && x == 0
			if c.isDefaultBlank() && !wrapped && !first {
				x++
				continue
			}
			if first {
				if r.wouldJoin(r.last, c) {
					// Something that invalidates the join without
					// losing the pending wrap.
					r.out = append(r.out, "\x1b[?25l"...)
				}
				r.x, r.y, r.known = 0, y, true
			} else {
				r.moveTo(x, y, c)
			}
			r.print(c)
			x += c.width()
		}
	}
}

// wouldJoin reports whether printing the cell next right after the
// cluster last would make a Screen join them into one cell.
func (r *renderer) wouldJoin(last []byte, next cell) bool {
	var ok bool
	ok, r.tmp = r.s.wouldJoin(last, next, r.tmp)
	return ok
}

// wouldJoin reports whether the text of cell next, written right after the
// grapheme cluster last, would continue that cluster. tmp is scratch space
// (returned for reuse).
func (s *Screen) wouldJoin(last []byte, next cell, tmp []byte) (bool, []byte) {
	if len(last) == 0 || next.kind == cellCont {
		return false, tmp
	}
	tmp = s.appendText(tmp[:0], next)
	first, _ := utf8.DecodeRune(tmp)
	ok, _, tmp := joins(append(tmp[:0], last...), first)
	return ok, tmp
}

// moveTo positions the terminal cursor at (x, y) for printing next,
// using the cheapest move, and breaking a possible grapheme join.
func (r *renderer) moveTo(x, y int, next cell) {
	if r.known && r.y == y && x >= r.x {
		// Cells skipped on the way are default blanks: a few spaces are
		// cheaper than a cursor movement when the pen allows.
		switch gap := x - r.x; {
		case gap == 0 && !r.wouldJoin(r.last, next):
			return
		case gap > 0 && gap <= 3 && (r.pen == style{} || next.sid == 0) && !r.wouldJoin([]byte{' '}, next):
			r.setPen(style{})
			r.out = append(r.out, "   "[:gap]...)
			r.x, r.last = x, append(r.last[:0], ' ')
			return
		}
	}
	switch {
	case r.known && r.y == y && x > r.x:
		r.csi(x-r.x, -1, 'C')
	case r.known && r.y == y:
		r.cha(x)
	default:
		r.csi(y+1, x+1, 'H')
	}
	r.x, r.y, r.known = x, y, true
	r.last = r.last[:0]
}

// print writes a cell at the terminal cursor.
func (r *renderer) print(c cell) {
	r.setPen(r.s.styleOf(c.sid))
	start := len(r.out)
	r.out = r.s.appendText(r.out, c)
	r.last = append(r.last[:0], r.out[start:]...)
	r.x += c.width()
	if r.x >= r.s.cols || c.r < 0 {
		// Past the last column the terminal has a pending wrap; after a
		// multi-rune cluster a terminal without grapheme support may
		// disagree on the width. Either way, position explicitly next.
		r.known = false
	}
}

func (r *renderer) setPen(st style) {
	r.out = appendSGR(r.out, r.pen, st)
	r.pen = st
}

// csi appends CSI a ; b final (b < 0: omitted; 1s omitted where default).
func (r *renderer) csi(a, b int, final byte) {
	r.out = append(r.out, "\x1b["...)
	if a != 1 || b >= 0 {
		r.out = strconv.AppendInt(r.out, int64(a), 10)
	}
	if b > 1 {
		r.out = append(r.out, ';')
		r.out = strconv.AppendInt(r.out, int64(b), 10)
	}
	r.out = append(r.out, final)
}

func (r *renderer) cha(x int) {
	r.csi(x+1, -1, 'G')
	r.x = x
	r.last = r.last[:0]
}

func (r *renderer) mode(n int, on bool) {
	r.out = append(r.out, "\x1b[?"...)
	r.out = strconv.AppendInt(r.out, int64(n), 10)
	if on {
		r.out = append(r.out, 'h')
	} else {
		r.out = append(r.out, 'l')
	}
}

// placeCursor moves the terminal cursor to (x, y) of buffer b, with the
// pending-wrap state (by reprinting the last column). In origin mode the
// row is relative to the scroll region.
func (r *renderer) placeCursor(b *buffer, x, y int, pending, origin bool) {
	s := r.s
	row := y
	if origin {
		row = min(max(y, s.top), s.bottom) - s.top
	}
	if !pending {
		r.csi(row+1, x+1, 'H')
		r.known, r.last = false, r.last[:0]
		return
	}
	xs := s.cols - 1
	if xs > 0 && b.line(y).cells[xs].kind == cellCont {
		xs--
	}
	r.csi(row+1, xs+1, 'H')
	r.print(b.line(y).cells[xs])
	r.known, r.last = false, r.last[:0]
}

// placeSaved sets the terminal up in the state b's saved cursor records,
// for a following DECSC (or ?1049h). Margins are full at this point.
func (r *renderer) placeSaved(b *buffer) {
	sc := &b.saved
	if sc.origin {
		r.out = append(r.out, "\x1b[?6h"...)
	}
	r.placeCursor(b, sc.x, sc.y, sc.pending, false)
	r.setPen(sc.pen)
	r.charsets(sc.charsets, sc.gl)
}

// unplaceSaved undoes what placeSaved changed other than the cursor and
// pen, so that drawing can go on.
func (r *renderer) unplaceSaved(b *buffer) {
	sc := &b.saved
	if sc.origin {
		r.out = append(r.out, "\x1b[?6l"...)
	}
	r.charsets([4]charset{}, 0)
}

// charsets designates G0-G3 and invokes one into GL, sending only what
// differs from what the terminal has (all ASCII after the preamble).
func (r *renderer) charsets(cs [4]charset, gl uint8) {
	for i, c := range cs {
		if c == r.cs[i] {
			continue
		}
		r.cs[i] = c
		r.out = append(r.out, 0x1b, "()*+"[i])
		switch c {
		case csDECLine:
			r.out = append(r.out, '0')
		case csUK:
			r.out = append(r.out, 'A')
		default:
			r.out = append(r.out, 'B')
		}
	}
	if gl == r.gl {
		return
	}
	r.gl = gl
	switch gl & 3 {
	case 0:
		r.out = append(r.out, 0x0f) // SI
	case 1:
		r.out = append(r.out, 0x0e) // SO
	case 2:
		r.out = append(r.out, "\x1bn"...)
	case 3:
		r.out = append(r.out, "\x1bo"...)
	}
}

// kitty replaces the terminal's kitty keyboard flag stack with stack.
func (r *renderer) kitty(stack []int) {
	r.out = append(r.out, "\x1b[<99u"...)
	for _, f := range stack {
		r.out = append(r.out, "\x1b[>"...)
		r.out = strconv.AppendInt(r.out, int64(f), 10)
		r.out = append(r.out, 'u')
	}
}
