package vt

import (
	"strings"
	"testing"
)

// An overlay drawn on a real terminal and followed by the restore leaves
// the terminal exactly as the screen emulates it: a second screen that
// receives the screen's Render, then the overlay, then more output, ends
// like the first with that output (the overlay's row aside).
func TestOverlayRestoresState(t *testing.T) {
	inputs := []string{
		"hello\x1b[1;31mred",
		"\x1b[2;10r\x1b[?6h\x1b[3;4Hinside region\x1b[7m",
		"\x1b(0lqqk\x1b(B ascii \x1b)0\x0eqq",
		strings.Repeat("x", 40), // pending wrap at the last column
		"\x1b[?25lhidden cursor",
	}
	for _, in := range inputs {
		a := New(40, 6)
		a.Write([]byte(in))
		b := New(40, 6)
		b.Write(a.Render())
		b.Write(a.Overlay([]byte("\x1b[6;1H\x1b[7m status \x1b[0m")))
		more := "Z\r\nafter"
		a.Write([]byte(more))
		b.Write([]byte(more))
		la, lb := a.Lines(), b.Lines()
		for i := 0; i < 5; i++ { // row 6 holds the overlay on b
			if la[i] != lb[i] {
				t.Errorf("%q: row %d = %q after overlay, want %q", in, i, lb[i], la[i])
			}
		}
		ax, ay, av := a.Cursor()
		bx, by, bv := b.Cursor()
		if ax != bx || ay != by || av != bv {
			t.Errorf("%q: cursor %d,%d,%v after overlay, want %d,%d,%v", in, bx, by, bv, ax, ay, av)
		}
		if a.Modes() != b.Modes() {
			t.Errorf("%q: modes %+v after overlay, want %+v", in, b.Modes(), a.Modes())
		}
	}
}
