package vt

import (
	"slices"
	"strings"
	"testing"
)

func TestResetAndRIS(t *testing.T) {
	s := New(10, 3, WithScrollback(5))
	s.Write([]byte("\x1b]2;t\x07\x1b[31ma\r\nb\r\nc\r\nd\x1b[?1h\x1b[2;3r\x1b(0"))
	s.Write([]byte("\x1bc"))
	if got := trimLines(s.Lines()); len(got) != 0 {
		t.Errorf("RIS lines %q", got)
	}
	if m := s.Modes(); m != (Modes{Autowrap: true, CursorVisible: true}) {
		t.Errorf("RIS modes %+v", m)
	}
	if len(s.Scrollback()) != 1 || s.Title() != "t" {
		t.Error("RIS should keep scrollback and title")
	}
	roundTrip(t, s)
	s.Write([]byte("x\x1b]2;u\x07\x1b[?1049h"))
	s.Reset()
	if d := diffSnapshots(takeSnapshot(s), takeSnapshot(New(10, 3))); d != "" || len(s.Scrollback()) != 0 {
		t.Errorf("Reset differs from New: %s", d)
	}
}

func TestResize(t *testing.T) {
	s := New(10, 5, WithScrollback(100))
	s.Write([]byte("l1\r\nl2\r\nl3\r\nl4\r\nl5"))
	s.Resize(10, 3)
	if got := s.Lines(); !slices.Equal(got, []string{"l3", "l4", "l5"}) {
		t.Fatalf("after shrink rows: %q", got)
	}
	if sb := s.Scrollback(); !slices.Equal(sb, []string{"l1", "l2"}) {
		t.Fatalf("scrollback %q", sb)
	}
	if x, y, _ := s.Cursor(); x != 2 || y != 2 {
		t.Fatalf("cursor (%d,%d)", x, y)
	}
	mustInvariants(t, s)
	roundTrip(t, s)

	// Cursor at the top: lines below are dropped instead.
	s = New(10, 5)
	s.Write([]byte("top\r\nx\r\ny\r\nz\x1b[H"))
	s.Resize(10, 2)
	if got := s.Lines(); !slices.Equal(got, []string{"top", "x"}) {
		t.Fatalf("shrink with cursor on top: %q", got)
	}

	// Columns: cut, wide char at the new edge blanked, then grow.
	s = New(10, 2)
	s.Write([]byte("abc漢defg"))
	s.Resize(4, 2)
	if got := s.Lines()[0]; got != "abc" {
		t.Fatalf("cut: %q", got)
	}
	if x, _, _ := s.Cursor(); x != 3 {
		t.Fatalf("cursor x %d", x)
	}
	mustInvariants(t, s)
	s.Resize(30, 8)
	mustInvariants(t, s)
	s.Write([]byte("\r\t\t\tX"))
	if x, _, _ := s.Cursor(); x != 25 {
		t.Fatalf("tab stops after growing: x=%d", x)
	}
	roundTrip(t, s)

	// Silly sizes are clamped.
	s.Resize(0, -3)
	if c, r := s.Size(); c != 1 || r != 1 {
		t.Fatalf("size %dx%d", c, r)
	}
	s.Write([]byte("漢字abc\r\n\x1b[5;5H"))
	mustInvariants(t, s)
	s.Resize(1<<20, 1<<20)
	if c, r := s.Size(); c != MaxCols || r != MaxRows {
		t.Fatalf("size %dx%d", c, r)
	}

	// Alt screen: the main screen shifts around its saved cursor.
	s = New(10, 4)
	s.Write([]byte("a\r\nb\r\nc\r\nd\x1b[?1049h\x1b[Hvim"))
	s.Resize(10, 2)
	mustInvariants(t, s)
	s.Write([]byte("\x1b[?1049l"))
	if got := s.Lines(); !slices.Equal(got, []string{"c", "d"}) {
		t.Fatalf("main after resize in alt: %q", got)
	}
	if x, y, _ := s.Cursor(); x != 1 || y != 1 {
		t.Fatalf("cursor (%d,%d)", x, y)
	}
}

func TestScrollbackBounded(t *testing.T) {
	s := New(20, 3, WithScrollback(10))
	for i := range 100 {
		s.Write([]byte("line " + string(rune('a'+i%26)) + "\r\n"))
	}
	sb := s.Scrollback()
	if len(sb) != 10 {
		t.Fatalf("scrollback len %d", len(sb))
	}
	// 100 lines written; the last \r\n leaves an empty line at the bottom,
	// so lines 0..97 scrolled off and the newest kept is line 97.
	if sb[9] != "line "+string(rune('a'+97%26)) {
		t.Errorf("newest %q", sb[9])
	}
	if s := New(5, 2, WithScrollback(0)); true {
		s.Write([]byte("a\r\nb\r\nc\r\n"))
		if len(s.Scrollback()) != 0 {
			t.Error("scrollback disabled but kept")
		}
	}
	// The last lines of the scrollback show up in RenderScrollback.
	out := string(s.RenderScrollback())
	if !strings.Contains(out, "line t\r\n") {
		t.Errorf("RenderScrollback: %q", out)
	}
}
