package vt

import "github.com/charmbracelet/x/ansi"

// CSI dispatch and the screen operations it drives (cursor movement,
// erasing, inserting/deleting, scrolling).

// maxParam bounds numeric parameters; counts are further bounded by the
// screen size wherever they are used.
const maxParam = 65535

// param returns parameter i, or def when it is missing; a present
// parameter is clamped to [0, maxParam].
func param(ps ansi.Params, i, def int) int {
	if i < 0 || i >= len(ps) {
		return def
	}
	v := ps[i].Param(-1)
	if v < 0 {
		return def
	}
	return min(v, maxParam)
}

// count returns parameter i as a repeat count: missing or 0 means 1.
func count(ps ansi.Params, i int) int {
	return max(param(ps, i, 1), 1)
}

// handleCSI performs a control sequence.
func (s *Screen) handleCSI(cmd ansi.Cmd, ps ansi.Params) {
	final, prefix, inter := cmd.Final(), cmd.Prefix(), cmd.Intermediate()
	if prefix == 0 && inter == 0 {
		switch final {
		case 'm': // SGR keeps the grapheme/REP state: colours may change mid-word
			s.sgr(ps)
			return
		case 'b':
			s.repeatLast(count(ps, 0))
			return
		}
	}
	s.lastValid = false
	s.repeatW = 0
	switch {
	case prefix == 0 && inter == 0:
		s.csiPlain(final, ps)
	case prefix == '?' && inter == 0:
		switch final {
		case 'h', 'l':
			for i := range ps {
				s.setPrivateMode(param(ps, i, 0), final == 'h')
			}
		case 'J': // DECSED, treated as ED
			s.eraseDisplay(param(ps, 0, 0))
		case 'K': // DECSEL, treated as EL
			s.eraseLine(param(ps, 0, 0))
		}
	case prefix == '>' && inter == 0:
		switch final {
		case 'm': // XTMODKEYS: CSI > 4 ; n m sets modifyOtherKeys
			if param(ps, 0, -1) == 4 {
				s.modes.ModifyOtherKeys = param(ps, 1, 0)
			}
		case 'u':
			s.kittyPush(param(ps, 0, 0))
		}
	case prefix == '<' && inter == 0 && final == 'u':
		s.kittyPop(count(ps, 0))
	case prefix == '=' && inter == 0 && final == 'u':
		s.kittySet(param(ps, 0, 0), param(ps, 1, 1))
	case prefix == 0 && inter == ' ' && final == 'q': // DECSCUSR
		if n := param(ps, 0, 0); n <= 6 {
			s.modes.CursorStyle = n
		}
	case prefix == 0 && inter == '!' && final == 'p': // DECSTR
		s.softReset()
	}
	// Everything else (DSR, DA, DECRQM, XTVERSION, window ops other than
	// the title stack, ...) is a query or irrelevant to a passive screen.
}

func (s *Screen) csiPlain(final byte, ps ansi.Params) {
	switch final {
	case '@': // ICH
		s.pending = false
		s.cur().insertBlanks(s.x, count(ps, 0), s.eraseID)
	case 'A': // CUU
		s.cursorUp(count(ps, 0))
	case 'B', 'e': // CUD, VPR
		s.cursorDown(count(ps, 0))
	case 'C', 'a': // CUF, HPR
		s.pending = false
		s.x = min(s.x+count(ps, 0), s.cols-1)
	case 'D': // CUB
		s.pending = false
		s.x = max(s.x-count(ps, 0), 0)
	case 'E': // CNL
		s.cursorDown(count(ps, 0))
		s.x = 0
	case 'F': // CPL
		s.cursorUp(count(ps, 0))
		s.x = 0
	case 'G', '`': // CHA, HPA
		s.pending = false
		s.x = min(count(ps, 0)-1, s.cols-1)
	case 'H', 'f': // CUP, HVP
		s.moveTo(count(ps, 1)-1, count(ps, 0)-1)
	case 'I': // CHT
		s.tabForward(count(ps, 0))
	case 'J': // ED
		s.eraseDisplay(param(ps, 0, 0))
	case 'K': // EL
		s.eraseLine(param(ps, 0, 0))
	case 'L': // IL
		if s.y >= s.top && s.y <= s.bottom {
			s.scrollDown(s.y, s.bottom, count(ps, 0))
			s.carriageReturn()
		}
	case 'M': // DL
		if s.y >= s.top && s.y <= s.bottom {
			s.scrollUpNoSave(s.y, s.bottom, count(ps, 0))
			s.carriageReturn()
		}
	case 'P': // DCH
		s.pending = false
		s.cur().deleteCells(s.x, count(ps, 0), s.eraseID)
	case 'S': // SU
		s.scrollUp(s.top, s.bottom, count(ps, 0))
	case 'T': // SD (with more than one parameter it is xterm's mouse highlight)
		if len(ps) <= 1 {
			s.scrollDown(s.top, s.bottom, count(ps, 0))
		}
	case 'X': // ECH
		s.pending = false
		s.cur().erase(s.x, s.x+count(ps, 0), s.eraseID)
	case 'Z': // CBT
		s.tabBackward(count(ps, 0))
	case 'd': // VPA
		s.moveTo(s.x, count(ps, 0)-1)
	case 'g': // TBC
		switch param(ps, 0, 0) {
		case 0:
			s.tabs[s.x] = false
		case 3:
			clear(s.tabs)
		}
	case 'h', 'l': // SM, RM
		for i := range ps {
			switch param(ps, i, 0) {
			case 4:
				s.modes.Insert = final == 'h'
			case 20:
				s.modes.NewLine = final == 'h'
			}
		}
	case 'r': // DECSTBM
		top := count(ps, 0)
		bottom := param(ps, 1, 0)
		if bottom == 0 || bottom > s.rows {
			bottom = s.rows
		}
		if top < bottom {
			s.top, s.bottom = top-1, bottom-1
			s.moveTo(0, 0)
		}
	case 's': // SCOSC
		s.saveCursor()
	case 'u': // SCORC
		s.restoreCursor()
	case 't': // window ops: only the title stack matters here
		if w := param(ps, 1, 0); w == 0 || w == 2 {
			switch param(ps, 0, 0) {
			case 22:
				if len(s.titles) == maxTitleStack {
					s.titles = append(s.titles[:0], s.titles[1:]...)
				}
				s.titles = append(s.titles, s.title)
			case 23:
				if n := len(s.titles); n > 0 {
					s.title = s.titles[n-1]
					s.titles = s.titles[:n-1]
				}
			}
		}
	}
}

func (s *Screen) cursorUp(n int) {
	s.pending = false
	lo := 0
	if s.y >= s.top {
		lo = s.top
	}
	s.y = max(s.y-n, lo)
}

func (s *Screen) cursorDown(n int) {
	s.pending = false
	hi := s.rows - 1
	if s.y <= s.bottom {
		hi = s.bottom
	}
	s.y = min(s.y+n, hi)
}

// moveTo moves to column x, row y; in origin mode y is relative to the
// scroll region and confined to it.
func (s *Screen) moveTo(x, y int) {
	s.pending = false
	s.x = min(max(x, 0), s.cols-1)
	if s.modes.Origin {
		s.y = min(max(y+s.top, s.top), s.bottom)
	} else {
		s.y = min(max(y, 0), s.rows-1)
	}
}

func (s *Screen) eraseDisplay(mode int) {
	s.pending = false
	sid := s.eraseID
	b := s.buf
	switch mode {
	case 0:
		b.line(s.y).erase(s.x, s.cols, sid)
		for i := s.y + 1; i < s.rows; i++ {
			b.clearLine(b.peek(i), sid)
		}
	case 1:
		for i := 0; i < s.y; i++ {
			b.clearLine(b.peek(i), sid)
		}
		b.line(s.y).erase(0, s.x+1, sid)
	case 2:
		s.buf.clear(sid)
	case 3:
		s.sb.clear()
	}
}

func (s *Screen) eraseLine(mode int) {
	s.pending = false
	sid := s.eraseID
	l := s.cur()
	switch mode {
	case 0:
		l.erase(s.x, s.cols, sid)
	case 1:
		l.erase(0, s.x+1, sid)
	case 2:
		l.erase(0, s.cols, sid)
	}
}

// scrollUp scrolls rows top..bottom up by n, blank lines entering at the
// bottom. Lines leaving the top of the full main screen go to the
// scrollback.
func (s *Screen) scrollUp(top, bottom, n int) {
	if s.buf == &s.main && top == 0 && bottom == s.rows-1 {
		n = min(n, bottom-top+1)
		for i := range n {
			s.sb.push(s.buf.peek(i))
		}
	}
	s.scrollUpNoSave(top, bottom, n)
}

func (s *Screen) scrollUpNoSave(top, bottom, n int) {
	if top == 0 && bottom == s.rows-1 && n < s.rows {
		// The whole screen: turn the ring, clear what enters at the bottom.
		s.buf.advance(n)
		sid := s.eraseID
		for i := s.rows - n; i < s.rows; i++ {
			s.buf.clearLine(s.buf.peek(i), sid)
		}
		return
	}
	region := s.buf.lines()[top : bottom+1]
	n = min(n, len(region))
	rotate(region, n)
	sid := s.eraseID
	for i := len(region) - n; i < len(region); i++ {
		s.buf.clearLine(&region[i], sid)
	}
}

// scrollDown scrolls rows top..bottom down by n, blank lines entering at
// the top and lines pushed past the bottom discarded.
func (s *Screen) scrollDown(top, bottom, n int) {
	region := s.buf.lines()[top : bottom+1]
	n = min(n, len(region))
	rotate(region, len(region)-n)
	sid := s.eraseID
	for i := range n {
		s.buf.clearLine(&region[i], sid)
	}
}

// rotate rotates ls left by k in place (no allocation), so line buffers
// are reused rather than reallocated when scrolling.
func rotate(ls []line, k int) {
	if k <= 0 || k >= len(ls) {
		return
	}
	if k <= len(rotateTmp{}) { // scrolling by a few lines: one move
		var tmp rotateTmp
		copy(tmp[:], ls[:k])
		copy(ls, ls[k:])
		copy(ls[len(ls)-k:], tmp[:k])
		return
	}
	reverse(ls[:k])
	reverse(ls[k:])
	reverse(ls)
}

// rotateTmp holds the lines a small rotate moves round.
type rotateTmp [4]line

func reverse(ls []line) {
	for i, j := 0, len(ls)-1; i < j; i, j = i+1, j-1 {
		ls[i], ls[j] = ls[j], ls[i]
	}
}
