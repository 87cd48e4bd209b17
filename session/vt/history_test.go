package vt

import (
	"fmt"
	"strings"
	"testing"
)

func TestHistoryScrollbackThenScreen(t *testing.T) {
	s := New(20, 5)
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(s, "%d\r\n", i)
	}
	if got := s.ScrollbackLen(); got != 296 {
		t.Fatalf("scrollback %d lines, want 296", got)
	}
	h := s.PlainHistory()
	if len(h) != 301 || h[149] != "150" || h[299] != "300" || h[300] != "" {
		t.Fatalf("history %d lines, [149]=%q [299]=%q", len(h), h[149], h[299])
	}
	lines, total := s.StyledHistory(149, 3, 10)
	if total != 301 || len(lines) != 3 || lines[0] != "150       " || lines[2] != "152       " {
		t.Fatalf("window %q total %d", lines, total)
	}
	if lines, _ := s.StyledHistory(299, 10, 4); len(lines) != 2 {
		t.Fatalf("window past the end: %q", lines)
	}
}

func TestScrollbackBound(t *testing.T) {
	s := New(10, 2, WithScrollback(50))
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(s, "%d\r\n", i)
	}
	sb := s.Scrollback()
	if len(sb) != 50 || sb[49] != "999" || sb[0] != "950" {
		t.Fatalf("scrollback %d lines, first %q last %q", len(sb), sb[0], sb[len(sb)-1])
	}
}

func TestReplaceScrollback(t *testing.T) {
	s := New(10, 3, WithScrollback(4))
	fmt.Fprintf(s, "old1\r\nold2\r\nold3\r\nold4\r\nscreen")
	// tmux capture-pane -e: SGR carried over lines, a wide character, a
	// cluster, and more lines than the scrollback holds.
	s.ReplaceScrollback([]byte("h1\n\x1b[31mh2\nred\x1b[0m\n漢字\ne\u0301\n"))
	sb := s.Scrollback()
	if strings.Join(sb, "|") != "h2|red|漢字|e\u0301" {
		t.Fatalf("scrollback %q", sb)
	}
	lines, _ := s.StyledHistory(1, 1, 4)
	if !strings.Contains(lines[0], "\x1b[31m") || !strings.Contains(lines[0], "red") {
		t.Fatalf("style lost: %q", lines[0])
	}
	if got := s.Lines(); got[2] != "screen" {
		t.Fatalf("screen touched: %q", got)
	}
	s.ReplaceScrollback(nil)
	if s.ScrollbackLen() != 0 {
		t.Fatal("empty history left lines")
	}
}
