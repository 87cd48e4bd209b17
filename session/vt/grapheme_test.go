package vt

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestWideAndGraphemes(t *testing.T) {
	runCases(t, []screenCase{
		{name: "CJK", in: "漢字テスト", lines: []string{"漢字テスト"}, x: 10, y: 0,
			check: func(t *testing.T, s *Screen) {
				for i, r := range []string{"漢", "字", "テ", "ス", "ト"} {
					if c := cellAt(s, 2*i, 0); c.s != r || c.w != 2 {
						t.Errorf("cell %d = %+v", 2*i, c)
					}
					if c := cellAt(s, 2*i+1, 0); c.w != 0 {
						t.Errorf("cell %d not a continuation: %+v", 2*i+1, c)
					}
				}
				s.Write([]byte("a"))
				if c := cellAt(s, 10, 0); c.s != "a" {
					t.Errorf("ASCII after CJK at col 10: %+v", c)
				}
			}},
		{name: "emoji with skin tone", in: "👍🏽a", lines: []string{"👍🏽a"}, x: 3, y: 0,
			check: func(t *testing.T, s *Screen) {
				if c := cellAt(s, 0, 0); c.s != "👍🏽" || c.w != 2 {
					t.Errorf("cell 0 = %+v", c)
				}
				if c := cellAt(s, 2, 0); c.s != "a" {
					t.Errorf("cell 2 = %+v", c)
				}
			}},
		{name: "ZWJ family", in: "👨‍👩‍👧b", lines: []string{"👨‍👩‍👧b"}, x: 3, y: 0,
			check: func(t *testing.T, s *Screen) {
				if c := cellAt(s, 0, 0); c.s != "👨‍👩‍👧" || c.w != 2 {
					t.Errorf("cell 0 = %+v", c)
				}
			}},
		{name: "flag", in: "🇺🇸🇫🇷", lines: []string{"🇺🇸🇫🇷"}, x: 4, y: 0},
		{name: "combining mark joins", in: "e\u0301x", lines: []string{"e\u0301x"}, x: 2, y: 0,
			check: func(t *testing.T, s *Screen) {
				if c := cellAt(s, 0, 0); c.s != "e\u0301" || c.w != 1 {
					t.Errorf("cell 0 = %+v", c)
				}
			}},
		{name: "combining mark across SGR", in: "e\x1b[1m\u0301", lines: []string{"e\u0301"}, x: 1, y: 0},
		{name: "combining mark after cursor move is dropped", in: "e\x1b[C\u0301x", lines: []string{"e x"}, x: 3, y: 0},
		{name: "lone combining mark is dropped", in: "\u0301\u200bx", lines: []string{"x"}, x: 1, y: 0},
		{name: "VS16 widens", in: "❤\ufe0fx", lines: []string{"❤\ufe0fx"}, x: 3, y: 0,
			check: func(t *testing.T, s *Screen) {
				if c := cellAt(s, 0, 0); c.w != 2 {
					t.Errorf("cell 0 = %+v", c)
				}
			}},
		{name: "VS16 in last column wraps", cols: 3, rows: 2, in: "\x1b[32mab❤\x1b[m\ufe0f", lines: []string{"ab", "❤\ufe0f"}, x: 2, y: 1,
			check: func(t *testing.T, s *Screen) {
				if c := cellAt(s, 0, 1); c.w != 2 || c.st.fg != indexed(2) {
					t.Errorf("moved cluster %+v", c)
				}
				if c := cellAt(s, 2, 0); !c.isBlank() || !wrappedAt(s, 0) {
					t.Errorf("left behind %+v", c)
				}
			}},
		{name: "VS16 in last column without autowrap", cols: 3, rows: 2, in: "\x1b[?7lab❤\ufe0f", lines: []string{"a❤\ufe0f"}, x: 2, y: 0},
		{name: "wide char at last column wraps", cols: 5, rows: 3, in: "abcd漢", lines: []string{"abcd", "漢"}, x: 2, y: 1,
			check: func(t *testing.T, s *Screen) {
				if !wrappedAt(s, 0) {
					t.Error("row 0 not soft-wrapped")
				}
			}},
		{name: "wide char at last column without autowrap", cols: 5, rows: 3, in: "\x1b[?7labcd漢", lines: []string{"abc漢"}, x: 4, y: 0},
		{name: "wide char fills the line exactly", cols: 4, rows: 2, in: "ab漢", lines: []string{"ab漢"}, x: 3, y: 0},
		{name: "overwrite right half", in: "漢字\x1b[1;2Hx", lines: []string{" x字"}, x: 2, y: 0},
		{name: "overwrite left half", in: "漢字\x1b[1;3Hy", lines: []string{"漢y"}, x: 3, y: 0},
		{name: "wide over two wides", in: "漢字\x1b[1;2H中", lines: []string{" 中"}, x: 3, y: 0},
		{name: "erase half a wide char", in: "漢字\x1b[1;2H\x1b[1K", lines: []string{"  字"}, x: 1, y: 0},
		{name: "ECH half a wide char", in: "漢字\x1b[1;4H\x1b[X", lines: []string{"漢"}, x: 3, y: 0},
		{name: "DCH inside a wide char", in: "漢字a\x1b[1;2H\x1b[P", lines: []string{" 字a"}, x: 1, y: 0},
		{name: "ICH pushes a wide char off", cols: 4, rows: 2, in: "ab漢\x1b[1;1H\x1b[@", lines: []string{" ab"}, x: 0, y: 0},
		{name: "wide char with one column", cols: 1, rows: 2, in: "漢a", lines: []string{"a"}, x: 0, y: 0},
		{name: "hangul jamo cluster", in: "\u1100\u1161x", lines: []string{"\u1100\u1161x"}, x: 3, y: 0},
	})
}

func TestFastWide(t *testing.T) {
	for r := rune(0); r < 0x110000; r++ {
		if !fastWide(r) {
			continue
		}
		b := utf8.AppendRune(nil, r)
		if _, w := ansi.FirstGraphemeCluster(b, ansi.GraphemeWidth); w != 2 {
			t.Fatalf("%U has width %d", r, w)
		}
		// Nothing joins after a non-Prepend rune, or onto it.
		for _, prev := range []rune{'a', 0x4e00, 0x3042, 0xe9} {
			if ok, _, _ := joins(utf8.AppendRune(nil, prev), r); ok {
				t.Fatalf("%U joins %U", r, prev)
			}
		}
		if ok, _, _ := joins(b, 'a'); ok {
			t.Fatalf("a joins %U", r)
		}
	}
}

func TestClusterBounds(t *testing.T) {
	// A base with a thousand combining marks stays one bounded cell.
	s := New(10, 2)
	s.Write([]byte("e" + strings.Repeat("\u0301", 1000) + "x"))
	if c := cellAt(s, 0, 0); len(c.s) > maxCluster || c.w != 1 {
		t.Errorf("zalgo cell %d bytes, width %d", len(c.s), c.w)
	}
	if x, _, _ := s.Cursor(); x != 2 {
		t.Errorf("cursor x %d", x)
	}
	roundTrip(t, s)

	// Many distinct clusters that scroll away: the table is compacted.
	s = New(10, 2, WithScrollback(0))
	var last string
	for i := range 3 * maxClusters {
		last = string(rune('a'+i%26)) + string(rune(0x300+(i/26)%100)) + string(rune(0x300+i/2600))
		s.Write([]byte("\r\n" + last))
	}
	mustInvariants(t, s)
	if got := s.Lines()[1]; got != last {
		t.Errorf("last cluster %q, want %q", got, last)
	}
	if n := len(s.clusters.list); n > maxClusters {
		t.Errorf("cluster table %d", n)
	}
	roundTrip(t, s)

	// More live clusters than the table holds: bounded, degraded, no panic.
	s = New(80, 60)
	for i := range 80 * 60 {
		s.Write([]byte(string(rune('a'+i%26)) + string(rune(0x300+(i/26)%100)) + string(rune(0x300+i/2600))))
	}
	mustInvariants(t, s)
	if n := len(s.clusters.list); n > maxClusters {
		t.Errorf("cluster table %d", n)
	}
}
