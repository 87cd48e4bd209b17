package attach

import (
	"bytes"
	"testing"
)

func TestMarginWriterRewritesResets(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"\x1b[r", "\x1b[1;23r"},
		{"\x1b[;r", "\x1b[1;23r"},
		{"\x1b[0;0r", "\x1b[1;23r"},
		{"\x1b[5r", "\x1b[5;23r"},
		{"\x1b[2;10r", "\x1b[2;10r"},
		{"\x1b[2;24r", "\x1b[2;23r"},
		{"\x1b[?1049h\x1b[H", "\x1b[?1049h\x1b[H"},
		{"\x1bc", "\x1bc\x1b[1;23r"},
		{"\x1b[!p", "\x1b[!p\x1b7\x1b[1;23r\x1b8"},
		{"\x1b]0;title with \x1b[r inside\x07x", "\x1b]0;title with \x1b[r inside\x07x"},
		{"漢字\x1b(0q\x1b(B", "漢字\x1b(0q\x1b(B"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		m := newMarginWriter(&out, 23)
		m.Write([]byte(c.in))
		if out.String() != c.want || m.Pending() {
			t.Errorf("%q → %q (pending %v), want %q", c.in, out.String(), m.Pending(), c.want)
		}
		// Byte by byte gives the same result, and is pending mid-sequence.
		out.Reset()
		m = newMarginWriter(&out, 23)
		for i := range len(c.in) {
			m.Write([]byte{c.in[i]})
		}
		if out.String() != c.want || m.Pending() {
			t.Errorf("%q byte by byte → %q, want %q", c.in, out.String(), c.want)
		}
	}
	var out bytes.Buffer
	m := newMarginWriter(&out, 23)
	m.Write([]byte("ab\x1b[1;"))
	if !m.Pending() || out.String() != "ab" {
		t.Fatalf("split CSI: wrote %q, pending %v", out.String(), m.Pending())
	}
	m.Write([]byte("5r"))
	if m.Pending() || out.String() != "ab\x1b[1;5r" {
		t.Fatalf("completed CSI: %q", out.String())
	}
}
