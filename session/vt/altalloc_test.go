package vt

import (
	"strings"
	"testing"
)

// The alternate screen has no cells until a program switches to it, also
// across resizes and a reset; once used it has the screen's current size
// and works as before.
func TestAltScreenAllocatedOnFirstUse(t *testing.T) {
	s := New(80, 24)
	s.Write([]byte("main text\r\n"))
	s.Resize(100, 30)
	s.Write([]byte("\x1bc")) // RIS
	s.Write([]byte("after reset"))
	if n := len(s.alt.ring); n != 0 {
		t.Fatalf("alternate screen has %d lines before any use", n)
	}
	s.Write([]byte("\x1b[?1049h\x1b[5;3Hin alt"))
	if !s.AltScreen() || len(s.alt.ring) != 30 || len(s.alt.peek(4).cells) != 100 {
		t.Fatalf("alt active %v with %d lines, the written one of %d cells, want 30 of 100", s.AltScreen(), len(s.alt.ring), len(s.alt.peek(4).cells))
	}
	if l := s.Lines(); !strings.HasPrefix(l[4], "  in alt") || strings.Contains(strings.Join(l, "\n"), "after reset") {
		t.Fatalf("alternate screen content:\n%s", strings.Join(l, "\n"))
	}
	s.Resize(90, 20)
	s.Write([]byte("\x1b[?1049l"))
	if s.AltScreen() || !strings.HasPrefix(s.Lines()[0], "after reset") {
		t.Fatalf("back on the main screen: alt %v, lines:\n%s", s.AltScreen(), strings.Join(s.Lines(), "\n"))
	}
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
}
