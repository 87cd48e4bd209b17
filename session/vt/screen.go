package vt

import (
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
)

// Size limits. Resize and New clamp to them so a bogus window size cannot
// make a Screen allocate without bound.
const (
	MaxCols = 2048 // widest screen, in cells
	MaxRows = 1024 // tallest screen, in lines
)

// Screen is an emulated terminal screen. Feed it the output of a remote
// program with Write; read it back with Render (a redraw for a real
// terminal), Lines/StyledLines (previews) and the accessors.
//
// A Screen is passive: it never answers queries (DSR, DA, ...); the real
// terminal that is attached later does. All methods are safe for
// concurrent use.
type Screen struct {
	// mu guards every field below. Write (called by the session's reader
	// goroutine) holds it for a whole chunk; the parser callbacks run
	// inside Write with it held; every reader (Render, Lines, Cursor, ...)
	// and Resize/Reset take it too.
	mu sync.Mutex

	cols, rows int
	main, alt  buffer
	buf        *buffer // active buffer: &main or &alt
	sb         scrollback

	x, y        int  // cursor, 0-based, always inside the screen
	pending     bool // pending wrap (xterm's do_wrap); implies x == cols-1 and autowrap
	pen         style
	charsets    [4]charset // G0..G3
	gl          uint8      // which of G0..G3 is invoked into GL (SI/SO/LS2/LS3)
	top, bottom int        // scroll region, inclusive rows
	tabs        []bool     // tab stop at column i
	modes       Modes      // AltScreen and KittyKeyboard are derived, not stored
	title       string
	titles      []string // title stack (CSI 22 t / CSI 23 t)
	// cursorColor: the remote set the cursor colour (OSC 12) and has not
	// reset it (OSC 112). Not part of the power-on state: RIS and Reset
	// leave it, so Leave resets a colour a lost shell set.
	cursorColor bool

	// Grapheme state: the cell the next rune may join (combining marks,
	// ZWJ sequences, skin tones...), valid only right after a print.
	lastValid    bool
	lastX, lastY int
	// repeat is the content code and width of the last printed
	// grapheme, for REP (CSI b); repeatW == 0: none.
	repeat  rune
	repeatW int
	// clusters interns the multi-rune graphemes cells refer to; styles
	// the styles (id 0: default). penID and eraseID are the ids of the
	// pen and of the erase style (style{bg: pen.bg}), kept with the pen
	// by setPen.
	clusters       clusterTable
	styles         styleTable
	penID, eraseID uint16

	// Input state: escape-sequence parser, a partial UTF-8 character, and
	// the string (OSC/DCS/APC/PM/SOS) being consumed.
	parser  *ansi.Parser
	utf8    [utf8.UTFMax]byte
	utf8n   int
	str     strKind
	strBuf  []byte
	scratch []byte

	// Deferred plain text (lazy.go): not yet emulated, the oldest
	// possibly dropped (lazyCut). noLazy turns deferral off (tests).
	lazy    []byte
	lazyLFs int
	lazyCut bool
	noLazy  bool
}

// Option configures a Screen.
type Option func(*options)

type options struct {
	scrollback int
	noLazy     bool // emulate every byte as it comes (tests compare against this)
}

// WithScrollback sets how many lines of scrollback the Screen keeps
// (DefaultScrollback by default; 0 disables it).
func WithScrollback(n int) Option {
	return func(o *options) { o.scrollback = max(0, n) }
}

func clampSize(cols, rows int) (int, int) {
	return min(max(cols, 1), MaxCols), min(max(rows, 1), MaxRows)
}

// New returns a blank cols×rows screen (clamped to 1..MaxCols, 1..MaxRows)
// with the cursor at the top left.
func New(cols, rows int, opts ...Option) *Screen {
	o := options{scrollback: DefaultScrollback}
	for _, opt := range opts {
		opt(&o)
	}
	cols, rows = clampSize(cols, rows)
	s := &Screen{cols: cols, rows: rows}
	s.sb.max = o.scrollback
	s.noLazy = o.noLazy
	s.clusters.max, s.styles.max = maxClusters, maxStyles
	s.resetTables()
	s.parser = new(ansi.Parser)
	s.parser.SetParamsSize(parser.MaxParamsSize)
	s.parser.SetDataSize(16) // strings are collected by us, see input.go
	s.parser.SetHandler(ansi.Handler{
		Print:     s.printRune,
		Execute:   s.execute,
		HandleCsi: s.handleCSI,
		HandleEsc: s.handleESC,
	})
	s.reset()
	return s
}

// reset puts everything but the scrollback, the title and the size back
// to the power-on state (RIS).
func (s *Screen) reset() {
	s.main = newBuffer(s.cols, s.rows)
	s.alt = buffer{} // allocated when first used (see switchScreen)
	s.buf = &s.main
	s.x, s.y, s.pending = 0, 0, false
	s.pen, s.penID, s.eraseID = style{}, 0, 0
	s.charsets = [4]charset{}
	s.gl = 0
	s.top, s.bottom = 0, s.rows-1
	s.tabs = make([]bool, s.cols)
	for i := range s.tabs {
		s.tabs[i] = i%8 == 0
	}
	s.modes = Modes{Autowrap: true, CursorVisible: true}
	s.titles = nil
	s.lastValid = false
	s.repeat, s.repeatW = 0, 0
}

// Reset returns the screen to the state New created it in (same size and
// scrollback limit): blank screens, no scrollback, no title, default modes.
func (s *Screen) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lazy, s.lazyLFs, s.lazyCut = nil, 0, false
	s.reset()
	s.sb.clear()
	s.resetTables()
	s.title = ""
	s.parser.Reset()
	s.utf8n = 0
	s.str = strNone
	s.strBuf = s.strBuf[:0]
}

// Size returns the screen size in cells.
func (s *Screen) Size() (cols, rows int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cols, s.rows
}

// Cursor returns the cursor position (0-based column and row) and whether
// the remote program wants it visible.
func (s *Screen) Cursor() (x, y int, visible bool) {
	s.lockSettled()
	defer s.mu.Unlock()
	return s.x, s.y, s.modes.CursorVisible
}

// Title returns the window title last set by the remote (OSC 0 or 2).
func (s *Screen) Title() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.title
}

// AltScreen reports whether the remote program is on the alternate screen
// (full-screen programs such as vim, less, htop).
func (s *Screen) AltScreen() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf == &s.alt
}

// Modes returns the terminal modes the remote program has set.
func (s *Screen) Modes() Modes {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modesLocked()
}

func (s *Screen) modesLocked() Modes {
	m := s.modes
	m.AltScreen = s.buf == &s.alt
	if k := s.buf.kitty; len(k) > 0 {
		m.KittyKeyboard = k[len(k)-1]
	}
	return m
}

// Resize changes the screen size, like xterm without reflow: lines are cut
// or padded on the right; when rows shrink, lines above the cursor scroll
// off the top (into the scrollback for the main screen) so that the cursor
// line stays visible, and lines below are dropped. The scroll region is
// reset and the cursor kept in bounds.
func (s *Screen) Resize(cols, rows int) {
	cols, rows = clampSize(cols, rows)
	s.lockSettled()
	defer s.mu.Unlock()
	if cols == s.cols && rows == s.rows {
		return
	}
	for _, b := range []*buffer{&s.main, &s.alt} {
		anchor := &b.saved.y
		if b == s.buf {
			anchor = &s.y
		}
		shift := max(0, *anchor-(rows-1))
		if len(b.ring) == 0 { // an alternate screen never used
			shift = 0
		}
		gone := b.resize(cols, rows, shift)
		if b == &s.main {
			for i := range gone {
				s.sb.push(&gone[i])
			}
		}
		*anchor -= shift
		b.saved.x = min(b.saved.x, cols-1)
		b.saved.y = min(max(b.saved.y, 0), rows-1)
		b.saved.pending = false
	}
	for len(s.tabs) < cols {
		s.tabs = append(s.tabs, len(s.tabs)%8 == 0)
	}
	s.tabs = s.tabs[:cols]
	s.cols, s.rows = cols, rows
	s.x, s.y = min(s.x, cols-1), min(max(s.y, 0), rows-1)
	s.pending = false
	s.top, s.bottom = 0, rows-1
	s.lastValid = false
}

// cur returns the line the cursor is on.
func (s *Screen) cur() *line { return s.buf.line(s.y) }
