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

// clusterTable interns clusters; a cell's content code ^i refers to
// entry i. New clusters that cannot be stored degrade to their first rune.
type clusterTable = internTable[string]

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
	if !t.room(s.compactClusters) {
		return r
	}
	return ^rune(t.add(string(g)))
}

// compactClusters drops clusters no cell refers to any more and renumbers
// the rest.
func (s *Screen) compactClusters() {
	rn := s.clusters.renumber()
	visit := func(r *rune) {
		if *r >= 0 {
			return
		}
		i := ^*r
		if int(i) >= len(rn.old) {
			*r = utf8.RuneError
			return
		}
		*r = ^rune(rn.id(i))
	}
	s.eachLine(func(l *line) {
		for j := range l.cells {
			visit(&l.cells[j].r)
		}
	})
	visit(&s.repeat)
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
