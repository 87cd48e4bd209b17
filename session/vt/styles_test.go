package vt

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestCellSize(t *testing.T) {
	if n := unsafe.Sizeof(cell{}); n != 8 {
		t.Errorf("cell is %d bytes, want 8", n)
	}
}

// wordStyle is the style TestStyleCompaction writes word k in: a
// truecolor foreground of its own, bold for every third word, a
// background for every fifth.
func wordStyle(k int) style {
	st := style{fg: rgb(k, k>>8, k>>16)}
	if k%3 == 0 {
		st.attrs = attrBold
	}
	if k%5 == 0 {
		st.bg = indexed(k % 7)
	}
	return st
}

// checkWords checks that every word of cells ("%05d " as written by
// TestStyleCompaction) has the style of its number, and the separating
// space the default style.
func checkWords(t *testing.T, what string, s *Screen, cells []cell) {
	t.Helper()
	for x := 0; x+5 <= len(cells); x += 6 {
		text := s.plain(cells[x : x+5])
		if text == "" {
			continue
		}
		k, err := strconv.Atoi(text)
		if err != nil {
			t.Fatalf("%s: word %q", what, text)
		}
		for i := range 5 {
			if got := s.styleOf(cells[x+i].sid); got != wordStyle(k) {
				t.Fatalf("%s: word %d cell %d: style %+v, want %+v", what, k, i, got, wordStyle(k))
			}
		}
		if x+5 < len(cells) && cells[x+5].sid != 0 {
			t.Fatalf("%s: after word %d: style %+v", what, k, s.styleOf(cells[x+5].sid))
		}
	}
}

// trimBlank drops empty lines at both ends.
func trimBlank(ls []string) []string {
	for len(ls) > 0 && ls[0] == "" {
		ls = ls[1:]
	}
	return trimLines(ls)
}

func TestStyleCompaction(t *testing.T) {
	for _, limit := range []int{maxStyles, 512} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			const cols, rows = 36, 8
			s := New(cols, rows, WithScrollback(20))
			s.styles.max = limit
			// A saved cursor whose pen no cell uses.
			saved := style{fg: rgb(1, 2, 3), bg: rgb(4, 5, 6), attrs: attrItalic}
			s.Write([]byte("\x1b[3;38;2;1;2;3;48;2;4;5;6m\x1b7\x1b[m"))

			words := 5 * limit // distinct styles: the table fills several times
			compactions, size := 0, 0
			var line strings.Builder
			for k := range words {
				st := wordStyle(k)
				line.WriteString(string(appendSGR(nil, style{}, st)))
				fmt.Fprintf(&line, "%05d\x1b[m ", k)
				if (k+1)%(cols/6) == 0 || k == words-1 {
					line.WriteString("\r\n")
					s.Write([]byte(line.String()))
					line.Reset()
					s.lockSettled()
					if n := len(s.styles.list); n < size {
						compactions++
					}
					size = len(s.styles.list)
					s.mu.Unlock()
				}
			}
			if compactions < 3 {
				t.Fatalf("%d compactions", compactions)
			}
			mustInvariants(t, s)

			// What is on screen and in the scrollback has its styles.
			s.lockSettled()
			if s.styles.degrade > 0 {
				t.Error("degraded with few styles in use")
			}
			for y := range s.rows {
				checkWords(t, fmt.Sprintf("row %d", y), s, s.main.line(y).cells)
			}
			if s.sb.len() != 20 {
				t.Errorf("scrollback %d lines", s.sb.len())
			}
			for i := range s.sb.len() {
				checkWords(t, fmt.Sprintf("scrollback %d", i), s, s.sb.at(i).cells)
			}
			s.mu.Unlock()
			last := fmt.Sprintf("%05d", words-1)
			if got := s.Lines()[rows-2]; !strings.HasSuffix(got, last) {
				t.Errorf("last line %q", got)
			}

			// Redraws agree with a screen that never compacted.
			roundTrip(t, s)
			fresh := New(cols, rows)
			fresh.Write(s.Render())
			if got, want := s.StyledLines(cols, rows), fresh.StyledLines(cols, rows); !slices.Equal(got, want) {
				t.Errorf("StyledLines:\n%q\nwant\n%q", got, want)
			}
			history := New(cols, rows, WithScrollback(100))
			history.Write(s.RenderScrollback())
			if got, want := trimBlank(history.Scrollback()), s.Scrollback(); !slices.Equal(got, want) {
				t.Errorf("RenderScrollback: %q, want %q", got, want)
			}
			history.lockSettled()
			for i := range history.sb.len() {
				checkWords(t, fmt.Sprintf("rendered scrollback %d", i), history, history.sb.at(i).cells)
			}
			history.mu.Unlock()

			// The pen and the saved cursor's pen survived.
			pen := style{fg: indexed(200), ul: rgb(7, 8, 9), underline: ulCurly}
			s.Write([]byte("\x1b[4:3;38;5;200;58:2::7:8:9m"))
			s.Write([]byte("p\x1b8s"))
			if got := cellAt(s, 0, rows-1).st; got != pen {
				t.Errorf("pen cell %+v, want %+v", got, pen)
			}
			if got := cellAt(s, 0, 0); got.s != "s" || got.st != saved {
				t.Errorf("saved pen cell %+v, want %+v", got, saved)
			}
			if got := penOf(s); got != saved {
				t.Errorf("restored pen %+v", got)
			}
			mustInvariants(t, s)
			roundTrip(t, s)
		})
	}
}

// TestStyleCompactionRoots compacts the table at every other pen change,
// also while the erase style is interned after a pen no cell uses yet,
// and checks that the pen, the erase style and a saved pen keep theirs.
func TestStyleCompactionRoots(t *testing.T) {
	s := New(10, 2, WithScrollback(0))
	// At most 2 lines of 2 styles, the pen and its erase style in use:
	// never mostly full.
	s.styles.max = 12
	saved := style{fg: rgb(9, 9, 9), attrs: attrReverse}
	s.Write([]byte("\x1b[7;38;2;9;9;9m\x1b7\x1b[m"))
	bg := rgb(3, 0, 4)
	for i := range 256 {
		// A new foreground, and mostly a new background: one or two
		// new styles, so that compaction comes at either.
		fg := rgb(i, 1, 2)
		if i%3 != 0 {
			bg = rgb(3, i, 4)
		}
		r, g, b := bg.rgb()
		s.Write(fmt.Appendf(nil, "\x1b[38;2;%d;1;2;48;2;%d;%d;%dm", i, r, g, b))
		s.lockSettled()
		ok := s.styleOf(s.penID) == style{fg: fg, bg: bg} && s.styleOf(s.eraseID) == style{bg: bg}
		s.mu.Unlock()
		if !ok {
			t.Fatalf("step %d: pen or erase style lost", i)
		}
		// Erase with the background, then one character with the pen.
		s.Write([]byte("\r\n\x1b[2Kx"))
		if c := cellAt(s, 0, 1); c.s != "x" || c.st != (style{fg: fg, bg: bg}) {
			t.Fatalf("step %d: printed %+v", i, c)
		}
		if c := cellAt(s, 5, 1); !c.isBlank() || c.st != (style{bg: bg}) {
			t.Fatalf("step %d: erased %+v", i, c)
		}
		mustInvariants(t, s)
		if s.styles.degrade > 0 {
			t.Fatalf("step %d: degraded", i)
		}
	}
	s.Write([]byte("\x1b8z"))
	if c := cellAt(s, 0, 0); c.s != "z" || c.st != saved {
		t.Errorf("saved pen: %+v", c)
	}
	roundTrip(t, s)
}

// TestStyleTableFull fills the table with styles that are all in use:
// it stays bounded, new styles are approximated, and everything still
// renders.
func TestStyleTableFull(t *testing.T) {
	s := New(20, 10, WithScrollback(0))
	s.styles.max = 64
	var in strings.Builder
	for i := range 200 {
		fmt.Fprintf(&in, "\x1b[38;2;%d;%d;0;48;5;%dmx", i, 255-i, i%16)
	}
	s.Write([]byte(in.String()))
	mustInvariants(t, s)
	if got := s.Lines(); strings.Join(got, "") != strings.Repeat("x", 200) {
		t.Errorf("text %q", got)
	}
	roundTrip(t, s)
	for _, l := range s.StyledLines(20, 10) {
		if !strings.Contains(l, "x") {
			t.Errorf("preview %q", l)
		}
	}
	// Approximations are palette colours of the nearest cube entry.
	if got := paletteColor(rgb(0, 95, 255)); got != indexed(16+6+5) {
		t.Errorf("paletteColor = %v", got)
	}
	if got := paletteColor(rgb(114, 115, 234)); got != indexed(16+36+12+4) {
		t.Errorf("paletteColor = %v", got)
	}
}

func TestStyledREPAndErase(t *testing.T) {
	red, green, blue := style{fg: indexed(1)}, style{fg: indexed(2)}, style{bg: indexed(4)}
	runCases(t, []screenCase{
		{name: "REP keeps the style", in: "\x1b[31mab\x1b[3b", lines: []string{"abbbb"}, x: 5, y: 0,
			check: func(t *testing.T, s *Screen) {
				for x := range 5 {
					if c := cellAt(s, x, 0); c.st != red {
						t.Errorf("cell %d: %+v", x, c)
					}
				}
			}},
		{name: "REP with a new pen", in: "\x1b[31ma\x1b[32m\x1b[2b", lines: []string{"aaa"}, x: 3, y: 0,
			check: func(t *testing.T, s *Screen) {
				if c := cellAt(s, 0, 0); c.st != red {
					t.Errorf("cell 0: %+v", c)
				}
				for x := 1; x < 3; x++ {
					if c := cellAt(s, x, 0); c.st != green {
						t.Errorf("cell %d: %+v", x, c)
					}
				}
			}},
		{name: "REP wide styled", in: "\x1b[1;44m漢\x1b[2b", lines: []string{"漢漢漢"}, x: 6, y: 0,
			check: func(t *testing.T, s *Screen) {
				for x := range 6 {
					if c := cellAt(s, x, 0); c.st != (style{bg: indexed(4), attrs: attrBold}) {
						t.Errorf("cell %d: %+v", x, c)
					}
				}
			}},
		{name: "erase with background", cols: 10, rows: 4,
			in: "\x1b[44m\x1b[2J\x1b[H\x1b[31;42mab\x1b[44mcdefgh\x1b[1;3H\x1b[K" + // EL: bg only
				"\x1b[2;1H\x1b[mxyz\x1b[44m\x1b[2;2H\x1b[2X" + // ECH
				"\x1b[3;1H\x1b[mqrs\x1b[3;1H\x1b[44m\x1b[2@" + // ICH
				"\x1b[4;1H\x1b[mtuvw\x1b[4;1H\x1b[44m\x1b[2P\x1b[m", // DCH
			lines: []string{"ab", "x", "  qrs", "vw"}, x: 0, y: 3,
			check: func(t *testing.T, s *Screen) {
				green := style{fg: indexed(1), bg: indexed(2)}
				want := [][]style{
					{green, green, blue, blue, blue, blue, blue, blue, blue, blue},
					{{}, blue, blue, blue, blue, blue, blue, blue, blue, blue},
					{blue, blue, {}, {}, {}, blue, blue, blue, blue, blue},
					{{}, {}, blue, blue, blue, blue, blue, blue, blue, blue}, // "vw" and 2J's blanks shifted left
				}
				for y, row := range want {
					for x, st := range row {
						if c := cellAt(s, x, y); c.st != st {
							t.Errorf("(%d,%d) %q: %+v, want %+v", x, y, c.s, c.st, st)
						}
					}
				}
			}},
		{name: "scroll in with background", cols: 4, rows: 3,
			in: "\x1b[44m\x1b[2Ja\r\n\x1b[45m\x1b[S\x1b[46m\x1b[T\x1b[m", x: 0, y: 1,
			check: func(t *testing.T, s *Screen) {
				s.lockSettled()
				if s.sb.len() != 1 || len(s.sb.at(0).cells) != 4 || s.styleOf(s.sb.at(0).cells[3].sid) != blue {
					t.Errorf("scrollback: %+v", s.sb.lines)
				}
				s.mu.Unlock()
				for x := range 4 {
					if c := cellAt(s, x, 0); c.st != (style{bg: indexed(6)}) {
						t.Errorf("SD line: %+v", c)
					}
					if c := cellAt(s, x, 1); c.st != blue {
						t.Errorf("moved line: %+v", c)
					}
				}
			}},
	})
}
