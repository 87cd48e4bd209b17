package vt

// Styles are interned per Screen (see intern.go): a cell holds the id of
// its style in the Screen's style table, and id 0 is always the default
// style, so a default blank cell is all zeros. The pen carries its id, and
// so does the erase style it implies; both are set when the pen changes,
// never per printed or erased cell, and only there can the table be
// compacted (nothing else holds an id across a change of the pen).

// maxStyles bounds the number of distinct styles a screen keeps. Ids
// must fit a cell's uint16, but the full 65536 would let the table (list
// and index) grow to about 4 MB per screen; this bound keeps it to about
// 1 MB. Compaction walks every cell, about 0.5 ms for a full default
// scrollback of coloured text at 120 columns (BenchmarkCompactStyles), and
// comes at most once per maxStyles/4 new styles: about 0.1 µs per new
// style, less than parsing the SGR sequence that brought it. Holding more
// live styles than this takes thousands of distinct colours on screen and
// in the history at once (truecolor images, say); new styles are then
// approximated (approxStyle).
const maxStyles = 1 << 14

// styleTable interns styles; a cell's sid refers to entry sid.
type styleTable = internTable[style]

// resetTables empties the cluster and style tables, keeping their bounds.
func (s *Screen) resetTables() {
	s.clusters = clusterTable{max: s.clusters.max}
	s.styles = styleTable{max: s.styles.max}
	s.styles.add(style{}) // id 0
}

// styleOf returns the style with id sid.
func (s *Screen) styleOf(sid uint16) style { return s.styles.list[sid] }

// setPen makes st the pen (the style new cells are written with).
func (s *Screen) setPen(st style) {
	old := s.pen
	s.pen = st
	s.penChanged(old)
}

// penChanged updates the ids of the pen and of the erase style after the
// pen changed from old.
func (s *Screen) penChanged(old style) {
	if s.pen == old {
		return
	}
	// The old ids need not survive a compaction while the new ones are
	// interned.
	bg := s.pen.bg != old.bg
	s.penID = 0
	if bg {
		s.eraseID = 0
	}
	s.penID = s.internStyle(&s.pen)
	if bg {
		// What erased and inserted cells get: the current background
		// colour only (xterm's background colour erase).
		s.eraseID = s.internStyle(&style{bg: s.pen.bg})
	}
}

// internStyle returns the id of st, adding it to the table if need be.
// When the table is full of styles in use, it returns the id of a stored
// style close to st instead (see approxStyle). It may compact the table.
func (s *Screen) internStyle(st *style) uint16 {
	if *st == (style{}) {
		return 0
	}
	t := &s.styles
	if i, ok := t.index[*st]; ok {
		return uint16(i)
	}
	if !t.room(s.compactStyles) {
		return s.approxStyle(*st)
	}
	return uint16(t.add(*st))
}

// compactStyles drops styles no cell refers to any more and renumbers the
// rest. The pen's and the erase style's are kept whether cells use them or
// not; a saved cursor keeps its pen as a style, interned again on restore.
func (s *Screen) compactStyles() {
	rn := s.styles.renumber()
	rn.id(0) // the default style stays 0
	s.penID = uint16(rn.id(int32(s.penID)))
	s.eraseID = uint16(rn.id(int32(s.eraseID)))
	s.eachLine(func(l *line) {
		// Neighbouring cells mostly share a style: remember the last.
		var from, to uint16 // 0 maps to 0
		for j := range l.cells {
			c := &l.cells[j]
			if c.sid != from {
				from, to = c.sid, uint16(rn.id(int32(c.sid)))
			}
			c.sid = to
		}
	})
}

// approxStyle returns the id of a stored style close to st, which could
// not be stored: st with palette colours instead of truecolor, or with
// its background only, its foreground only, or no colours; failing all
// these, the default style.
func (s *Screen) approxStyle(st style) uint16 {
	q := style{fg: paletteColor(st.fg), bg: paletteColor(st.bg), ul: paletteColor(st.ul), attrs: st.attrs, underline: st.underline}
	for _, c := range [...]style{
		q,
		{bg: q.bg, attrs: q.attrs, underline: q.underline},
		{fg: q.fg, attrs: q.attrs, underline: q.underline},
		{attrs: q.attrs, underline: q.underline},
	} {
		if i, ok := s.styles.index[c]; ok {
			return uint16(i)
		}
	}
	return 0
}

// paletteColor returns the nearest colour of the 6×6×6 cube of the
// 256-colour palette for a truecolor c, else c.
func paletteColor(c color) color {
	if c.kind() != colorRGB {
		return c
	}
	// Cube levels are 0, 95, 135, 175, 215, 255; pick the nearest.
	level := func(v int) int {
		switch {
		case v < 48:
			return 0
		case v < 115:
			return 1
		}
		return (v - 35) / 40
	}
	r, g, b := c.rgb()
	return indexed(16 + 36*level(r) + 6*level(g) + level(b))
}
