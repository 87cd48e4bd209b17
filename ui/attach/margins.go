package attach

import (
	"io"
	"strconv"
	"strings"
	"sync"
)

// marginWriter keeps the real terminal's scroll region off the status bar.
// The remote PTY is told it has rows-1 lines, but a remote program that
// resets its scroll region ("CSI r", RIS, DECSTR) would give the real
// terminal a full-screen region, and a line feed on the remote's last line
// would then overwrite the status bar instead of scrolling. marginWriter
// rewrites those resets to end at the remote's last line.
//
// It holds back an escape sequence, string or UTF-8 character split across
// writes until it is complete, and Pending reports that, so an overlay is
// never drawn into the middle of one.
type marginWriter struct {
	w      io.Writer
	bottom int // the remote's last line, 1-based (terminal rows - 1)

	mu   sync.Mutex // guards held
	held []byte     // an incomplete sequence from the end of the last write
}

func newMarginWriter(w io.Writer, bottom int) *marginWriter {
	return &marginWriter{w: w, bottom: bottom}
}

// Pending reports whether an incomplete sequence is held back.
func (m *marginWriter) Pending() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.held) > 0
}

// region is the scroll region covering the remote's whole screen.
func (m *marginWriter) region() string { return "\x1b[1;" + strconv.Itoa(m.bottom) + "r" }

// Write implements io.Writer; it reports len(p) when the underlying write
// succeeds.
func (m *marginWriter) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	buf := append(m.held, p...)
	m.held = nil
	var out []byte
	i := 0
	for i < len(buf) {
		c := buf[i]
		if c != 0x1b {
			if c >= 0xc0 { // start of a multi-byte UTF-8 character
				need := utf8Len(c)
				if i+need > len(buf) {
					m.held = append(m.held, buf[i:]...)
					break
				}
				out = append(out, buf[i:i+need]...)
				i += need
				continue
			}
			out = append(out, c)
			i++
			continue
		}
		n, rewritten, complete := m.sequence(buf[i:])
		if !complete {
			m.held = append(m.held, buf[i:]...)
			break
		}
		out = append(out, rewritten...)
		i += n
	}
	if _, err := m.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func utf8Len(c byte) int {
	switch {
	case c >= 0xf0:
		return 4
	case c >= 0xe0:
		return 3
	}
	return 2
}

// sequence examines the escape sequence at the start of b (b[0] is ESC).
// It returns its length, what to write instead, and whether it is complete.
func (m *marginWriter) sequence(b []byte) (n int, out []byte, complete bool) {
	if len(b) < 2 {
		return 0, nil, false
	}
	switch b[1] {
	case '[':
		j := 2
		for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
			j++
		}
		if j == len(b) {
			return 0, nil, false
		}
		seq := b[:j+1]
		params := string(b[2:j])
		switch {
		case b[j] == 'r' && !strings.ContainsAny(params, "?<=>!\"$ '"):
			return len(seq), []byte(m.clampRegion(params)), true
		case b[j] == 'p' && params == "!": // DECSTR resets the margins
			return len(seq), append(append([]byte(nil), seq...), "\x1b7"+m.region()+"\x1b8"...), true
		}
		return len(seq), seq, true
	case 'c': // RIS
		return 2, append([]byte("\x1bc"), m.region()...), true
	case ']', 'P', '_', '^', 'X': // strings, ended by BEL (OSC) or ST (ESC \)
		for j := 2; j < len(b); j++ {
			if b[j] == 0x07 && b[1] == ']' {
				return j + 1, b[:j+1], true
			}
			if b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\' {
				return j + 2, b[:j+2], true
			}
		}
		return 0, nil, false
	case '(', ')', '*', '+', '#', '%', ' ': // designations and the like: one more byte
		if len(b) < 3 {
			return 0, nil, false
		}
		return 3, b[:3], true
	}
	return 2, b[:2], true
}

// clampRegion rewrites DECSTBM parameters so the region never reaches the
// status bar: a missing or out-of-range bottom becomes the remote's last line.
func (m *marginWriter) clampRegion(params string) string {
	top, bottom := 1, m.bottom
	parts := strings.Split(params, ";")
	if v, err := strconv.Atoi(parts[0]); err == nil && v > 0 {
		top = v
	}
	if len(parts) > 1 {
		if v, err := strconv.Atoi(parts[1]); err == nil && v > 0 && v <= m.bottom {
			bottom = v
		}
	}
	if top >= bottom {
		top, bottom = 1, m.bottom
	}
	return "\x1b[" + strconv.Itoa(top) + ";" + strconv.Itoa(bottom) + "r"
}
