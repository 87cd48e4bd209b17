package watch

// maxLine bounds the text kept of one line: a longer line is matched on
// its first maxLine bytes and the rest is skipped until its end.
const maxLine = 4096

// Parser states of lineSplitter.
const (
	stGround = iota
	stEsc    // after ESC
	stEscInt // ESC followed by intermediates (charset designation …)
	stCSI    // inside a control sequence
	stOSC    // inside an operating system command (ends with BEL or ST)
	stStr    // inside DCS, SOS, PM or APC (ends with ST)
	stStrEsc // ESC inside an OSC or string: ST if '\' follows
)

// lineSplitter turns a terminal output stream into lines of text, as a
// reader of the screen would see them: escape sequences are removed, and
// a line ends at CR, LF, VT, FF, at an index or next-line escape and at a
// control sequence that moves the cursor to another place (a full-screen
// program such as the remote tmux draws lines after cursor positioning,
// without newlines). A cursor-forward is read as a space. Its state
// carries over between calls, so a line or a sequence split across reads
// comes out whole. Empty lines are not reported.
type lineSplitter struct {
	state int
	line  []byte
	skip  bool // output was lost: text up to the next line end is dropped
}

// reset forgets a partial line and sequence: used when output was lost,
// so that text from both sides of the gap is never joined. What follows
// up to the next line end is skipped.
func (s *lineSplitter) reset() {
	s.state = stGround
	s.line = s.line[:0]
	s.skip = true
}

// clear forgets a partial line and sequence (the watchers changed).
func (s *lineSplitter) clear() {
	s.state = stGround
	s.line = s.line[:0]
	s.skip = false
}

// end reports the line so far (a long one: its first maxLine bytes).
func (s *lineSplitter) end(emit func([]byte)) {
	if len(s.line) > 0 && !s.skip {
		emit(s.line)
	}
	s.line = s.line[:0]
	s.skip = false
}

func (s *lineSplitter) text(c byte) {
	if len(s.line) < maxLine && !s.skip {
		s.line = append(s.line, c)
	}
}

// feed splits p, calling emit for each complete line (the slice is valid
// only during the call).
func (s *lineSplitter) feed(p []byte, emit func(line []byte)) {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if s.state == stGround && c >= 0x20 && c != 0x7f {
			// A run of text is taken at once.
			j := i + 1
			for j < len(p) && p[j] >= 0x20 && p[j] != 0x7f {
				j++
			}
			if !s.skip {
				if room := maxLine - len(s.line); room > 0 {
					s.line = append(s.line, p[i:min(j, i+room)]...)
				}
			}
			i = j - 1
			continue
		}
		switch s.state {
		case stGround:
			switch {
			case c == 0x1b:
				s.state = stEsc
			case c == '\r' || c == '\n' || c == '\v' || c == '\f':
				s.end(emit)
			case c == '\t':
				s.text(' ')
			case c < 0x20 || c == 0x7f:
				// BEL, BS and other controls: not text
			default:
				s.text(c)
			}
		case stEsc:
			switch {
			case c == '[':
				s.state = stCSI
			case c == ']':
				s.state = stOSC
			case c == 'P' || c == 'X' || c == '^' || c == '_':
				s.state = stStr
			case c == 'D' || c == 'E' || c == 'M':
				s.state = stGround
				s.end(emit)
			case c >= 0x20 && c <= 0x2f:
				s.state = stEscInt
			case c == 0x1b:
				// ESC ESC: still an escape
			default:
				s.state = stGround
			}
		case stEscInt:
			if c >= 0x30 && c <= 0x7e || c == 0x18 || c == 0x1a {
				s.state = stGround
			}
		case stCSI:
			switch {
			case c >= 0x40 && c <= 0x7e:
				s.state = stGround
				switch c {
				case 'H', 'f', 'A', 'B', 'E', 'F', 'G', 'd', 'J', 'r', '`':
					s.end(emit) // the cursor goes elsewhere (or the screen is cleared)
				case 'C':
					s.text(' ')
				}
			case c == 0x18 || c == 0x1a: // CAN, SUB abort the sequence
				s.state = stGround
			case c == 0x1b:
				s.state = stEsc
			}
		case stOSC, stStr:
			switch {
			case c == 0x07 && s.state == stOSC:
				s.state = stGround
			case c == 0x1b:
				s.state = stStrEsc
			case c == 0x18 || c == 0x1a:
				s.state = stGround
			}
		case stStrEsc:
			// ST (ESC \) ends it; any other escape ends it too and starts
			// anew.
			if c == '\\' {
				s.state = stGround
			} else {
				s.state = stEsc
				s.feed([]byte{c}, emit)
			}
		}
	}
}
