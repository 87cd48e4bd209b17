package vt

import (
	"bytes"
	"slices"
	"testing"
)

// tcell is a cell as tests look at it.
type tcell struct {
	s  string // text; " " for a blank, "" for a continuation
	w  int
	st style
}

func (c tcell) isBlank() bool { return c.s == " " }

func cellAt(s *Screen, x, y int) tcell {
	s.lockSettled()
	defer s.mu.Unlock()
	c := s.buf.line(y).cells[x]
	return tcell{s: s.text(c), w: c.width(), st: s.styleOf(c.sid)}
}

func penOf(s *Screen) style {
	s.lockSettled()
	defer s.mu.Unlock()
	return s.pen
}

func wrappedAt(s *Screen, y int) bool {
	s.lockSettled()
	defer s.mu.Unlock()
	return s.buf.line(y).wrapped
}

// trimLines drops trailing empty lines, for compact expectations.
func trimLines(ls []string) []string {
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

type screenCase struct {
	name       string
	cols, rows int
	in         string
	lines      []string // expected Lines() without trailing empty lines; nil: not checked
	x, y       int      // expected cursor; x < 0: not checked
	check      func(t *testing.T, s *Screen)
}

func runCases(t *testing.T, cases []screenCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cols, rows := tc.cols, tc.rows
			if cols == 0 {
				cols, rows = 20, 5
			}
			s := New(cols, rows)
			s.Write([]byte(tc.in))
			mustInvariants(t, s)
			// Splitting the input anywhere must not matter.
			b := New(cols, rows)
			for i := range len(tc.in) {
				b.Write([]byte{tc.in[i]})
			}
			if d := diffSnapshots(takeSnapshot(s), takeSnapshot(b)); d != "" {
				t.Errorf("byte-by-byte write differs:\n%s", d)
			}
			if tc.lines != nil {
				if got := trimLines(s.Lines()); !slices.Equal(got, tc.lines) {
					t.Errorf("Lines() = %q, want %q", got, tc.lines)
				}
			}
			if tc.x >= 0 {
				if x, y, _ := s.Cursor(); x != tc.x || y != tc.y {
					t.Errorf("cursor = (%d,%d), want (%d,%d)", x, y, tc.x, tc.y)
				}
			}
			if tc.check != nil {
				tc.check(t, s)
			}
			// Every state reached in these tests must survive a redraw.
			roundTrip(t, s)
		})
	}
}

func TestText(t *testing.T) {
	runCases(t, []screenCase{
		{name: "plain", in: "hello", lines: []string{"hello"}, x: 5, y: 0},
		{name: "crlf", in: "a\r\nb", lines: []string{"a", "b"}, x: 1, y: 1},
		{name: "lf keeps column", in: "ab\ncd", lines: []string{"ab", "  cd"}, x: 4, y: 1},
		{name: "vt and ff are lf", in: "a\vb\fc", lines: []string{"a", " b", "  c"}, x: 3, y: 2},
		{name: "autowrap", cols: 5, rows: 3, in: "abcdefg", lines: []string{"abcde", "fg"}, x: 2, y: 1,
			check: func(t *testing.T, s *Screen) {
				if !wrappedAt(s, 0) || wrappedAt(s, 1) {
					t.Error("soft wrap not recorded on row 0 only")
				}
			}},
		{name: "pending wrap", cols: 5, rows: 3, in: "abcde", lines: []string{"abcde"}, x: 4, y: 0,
			check: func(t *testing.T, s *Screen) {
				s.Write([]byte("\r\nx"))
				if got := trimLines(s.Lines()); !slices.Equal(got, []string{"abcde", "x"}) {
					t.Errorf("after CRLF: %q", got)
				}
				if wrappedAt(s, 0) {
					t.Error("CRLF after a full line is not a soft wrap")
				}
			}},
		{name: "pending wrap cleared by cursor move", cols: 5, rows: 3, in: "abcde\x1b[Dx", lines: []string{"abcxe"}, x: 4, y: 0},
		{name: "autowrap off", cols: 5, rows: 3, in: "\x1b[?7labcdefg", lines: []string{"abcdg"}, x: 4, y: 0},
		{name: "wrap scrolls at bottom", cols: 3, rows: 2, in: "abcdefgh", lines: []string{"def", "gh"}, x: 2, y: 1,
			check: func(t *testing.T, s *Screen) {
				if sb := s.Scrollback(); !slices.Equal(sb, []string{"abc"}) {
					t.Errorf("scrollback %q", sb)
				}
			}},
		{name: "backspace", in: "abc\b\bX", lines: []string{"aXc"}, x: 2, y: 0},
		{name: "backspace at col 0", in: "\bX", lines: []string{"X"}, x: 1, y: 0},
		{name: "backspace from pending wrap", cols: 4, rows: 2, in: "abcd\bX", lines: []string{"abXd"}, x: 3, y: 0},
		{name: "tab", in: "a\tb", lines: []string{"a       b"}, x: 9, y: 0},
		{name: "tab stops at last column", in: "\t\t\t\tX", lines: []string{"                   X"}, x: 19, y: 0},
		{name: "HTS and TBC", in: "\x1b[3g\x1b[5G\x1bH\r\tX\tY", lines: []string{"    X              Y"}, x: 19, y: 0},
		{name: "TBC 0 clears one stop", in: "\x1b[9G\x1b[g\r\tX", lines: []string{"                X"}, x: 17, y: 0},
		{name: "CHT and CBT", in: "\x1b[2IX\x1b[2ZY", lines: []string{"        Y       X"}, x: 9, y: 0},
		{name: "SO SI and NUL DEL are harmless", in: "a\x00\x7f\x0e\x0fb\x07", lines: []string{"ab"}, x: 2, y: 0},
		{name: "LNM", in: "\x1b[20hab\ncd", lines: []string{"ab", "cd"}, x: 2, y: 1},
		{name: "insert mode", in: "abcd\x1b[1;2H\x1b[4hXY", lines: []string{"aXYbcd"}, x: 3, y: 0},
		{name: "insert mode pushes off the edge", cols: 4, rows: 2, in: "abcd\x1b[1;1H\x1b[4hX", lines: []string{"Xabc"}, x: 1, y: 0},
		{name: "REP", in: "ab\x1b[3b", lines: []string{"abbbb"}, x: 5, y: 0},
		{name: "REP wide", in: "漢\x1b[2b", lines: []string{"漢漢漢"}, x: 6, y: 0},
		{name: "REP after control does nothing", in: "a\r\x1b[3b", lines: []string{"a"}, x: 0, y: 0},
		{name: "invalid utf8", in: "a\xffb\xe4\xb8c", lines: []string{"a\ufffdb\ufffd\ufffdc"}, x: 6, y: 0},
		{name: "8-bit C1 is not CSI", in: "\x9b31mX", lines: []string{"\ufffd31mX"}, x: 5, y: 0},
		{name: "C1 as UTF-8 is dropped", in: "a\u009b31mb", lines: []string{"a31mb"}, x: 5, y: 0},
		{name: "DECALN", cols: 3, rows: 2, in: "\x1b#8", lines: []string{"EEE", "EEE"}, x: 0, y: 0},
	})
}

func TestCursorMovement(t *testing.T) {
	runCases(t, []screenCase{
		{name: "CUP", in: "\x1b[3;5HX", lines: []string{"", "", "    X"}, x: 5, y: 2},
		{name: "CUP defaults and clamps", in: "\x1b[5;5H\x1b[H\x1b[99;99H", x: 19, y: 4},
		{name: "HVP", in: "\x1b[2;3f", x: 2, y: 1},
		{name: "CUU CUD CUF CUB", in: "\x1b[3;3H\x1b[A\x1b[2C\x1b[3B\x1b[D", x: 3, y: 4},
		{name: "movement clamps", in: "\x1b[99A\x1b[99D", x: 0, y: 0},
		{name: "CNL CPL", in: "\x1b[1;5H\x1b[2E", x: 0, y: 2,
			check: func(t *testing.T, s *Screen) {
				s.Write([]byte("\x1b[4G\x1b[F"))
				if x, y, _ := s.Cursor(); x != 0 || y != 1 {
					t.Errorf("after CPL (%d,%d)", x, y)
				}
			}},
		{name: "CHA HPA VPA", in: "\x1b[7G\x1b[3d", x: 6, y: 2,
			check: func(t *testing.T, s *Screen) {
				s.Write([]byte("\x1b[2`"))
				if x, _, _ := s.Cursor(); x != 1 {
					t.Errorf("HPA x=%d", x)
				}
			}},
		{name: "HPR VPR", in: "\x1b[2a\x1b[3e", x: 2, y: 3},
		{name: "CUU stops at top margin", in: "\x1b[2;4r\x1b[3;1H\x1b[9A", x: 0, y: 1},
		{name: "CUD stops at bottom margin", in: "\x1b[2;4r\x1b[3;1H\x1b[9B", x: 0, y: 3},
		{name: "CUD below margin goes to last row", in: "\x1b[1;2r\x1b[4;1H\x1b[9B", x: 0, y: 4},
		{name: "origin mode", in: "\x1b[2;4r\x1b[?6h\x1b[1;1HX\x1b[9;1HY", lines: []string{"", "X", "", "Y"}, x: 1, y: 3},
		{name: "DECSC DECRC", in: "\x1b[2;3H\x1b[31m\x1b7\x1b[m\x1b[5;5H\x1b8X", x: 3, y: 1,
			check: func(t *testing.T, s *Screen) {
				if c := cellAt(s, 2, 1); c.st.fg != indexed(1) {
					t.Errorf("pen not restored: %+v", c)
				}
			}},
		{name: "SCOSC SCORC", in: "\x1b[2;3H\x1b[s\x1b[5;5H\x1b[u", x: 2, y: 1},
		{name: "DECRC without DECSC homes", in: "\x1b[31m\x1b[3;3H\x1b8", x: 0, y: 0,
			check: func(t *testing.T, s *Screen) {
				if penOf(s) != (style{}) {
					t.Error("pen not reset")
				}
			}},
		{name: "DECSC saves pending wrap", cols: 4, rows: 2, in: "abcd\x1b7\x1b[H\x1b8X", lines: []string{"abcd", "X"}, x: 1, y: 1},
		{name: "1048", in: "\x1b[2;2H\x1b[?1048h\x1b[H\x1b[?1048l", x: 1, y: 1},
	})
}

func TestEraseInsertDelete(t *testing.T) {
	const fill = "aaaa\r\nbbbb\r\ncccc\r\ndddd\r\neeee"
	runCases(t, []screenCase{
		{name: "ED 0", cols: 4, rows: 5, in: fill + "\x1b[2;3H\x1b[J", lines: []string{"aaaa", "bb"}, x: 2, y: 1},
		{name: "ED 1", cols: 4, rows: 5, in: fill + "\x1b[2;3H\x1b[1J", lines: []string{"", "   b", "cccc", "dddd", "eeee"}, x: 2, y: 1},
		{name: "ED 2 keeps cursor", cols: 4, rows: 5, in: fill + "\x1b[2;3H\x1b[2J", lines: []string{}, x: 2, y: 1},
		{name: "EL 0 1 2", cols: 4, rows: 5, in: fill + "\x1b[1;3H\x1b[K\x1b[2;2H\x1b[1K\x1b[3;2H\x1b[2K",
			lines: []string{"aa", "  bb", "", "dddd", "eeee"}, x: 1, y: 2},
		{name: "ED erases with background colour", cols: 4, rows: 2, in: "\x1b[44m\x1b[2J", x: 0, y: 0,
			check: func(t *testing.T, s *Screen) {
				if c := cellAt(s, 3, 1); c.st != (style{bg: indexed(4)}) || !c.isBlank() {
					t.Errorf("erased cell %+v", c)
				}
			}},
		{name: "ED 3 clears scrollback", cols: 4, rows: 2, in: "a\r\nb\r\nc\r\nd\x1b[3J", lines: []string{"c", "d"}, x: 1, y: 1,
			check: func(t *testing.T, s *Screen) {
				if sb := s.Scrollback(); len(sb) != 0 {
					t.Errorf("scrollback %q", sb)
				}
			}},
		{name: "ICH", cols: 6, rows: 2, in: "abcdef\x1b[1;2H\x1b[2@", lines: []string{"a  bcd"}, x: 1, y: 0},
		{name: "DCH", cols: 6, rows: 2, in: "abcdef\x1b[1;2H\x1b[2P", lines: []string{"adef"}, x: 1, y: 0},
		{name: "ECH", cols: 6, rows: 2, in: "abcdef\x1b[1;2H\x1b[2X", lines: []string{"a  def"}, x: 1, y: 0},
		{name: "ECH huge count", cols: 6, rows: 2, in: "abcdef\x1b[1;2H\x1b[99999999999X", lines: []string{"a"}, x: 1, y: 0},
		{name: "IL", cols: 4, rows: 5, in: fill + "\x1b[2;3H\x1b[L", lines: []string{"aaaa", "", "bbbb", "cccc", "dddd"}, x: 0, y: 1},
		{name: "DL", cols: 4, rows: 5, in: fill + "\x1b[2;3H\x1b[2M", lines: []string{"aaaa", "dddd", "eeee"}, x: 0, y: 1},
		{name: "IL in scroll region", cols: 4, rows: 5, in: fill + "\x1b[2;4r\x1b[3;1H\x1b[L",
			lines: []string{"aaaa", "bbbb", "", "cccc", "eeee"}, x: 0, y: 2},
		{name: "DL in scroll region", cols: 4, rows: 5, in: fill + "\x1b[2;4r\x1b[2;1H\x1b[M",
			lines: []string{"aaaa", "cccc", "dddd", "", "eeee"}, x: 0, y: 1},
		{name: "IL outside scroll region ignored", cols: 4, rows: 5, in: fill + "\x1b[2;4r\x1b[5;2H\x1b[L",
			lines: []string{"aaaa", "bbbb", "cccc", "dddd", "eeee"}, x: 1, y: 4},
		{name: "DL does not feed scrollback", cols: 4, rows: 5, in: fill + "\x1b[H\x1b[M", lines: []string{"bbbb", "cccc", "dddd", "eeee"}, x: 0, y: 0,
			check: func(t *testing.T, s *Screen) {
				if len(s.Scrollback()) != 0 {
					t.Error("DL fed the scrollback")
				}
			}},
		{name: "SU SD", cols: 4, rows: 5, in: fill + "\x1b[2;4r\x1b[S", lines: []string{"aaaa", "cccc", "dddd", "", "eeee"}, x: 0, y: 0,
			check: func(t *testing.T, s *Screen) {
				s.Write([]byte("\x1b[2T"))
				if got := trimLines(s.Lines()); !slices.Equal(got, []string{"aaaa", "", "", "cccc", "eeee"}) {
					t.Errorf("after SD: %q", got)
				}
			}},
		{name: "SU full screen feeds scrollback", cols: 4, rows: 2, in: "ab\r\ncd\x1b[S", lines: []string{"cd"}, x: 2, y: 1,
			check: func(t *testing.T, s *Screen) {
				if sb := s.Scrollback(); !slices.Equal(sb, []string{"ab"}) {
					t.Errorf("scrollback %q", sb)
				}
			}},
		{name: "LF in scroll region", cols: 4, rows: 5, in: fill + "\x1b[2;4r\x1b[4;1H\nX",
			lines: []string{"aaaa", "cccc", "dddd", "X", "eeee"}, x: 1, y: 3,
			check: func(t *testing.T, s *Screen) {
				if len(s.Scrollback()) != 0 {
					t.Error("region scroll fed the scrollback")
				}
			}},
		{name: "RI at top scrolls down", cols: 4, rows: 3, in: "aaaa\r\nbbbb\x1b[H\x1bMX", lines: []string{"X", "aaaa", "bbbb"}, x: 1, y: 0},
		{name: "RI in region", cols: 4, rows: 5, in: fill + "\x1b[2;4r\x1b[2;1H\x1bM",
			lines: []string{"aaaa", "", "bbbb", "cccc", "eeee"}, x: 0, y: 1},
		{name: "IND NEL", in: "ab\x1bDc\x1bEd", lines: []string{"ab", "  c", "d"}, x: 1, y: 2},
		{name: "DECSTBM invalid ignored", in: "\x1b[3;5H\x1b[4;2r", x: 4, y: 2},
	})
}

// TestInertControls checks the inert table against execute: every C0
// control and DEL it calls inert must leave the screen as execute leaves
// it, and the others must be the ones execute acts on.
func TestInertControls(t *testing.T) {
	active := map[byte]bool{8: true, 9: true, 10: true, 11: true, 12: true, 13: true, 14: true, 15: true, 27: true}
	for b := 0; b < 0x80; b++ {
		if b >= 0x20 && b < 0x7f {
			if inert(byte(b)) {
				t.Errorf("printable %#x is inert", b)
			}
			continue
		}
		if got, want := inert(byte(b)), !active[byte(b)]; got != want {
			t.Errorf("inert(%#x) = %v, want %v", b, got, want)
		}
	}
	// A run of inert controls inside text must not join graphemes across
	// it, exactly as one control does.
	a, b := New(10, 2), New(10, 2)
	a.Write([]byte("e\x00\x07\x00\u0301x"))
	b.Write([]byte("e\x00\u0301x"))
	if ga, gb := a.Lines(), b.Lines(); ga[0] != gb[0] {
		t.Errorf("run of inert controls: %q, one control: %q", ga[0], gb[0])
	}
}

// TestInertRunEveryByte checks inertRun's word skips against the byte
// test: every byte in every position of NUL fill and of other inert fill,
// with NUL or active bytes after it, and the screen after a long run.
func TestInertRunEveryByte(t *testing.T) {
	for _, fill := range []byte{0x00, 0x07, 0x7f} {
		for _, after := range []byte{0x00, 'x', '\n'} {
			for pos := range 72 {
				for b := range 256 {
					p := bytes.Repeat([]byte{fill}, 72)
					for i := pos + 1; i < len(p); i++ {
						p[i] = after
					}
					p[pos] = byte(b)
					want := len(p)
					for i, c := range p {
						if !inert(c) {
							want = i
							break
						}
					}
					if got := inertRun(p); got != want {
						t.Fatalf("inertRun(%q) = %d, want %d", p, got, want)
					}
				}
			}
		}
	}
	s := New(10, 2)
	s.Write([]byte("ab"))
	s.Write(append(make([]byte, 1000), "c\x00\x00d"...))
	if got := s.Lines()[0]; got != "abcd" {
		t.Errorf("after a run of NULs: %q, want %q", got, "abcd")
	}
}
