package vt

import (
	"encoding/binary"

	"github.com/charmbracelet/x/ansi"
)

// Controls: C0 controls, escape sequences and the cursor movements they
// share with CSI sequences (csi.go).

// inertC0 has bit b set for the C0 controls execute does nothing with
// but end a grapheme and REP: all but BS, HT, LF, VT, FF, CR, SO, SI (8-15)
// and ESC (27).
const inertC0 uint32 = 0xF7FF00FF

// inert reports whether b is a control that changes nothing on a passive
// screen (see execute) other than ending the last grapheme.
func inert(b byte) bool {
	return b == ansi.DEL || (b < 0x20 && inertC0>>b&1 == 1)
}

// inertRun returns the length of the run of inert controls p starts with.
// NUL fill (`head -c … /dev/zero`, padding) is skipped 32 and 8 bytes at
// a time: byte by byte it cost more than the rest of the path.
func inertRun(p []byte) int {
	i := 0
	for i < len(p) {
		switch {
		case i+32 <= len(p) && nul32(p[i:i+32]):
			i += 32
		case i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:]) == 0:
			i += 8
		case inert(p[i]):
			i++
		default:
			return i
		}
	}
	return i
}

// nul32 reports whether the 32 bytes of q are all NUL.
func nul32(q []byte) bool {
	return binary.LittleEndian.Uint64(q[0:])|binary.LittleEndian.Uint64(q[8:])|
		binary.LittleEndian.Uint64(q[16:])|binary.LittleEndian.Uint64(q[24:]) == 0
}

// execute performs a C0 control.
func (s *Screen) execute(b byte) {
	s.lastValid = false
	switch b {
	case ansi.BS:
		s.pending = false
		if s.x > 0 {
			s.x--
		}
	case ansi.HT:
		s.tabForward(1)
	case ansi.LF, ansi.VT, ansi.FF:
		s.index()
		if s.modes.NewLine {
			s.carriageReturn()
		}
	case ansi.CR:
		s.carriageReturn()
	case ansi.SO:
		s.gl = 1
	case ansi.SI:
		s.gl = 0
	}
	// BEL, NUL, ENQ, CAN, SUB, DEL... nothing to do for a passive screen.
	s.repeatW = 0
}

// handleESC performs an escape sequence (ESC [intermediate] final).
func (s *Screen) handleESC(cmd ansi.Cmd) {
	s.lastValid = false
	s.repeatW = 0
	final := cmd.Final()
	switch cmd.Intermediate() {
	case 0:
		switch final {
		case '7':
			s.saveCursor()
		case '8':
			s.restoreCursor()
		case 'D': // IND
			s.index()
		case 'E': // NEL
			s.index()
			s.carriageReturn()
		case 'H': // HTS
			s.tabs[s.x] = true
		case 'M': // RI
			s.reverseIndex()
		case 'c': // RIS
			s.reset()
		case '=':
			s.modes.AppKeypad = true
		case '>':
			s.modes.AppKeypad = false
		case 'n': // LS2
			s.gl = 2
		case 'o': // LS3
			s.gl = 3
		}
	case '(', ')', '*', '+':
		s.charsets[cmd.Intermediate()-'('] = charsetFor(final)
	case '#':
		if final == '8' {
			s.alignmentTest()
		}
	}
}

// alignmentTest is DECALN: fill the screen with E, reset margins, home.
func (s *Screen) alignmentTest() {
	for i := range s.buf.ring {
		l := s.buf.line(i) // every row, in whichever order
		for x := range l.cells {
			l.cells[x] = cell{r: 'E'}
		}
		l.wrapped = false
	}
	s.top, s.bottom = 0, s.rows-1
	s.modes.Origin = false
	s.x, s.y, s.pending = 0, 0, false
}

func (s *Screen) carriageReturn() {
	s.x = 0
	s.pending = false
}

// index moves the cursor down one line, scrolling the region up when it is
// on the bottom margin. It reports whether the cursor line changed (moved
// or scrolled).
func (s *Screen) index() bool {
	s.pending = false
	switch {
	case s.y == s.bottom:
		s.scrollUp(s.top, s.bottom, 1)
	case s.y < s.rows-1:
		s.y++
	default:
		return false
	}
	return true
}

// reverseIndex moves the cursor up one line, scrolling the region down
// when it is on the top margin.
func (s *Screen) reverseIndex() {
	s.pending = false
	switch {
	case s.y == s.top:
		s.scrollDown(s.top, s.bottom, 1)
	case s.y > 0:
		s.y--
	}
}

func (s *Screen) tabForward(n int) {
	s.pending = false
	for ; n > 0 && s.x < s.cols-1; n-- {
		s.x++
		for s.x < s.cols-1 && !s.tabs[s.x] {
			s.x++
		}
	}
}

func (s *Screen) tabBackward(n int) {
	s.pending = false
	for ; n > 0 && s.x > 0; n-- {
		s.x--
		for s.x > 0 && !s.tabs[s.x] {
			s.x--
		}
	}
}

// saveCursor is DECSC: it saves into the active buffer's slot, as xterm.
func (s *Screen) saveCursor() {
	s.buf.saved = savedCursor{
		x: s.x, y: s.y, pending: s.pending, pen: s.pen,
		origin: s.modes.Origin, charsets: s.charsets, gl: s.gl,
	}
}

// restoreCursor is DECRC.
func (s *Screen) restoreCursor() {
	sc := s.buf.saved
	s.setPen(sc.pen)
	s.modes.Origin = sc.origin
	s.charsets, s.gl = sc.charsets, sc.gl
	s.x, s.y = min(max(sc.x, 0), s.cols-1), min(max(sc.y, 0), s.rows-1)
	if s.modes.Origin {
		s.y = min(max(s.y, s.top), s.bottom)
	}
	s.pending = sc.pending && s.modes.Autowrap && s.x == s.cols-1
}
