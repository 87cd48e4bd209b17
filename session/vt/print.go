package vt

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Printing: graphemes, widths, wrapping, charsets.
//
// Widths are those of ansi.StringWidth (grapheme clusters, East Asian Wide
// and emoji = 2, combining marks = 0), so previews lay out the way lipgloss
// measures them. A rune that continues the grapheme cluster of the cell
// just printed (combining mark, ZWJ sequence, skin tone, VS16, second
// regional indicator...) joins that cell; if that makes the cluster wide,
// the cell becomes wide (in the last column, the cluster moves on as a wide
// character printed there would). A cell's width never shrinks as runes
// join it. A cluster that starts with a zero-width rune and has nothing to
// join is dropped.

// charset is a character set designated into G0..G3.
type charset uint8

const (
	csASCII   charset = iota // ESC ( B, the default
	csDECLine                // ESC ( 0, DEC special graphics (line drawing)
	csUK                     // ESC ( A, # is £
)

func charsetFor(final byte) charset {
	switch final {
	case '0':
		return csDECLine
	case 'A':
		return csUK
	}
	return csASCII
}

// decLine maps 0x5f..0x7e in the DEC special graphics set to Unicode.
var decLine = [...]rune{
	' ', '◆', '▒', '␉', '␌', '␍', '␊', '°', '±', '␤', '␋', '┘', '┐', '┌', '└', '┼',
	'⎺', '⎻', '─', '⎼', '⎽', '├', '┤', '┴', '┬', '│', '≤', '≥', 'π', '≠', '£', '·',
}

// translate applies the charset invoked into GL to an ASCII rune.
func (s *Screen) translate(r rune) rune {
	switch s.charsets[s.gl&3] {
	case csDECLine:
		if r >= 0x5f && r <= 0x7e {
			return decLine[r-0x5f]
		}
	case csUK:
		if r == '#' {
			return '£'
		}
	}
	return r
}

// printASCII prints a run of printable ASCII bytes.
func (s *Screen) printASCII(run []byte) {
	if s.charsets[s.gl&3] != csASCII {
		for _, b := range run {
			s.printRune(s.translate(rune(b)))
		}
		return
	}
	i := 0
	if s.lastValid && s.lastJoinable() {
		s.printRune(rune(run[0]))
		i = 1
	}
	for i < len(run) {
		// Fast path: the cells that fit before the last column, outside
		// insert mode and pending wrap, are plain stores.
		n := min(len(run)-i, s.cols-1-s.x)
		if s.pending || s.modes.Insert || n <= 0 {
			s.put(asciiCode(run[i]), 1, s.penID)
			i++
			continue
		}
		l, x := s.cur(), s.x
		l.fixWide(x, x+n)
		storeASCII(l.cells[x:x+n], run[i:i+n], s.penID)
		i += n
		s.x += n
		s.lastValid, s.lastX, s.lastY = true, s.x-1, s.y
		s.repeat, s.repeatW = asciiCode(run[i-1]), 1
	}
}

// storeASCII writes the bytes of run, printable ASCII, into cells in
// style sid.
//
// Field stores, not cells[k] = cell{...}: building the cell in a
// temporary and copying it stalls on store-to-load forwarding (the copy's
// wide load overlaps the narrow stores of the fields), which cost half of
// all emulation time on plain text. Not inlined: inside printASCII the
// loop runs short of registers and reloads a spilled pointer per cell.
//
//go:noinline
func storeASCII(cells []cell, run []byte, sid uint16) {
	cells = cells[:len(run)]
	for k, b := range run {
		c := &cells[k]
		c.r = asciiCode(b)
		c.sid = sid
		c.kind = cellNarrow
	}
}

// asciiCode is the cell content code of a printable ASCII byte.
func asciiCode(b byte) rune {
	if b == ' ' {
		return 0
	}
	return rune(b)
}

// lastJoinable reports whether the last printed cell could be joined by a
// character that starts a cluster of its own everywhere else (ASCII, or a
// fastWide rune). Only a Prepend character (all >= U+0600) at the end of
// the cell can do that.
func (s *Screen) lastJoinable() bool {
	r := s.buf.line(s.lastY).cells[s.lastX].r
	return r < 0 || (r >= 0x600 && !fastWide(r))
}

// fastWide reports whether r is in a common block of wide characters that
// never extend a grapheme cluster (CJK ideographs, kana, fullwidth forms):
// their width is 2 and they join nothing but a Prepend character, so the
// printer can skip grapheme segmentation for them. TestFastWide checks
// this against the width tables.
func fastWide(r rune) bool {
	switch {
	case r >= 0x4e00 && r <= 0x9fff, // CJK unified ideographs
		r >= 0x3400 && r <= 0x4dbf, // CJK extension A
		r >= 0x3041 && r <= 0x3096, // hiragana
		r >= 0x30a1 && r <= 0x30fa, // katakana
		r >= 0x3001 && r <= 0x3029, // CJK punctuation
		r >= 0xff01 && r <= 0xff60: // fullwidth forms
		return true
	}
	return false
}

// joins reports whether appending r to the cluster c (UTF-8) keeps one
// grapheme cluster, and the width of the result. It appends r to c.
func joins(c []byte, r rune) (bool, int, []byte) {
	if len(c) == 0 || (r < utf8.RuneSelf && c[len(c)-1] < utf8.RuneSelf) {
		return false, 0, c
	}
	c = utf8.AppendRune(c, r)
	cl, w := ansi.FirstGraphemeCluster(c, ansi.GraphemeWidth)
	return len(cl) == len(c), w, c
}

// runeWidth returns the width of r printed on its own (0, 1 or 2).
func (s *Screen) runeWidth(r rune) int {
	if r >= 0x20 && r < 0x7f {
		return 1
	}
	s.scratch = utf8.AppendRune(s.scratch[:0], r)
	_, w := ansi.FirstGraphemeCluster(s.scratch, ansi.GraphemeWidth)
	return min(w, 2)
}

// printRune prints one (already decoded) rune.
func (s *Screen) printRune(r rune) {
	if r < utf8.RuneSelf {
		if r < 0x20 || r == 0x7f {
			return
		}
		r = s.translate(r)
	}
	if fastWide(r) && (!s.lastValid || !s.lastJoinable()) {
		s.put(r, 2, s.penID)
		return
	}
	if s.lastValid {
		c := &s.buf.line(s.lastY).cells[s.lastX]
		prev := s.appendText(s.scratch[:0], *c)
		n := len(prev)
		ok, w, buf := joins(prev, r)
		s.scratch = buf
		if ok {
			code := c.r
			if len(buf) <= maxCluster {
				code = s.code(buf)
			} else {
				s.scratch = buf[:n] // too long: the rune is swallowed
			}
			switch {
			case w < 2 || c.kind != cellNarrow:
				c.r = code
			case s.lastX < s.cols-1:
				c.r = code
				s.widen()
			default:
				// Became wide in the last column: move it on like a wide
				// character printed there, so that a cell's width never
				// depends on where it was printed.
				sid := c.sid
				*c = blankCell(sid)
				s.put(code, 2, sid)
				return
			}
			s.repeat, s.repeatW = c.r, c.width()
			return
		}
	}
	w := s.runeWidth(r)
	if w == 0 {
		return
	}
	if r == ' ' {
		r = 0
	}
	s.put(r, w, s.penID)
}

// widen turns the last printed cell into a wide one after a join made its
// cluster wide: the cell to its right becomes the continuation and the
// cursor moves past it.
func (s *Screen) widen() {
	l := s.buf.line(s.lastY)
	x := s.lastX
	l.fixWide(x+1, x+2)
	l.cells[x].kind = cellWide
	l.cells[x+1] = cell{sid: l.cells[x].sid, kind: cellCont}
	if s.lastY != s.y {
		return
	}
	s.x = x + 2
	if s.x >= s.cols {
		s.x = s.cols - 1
		s.pending = s.modes.Autowrap
	}
}

// put writes a new grapheme (content code r) of width w (1 or 2) in style
// sid at the cursor, with autowrap, insert mode and wide-character
// bookkeeping.
func (s *Screen) put(r rune, w int, sid uint16) {
	if s.pending {
		s.pending = false
		if s.modes.Autowrap {
			s.wrap()
		}
	}
	if w == 2 && s.x == s.cols-1 {
		if s.cols < 2 {
			return // a wide character cannot fit at all
		}
		if s.modes.Autowrap {
			s.wrap()
		} else {
			s.x = s.cols - 2
		}
	}
	l := s.cur()
	if s.modes.Insert {
		l.insertBlanks(s.x, w, s.eraseID)
	}
	x := s.x
	if l.cells[x].kind != cellNarrow || (w == 2 && l.cells[x+1].kind != cellNarrow) {
		l.fixWide(x, x+w)
	}
	if w == 2 {
		l.cells[x] = cell{r: r, sid: sid, kind: cellWide}
		l.cells[x+1] = cell{sid: sid, kind: cellCont}
	} else {
		l.cells[x] = cell{r: r, sid: sid}
	}
	s.lastValid, s.lastX, s.lastY = true, x, s.y
	s.repeat, s.repeatW = r, w
	s.x += w
	if s.x >= s.cols {
		s.x = s.cols - 1
		s.pending = s.modes.Autowrap
	}
}

// wrap moves to the start of the next line for autowrap, marking the line
// as soft-wrapped when the text really continues on another line.
func (s *Screen) wrap() {
	l := s.cur()
	l.wrapped = true
	s.x = 0
	if !s.index() {
		l.wrapped = false
	}
}

// repeatLast is REP (CSI n b): print the last printed grapheme n more times.
func (s *Screen) repeatLast(n int) {
	if s.repeatW == 0 {
		return
	}
	r, w := s.repeat, s.repeatW
	n = min(n, s.cols*s.rows)
	for range n {
		s.put(r, w, s.penID)
	}
	s.lastValid = false
}
