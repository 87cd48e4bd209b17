package vt

// Modes is the set of terminal modes a Screen tracks: what the remote
// program has switched on or off. Render re-applies all of them to the real
// terminal on re-attach.
type Modes struct {
	AppCursorKeys  bool // DECCKM, CSI ? 1 h
	AppKeypad      bool // DECKPAM (ESC =) / DECKPNM (ESC >), or CSI ? 66 h
	ReverseVideo   bool // DECSCNM, CSI ? 5 h
	Origin         bool // DECOM, CSI ? 6 h
	Autowrap       bool // DECAWM, CSI ? 7 h (on by default)
	Insert         bool // IRM, CSI 4 h
	NewLine        bool // LNM, CSI 20 h: LF also returns the carriage
	CursorVisible  bool // DECTCEM, CSI ? 25 h (on by default)
	CursorBlink    bool // CSI ? 12 h
	CursorStyle    int  // DECSCUSR parameter, 0-6 (CSI n SP q)
	AltScreen      bool // alternate screen (CSI ? 47/1047/1049 h)
	MouseTracking  int  // 0 (off), 9, 1000, 1001, 1002 or 1003: the CSI ? n h in force
	MouseEncoding  int  // 0 (default), 1005, 1006 (SGR), 1015 or 1016
	FocusEvents    bool // CSI ? 1004 h
	BracketedPaste bool // CSI ? 2004 h
	// KittyKeyboard is the active screen's current kitty keyboard protocol
	// flags (CSI > n u pushes, CSI < n u pops, CSI = n ; m u sets).
	KittyKeyboard int
	// ModifyOtherKeys is xterm's modifyOtherKeys level (CSI > 4 ; n m).
	ModifyOtherKeys int
}

// setPrivateMode performs DECSET (on) / DECRST (off) of mode n.
func (s *Screen) setPrivateMode(n int, on bool) {
	m := &s.modes
	switch n {
	case 1:
		m.AppCursorKeys = on
	case 5:
		m.ReverseVideo = on
	case 6:
		m.Origin = on
		s.moveTo(0, 0)
	case 7:
		m.Autowrap = on
		if !on {
			s.pending = false
		}
	case 9, 1000, 1001, 1002, 1003:
		// As xterm: the tracking modes exclude each other, and resetting
		// any of them turns tracking off.
		m.MouseTracking = 0
		if on {
			m.MouseTracking = n
		}
	case 12:
		m.CursorBlink = on
	case 25:
		m.CursorVisible = on
	case 47:
		s.switchScreen(on, false)
	case 1047:
		if !on && s.buf == &s.alt {
			s.alt.clear(s.eraseID)
		}
		s.switchScreen(on, false)
	case 1048:
		if on {
			s.saveCursor()
		} else {
			s.restoreCursor()
		}
	case 1049:
		if on {
			if s.buf == &s.main {
				s.saveCursor()
			}
			s.switchScreen(true, true)
		} else if s.buf == &s.alt {
			s.switchScreen(false, false)
			s.restoreCursor()
		}
	case 66:
		m.AppKeypad = on
	case 1004:
		m.FocusEvents = on
	case 1005, 1006, 1015, 1016:
		m.MouseEncoding = 0
		if on {
			m.MouseEncoding = n
		}
	case 2004:
		m.BracketedPaste = on
	}
}

// switchScreen makes the alternate (alt) or main screen active. The cursor
// and the scroll region are shared by both screens, as in xterm.
//
// The alternate screen's cells are allocated when it is first made active:
// most sessions never use it, and with a thousand sessions open its cells
// were a fifth of the dashboard's memory.
func (s *Screen) switchScreen(alt, clearAlt bool) {
	if alt {
		if len(s.alt.ring) == 0 {
			s.alt.ring, s.alt.cols = newBuffer(s.cols, s.rows).ring, s.cols
			s.alt.first = 0
		}
		s.buf = &s.alt
		if clearAlt {
			s.alt.clear(s.eraseID)
		}
	} else {
		s.buf = &s.main
	}
	s.pending = false
}

// softReset is DECSTR.
func (s *Screen) softReset() {
	m := &s.modes
	m.Insert, m.Origin, m.AppCursorKeys, m.AppKeypad = false, false, false, false
	m.CursorVisible = true
	s.top, s.bottom = 0, s.rows-1
	s.setPen(style{})
	s.charsets, s.gl = [4]charset{}, 0
	s.buf.saved = savedCursor{}
	s.pending = false
}

// kittyFlags masks the defined kitty keyboard protocol flag bits.
const kittyFlags = 0x1f

func (s *Screen) kittyPush(flags int) {
	k := s.buf.kitty
	if len(k) >= maxKittyStack {
		k = append(k[:0], k[1:]...)
	}
	s.buf.kitty = append(k, flags&kittyFlags)
}

func (s *Screen) kittyPop(n int) {
	k := s.buf.kitty
	s.buf.kitty = k[:len(k)-min(n, len(k))]
}

func (s *Screen) kittySet(flags, mode int) {
	if len(s.buf.kitty) == 0 {
		s.kittyPush(0)
	}
	top := &s.buf.kitty[len(s.buf.kitty)-1]
	flags &= kittyFlags
	switch mode {
	case 1:
		*top = flags
	case 2:
		*top |= flags
	case 3:
		*top &^= flags
	}
}
