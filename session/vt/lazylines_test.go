package vt

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// allocated counts the lines of b whose cells exist.
func allocated(b *buffer) int {
	n := 0
	for i := range b.ring {
		if b.ring[i].cells != nil {
			n++
		}
	}
	return n
}

// materialize allocates every line of both buffers, as the emulator did
// before lines were allocated on first write.
func materialize(s *Screen) {
	for _, b := range []*buffer{&s.main, &s.alt} {
		for y := range b.ring {
			b.line(y)
		}
	}
}

// compareLazyEager feeds in to a Screen whose lines are allocated on first
// write and, one byte at a time, to one whose lines are all allocated
// before every byte, and fails if anything readable differs.
func compareLazyEager(t *testing.T, cols, rows int, in []byte) {
	t.Helper()
	noLazy := func(o *options) { o.noLazy = true }
	lazy := New(cols, rows, WithScrollback(20), noLazy)
	eager := New(cols, rows, WithScrollback(20), noLazy)
	lazy.Write(in)
	for i := range in {
		materialize(eager)
		eager.Write(in[i : i+1])
	}
	if err := checkInvariants(lazy); err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	if d := diffSnapshots(takeSnapshot(eager), takeSnapshot(lazy)); d != "" {
		t.Fatalf("%q: lazy lines differ from eager:\n%s", in, d)
	}
	if !slices.Equal(lazy.Lines(), eager.Lines()) || !slices.Equal(lazy.Scrollback(), eager.Scrollback()) {
		t.Fatalf("%q: text differs:\n%s\n--- eager:\n%s", in, strings.Join(lazy.Lines(), "\n"), strings.Join(eager.Lines(), "\n"))
	}
	if !slices.Equal(lazy.StyledLines(cols, rows), eager.StyledLines(cols, rows)) {
		t.Fatalf("%q: previews differ", in)
	}
	if !bytes.Equal(lazy.Render(), eager.Render()) || !bytes.Equal(lazy.RenderScrollback(), eager.RenderScrollback()) {
		t.Fatalf("%q: redraws differ", in)
	}
	roundTrip(t, lazy)
}

// Lines allocated on first write read, scroll, erase and redraw exactly as
// fully allocated ones: coloured erases and scrolls (which must allocate a
// blank line to colour it), scroll regions in both directions, insert and
// delete lines, resizes both ways, DECALN, the alternate screen, RIS.
func TestLazyLinesMatchEager(t *testing.T) {
	cases := []string{
		"$ ",
		"one\r\ntwo\r\nthree\r\nfour\r\nfive\r\nsix\r\nseven\r\neight\r\nnine\r\nten\r\n",
		"\x1b[41m\x1b[2J\x1b[Hred",                         // coloured clear: every row allocated
		"top\x1b[5;1H\x1b[44m\x1b[J\x1b[0mx",               // coloured erase below
		"\x1b[8;1H\x1b[42m\x1b[1J",                         // coloured erase above
		"\x1b[43m\x1b[3S\x1b[2T",                           // coloured scroll up and down
		"\x1b[2;5r\x1b[3;1Hin\x1b[45m\x1b[2L\x1b[1M\x1b[r", // region: insert and delete lines
		"\x1b[2;5r\x1b[5;1H\n\n\n\x1b[46m\n\x1b[r",         // index at the region's bottom
		"a\x1b[10;1Hb\x1b[M\x1b[L",
		"\x1b#8",                                           // DECALN fills every row
		"\x1b[?1049h\x1b[3;3Halt\x1b[41m\x1b[K\x1b[?1049l", // alternate screen
		"x\x1bc\x1b[5;5Hy",                                 // RIS
		"\x1b[10;70H漢字 wraps over the edge into the next line\r\n",
		"\x1b[47m\x1b[10;1H\x1bM\x1bM\x1b[1;1H\x1bM", // reverse index at the top
	}
	for _, c := range cases {
		compareLazyEager(t, 20, 10, []byte(c))
	}
	// Resizes between writes.
	for _, sz := range [][2]int{{10, 4}, {40, 20}, {1, 1}} {
		noLazy := func(o *options) { o.noLazy = true }
		lazy := New(20, 10, WithScrollback(20), noLazy)
		eager := New(20, 10, WithScrollback(20), noLazy)
		in := []byte("a\r\nb\x1b[8;1Hc\x1b[44m\x1b[2S")
		lazy.Write(in)
		eager.Write(in)
		materialize(eager)
		lazy.Resize(sz[0], sz[1])
		eager.Resize(sz[0], sz[1])
		lazy.Write([]byte("\x1b[Hd\x1b[43m\x1b[J"))
		materialize(eager)
		eager.Write([]byte("\x1b[Hd\x1b[43m\x1b[J"))
		if err := checkInvariants(lazy); err != nil {
			t.Fatalf("resize to %v: %v", sz, err)
		}
		if d := diffSnapshots(takeSnapshot(eager), takeSnapshot(lazy)); d != "" {
			t.Fatalf("resize to %v: lazy lines differ:\n%s", sz, d)
		}
		if !slices.Equal(lazy.Scrollback(), eager.Scrollback()) {
			t.Fatalf("resize to %v: scrollback differs", sz)
		}
	}
	r := rand.New(rand.NewPCG(15, 200))
	for range 300 {
		compareLazyEager(t, 1+r.IntN(30), 1+r.IntN(12), randomInput(r, 60))
	}
	for _, p := range programOutputs {
		compareLazyEager(t, p.cols, p.rows, []byte(p.in))
	}
}

// A shell's prompt on a fresh 120×40 screen allocates the prompt's row
// only; reading the screen (previews, text, redraw) allocates nothing.
func TestLazyLinesAllocatedOnWrite(t *testing.T) {
	s := New(120, 40)
	s.Write([]byte("Last login: never\r\nuser@host:~$ "))
	_, _ = s.Lines(), s.StyledLines(60, 10)
	_ = s.Render()
	_, _ = s.StyledHistory(0, 40, 120)
	if n := allocated(&s.main); n != 2 {
		t.Fatalf("%d of 40 lines allocated after writing 2, want 2", n)
	}
	if s.Lines()[1] != "user@host:~$" {
		t.Fatalf("prompt row: %q", s.Lines()[1])
	}
	// Clearing with the default colour keeps blank rows unallocated.
	s.Write([]byte("\x1b[H\x1b[2J$ "))
	if n := allocated(&s.main); n != 2 {
		t.Fatalf("%d lines allocated after clear, want 2", n)
	}
	// Output that scrolls reuses the allocated rows as they scroll in.
	for range 100 {
		s.Write([]byte("line\r\n"))
	}
	_ = s.Lines() // emulates the deferred text
	if n := allocated(&s.main); n != 40 {
		t.Fatalf("%d lines allocated after scrolling 100 lines, want 40", n)
	}
}

// FuzzLazyLines compares lines allocated on first write against a screen
// with every line allocated, on arbitrary input.
func FuzzLazyLines(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 10 {
		f.Add(append([]byte{byte(r.IntN(256)), byte(r.IntN(256))}, randomInput(r, 40)...))
	}
	f.Add([]byte("\x14\x05\x1b[41m\x1b[2S\x1b[2;3r\x1b[L"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 || len(data) > 4096 {
			return
		}
		compareLazyEager(t, 1+int(data[0])%40, 1+int(data[1])%16, data[2:])
	})
}
