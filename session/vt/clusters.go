package vt

import "unicode/utf8"

// Grapheme clusters of more than one rune (emoji sequences, combining
// marks, Indic syllables...) are interned in a per-screen table so that a
// cell refers to them by number and stays pointer-free.

// maxCluster bounds the bytes of one grapheme cluster; runes that would
// make it longer still join the cell but are dropped.
const maxCluster = 64

// maxClusters bounds the number of distinct clusters a screen keeps.
const maxClusters = 4096

type clusterTable struct {
	list  []string
	index map[string]int32
	// degrade counts new clusters still to be stored as their first rune
	// because the table was mostly live at the last compaction.
	degrade int
}

// code returns the cell content code for the grapheme g (UTF-8, at least
// one rune): the rune itself for a single rune (0 for a space), else a
// reference into the cluster table.
func (s *Screen) code(g []byte) rune {
	r, n := utf8.DecodeRune(g)
	if n == len(g) {
		if r == ' ' {
			return 0
		}
		return r
	}
	t := &s.clusters
	if i, ok := t.index[string(g)]; ok {
		return ^rune(i)
	}
	if len(t.list) >= maxClusters {
		if t.degrade > 0 {
			t.degrade--
			return r
		}
		s.compactClusters()
		if len(t.list) >= maxClusters*3/4 {
			t.degrade = maxClusters / 4
			return r
		}
	}
	if t.index == nil {
		t.index = make(map[string]int32)
	}
	t.index[string(g)] = int32(len(t.list))
	t.list = append(t.list, string(g))
	return ^rune(len(t.list) - 1)
}

// compactClusters drops clusters no cell refers to any more and renumbers
// the rest.
func (s *Screen) compactClusters() {
	t := &s.clusters
	remap := make([]int32, len(t.list))
	for i := range remap {
		remap[i] = -1
	}
	list := make([]string, 0, len(t.list)/2)
	index := make(map[string]int32, len(t.list)/2)
	visit := func(r *rune) {
		if *r >= 0 {
			return
		}
		i := int(^*r)
		if i >= len(remap) {
			*r = utf8.RuneError
			return
		}
		if remap[i] < 0 {
			remap[i] = int32(len(list))
			index[t.list[i]] = remap[i]
			list = append(list, t.list[i])
		}
		*r = ^rune(remap[i])
	}
	visitLine := func(l *line) {
		for j := range l.cells {
			visit(&l.cells[j].r)
		}
	}
	for _, b := range []*buffer{&s.main, &s.alt} {
		for i := range b.lines {
			visitLine(&b.lines[i])
		}
	}
	for i := range s.sb.len() {
		visitLine(s.sb.at(i))
	}
	visit(&s.repeat)
	t.list, t.index = list, index
}

// appendText appends the grapheme of c to dst (a space for a blank,
// nothing for a continuation).
func (s *Screen) appendText(dst []byte, c cell) []byte {
	switch {
	case c.kind == cellCont:
		return dst
	case c.r == 0:
		return append(dst, ' ')
	case c.r > 0:
		return utf8.AppendRune(dst, c.r)
	}
	if i := int(^c.r); i < len(s.clusters.list) {
		return append(dst, s.clusters.list[i]...)
	}
	return utf8.AppendRune(dst, utf8.RuneError)
}

// text returns the grapheme of c as a string.
func (s *Screen) text(c cell) string {
	if c.r > 0 && c.r < utf8.RuneSelf {
		return asciiStr[c.r]
	}
	return string(s.appendText(nil, c))
}

// asciiStr holds one-byte strings for ASCII.
var asciiStr = func() (t [utf8.RuneSelf]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()
