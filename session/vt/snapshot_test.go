package vt

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Test helpers: a comparable snapshot of a Screen's state and an invariant
// checker.

// snapCell is a cell with its text resolved (cluster codes are private to
// each Screen).
type snapCell struct {
	s    string
	kind uint8
	st   style
}

type snapLine struct {
	cells   []snapCell
	wrapped bool
}

// snapshot is the part of a Screen's state that Render promises to
// reproduce.
type snapshot struct {
	cols, rows  int
	main, alt   []snapLine // alt only while it is active
	x, y        int
	pending     bool
	pen         style
	charsets    [4]charset
	gl          uint8
	top, bottom int
	tabs        []bool
	modes       Modes
	title       string
	mainSaved   savedCursor
	altSaved    *savedCursor
	mainKitty   []int
	altKitty    []int
}

func snapLines(s *Screen, b *buffer) []snapLine {
	out := make([]snapLine, len(b.ring))
	for i := range out {
		l := b.peek(i) // reading must not allocate the line
		cells := make([]snapCell, b.cols)
		for j := range cells {
			var c cell // a line never written is blank
			if l.cells != nil {
				c = l.cells[j]
			}
			cells[j] = snapCell{s: s.text(c), kind: c.kind, st: s.styleOf(c.sid)}
		}
		// A soft wrap on the last row leads nowhere; Render cannot (and
		// need not) reproduce it.
		out[i] = snapLine{cells: cells, wrapped: l.wrapped && i < len(b.ring)-1}
	}
	return out
}

func takeSnapshot(s *Screen) snapshot {
	s.lockSettled()
	defer s.mu.Unlock()
	sn := snapshot{
		cols: s.cols, rows: s.rows,
		main: snapLines(s, &s.main),
		x:    s.x, y: s.y, pending: s.pending, pen: s.pen,
		charsets: s.charsets, gl: s.gl, top: s.top, bottom: s.bottom,
		tabs: slices.Clone(s.tabs), modes: s.modesLocked(), title: s.title,
		mainSaved: s.main.saved, mainKitty: slices.Clone(s.main.kitty),
	}
	if s.buf == &s.alt {
		sn.alt = snapLines(s, &s.alt)
		sc := s.alt.saved
		sn.altSaved = &sc
		sn.altKitty = slices.Clone(s.alt.kitty)
	}
	return sn
}

// diffSnapshots describes the differences between two snapshots ("" if
// none).
func diffSnapshots(a, b snapshot) string {
	var d []string
	f := func(name string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			d = append(d, fmt.Sprintf("%s: %v != %v", name, x, y))
		}
	}
	f("size", [2]int{a.cols, a.rows}, [2]int{b.cols, b.rows})
	lines := func(name string, x, y []snapLine) {
		if len(x) != len(y) {
			d = append(d, fmt.Sprintf("%s: %d lines != %d", name, len(x), len(y)))
			return
		}
		for i := range x {
			if x[i].wrapped != y[i].wrapped {
				d = append(d, fmt.Sprintf("%s[%d].wrapped: %v != %v", name, i, x[i].wrapped, y[i].wrapped))
			}
			if !slices.Equal(x[i].cells, y[i].cells) {
				for j := range min(len(x[i].cells), len(y[i].cells)) {
					if x[i].cells[j] != y[i].cells[j] {
						d = append(d, fmt.Sprintf("%s[%d][%d]: %+v != %+v", name, i, j, x[i].cells[j], y[i].cells[j]))
						break
					}
				}
			}
		}
	}
	lines("main", a.main, b.main)
	lines("alt", a.alt, b.alt)
	f("cursor", [3]any{a.x, a.y, a.pending}, [3]any{b.x, b.y, b.pending})
	f("pen", a.pen, b.pen)
	f("charsets", [2]any{a.charsets, a.gl}, [2]any{b.charsets, b.gl})
	f("region", [2]int{a.top, a.bottom}, [2]int{b.top, b.bottom})
	f("tabs", a.tabs, b.tabs)
	f("modes", a.modes, b.modes)
	f("title", a.title, b.title)
	f("mainSaved", a.mainSaved, b.mainSaved)
	if (a.altSaved == nil) != (b.altSaved == nil) || (a.altSaved != nil && *a.altSaved != *b.altSaved) {
		d = append(d, fmt.Sprintf("altSaved: %v != %v", a.altSaved, b.altSaved))
	}
	f("mainKitty", a.mainKitty, b.mainKitty)
	f("altKitty", a.altKitty, b.altKitty)
	return strings.Join(d, "\n")
}

// checkInvariants reports broken structural invariants of s.
func checkInvariants(s *Screen) error {
	s.lockSettled()
	defer s.mu.Unlock()
	if s.x < 0 || s.x >= s.cols || s.y < 0 || s.y >= s.rows {
		return fmt.Errorf("cursor (%d,%d) outside %dx%d", s.x, s.y, s.cols, s.rows)
	}
	if s.pending && (s.x != s.cols-1 || !s.modes.Autowrap) {
		return fmt.Errorf("pending wrap at x=%d autowrap=%v", s.x, s.modes.Autowrap)
	}
	if s.top < 0 || s.top >= s.bottom && s.rows > 1 || s.bottom >= s.rows {
		return fmt.Errorf("bad region %d..%d", s.top, s.bottom)
	}
	if s.modes.Origin && (s.y < s.top || s.y > s.bottom) {
		return fmt.Errorf("origin mode with cursor row %d outside %d..%d", s.y, s.top, s.bottom)
	}
	if len(s.tabs) != s.cols {
		return fmt.Errorf("tabs len %d", len(s.tabs))
	}
	if s.sb.len() > s.sb.max {
		return fmt.Errorf("scrollback %d > %d", s.sb.len(), s.sb.max)
	}
	if len(s.main.kitty) > maxKittyStack || len(s.alt.kitty) > maxKittyStack {
		return fmt.Errorf("kitty stack too deep")
	}
	if len(s.strBuf) > maxString || len(s.title) > maxTitle || len(s.titles) > maxTitleStack {
		return fmt.Errorf("unbounded strings")
	}
	for bi, b := range []*buffer{&s.main, &s.alt} {
		if b == &s.alt && len(b.ring) == 0 && s.buf != b {
			continue // an alternate screen not used yet has no cells
		}
		if len(b.ring) != s.rows || b.first < 0 || b.first >= s.rows || b.cols != s.cols {
			return fmt.Errorf("buffer %d has %d lines of %d cells, first %d", bi, len(b.ring), b.cols, b.first)
		}
		for y := range s.rows {
			l := b.peek(y)
			if l.cells == nil { // never written: blank, and no soft wrap
				if l.wrapped {
					return fmt.Errorf("buffer %d line %d: unallocated but wrapped", bi, y)
				}
				continue
			}
			if len(l.cells) != s.cols {
				return fmt.Errorf("buffer %d line %d has %d cells", bi, y, len(l.cells))
			}
			for x, c := range l.cells {
				switch c.kind {
				case cellCont:
					if x == 0 || l.cells[x-1].kind != cellWide || c.r != 0 {
						return fmt.Errorf("buffer %d (%d,%d): orphan continuation", bi, x, y)
					}
				case cellNarrow:
				case cellWide:
					if x == s.cols-1 || l.cells[x+1].kind != cellCont {
						return fmt.Errorf("buffer %d (%d,%d): wide char without continuation", bi, x, y)
					}
					if c.r == 0 {
						return fmt.Errorf("buffer %d (%d,%d): empty wide char", bi, x, y)
					}
				default:
					return fmt.Errorf("buffer %d (%d,%d): kind %d", bi, x, y, c.kind)
				}
				if c.r < 0 && int(^c.r) >= len(s.clusters.list) {
					return fmt.Errorf("buffer %d (%d,%d): dangling cluster %d", bi, x, y, c.r)
				}
			}
		}
	}
	if len(s.clusters.list) > maxClusters {
		return fmt.Errorf("cluster table %d", len(s.clusters.list))
	}
	return checkStyles(s)
}

// checkStyles checks the style table and every style id (s.mu held).
func checkStyles(s *Screen) error {
	t := &s.styles
	if len(t.list) == 0 || t.list[0] != (style{}) {
		return fmt.Errorf("style 0 is not the default")
	}
	if len(t.list) > t.max || t.max > 1<<16 {
		return fmt.Errorf("style table %d, bound %d", len(t.list), t.max)
	}
	if len(t.index) != len(t.list) {
		return fmt.Errorf("style index %d, list %d", len(t.index), len(t.list))
	}
	for i, st := range t.list {
		if t.index[st] != int32(i) {
			return fmt.Errorf("style %d indexed as %d", i, t.index[st])
		}
	}
	if int(s.penID) >= len(t.list) || int(s.eraseID) >= len(t.list) {
		return fmt.Errorf("pen %d, erase %d: dangling style", s.penID, s.eraseID)
	}
	var err error
	s.eachLine(func(l *line) {
		for _, c := range l.cells {
			if int(c.sid) >= len(t.list) && err == nil {
				err = fmt.Errorf("dangling style %d", c.sid)
			}
		}
	})
	return err
}

func mustInvariants(t testing.TB, s *Screen) {
	t.Helper()
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
}

// roundTrip renders a onto a fresh screen of the same size and compares.
func roundTrip(t testing.TB, a *Screen) {
	t.Helper()
	cols, rows := a.Size()
	b := New(cols, rows)
	out := a.Render()
	b.Write(out)
	if d := diffSnapshots(takeSnapshot(a), takeSnapshot(b)); d != "" {
		t.Fatalf("round trip differs:\n%s\nrender: %q", d, out)
	}
}
