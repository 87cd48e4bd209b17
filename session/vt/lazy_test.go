package vt

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// lazyProgram turns fuzz bytes into output rich in plain text, so that
// deferred text is cut often, with the things that stop or disturb
// deferral mixed in: escape sequences (scroll regions, insert and
// new-line mode, the alternate screen, colours, cursor moves), UTF-8,
// bare LFs, tabs, long lines that wrap, and reads of the screen between
// writes. It returns the writes, and for each whether to read the screen
// after it.
func lazyProgram(data []byte) (writes [][]byte, reads []bool) {
	escapes := []string{
		"\x1b[2;4r", "\x1b[r", "\x1b[4h", "\x1b[4l", "\x1b[20h", "\x1b[20l",
		"\x1b[?1049h", "\x1b[?1049l", "\x1b[1;31m", "\x1b[0m", "\x1b[44m",
		"\x1b[H", "\x1b[5;3H", "\x1b[2J", "\x1b[K", "\x1bM", "\x1b[?7l", "\x1b[?7h",
		"\x1b(0", "\x1b(B", "\x1b[3b", "漢字", "e\u0301", "\b", "\x1b[10S",
	}
	var cur bytes.Buffer
	flush := func(read bool) {
		writes = append(writes, bytes.Clone(cur.Bytes()))
		reads = append(reads, read)
		cur.Reset()
	}
	for i, b := range data {
		switch {
		case b < 150: // lines of text, CR LF
			for k := range 1 + int(b)%9 {
				fmt.Fprintf(&cur, "line %d.%d %s\r\n", i, k, strings.Repeat("x", int(b)%23))
			}
		case b < 170:
			cur.WriteString(strings.Repeat("w", int(b)%90) + "\n") // bare LF, maybe wrapping
		case b < 180:
			cur.WriteString("\tcol\t\r\n")
		case b < 220:
			cur.WriteString(escapes[int(b)%len(escapes)])
		case b < 240:
			flush(false)
		default:
			flush(true)
		}
	}
	flush(true)
	return writes, reads
}

// FuzzLazy checks deferred text against a screen that emulates every byte:
// the same screen, cursor, pen, modes, scrollback and redraw, after any
// mix of writes and reads. The first two bytes pick the size and the
// scrollback.
func FuzzLazy(f *testing.F) {
	f.Add([]byte{10, 4, 100, 100, 100, 100, 100, 100, 100, 100, 100, 255})
	f.Add([]byte{5, 3, 200, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 201, 8, 8, 8, 8, 8, 8, 8})
	r := rand.New(rand.NewPCG(7, 8))
	for range 30 {
		data := make([]byte, 2+r.IntN(80))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		cols, rows, sb := 1+int(data[0])%30, 1+int(data[0]/30)%8, int(data[1])%12
		lazy := New(cols, rows, WithScrollback(sb))
		eager := New(cols, rows, WithScrollback(sb), func(o *options) { o.noLazy = true })
		writes, reads := lazyProgram(data[2:])
		for i, w := range writes {
			lazy.Write(w)
			eager.Write(w)
			if !reads[i] {
				continue
			}
			if d := diffSnapshots(takeSnapshot(eager), takeSnapshot(lazy)); d != "" {
				t.Fatalf("after write %d: deferred differs from eager:\n%s", i, d)
			}
			if !slices.Equal(eager.Scrollback(), lazy.Scrollback()) {
				t.Fatalf("after write %d: scrollback differs:\n%q\n%q", i, eager.Scrollback(), lazy.Scrollback())
			}
			if !bytes.Equal(eager.Render(), lazy.Render()) {
				t.Fatalf("after write %d: Render differs", i)
			}
		}
	})
}

// Plain text is really deferred and cut: a long stream keeps at most about
// twice what can survive, and reading gives what emulating every byte
// gives.
func TestLazyCutsLongText(t *testing.T) {
	lazy := New(80, 24, WithScrollback(100))
	eager := New(80, 24, WithScrollback(100), func(o *options) { o.noLazy = true })
	var in bytes.Buffer
	for i := range 20000 {
		fmt.Fprintf(&in, "%6d the quick brown fox jumps over the lazy dog\r\n", i)
	}
	for p := in.Bytes(); len(p) > 0; {
		n := min(4096, len(p))
		lazy.Write(p[:n])
		eager.Write(p[:n])
		p = p[n:]
	}
	lazy.mu.Lock()
	kept, cut := lazy.lazyLFs, lazy.lazyCut
	lazy.mu.Unlock()
	if !cut || kept > 2*(2*24+100) {
		t.Fatalf("deferred %d lines (cut %v) of 20000", kept, cut)
	}
	if !slices.Equal(eager.Lines(), lazy.Lines()) || !slices.Equal(eager.Scrollback(), lazy.Scrollback()) {
		t.Fatal("deferred text reads back differently")
	}
	if got := lazy.Lines()[22]; !strings.HasPrefix(got, " 19999 ") {
		t.Fatalf("last line %q", got)
	}
}

func TestPlainPrefix(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"hello world, this is text\r\n\tand more", 36},
		{"0123456789abcdef\x1b[m", 16},
		{"0123456\x00", 7},
		{"01234567\x7f", 8},
		{"abc\u00e9", 3},
		{strings.Repeat("x", 100) + "\x1b", 100},
	} {
		if got := plainPrefix([]byte(tc.in)); got != tc.want {
			t.Errorf("plainPrefix(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// plainPrefix's word tests agree with the table for every byte in
// every lane, beside plain and non-plain neighbours.
func TestPlainPrefixEveryByte(t *testing.T) {
	for _, fill := range []byte{'a', '\r', '\n', '\t', 0x00, 0x7f, 0xff, 0x1f, 0x20} {
		// 40 bytes: a 32-byte block, one lane of it or the tail wrong.
		for lane := range 40 {
			for b := range 256 {
				p := bytes.Repeat([]byte{'x'}, 40)
				for i := lane + 1; i < 40; i++ {
					p[i] = fill
				}
				p[lane] = byte(b)
				want := len(p)
				for i, c := range p {
					if !plainBytes[c] {
						want = i
						break
					}
				}
				if got := plainPrefix(p); got != want {
					t.Fatalf("plainPrefix(%q) = %d, want %d", p, got, want)
				}
			}
		}
	}
}

// A base64 stream (`cat /dev/urandom | base64`) at the default scrollback
// is cut, not emulated: 2 × keepLines() of its lines fit under maxLazy.
// Reads in between give what emulating every byte gives, and the big
// buffer is let go once a reader finds nothing new.
func TestLazyCutsStreamAtDefaultScrollback(t *testing.T) {
	data := base64Output()
	lazy := New(120, 40)
	eager := New(120, 40, func(o *options) { o.noLazy = true })
	keep := 2*40 + DefaultScrollback
	written, cuts := 0, 0
	for p := data; len(p) > 0; {
		n := min(32<<10, len(p))
		lazy.Write(p[:n])
		eager.Write(p[:n])
		p, written = p[n:], written+n
		lazy.mu.Lock()
		lines, size, cut := lazy.lazyLFs, len(lazy.lazy), lazy.lazyCut
		lazy.mu.Unlock()
		if cut {
			cuts++
		}
		// Unread since the start: everything past the first cut must be
		// deferred, none of it emulated.
		if written > 2*keep*78 && (lines < keep || lines >= 2*keep || size >= maxLazy) {
			t.Fatalf("after %d bytes: %d lines, %d bytes deferred (keep %d, max %d)", written, lines, size, keep, maxLazy)
		}
	}
	if cuts == 0 {
		t.Fatal("the stream was never cut")
	}
	if !slices.Equal(eager.Lines(), lazy.Lines()) || !slices.Equal(eager.Scrollback(), lazy.Scrollback()) {
		t.Fatal("the cut stream reads back differently")
	}
	lazy.Lines() // nothing new since the last read: the buffer goes
	lazy.mu.Lock()
	c := cap(lazy.lazy)
	lazy.mu.Unlock()
	if c > keepLazy {
		t.Fatalf("an idle screen keeps a deferred-text buffer of %d bytes", c)
	}
}
