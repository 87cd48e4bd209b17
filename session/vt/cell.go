package vt

// This file holds the storage model: colours, styles, cells, lines and the
// two screen buffers (main and alternate).

// color is a cell colour. The top byte says what kind it is; the low 24
// bits carry the value. The zero value is the terminal's default colour.
type color uint32

const (
	colorDefault color = 0
	colorIndexed color = 1 << 24 // low byte: palette index 0-255
	colorRGB     color = 2 << 24 // low 24 bits: 0xRRGGBB
	colorKind    color = 0xff << 24
)

func indexed(i int) color   { return colorIndexed | color(i&0xff) }
func rgb(r, g, b int) color { return colorRGB | color(r&0xff)<<16 | color(g&0xff)<<8 | color(b&0xff) }
func (c color) kind() color { return c & colorKind }
func (c color) index() int  { return int(c & 0xff) }
func (c color) rgb() (r, g, b int) {
	return int(c>>16) & 0xff, int(c>>8) & 0xff, int(c) & 0xff
}

// attrs is the set of on/off SGR attributes of a cell.
type attrs uint16

const (
	attrBold attrs = 1 << iota
	attrFaint
	attrItalic
	attrBlink
	attrRapidBlink
	attrReverse
	attrConceal
	attrStrike
	attrOverline
)

// Underline styles, as in SGR 4:n.
const (
	ulNone   uint8 = 0
	ulSingle uint8 = 1
	ulDouble uint8 = 2
	ulCurly  uint8 = 3
	ulDotted uint8 = 4
	ulDashed uint8 = 5
)

// style is the graphic rendition of a cell (or of the pen that writes cells).
// The zero value is the terminal's default rendition. styles are compared
// with ==. Cells refer to their style by its id in the Screen's style
// table (styles.go).
type style struct {
	fg, bg, ul color // foreground, background, underline colour
	attrs      attrs
	underline  uint8 // ulNone..ulDashed
}

// cell is one column of one line, 8 bytes. It holds no pointers, so
// screens and the scrollback cost the garbage collector nothing to scan,
// and the zero cell is a default blank.
//
// A wide character (width 2) occupies its cell (kind cellWide) and the
// next one (kind cellCont, r == 0). A blank cell has r == 0; a written
// space is stored as a blank.
type cell struct {
	r    rune   // content: 0 blank, > 0 a one-rune grapheme, < 0 ^index into the cluster table
	sid  uint16 // style: index into the Screen's style table, 0 the default
	kind uint8  // cellNarrow, cellWide or cellCont
}

// Cell kinds.
const (
	cellNarrow uint8 = iota // one column
	cellWide                // first column of a wide character
	cellCont                // second column of a wide character
)

// width returns the number of columns the cell's character advances: 1,
// 2, or 0 for a continuation.
func (c cell) width() int {
	switch c.kind {
	case cellWide:
		return 2
	case cellCont:
		return 0
	}
	return 1
}

// blankCell returns a blank of style sid.
func blankCell(sid uint16) cell { return cell{sid: sid} }

// isDefaultBlank reports whether the cell is indistinguishable from a cell
// of a freshly cleared screen. (Field by field through the pointer:
// c == cell{} copies the cell and compares it with a zero value in memory,
// slower in the scrollback's trailing-blank scan.)
func (c *cell) isDefaultBlank() bool {
	return c.r == 0 && c.sid == 0 && c.kind == cellNarrow
}

// fillBlank sets every cell of cs to a blank of style sid.
func fillBlank(cs []cell, sid uint16) {
	if sid == 0 {
		clear(cs)
		return
	}
	for i := range cs {
		c := &cs[i]
		c.r, c.sid, c.kind = 0, sid, cellNarrow
	}
}

// line is one row of a buffer.
type line struct {
	cells []cell
	// wrapped is set when the text of this line continued onto the next
	// line because of autowrap (a soft wrap), as xterm records it.
	wrapped bool
}

// clear fills the whole line with blanks of style sid. A line not yet
// allocated (see buffer) stays so when sid is the default style; for
// another style the caller allocates it first (buffer.clearLine).
func (l *line) clear(sid uint16) {
	fillBlank(l.cells, sid)
	l.wrapped = false
}

// resize truncates or extends the line to n cells. A wide character cut in
// half by the new right edge is blanked.
func (l *line) resize(n int) {
	switch {
	case n < len(l.cells):
		l.cells = l.cells[:n]
		if n > 0 && l.cells[n-1].kind == cellWide {
			l.cells[n-1] = blankCell(l.cells[n-1].sid)
		}
	case n > len(l.cells):
		l.cells = append(l.cells, make([]cell, n-len(l.cells))...)
	}
}

// fixWide repairs wide characters broken at the edges of a span [x0, x1)
// that is about to be overwritten, so that no half of a wide character
// survives on its own: the left half before x0 and the orphaned right half
// at x1 are blanked (keeping their colours).
func (l *line) fixWide(x0, x1 int) {
	n := len(l.cells)
	if x0 > 0 && x0 < n && l.cells[x0].kind == cellCont {
		l.cells[x0-1] = blankCell(l.cells[x0-1].sid)
	}
	if x1 > 0 && x1 < n && l.cells[x1].kind == cellCont {
		l.cells[x1] = blankCell(l.cells[x1].sid)
	}
}

// erase blanks cells [x0, x1) with style sid, repairing wide chars cut at
// the edges. Erasing through the end of the line forgets the soft wrap.
func (l *line) erase(x0, x1 int, sid uint16) {
	n := len(l.cells)
	x0, x1 = max(x0, 0), min(x1, n)
	if x0 >= x1 {
		return
	}
	l.fixWide(x0, x1)
	fillBlank(l.cells[x0:x1], sid)
	if x1 == n {
		l.wrapped = false
	}
}

// insertBlanks shifts cells from x right by k (dropping those pushed past
// the end) and blanks [x, x+k) with style sid.
func (l *line) insertBlanks(x, k int, sid uint16) {
	n := len(l.cells)
	if x < 0 || x >= n || k <= 0 {
		return
	}
	k = min(k, n-x)
	l.fixWide(x, x) // a continuation at x loses its left half
	copy(l.cells[x+k:], l.cells[x:n-k])
	fillBlank(l.cells[x:x+k], sid)
	if l.cells[n-1].kind == cellWide { // right half pushed off the end
		l.cells[n-1] = blankCell(l.cells[n-1].sid)
	}
}

// deleteCells removes k cells at x, shifting the rest left and filling the
// end with blanks of style sid.
func (l *line) deleteCells(x, k int, sid uint16) {
	n := len(l.cells)
	if x < 0 || x >= n || k <= 0 {
		return
	}
	k = min(k, n-x)
	l.fixWide(x, x+k)
	copy(l.cells[x:], l.cells[x+k:])
	fillBlank(l.cells[n-k:], sid)
}

// savedCursor is what DECSC (ESC 7, CSI s, mode 1048/1049) saves.
type savedCursor struct {
	x, y     int
	pending  bool  // pending-wrap state
	pen      style // as a style, not an id: it is interned again on restore
	origin   bool
	charsets [4]charset
	gl       uint8
}

// buffer is one of the two screens (main and alternate). Its lines are a
// ring, so that scrolling the whole screen, by far the most common scroll,
// moves no lines: row y is ring[(first+y) % len(ring)] (see line).
//
// A line's cells are allocated on its first write: until then cells is
// nil, which reads as cols default blanks. An idle shell writes a few rows
// of its screen; with a thousand sessions open, the blank rest was most of
// the emulators' memory. line allocates (for writers); peek does not (for
// readers, which treat nil cells as blank).
type buffer struct {
	ring  []line
	cols  int // width of every allocated line
	first int // ring index of row 0
	saved savedCursor
	// kitty is this screen's stack of kitty keyboard protocol flags
	// (CSI > flags u pushes, CSI < n u pops); the last entry is current.
	kitty []int
}

// maxKittyStack bounds each screen's kitty keyboard flag stack.
const maxKittyStack = 16

// newBuffer returns a blank cols×rows buffer; no line's cells are
// allocated yet.
func newBuffer(cols, rows int) buffer {
	return buffer{ring: make([]line, rows), cols: cols}
}

// line returns row y (0-based, 0 <= y < rows) for writing: its cells are
// allocated if they were not yet.
func (b *buffer) line(y int) *line {
	l := b.peek(y)
	if l.cells == nil {
		l.cells = make([]cell, b.cols)
	}
	return l
}

// peek returns row y (0-based, 0 <= y < rows) for reading: its cells are
// nil if nothing was written to it yet (a blank line).
func (b *buffer) peek(y int) *line {
	i := b.first + y
	if i >= len(b.ring) {
		i -= len(b.ring)
	}
	return &b.ring[i]
}

// clearLine fills l, a line of b, with blanks of style sid, allocating it
// only if sid is not the default.
func (b *buffer) clearLine(l *line, sid uint16) {
	if l.cells == nil && sid != 0 {
		l.cells = make([]cell, b.cols)
	}
	l.clear(sid)
}

// lines returns the rows in order, top first, as a slice of the ring:
// it first rotates the ring so that row 0 is ring[0]. For operations on a
// range of rows (scroll regions, resize); the slice is valid until the
// next whole-screen scroll.
func (b *buffer) lines() []line {
	if b.first != 0 {
		rotate(b.ring, b.first)
		b.first = 0
	}
	return b.ring
}

// advance scrolls the whole buffer up by n (< rows) lines without moving
// any: the top n rows become the bottom n, still holding their old
// content, which the caller clears.
func (b *buffer) advance(n int) {
	b.first = (b.first + n) % len(b.ring)
}

// resize changes the buffer to cols×rows. shift lines are first removed
// from the top (returned to the caller, in order, for the scrollback);
// then lines are cut from or added at the bottom.
func (b *buffer) resize(cols, rows, shift int) (gone []line) {
	if len(b.ring) == 0 {
		return nil // not allocated yet: it will be at the new size
	}
	ls := b.lines()
	shift = max(0, min(shift, len(ls)))
	gone = ls[:shift:shift]
	ls = ls[shift:]
	if len(ls) > rows {
		ls = ls[:rows]
	}
	for len(ls) < rows {
		ls = append(ls, line{})
	}
	for i := range ls {
		if ls[i].cells != nil {
			ls[i].resize(cols)
		}
	}
	b.ring, b.cols = ls, cols
	return gone
}

// clear blanks the whole buffer with style sid.
func (b *buffer) clear(sid uint16) {
	for i := range b.ring {
		b.clearLine(&b.ring[i], sid)
	}
}
