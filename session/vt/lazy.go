package vt

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"github.com/charmbracelet/x/ansi/parser"
)

// Deferred text: the emulator's answer to `cat` of a huge file.
//
// Plain text (printable ASCII, CR, LF, HT) written while the whole screen
// is the scroll region only moves the cursor and fills lines, and lines
// that scroll far enough are gone: past the screen and the bounded
// scrollback. So such text is not emulated as it arrives; it is kept in
// s.lazy, and once it holds more than twice the lines that can survive,
// the oldest are dropped unseen. Anything else written, and every method
// that reads the screen, first emulates what is kept (settle).
//
// Why dropping is exact. Cut the text right after a CR LF: the cursor is
// then in column 0 with no pending wrap, whatever came before, and the
// text after the cut is what decides everything from there on. If at
// least keepLines() LFs follow the cut (twice the rows plus the
// scrollback), then every line on the screen or in the scrollback at the
// cut, and every line the first rows LFs after the cut write into
// (possibly over old content, when the cursor was not on the last row),
// is pushed out of the screen and then out of the scrollback before the
// text ends. So settle may start the kept text from a blank screen with
// the cursor on the last row: the result is the same, cell for cell,
// scrollback included, as emulating every byte. FuzzLazy checks this
// against a screen that emulates everything.

// maxLazy bounds the deferred bytes: text that cannot be cut (very long
// lines, no CR LF) is emulated once it reaches this size. It is above
// twice keepLines() lines of ordinary text (2 × 10,080 lines of base64's
// 78 bytes is 1.6 MB), so that a stream is cut, not emulated, whenever
// it can be: at 1 MiB every byte of such a stream was emulated.
const maxLazy = 2 << 20

// keepLazy is the capacity of the deferred-text buffer that settle always
// keeps for the next text. A bigger one is kept while text keeps coming
// (so a stream does not reallocate it on every settle) and let go by the
// first reader that finds nothing new deferred since the last settle.
const keepLazy = 64 << 10

// plainBytes marks the bytes that may be deferred: printable ASCII, CR,
// LF and HT. None of them changes the pen, modes, margins or charsets. It
// is never written after initialisation.
var plainBytes = func() (t [256]bool) {
	for b := 0x20; b < 0x7f; b++ {
		t[b] = true
	}
	t['\r'], t['\n'], t['\t'] = true, true, true
	return t
}()

// plainPrefix returns the length of the plain text p starts with.
//
// It tests 32 bytes at a time with outside, which marks the bytes that
// are not printable ASCII exactly (no carry or borrow crosses a byte).
// Text has a CR LF every line or so and nothing else outside, so only the
// few marked bytes are looked up in plainBytes. This scan is most of the
// emulator's time on plain text: 5–6 GB/s (BenchmarkPlainPrefix), against
// about 4.4 for 16 bytes at a time; with the exact eight-byte test it
// replaces, the emulator wrote plain text at 1.5 GB/s, with this at 2.6.
func plainPrefix(p []byte) int {
	i := 0
	for ; i+32 <= len(p); i += 32 {
		q := p[i : i+32]
		a := outside(binary.LittleEndian.Uint64(q[0:]))
		b := outside(binary.LittleEndian.Uint64(q[8:]))
		c := outside(binary.LittleEndian.Uint64(q[16:]))
		d := outside(binary.LittleEndian.Uint64(q[24:]))
		if a|b|c|d == 0 {
			continue
		}
		for j, m := range [4]uint64{a, b, c, d} {
			if k := firstNotPlain(q[8*j:], m); k < 8 {
				return i + 8*j + k
			}
		}
	}
	for ; i < len(p); i++ {
		if !plainBytes[p[i]] {
			return i
		}
	}
	return len(p)
}

// Byte-lane constants for outside.
const (
	lanes1  = 0x0101010101010101
	lanesHi = 0x8080808080808080
	lanesLo = 0x7f7f7f7f7f7f7f7f
)

// outside marks w's lanes (bytes, little-endian) that are not printable
// ASCII (under 0x20, or at or over 0x7f) by their high bit.
func outside(w uint64) uint64 {
	atLeast20 := (w | lanesHi) - 0x20*lanes1 // high bit: low seven bits ≥ 0x20
	is7f := w&lanesLo + lanes1               // high bit: low seven bits = 0x7f
	return (^atLeast20 | is7f | w) & lanesHi
}

// firstNotPlain returns the first lane marked in m whose byte in p is not
// plain (CR, LF and HT are outside printable ASCII but plain), or 8.
func firstNotPlain(p []byte, m uint64) int {
	for ; m != 0; m &= m - 1 {
		if k := bits.TrailingZeros64(m) >> 3; !plainBytes[p[k]] {
			return k
		}
	}
	return 8
}

// canDefer reports whether plain text written now may be deferred: in the
// ground state, with the whole screen as the scroll region and neither
// insert nor new-line mode (which would make LF or printing depend on
// more than the cursor column).
func (s *Screen) canDefer() bool {
	return !s.noLazy && s.str == strNone && s.utf8n == 0 && s.parser.State() == parser.GroundState &&
		s.top == 0 && s.bottom == s.rows-1 && !s.modes.Insert && !s.modes.NewLine
}

// keepLines is how many LFs must follow a cut for the text before it to
// be dropped (see the top of this file).
func (s *Screen) keepLines() int {
	n := 2 * s.rows
	if s.buf == &s.main {
		n += s.sb.max
	}
	return n
}

// deferText keeps plain text p for later, dropping what can no longer be
// seen.
func (s *Screen) deferText(p []byte) {
	s.lazyLFs += bytes.Count(p, []byte{'\n'})
	s.lazy = append(s.lazy, p...)
	keep := s.keepLines()
	if s.lazyLFs >= 2*keep {
		s.cutLazy(keep)
	}
	if len(s.lazy) >= maxLazy {
		// Cut what can be cut first; emulate only text that cannot be.
		if s.lazyLFs > keep {
			s.cutLazy(keep)
		}
		if len(s.lazy) >= maxLazy/2 {
			s.settle()
		}
	}
}

// cutLazy drops deferred text up to the last CR LF that keep or more
// LFs follow.
func (s *Screen) cutLazy(keep int) {
	k := s.lazyLFs - keep // LFs 1..k may end the cut; keep or more follow them
	pos := nthLF(s.lazy, k)
	if pos < 0 {
		return
	}
	crlf := bytes.LastIndex(s.lazy[:pos+1], []byte("\r\n"))
	if crlf < 0 {
		return
	}
	// The LFs after the cut: those after LF k, and any between the last
	// CR LF and LF k.
	cut := crlf + 2
	left := s.lazyLFs - k + bytes.Count(s.lazy[cut:pos+1], []byte{'\n'})
	s.lazy = s.lazy[:copy(s.lazy, s.lazy[cut:])]
	s.lazyLFs = left
	s.lazyCut = true
}

// nthLF returns the index of the k-th LF in p (k from 1), or -1. It counts
// whole blocks first: a search per line cost a call per 80 bytes.
func nthLF(p []byte, k int) int {
	if k <= 0 {
		return -1
	}
	const block = 4096
	for i := 0; i < len(p); i += block {
		b := p[i:min(i+block, len(p))]
		c := bytes.Count(b, []byte{'\n'})
		if c < k {
			k -= c
			continue
		}
		for j := 0; ; j++ {
			j += bytes.IndexByte(b[j:], '\n')
			if k--; k == 0 {
				return i + j
			}
		}
	}
	return -1
}

// lockSettled locks the screen and emulates the deferred text: what every
// method that reads the screen, or changes it other than by writing,
// starts with. The caller unlocks s.mu.
func (s *Screen) lockSettled() {
	s.mu.Lock()
	if len(s.lazy) == 0 && cap(s.lazy) > keepLazy {
		s.lazy = nil // the stream that needed a big buffer has paused
	}
	s.settle()
}

// settle emulates the deferred text, if any (see lockSettled; write calls
// it before anything but plain text).
func (s *Screen) settle() {
	if len(s.lazy) == 0 {
		return
	}
	p := s.lazy
	if s.lazyCut {
		// Start from a blank screen, cursor on the last row, column 0:
		// what was there is pushed out by the kept text (see above).
		for y := range s.rows {
			s.buf.peek(y).clear(0)
		}
		s.x, s.y, s.pending = 0, s.rows-1, false
		s.lastValid, s.repeatW = false, 0
	}
	s.lazy, s.lazyLFs, s.lazyCut = nil, 0, false
	s.process(p)
	s.lazy = p[:0] // see keepLazy and lockSettled for when it goes
}
