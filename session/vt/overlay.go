package vt

// overlayBegin prepares the real terminal for drawing sshdash's own text
// (a status bar) anywhere on it: origin mode off, so a cursor position is
// absolute; ASCII in G0 invoked into GL, so text is not drawn as line
// graphics; SGR reset.
const overlayBegin = "\x1b[?6l\x1b(B\x0f\x1b[0m"

// Overlay wraps p, bytes that draw over the attached terminal (for
// example a status line on a row the remote program does not use), so
// that afterwards the real terminal is back in the state this screen
// emulates: origin mode, character sets, cursor position (including a
// pending wrap), SGR pen and cursor visibility. p must leave SGR reset.
// The caller writes the result between complete output writes.
func (s *Screen) Overlay(p []byte) []byte {
	s.lockSettled()
	defer s.mu.Unlock()
	r := renderer{s: s, out: make([]byte, 0, len(p)+len(overlayBegin)+64)}
	r.out = append(r.out, overlayBegin...)
	r.out = append(r.out, p...)
	// What the terminal now has: G0 ASCII in GL, G1–G3 as emulated, pen reset.
	r.cs = s.charsets
	r.cs[0], r.gl = csASCII, 0
	if s.modes.Origin {
		r.out = append(r.out, "\x1b[?6h"...)
	}
	r.placeCursor(s.buf, s.x, s.y, s.pending, s.modes.Origin)
	r.setPen(s.pen)
	r.charsets(s.charsets, s.gl)
	if s.modes.CursorVisible {
		r.out = append(r.out, "\x1b[?25h"...)
	} else {
		r.out = append(r.out, "\x1b[?25l"...)
	}
	return r.out
}
