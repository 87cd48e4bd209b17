package vt

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
)

// Input handling. Bytes reach the screen through a small front end around
// ansi.Parser:
//
//   - In the ground state we decode text ourselves: runs of printable ASCII
//     go straight to the printer, and bytes >= 0x80 are decoded as UTF-8
//     (invalid input becomes U+FFFD, a character split across Write calls
//     is carried over). 8-bit C1 controls are not recognised, as in UTF-8
//     terminals; this also keeps ansi.Parser out of its UTF-8 state, which
//     would swallow an ESC in the middle of a broken character.
//   - Escape, CSI and DCS headers go byte by byte through ansi.Parser, which
//     calls handleESC/handleCSI/execute. A byte >= 0x80 there aborts the
//     sequence; an ESC always starts a new one.
//   - Once the parser enters a string state (OSC, DCS data, SOS, PM, APC)
//     we take over until BEL (OSC only), ESC, CAN or SUB, keeping at most
//     maxString bytes of an OSC and nothing of the others.

// strKind says which control string is being consumed.
type strKind uint8

const (
	strNone   strKind = iota
	strOSC            // OSC: collected, dispatched on BEL or ESC
	strIgnore         // DCS data, SOS, PM, APC: dropped
)

// maxString bounds how much of an OSC string is kept.
const maxString = 4096

// maxTitle bounds the stored window title (bytes).
const maxTitle = 1024

// maxTitleStack bounds the CSI 22 t title stack, as xterm does.
const maxTitleStack = 10

// Write feeds output of the remote program to the screen. It never fails
// and always consumes all of p; sequences may be split across calls at any
// byte.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.write(p)
	return len(p), nil
}

func (s *Screen) write(p []byte) {
	for len(p) > 0 {
		if s.canDefer() {
			if n := plainPrefix(p); n > 0 {
				s.deferText(p[:n])
				p = p[n:]
				continue
			}
		}
		s.settle()
		// Emulate through the end of the line, then look again: plain
		// text after escape sequences may be deferred from the next line.
		n := len(p)
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			n = i + 1
		}
		s.process(p[:n])
		p = p[n:]
	}
}

// process emulates p, byte by byte in effect (see write for deferral).
func (s *Screen) process(p []byte) {
	for i := 0; i < len(p); {
		if s.str == strNone && s.utf8n == 0 && s.parser.State() == parser.GroundState {
			i += s.writeGround(p[i:])
		} else {
			i += s.writeStep(p[i:])
		}
	}
}

// writeGround consumes p in the ground state, the state almost all output
// is in, without rechecking the state for every byte: text and C0
// controls never leave it. It returns at an ESC (after handing it to the
// parser) or at a UTF-8 character split across writes, and reports how
// many bytes it consumed.
func (s *Screen) writeGround(p []byte) int {
	for i := 0; i < len(p); {
		b := p[i]
		switch {
		case b >= 0x20 && b < 0x7f:
			j := i + 1
			for j < len(p) && p[j] >= 0x20 && p[j] < 0x7f {
				j++
			}
			s.printASCII(p[i:j])
			i = j
		case b == ansi.ESC:
			s.parser.Advance(b)
			return i + 1
		case inert(b):
			// A run of controls that change nothing on a passive screen
			// (NUL fill, BEL, ...) is one step, not one call per byte.
			s.lastValid, s.repeatW = false, 0
			i += inertRun(p[i:])
		case b < 0x20 || b == ansi.DEL:
			s.execute(b)
			i++
		default: // UTF-8
			if !utf8.FullRune(p[i:]) {
				s.utf8n = copy(s.utf8[:], p[i:])
				return len(p)
			}
			r, size := utf8.DecodeRune(p[i:])
			s.printRune(r)
			i += size
		}
	}
	return len(p)
}

// writeStep consumes the first byte(s) of p outside the ground state: a
// control string, a partial UTF-8 character or an escape sequence.
func (s *Screen) writeStep(p []byte) int {
	switch b := p[0]; {
	case s.str != strNone:
		return s.consumeString(p)
	case s.utf8n > 0:
		s.utf8[s.utf8n] = b
		s.utf8n++
		if !utf8.FullRune(s.utf8[:s.utf8n]) {
			return 1
		}
		r, size := utf8.DecodeRune(s.utf8[:s.utf8n])
		var rest [utf8.UTFMax]byte
		n := copy(rest[:], s.utf8[size:s.utf8n])
		s.utf8n = 0
		s.printRune(r)
		if n > 0 { // bytes that turned out not to belong: reprocess
			s.process(rest[:n])
		}
		return 1
	default: // in an escape sequence
		if b >= 0x80 { // abort the sequence, treat as text
			s.parser.Reset()
			return 0
		}
		if b == ansi.ESC {
			s.parser.Reset()
		}
		s.parser.Advance(b)
		s.afterAdvance()
		return 1
	}
}

// afterAdvance takes over control strings from the parser.
func (s *Screen) afterAdvance() {
	switch s.parser.State() {
	case parser.OscStringState:
		s.str = strOSC
	case parser.DcsStringState, parser.SosStringState, parser.PmStringState, parser.ApcStringState:
		s.str = strIgnore
	default:
		return
	}
	s.strBuf = s.strBuf[:0]
	s.parser.Reset()
}

// consumeString eats bytes of a control string and returns how many.
func (s *Screen) consumeString(p []byte) int {
	for i, b := range p {
		switch b {
		case ansi.BEL:
			if s.str == strOSC {
				s.dispatchOSC()
				s.str = strNone
				return i + 1
			}
		case ansi.CAN, ansi.SUB:
			s.str = strNone
			return i + 1
		case ansi.ESC:
			// ST is ESC \; the parser then sees ESC \ and ignores it. Any
			// other ESC also ends the string and starts a new sequence.
			if s.str == strOSC {
				s.dispatchOSC()
			}
			s.str = strNone
			s.parser.Advance(b)
			return i + 1
		default:
			if s.str == strOSC && b >= 0x20 && len(s.strBuf) < maxString {
				s.strBuf = append(s.strBuf, b)
			}
		}
	}
	return len(p)
}

func (s *Screen) dispatchOSC() {
	cmd, arg, _ := strings.Cut(string(s.strBuf), ";")
	switch cmd {
	case "0", "2":
		s.title = sanitizeTitle(arg)
	case "12":
		s.cursorColor = true
	case "112":
		s.cursorColor = false
	}
	// OSC 1 (icon name), 4/10/11/... (colours), 7 (cwd), 8 (hyperlinks),
	// 52 (clipboard), 133 (prompt marks) and the rest are ignored.
}

// sanitizeTitle keeps a title printable and bounded, so that it can be
// echoed back to a real terminal safely.
func sanitizeTitle(t string) string {
	t = strings.ToValidUTF8(t, "\uFFFD")
	t = strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return -1
		}
		return r
	}, t)
	if len(t) > maxTitle {
		t = t[:maxTitle]
		for len(t) > 0 && !utf8.ValidString(t) {
			t = t[:len(t)-1]
		}
	}
	return t
}
